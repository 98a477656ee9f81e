//! PDFs: the original is kept as sent; its text is read for search and its
//! first page drawn for a thumbnail (pure Rust, `pdf-extract` and `hayro`),
//! under a time cap, on a thread of its own so a hostile file cannot hold a
//! worker.

use std::time::Duration;

/// How long reading a document's text and drawing its page may take.
const READ_TIME: Duration = Duration::from_secs(10);
/// How much of a document's text is indexed.
const TEXT_CHARS: usize = 100_000;

/// What was read of a PDF: its text (empty when unreadable) and its first
/// page, drawn with its long side at `side` pixels (none when it cannot be).
pub struct Read {
    pub text: String,
    pub first_page: Option<image::RgbImage>,
}

pub fn read(bytes: &[u8], side: u32) -> Read {
    let owned = bytes.to_vec();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("pdf-read".into())
        .spawn(move || {
            // Both readers panic on some broken files: that only loses what
            // they would have given.
            let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&owned))
                .ok()
                .and_then(Result::ok)
                .map(|t| clean(&t))
                .unwrap_or_default();
            let first_page = std::panic::catch_unwind(|| draw_first_page(owned, side))
                .ok()
                .flatten();
            let _ = tx.send(Read { text, first_page });
        });
    let nothing = || Read {
        text: String::new(),
        first_page: None,
    };
    if spawned.is_err() {
        return nothing();
    }
    rx.recv_timeout(READ_TIME).unwrap_or_else(|_| nothing())
}

fn draw_first_page(bytes: Vec<u8>, side: u32) -> Option<image::RgbImage> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::vello_cpu::color::palette::css::WHITE;
    let pdf = hayro::hayro_syntax::Pdf::new(bytes).ok()?;
    let page = pdf.pages().first()?;
    let (w, h) = page.render_dimensions();
    if !(w.is_finite() && h.is_finite()) || w < 1.0 || h < 1.0 {
        return None;
    }
    let scale = (side as f32 / w.max(h)).min(4.0);
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (pw, ph) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    // Drawn over white, so premultiplied and plain RGBA are the same.
    let rgba = image::RgbaImage::from_raw(pw, ph, pixmap.data_as_u8_slice().to_vec())?;
    Some(image::DynamicImage::ImageRgba8(rgba).into_rgb8())
}

/// Whitespace runs folded to one space, capped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(TEXT_CHARS));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > TEXT_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_folded_and_capped() {
        assert_eq!(
            super::clean("  Prix\n\n  remisé\t10 %\u{0}"),
            "Prix remisé 10 %"
        );
        let long = "mot ".repeat(100_000);
        assert!(super::clean(&long).len() <= super::TEXT_CHARS);
    }
}
