//! Subject attributes in clinical tables: text, sex and onset region normalised, dates, and
//! numbers converted to the standard unit.

use super::cells::{Conv, conv_for};
use super::time::DateCols;
use crate::data::parts::{Attr, FileCtx, Parts};
use crate::data::roles::{Role, RoleMatch};
use crate::data::table::RawTable;
use crate::data::values::{DateCell, Number, is_missing, parse_number};
use crate::model::{Finding, Severity};

#[derive(Clone, Copy, Debug)]
pub(super) enum AttrKind {
    Text,
    Num,
    NumConv(Conv),
    Sex,
    Region,
    Date,
    /// `yes`/`no` from yes/no, 1/0, true/false, 是/否, dead/alive.
    YesNo,
}

pub(super) fn attr_kind(m: &RoleMatch, table: &RawTable, matches: &[RoleMatch]) -> AttrKind {
    match m.role {
        Role::Sex => AttrKind::Sex,
        Role::OnsetRegion => AttrKind::Region,
        role if role.is_date() => AttrKind::Date,
        Role::Died => AttrKind::YesNo,
        Role::Age
        | Role::BirthYear
        | Role::OnsetDelta
        | Role::DeathDays
        | Role::TracheostomyDays
        | Role::NivDays
        | Role::GastrostomyDays
        | Role::LastContactDays => AttrKind::Num,
        Role::PremorbidWeight | Role::Height | Role::Weight => AttrKind::NumConv(conv_for(m, table, matches)),
        _ => AttrKind::Text,
    }
}

pub(super) fn read_attr(
    table: &RawTable,
    r: usize,
    c: usize,
    kind: AttrKind,
    dates: &DateCols,
    ctx: &FileCtx,
    parts: &mut Parts,
) -> Option<Attr> {
    let raw = table.cell(r, c).trim();
    if is_missing(raw) {
        return None;
    }
    match kind {
        AttrKind::Text => Some(Attr::Text(raw.to_owned())),
        AttrKind::Sex => Some(Attr::Text(normalize_sex(raw))),
        AttrKind::Region => Some(Attr::Text(normalize_region(raw))),
        AttrKind::YesNo => Some(Attr::Text(normalize_yes_no(raw))),
        AttrKind::Date => match dates.get(c, r) {
            Some(DateCell::Date { days, .. }) => Some(Attr::Date(days)),
            _ => None,
        },
        AttrKind::Num | AttrKind::NumConv(_) => match parse_number(raw, table.decimal_comma) {
            Number::Value(v) => {
                let (value, was_metres) = match kind {
                    AttrKind::NumConv(conv) => conv.apply(v, table, r),
                    _ => (v, false),
                };
                if was_metres {
                    parts.findings.push(
                        Finding::new(
                            Severity::Warning,
                            "units.height-m",
                            crate::i18n::trf(
                                "height {raw} looks like metres; read as {value} cm",
                                &[("raw", &raw), ("value", &value)],
                            ),
                        )
                        .file(ctx.name)
                        .row(table.line(r))
                        .column(&table.headers[c])
                        .value(raw),
                    );
                }
                Some(Attr::Num(value))
            }
            Number::Invalid => {
                parts.findings.push(
                    Finding::new(
                        Severity::Warning,
                        "schema.unparseable-number",
                        crate::i18n::trf("`{raw}` is not a number; left empty", &[("raw", &raw)]),
                    )
                    .file(ctx.name)
                    .row(table.line(r))
                    .column(&table.headers[c])
                    .value(raw),
                );
                None
            }
            Number::Missing => None,
        },
    }
}

/// `M`, `Male`, `男`, … → `male`; `F`, `Female`, `女`, … → `female`; anything else as written.
pub fn normalize_sex(raw: &str) -> String {
    match raw.trim().to_lowercase().as_str() {
        "m" | "male" | "man" | "男" | "男性" => "male".to_owned(),
        "f" | "female" | "woman" | "女" | "女性" => "female".to_owned(),
        other => other.to_owned(),
    }
}

/// `Onset: Bulbar`, `bulbar`, `延髓` → `bulbar`; limb/spinal forms → `spinal`.
pub fn normalize_region(raw: &str) -> String {
    let t = raw.trim().to_lowercase();
    let t = t.trim_start_matches("onset:").trim();
    let bulbar = t.contains("bulbar") || t.contains("延髓") || t.contains("球部");
    let spinal = t.contains("limb") || t.contains("spinal") || t.contains("脊髓") || t.contains("肢体");
    match (bulbar, spinal) {
        (true, true) => "mixed".to_owned(),
        (true, false) => "bulbar".to_owned(),
        (false, true) => "spinal".to_owned(),
        _ => t.to_owned(),
    }
}

/// A yes/no cell as `yes` or `no`; anything else is kept as written, for a rule to flag.
pub fn normalize_yes_no(raw: &str) -> String {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "y" | "1" | "true" | "t" | "dead" | "died" | "deceased" | "是" | "死亡" => "yes".to_owned(),
        "no" | "n" | "0" | "false" | "f" | "alive" | "living" | "否" | "存活" | "生存" => "no".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_and_region() {
        assert_eq!(normalize_sex("女"), "female");
        assert_eq!(normalize_sex(" Male "), "male");
        assert_eq!(normalize_region("Onset: Limb"), "spinal");
        assert_eq!(normalize_region("Onset: Limb and Bulbar"), "mixed");
    }
}
