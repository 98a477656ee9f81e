//! Text as the search index and queries see it, the same on both engines:
//! words split on anything that is not a letter or digit (so `l'offre` is
//! `l` `offre` and `ACME-1` is `acme` `1`), lower-cased and accents folded
//! first (so `réduction` and `reduction` are one word before anything
//! else). Each word is indexed twice: by its stems — French and English
//! Snowball, both, since a text's language is not known (`remises` meets
//! `remise`, `batteries` meets `battery`) — and as the folded word itself,
//! for exact phrases and prefixes. A term is only letters and digits: never
//! an engine operator.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

static FRENCH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Longest word kept (a pasted hash or URL is not a word).
const MAX_WORD: usize = 40;

/// `Café` → `cafe`.
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a text, as typed (not yet lower-cased or stemmed).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
}

/// A word's stems, French and English (one when they agree).
pub fn stems(word: &str) -> Vec<String> {
    let folded = fold(word);
    let mut out: Vec<String> = Vec::with_capacity(2);
    for s in [FRENCH.stem(&folded), ENGLISH.stem(&folded)] {
        let s = if s.is_empty() {
            folded.clone()
        } else {
            s.into_owned()
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Whether two words meet in the index (a stem in common).
pub fn same_word(a: &str, b: &str) -> bool {
    let sb = stems(b);
    stems(a).iter().any(|s| sb.contains(s))
}

/// A text as the stemmed columns hold it: every word's stems.
pub fn terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for w in words(text) {
        for s in stems(w) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s);
        }
    }
    out
}

/// A text as the exact column holds it: its folded words, in order.
pub fn exact(text: &str) -> String {
    words(text).map(fold).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_and_plurals_meet() {
        for (a, b) in [
            ("prix", "Prix"),
            ("PRIX", "prix"),
            ("réduction", "reduction"),
            ("remises", "remise"),
            ("prices", "price"),
            ("batteries", "battery"),
            ("batterie", "battery"),
            ("deliveries", "delivery"),
            ("Hôpitaux", "hôpital"),
            ("livraisons", "livraison"),
        ] {
            assert!(same_word(a, b), "{a} {b}");
        }
        assert!(!same_word("price", "prix"));
        assert_eq!(exact("ACME-1"), "acme 1");
        assert_eq!(exact("l'offre de RivalCo"), "l offre de rivalco");
    }

    #[test]
    fn terms_are_plain_words() {
        for hostile in [
            "\"a\" OR b*",
            "NEAR(x y)",
            "-- ; DROP",
            "a:b",
            "😀 ^col",
            "\u{0}x",
        ] {
            let t = format!("{} {}", terms(hostile), exact(hostile));
            assert!(
                t.chars().all(|c| c == ' ' || c.is_alphanumeric()),
                "{hostile:?} → {t:?}"
            );
        }
    }
}
