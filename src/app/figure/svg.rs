//! A figure as SVG: the shapes egui painted for it (the same the window shows), written as
//! vector elements: lines and paths, circles, rectangles, and text as text (searchable and
//! editable in a slide program). Shapes with no SVG counterpart (meshes, bands, curves) are
//! tessellated and written as filled triangles, merged per colour.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use eframe::egui::{self, Color32, Pos2, Rect, epaint};
use epaint::Shape;

/// SVG text of `shapes` on a `size` (points) canvas with `background`.
pub fn svg(shapes: &[epaint::ClippedShape], size: egui::Vec2, background: Color32) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Ubuntu, 'Noto Sans', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif">"#,
        w = size.x,
        h = size.y
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        color(background)
    );
    let mut writer = Writer {
        out,
        clips: BTreeMap::new(),
        defs: String::new(),
    };
    for clipped in shapes {
        let clip = writer.clip_id(clipped.clip_rect, size);
        let mut body = String::new();
        Writer::shape(&mut body, &clipped.shape);
        if body.is_empty() {
            continue;
        }
        match clip {
            Some(id) => {
                let _ = writeln!(writer.out, r#"<g clip-path="url(#{id})">"#);
                writer.out.push_str(&body);
                writer.out.push_str("</g>\n");
            }
            None => writer.out.push_str(&body),
        }
    }
    let Writer { mut out, defs, .. } = writer;
    if !defs.is_empty() {
        out.push_str("<defs>\n");
        out.push_str(&defs);
        out.push_str("</defs>\n");
    }
    out.push_str("</svg>\n");
    out
}

struct Writer {
    out: String,
    /// Clip rectangles already defined, by their rounded corners.
    clips: BTreeMap<[i64; 4], usize>,
    defs: String,
}

impl Writer {
    /// The id of a clip path for `rect`; None when it covers the whole canvas.
    fn clip_id(&mut self, rect: Rect, size: egui::Vec2) -> Option<String> {
        let whole = Rect::from_min_size(Pos2::ZERO, size);
        if rect.contains_rect(whole) {
            return None;
        }
        let rect = rect.intersect(whole);
        let key = [rect.min.x, rect.min.y, rect.max.x, rect.max.y].map(|v| (v * 100.0).round() as i64);
        let next = self.clips.len();
        let id = *self.clips.entry(key).or_insert_with(|| {
            let _ = writeln!(
                self.defs,
                r#"<clipPath id="c{next}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                num(rect.min.x),
                num(rect.min.y),
                num(rect.width().max(0.0)),
                num(rect.height().max(0.0))
            );
            next
        });
        Some(format!("c{id}"))
    }

    fn shape(out: &mut String, shape: &Shape) {
        match shape {
            Shape::Noop | Shape::Callback(_) => {}
            Shape::Vec(shapes) => {
                for s in shapes {
                    Self::shape(out, s);
                }
            }
            Shape::Circle(c) => {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{}" cy="{}" r="{}"{}{}/>"#,
                    num(c.center.x),
                    num(c.center.y),
                    num(c.radius),
                    fill(c.fill),
                    stroke(c.stroke.width, c.stroke.color)
                );
            }
            Shape::LineSegment { points, stroke: s } => {
                if s.width > 0.0 && s.color.a() > 0 {
                    let _ = writeln!(
                        out,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
                        num(points[0].x),
                        num(points[0].y),
                        num(points[1].x),
                        num(points[1].y),
                        stroke(s.width, s.color)
                    );
                }
            }
            Shape::Path(path) => {
                let epaint::ColorMode::Solid(line) = path.stroke.color else {
                    return Self::tessellated(out, shape);
                };
                if path.points.len() < 2 {
                    return;
                }
                let mut d = String::new();
                for (i, p) in path.points.iter().enumerate() {
                    let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { " L" }, num(p.x), num(p.y));
                }
                if path.closed {
                    d.push_str(" Z");
                }
                let fill = if path.closed {
                    fill(path.fill)
                } else {
                    r#" fill="none""#.to_owned()
                };
                let _ = writeln!(
                    out,
                    r#"<path d="{d}"{fill}{} stroke-linejoin="round" stroke-linecap="round"/>"#,
                    stroke(path.stroke.width, line)
                );
            }
            Shape::Rect(r) if r.corner_radius == epaint::CornerRadius::ZERO && r.blur_width == 0.0 => {
                let _ = writeln!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}"{}{}/>"#,
                    num(r.rect.min.x),
                    num(r.rect.min.y),
                    num(r.rect.width()),
                    num(r.rect.height()),
                    fill(r.fill),
                    stroke(r.stroke.width, r.stroke.color)
                );
            }
            Shape::Text(text) => text_ui(out, text),
            Shape::Rect(_)
            | Shape::Ellipse(_)
            | Shape::Band(_)
            | Shape::Mesh(_)
            | Shape::QuadraticBezier(_)
            | Shape::CubicBezier(_) => Self::tessellated(out, shape),
        }
    }

    /// Any other shape as egui tessellates it (without feathering), triangles merged per colour.
    fn tessellated(out: &mut String, shape: &Shape) {
        let options = epaint::TessellationOptions {
            feathering: false,
            ..Default::default()
        };
        // Texture coordinates do not matter here (only colours are written), nor do the
        // atlas' prepared discs (circles are tessellated as paths without them).
        let mut tessellator = epaint::Tessellator::new(1.0, options, [1, 1], Vec::new());
        let mut mesh = epaint::Mesh::default();
        tessellator.tessellate_shape(shape.clone(), &mut mesh);
        let mut by_color: BTreeMap<[u8; 4], String> = BTreeMap::new();
        for t in mesh.indices.chunks_exact(3) {
            let vertex = |i: u32| mesh.vertices.get(i as usize);
            let (Some(a), Some(b), Some(c)) = (vertex(t[0]), vertex(t[1]), vertex(t[2])) else {
                continue;
            };
            if a.color.a() == 0 {
                continue;
            }
            let d = by_color.entry(a.color.to_array()).or_default();
            let _ = write!(
                d,
                "M{} {} L{} {} L{} {} Z ",
                num(a.pos.x),
                num(a.pos.y),
                num(b.pos.x),
                num(b.pos.y),
                num(c.pos.x),
                num(c.pos.y)
            );
        }
        for (rgba, d) in by_color {
            let c = Color32::from_rgba_premultiplied(rgba[0], rgba[1], rgba[2], rgba[3]);
            let _ = writeln!(out, r#"<path d="{}"{}/>"#, d.trim_end(), fill(c));
        }
    }
}

/// Text as one `<text>` per row, at the row's baseline, rotated as painted.
fn text_ui(out: &mut String, text: &epaint::TextShape) {
    let galley = &text.galley;
    let section = galley.job.sections.first();
    let mut color = text
        .override_text_color
        .or_else(|| section.map(|s| s.format.color))
        .unwrap_or(text.fallback_color);
    if color == Color32::PLACEHOLDER {
        color = text.fallback_color;
    }
    let color = color.gamma_multiply(text.opacity_factor);
    let size = section.map_or(14.0, |s| s.format.font_id.size);
    let rotate = if text.angle == 0.0 {
        String::new()
    } else {
        format!(
            r#" transform="rotate({} {} {})""#,
            num(text.angle.to_degrees()),
            num(text.pos.x),
            num(text.pos.y)
        )
    };
    let mut rows = String::new();
    for row in &galley.rows {
        let content: String = row.glyphs.iter().map(|g| g.chr).collect();
        let content = content.trim_end_matches('\n');
        let Some(first) = row.glyphs.first() else { continue };
        if content.trim().is_empty() {
            continue;
        }
        let x = text.pos.x + row.pos.x + first.pos.x;
        let y = text.pos.y + row.pos.y + first.pos.y;
        let _ = writeln!(
            rows,
            r#"<text x="{}" y="{}" font-size="{}"{} xml:space="preserve">{}</text>"#,
            num(x),
            num(y),
            num(size),
            fill(color),
            escape(content)
        );
    }
    if rows.is_empty() {
        return;
    }
    if rotate.is_empty() {
        out.push_str(&rows);
    } else {
        let _ = writeln!(out, "<g{rotate}>");
        out.push_str(&rows);
        out.push_str("</g>\n");
    }
}

/// A coordinate with at most two decimals.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// `#rrggbb` of a premultiplied colour (its alpha goes in an opacity attribute).
fn color(c: Color32) -> String {
    let [r, g, b, _] = c.to_srgba_unmultiplied();
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn fill(c: Color32) -> String {
    match c.a() {
        0 => r#" fill="none""#.to_owned(),
        255 => format!(r#" fill="{}""#, color(c)),
        a => format!(r#" fill="{}" fill-opacity="{:.3}""#, color(c), f32::from(a) / 255.0),
    }
}

fn stroke(width: f32, c: Color32) -> String {
    if width <= 0.0 || c.a() == 0 {
        return String::new();
    }
    let opacity = if c.a() == 255 {
        String::new()
    } else {
        format!(r#" stroke-opacity="{:.3}""#, f32::from(c.a()) / 255.0)
    };
    format!(r#" stroke="{}" stroke-width="{}"{opacity}"#, color(c), num(width))
}

/// Text escaped for XML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_colours_keep_their_alpha_apart() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.23456), "1.23");
        assert_eq!(color(Color32::from_rgb(0x00, 0x72, 0xB2)), "#0072b2");
        // Premultiplied half-transparent blue is written as the blue (to within the rounding of
        // premultiplication) at half opacity.
        let half = Color32::from_rgba_unmultiplied(0x00, 0x72, 0xB2, 128);
        assert_eq!(fill(half), r##" fill="#0072b1" fill-opacity="0.502""##);
        assert_eq!(escape("a<b & c>d"), "a&lt;b &amp; c&gt;d");
    }
}
