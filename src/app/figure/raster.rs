//! A figure to pixels without a GPU: egui's own tessellation (the meshes the window's renderer
//! draws, anti-aliased by egui's feathering) rasterised on the CPU, then written as PNG.
//!
//! Colours are premultiplied sRGB bytes and blended "over" in that space, as egui's glow
//! renderer does; textures (the font atlas) are sampled bilinearly.

use eframe::egui::{self, Color32, ColorImage, TextureId, TexturesDelta, epaint};
use std::collections::HashMap;

/// Textures as egui handed them over (set, patched, freed), by id.
#[derive(Default)]
pub struct Textures {
    images: HashMap<TextureId, ColorImage>,
}

impl Textures {
    /// Apply one frame's texture changes.
    pub fn apply(&mut self, delta: &TexturesDelta) {
        for (id, change) in delta
            .set
            .iter()
            .flat_map(|(id, changes)| changes.iter().map(move |c| (id, c)))
        {
            let egui::ImageData::Color(image) = &change.image;
            match change.pos {
                None => {
                    self.images.insert(*id, (**image).clone());
                }
                Some([x0, y0]) => {
                    let Some(target) = self.images.get_mut(id) else {
                        continue;
                    };
                    let [w, h] = image.size;
                    for y in 0..h {
                        for x in 0..w {
                            let (tx, ty) = (x0 + x, y0 + y);
                            if tx < target.size[0] && ty < target.size[1] {
                                target.pixels[ty * target.size[0] + tx] = image.pixels[y * w + x];
                            }
                        }
                    }
                }
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
    }

    /// The texel at `uv` (0..1), bilinearly interpolated; white for an unknown texture (egui's
    /// plain shapes use the font atlas' white texel, which this stands in for).
    fn sample(&self, id: TextureId, uv: egui::Pos2) -> [f32; 4] {
        let Some(image) = self.images.get(&id) else {
            return [255.0; 4];
        };
        let [w, h] = image.size;
        if w == 0 || h == 0 {
            return [255.0; 4];
        }
        let x = (uv.x * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
        let y = (uv.y * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let at = |x: usize, y: usize| image.pixels[y * w + x].to_array();
        let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
        std::array::from_fn(|k| {
            let top = f32::from(a[k]) * (1.0 - fx) + f32::from(b[k]) * fx;
            let bottom = f32::from(c[k]) * (1.0 - fx) + f32::from(d[k]) * fx;
            top * (1.0 - fy) + bottom * fy
        })
    }
}

/// An RGBA image (premultiplied while drawing, straight alpha once finished).
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    /// Premultiplied RGBA as f32 in 0..=255, row by row.
    pixels: Vec<[f32; 4]>,
}

impl Canvas {
    /// A canvas filled with `background` (opaque).
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        let bg = background.to_array().map(f32::from);
        Self {
            width,
            height,
            pixels: vec![bg; width * height],
        }
    }

    /// Draw egui's tessellated output.
    pub fn draw(&mut self, primitives: &[epaint::ClippedPrimitive], textures: &Textures, pixels_per_point: f32) {
        for primitive in primitives {
            let epaint::Primitive::Mesh(mesh) = &primitive.primitive else {
                continue;
            };
            let clip = primitive.clip_rect;
            let clip = [
                (clip.min.x * pixels_per_point).round().max(0.0) as usize,
                (clip.min.y * pixels_per_point).round().max(0.0) as usize,
                ((clip.max.x * pixels_per_point).round().max(0.0) as usize).min(self.width),
                ((clip.max.y * pixels_per_point).round().max(0.0) as usize).min(self.height),
            ];
            for triangle in mesh.indices.chunks_exact(3) {
                let vertex = |i: u32| mesh.vertices.get(i as usize);
                if let (Some(a), Some(b), Some(c)) = (vertex(triangle[0]), vertex(triangle[1]), vertex(triangle[2])) {
                    self.triangle([a, b, c], mesh.texture_id, textures, pixels_per_point, clip);
                }
            }
        }
    }

    fn triangle(
        &mut self,
        v: [&epaint::Vertex; 3],
        texture: TextureId,
        textures: &Textures,
        ppp: f32,
        clip: [usize; 4],
    ) {
        let p = v.map(|v| [v.pos.x * ppp, v.pos.y * ppp]);
        let area = edge(p[0], p[1], p[2]);
        if area.abs() < 1e-12 {
            return;
        }
        let min_x = p
            .iter()
            .map(|q| q[0])
            .fold(f32::INFINITY, f32::min)
            .floor()
            .max(clip[0] as f32) as usize;
        let min_y = p
            .iter()
            .map(|q| q[1])
            .fold(f32::INFINITY, f32::min)
            .floor()
            .max(clip[1] as f32) as usize;
        let max_x = (p.iter().map(|q| q[0]).fold(f32::NEG_INFINITY, f32::max).ceil() as usize).min(clip[2]);
        let max_y = (p.iter().map(|q| q[1]).fold(f32::NEG_INFINITY, f32::max).ceil() as usize).min(clip[3]);
        let colors = v.map(|v| v.color.to_array().map(f32::from));
        for y in min_y..max_y {
            for x in min_x..max_x {
                let q = [x as f32 + 0.5, y as f32 + 0.5];
                let w = [edge(p[1], p[2], q), edge(p[2], p[0], q), edge(p[0], p[1], q)];
                // Inside, with a top-left rule so a pixel on an edge shared by two triangles
                // is drawn once (translucent fills would otherwise show seams).
                let inside = (0..3).all(|k| {
                    let (a, b) = (p[(k + 1) % 3], p[(k + 2) % 3]);
                    let w = w[k] * area.signum();
                    w > 0.0 || (w == 0.0 && is_top_left(a, b, area))
                });
                if !inside {
                    continue;
                }
                let l = w.map(|w| w / area);
                let uv = egui::pos2(
                    l[0] * v[0].uv.x + l[1] * v[1].uv.x + l[2] * v[2].uv.x,
                    l[0] * v[0].uv.y + l[1] * v[1].uv.y + l[2] * v[2].uv.y,
                );
                let texel = textures.sample(texture, uv);
                let src: [f32; 4] = std::array::from_fn(|k| {
                    let c = l[0] * colors[0][k] + l[1] * colors[1][k] + l[2] * colors[2][k];
                    c * texel[k] / 255.0
                });
                let dst = &mut self.pixels[y * self.width + x];
                let keep = 1.0 - src[3] / 255.0;
                for k in 0..4 {
                    dst[k] = src[k] + dst[k] * keep;
                }
            }
        }
    }

    /// Straight-alpha RGBA bytes.
    pub fn rgba(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| {
                let a = p[3].clamp(0.0, 255.0);
                let un = |c: f32| {
                    if a > 0.0 {
                        (c * 255.0 / a).round().clamp(0.0, 255.0) as u8
                    } else {
                        0
                    }
                };
                [un(p[0]), un(p[1]), un(p[2]), a.round() as u8]
            })
            .collect()
    }

    /// The canvas as an egui image (for the clipboard).
    pub fn color_image(&self) -> ColorImage {
        ColorImage::from_rgba_unmultiplied([self.width, self.height], &self.rgba())
    }

    /// PNG bytes, with the resolution recorded as `dpi`.
    pub fn png(&self, dpi: f32) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.rgba())?;
        writer.finish()?;
        Ok(out)
    }
}

/// Twice the signed area of (a, b, c): which side of a→b the point c is on.
fn edge(a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> f32 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// The top-left fill rule for the edge a→b of a triangle whose signed area has `area`'s sign.
fn is_top_left(a: [f32; 2], b: [f32; 2], area: f32) -> bool {
    let (dx, dy) = if area > 0.0 {
        (b[0] - a[0], b[1] - a[1])
    } else {
        (a[0] - b[0], a[1] - b[1])
    };
    (dy == 0.0 && dx < 0.0) || dy > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(color: Color32) -> epaint::ClippedPrimitive {
        let mut mesh = epaint::Mesh::default();
        mesh.add_colored_rect(
            egui::Rect::from_min_max(egui::pos2(2.0, 2.0), egui::pos2(6.0, 6.0)),
            color,
        );
        epaint::ClippedPrimitive {
            clip_rect: egui::Rect::EVERYTHING,
            primitive: epaint::Primitive::Mesh(mesh),
        }
    }

    #[test]
    fn a_rectangle_covers_its_pixels_once_and_blends_over_the_background() {
        let mut canvas = Canvas::new(8, 8, Color32::WHITE);
        // Half-transparent black, premultiplied: drawn twice where two triangles met, the
        // shared diagonal would come out darker than 128.
        canvas.draw(&[square(Color32::from_black_alpha(128))], &Textures::default(), 1.0);
        let rgba = canvas.rgba();
        let at = |x: usize, y: usize| &rgba[(y * 8 + x) * 4..(y * 8 + x) * 4 + 4];
        assert_eq!(at(0, 0), &[255, 255, 255, 255]);
        for (x, y) in [(2, 2), (3, 3), (4, 4), (5, 5), (2, 5), (5, 2)] {
            assert_eq!(at(x, y), &[127, 127, 127, 255], "pixel ({x}, {y})");
        }
        assert_eq!(at(6, 6), &[255, 255, 255, 255]);
    }

    #[test]
    fn png_round_trips_with_its_size_and_resolution() {
        let mut canvas = Canvas::new(8, 4, Color32::WHITE);
        canvas.draw(&[square(Color32::RED)], &Textures::default(), 1.0);
        let bytes = canvas.png(300.0).expect("encode");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().expect("decode");
        let info = reader.info();
        assert_eq!((info.width, info.height), (8, 4));
        assert_eq!(info.pixel_dims.map(|d| d.xppu), Some(11_811));
    }
}
