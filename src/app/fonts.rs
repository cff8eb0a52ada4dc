//! Fonts: egui's own, then a bundled subset of Noto Sans SC so Chinese site names, IDs and
//! headers draw as characters on a machine with no CJK font, then the system's CJK font when
//! there is one, for the rarer hanzi the subset leaves out.

use std::sync::Arc;

use eframe::egui::{self, FontData, FontDefinitions, FontFamily};

/// Noto Sans CJK SC Regular cut to the 6,763 hanzi of GB 2312, CJK punctuation and fullwidth
/// forms (OFL 1.1; `assets/fonts/OFL.txt`, rebuilt by `assets/fonts/make_subset.sh`).
const BUNDLED_CJK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312.otf");

/// System CJK fonts, best first: (path, face index in the collection).
const SYSTEM_CJK: [(&str, u32); 7] = [
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
];

/// egui's default fonts with the CJK fallbacks appended to both families.
pub fn definitions(system: bool) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let mut add = |name: &str, data: FontData| {
        fonts.font_data.insert(name.to_owned(), Arc::new(data));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(name.to_owned());
        }
    };
    add("noto-sans-sc-gb2312", FontData::from_static(BUNDLED_CJK));
    if system
        && let Some((bytes, index)) = SYSTEM_CJK
            .iter()
            .find_map(|&(path, index)| std::fs::read(path).ok().map(|b| (b, index)))
    {
        let mut data = FontData::from_owned(bytes);
        data.index = index;
        add("system-cjk", data);
    }
    fonts
}

/// Install the fonts in `ctx`, with the system's CJK font when one is found.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_glyph(fonts: FontDefinitions, c: char) -> bool {
        let ctx = egui::Context::default();
        ctx.set_fonts(fonts);
        ctx.run_ui(egui::RawInput::default(), |_| {}).textures_delta.clear();
        ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), c))
    }

    #[test]
    fn egui_alone_has_no_hanzi() {
        assert!(!has_glyph(FontDefinitions::default(), '北'));
        assert!(has_glyph(FontDefinitions::default(), 'B'));
    }

    #[test]
    fn hanzi_have_glyphs_from_the_bundled_font_alone() {
        let ctx = egui::Context::default();
        ctx.set_fonts(definitions(false));
        ctx.run_ui(egui::RawInput::default(), |_| {}).textures_delta.clear();
        let font = egui::FontId::proportional(14.0);
        for c in "北京上海受试者编号组别体重（公斤）".chars() {
            assert!(ctx.fonts_mut(|f| f.has_glyph(&font, c)), "{c} has no glyph");
        }
    }

    #[test]
    fn every_character_of_the_interface_in_both_languages_has_a_glyph_without_system_fonts() {
        let ctx = egui::Context::default();
        ctx.set_fonts(definitions(false));
        ctx.run_ui(egui::RawInput::default(), |_| {}).textures_delta.clear();
        let font = egui::FontId::proportional(14.0);
        let entries = crate::i18n::entries().expect("catalogue");
        let missing: std::collections::BTreeSet<char> = entries
            .iter()
            .flat_map(|(en, zh)| en.chars().chain(zh.chars()))
            .filter(|c| !c.is_whitespace() && !ctx.fonts_mut(|f| f.has_glyph(&font, *c)))
            .collect();
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }
}
