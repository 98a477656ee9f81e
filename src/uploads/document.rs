//! PDFs: the original is kept as sent; its text is read for search under a
//! time cap, on a thread of its own so a hostile file cannot hold a worker.

use std::time::Duration;

/// How long reading a document's text may take.
const TEXT_TIME: Duration = Duration::from_secs(10);
/// How much of a document's text is indexed.
const TEXT_CHARS: usize = 100_000;

/// The text of a PDF, or nothing when it cannot be read in time.
pub fn text(bytes: &[u8]) -> String {
    let owned = bytes.to_vec();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("pdf-text".into())
        .spawn(move || {
            // The extractor panics on some broken files: that only loses the text.
            let out = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&owned));
            let _ = tx.send(out.ok().and_then(Result::ok));
        });
    if spawned.is_err() {
        return String::new();
    }
    match rx.recv_timeout(TEXT_TIME) {
        Ok(Some(text)) => clean(&text),
        _ => String::new(),
    }
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
