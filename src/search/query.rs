//! The query grammar, parsed once into a typed `Query`: words (all must
//! match), `"exact phrase"`, `-word` or `-"phrase"` (excluded), `word*`
//! (prefix), and the filters `category:` `tag:` `kind:` `account:`
//! `competitor:` `after:` `before:`. Whatever is typed parses: unbalanced
//! quotes close at the end, punctuation is not a word, unknown `key:value`
//! is two words. Only an empty query, one over the length limit, one with
//! nothing to look for, or a malformed filter value is refused (422).
//!
//! Each engine gets an expression built from terms alone (`text::term`:
//! letters and digits), bound as one parameter, never pasted user text.

use chrono::NaiveDate;

use super::text;
use crate::domain::ThreadKind;
use crate::error::AppError;

/// Longest query accepted.
pub const MAX_CHARS: usize = 500;
/// Words, phrases and prefixes looked for at most (each excluded one too).
pub const MAX_TERMS: usize = 16;

/// One thing to find: a word (by its stems), words next to each other (as
/// written, folded), or the start of a word (folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Word(Vec<String>),
    Phrase(Vec<String>),
    Prefix(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub kind: Option<ThreadKind>,
    pub account: Option<String>,
    pub competitor: Option<String>,
    pub after: Option<NaiveDate>,
    pub before: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub required: Vec<Term>,
    pub excluded: Vec<Term>,
    pub filters: Filters,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid("invalid_query", message)
}

/// Text as terms: one word, a phrase (`ACME-1`, `l'offre`), or nothing.
fn term_of(raw: &str, prefix: bool, quoted: bool) -> Option<Term> {
    let words: Vec<&str> = text::words(raw).collect();
    match words.len() {
        0 => None,
        1 if prefix => Some(Term::Prefix(text::fold(words[0]))),
        1 if !quoted => Some(Term::Word(text::stems(words[0]))),
        _ => Some(Term::Phrase(words.into_iter().map(text::fold).collect())),
    }
}

/// Splits the raw text into (negated, quoted, text) pieces.
fn pieces(raw: &str) -> Vec<(bool, bool, String)> {
    let mut out = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            negated = true;
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                phrase.push(c);
            }
            out.push((negated, true, phrase));
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            // `key:"two words"`: the quoted value belongs to the key.
            if c == '"' && word.ends_with(':') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    word.push(c);
                }
                break;
            }
            word.push(c);
            chars.next();
        }
        out.push((negated, false, word));
    }
    out
}

fn date(key: &str, value: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "{key}: expects a date like 2026-12-01, not {value:?}"
        ))
    })
}

pub fn parse(raw: &str) -> Result<Query, AppError> {
    if raw.trim().is_empty() {
        return Err(invalid("type something to search for"));
    }
    if raw.chars().count() > MAX_CHARS {
        return Err(invalid(format!(
            "a search has at most {MAX_CHARS} characters"
        )));
    }
    let mut q = Query::default();
    for (negated, quoted, piece) in pieces(raw) {
        if !quoted {
            if let Some((key, value)) = piece.split_once(':') {
                let value = value.trim();
                let f = &mut q.filters;
                let set = |slot: &mut Option<String>| {
                    if !value.is_empty() {
                        *slot = Some(value.to_lowercase());
                    }
                };
                let known = match key.to_lowercase().as_str() {
                    "category" => {
                        set(&mut f.category);
                        true
                    }
                    "tag" => {
                        set(&mut f.tag);
                        true
                    }
                    "competitor" => {
                        set(&mut f.competitor);
                        true
                    }
                    "account" => {
                        // External ids keep their case.
                        if !value.is_empty() {
                            f.account = Some(value.to_string());
                        }
                        true
                    }
                    "kind" => {
                        if !value.is_empty() {
                            f.kind =
                                Some(ThreadKind::parse(&value.to_lowercase()).map_err(|_| {
                                    invalid(format!(
                                        "kind: one of {}",
                                        ThreadKind::ALL.map(|k| k.as_str()).join(", ")
                                    ))
                                })?);
                        }
                        true
                    }
                    "after" => {
                        if !value.is_empty() {
                            f.after = Some(date("after", value)?);
                        }
                        true
                    }
                    "before" => {
                        if !value.is_empty() {
                            f.before = Some(date("before", value)?);
                        }
                        true
                    }
                    _ => false,
                };
                if known {
                    continue;
                }
            }
        }
        let prefix = !quoted && piece.ends_with('*');
        let text = if prefix {
            piece.trim_end_matches('*')
        } else {
            piece.as_str()
        };
        let Some(term) = term_of(text, prefix, quoted) else {
            continue;
        };
        let list = if negated {
            &mut q.excluded
        } else {
            &mut q.required
        };
        if !list.contains(&term) {
            list.push(term);
        }
    }
    if q.required.is_empty() {
        return Err(invalid(
            "give at least one word to look for (filters and -words narrow a search)",
        ));
    }
    if q.required.len() > MAX_TERMS || q.excluded.len() > MAX_TERMS {
        return Err(invalid(format!(
            "a search looks for at most {MAX_TERMS} words or phrases"
        )));
    }
    Ok(q)
}

/// The stemmed columns, where words are looked for.
const STEMMED: &str = "{terms_title terms_names terms_tags terms_body}";

impl Query {
    /// The FTS5 `MATCH` expression: terms are letters and digits only,
    /// always double-quoted; words in the stemmed columns, phrases and
    /// prefixes in the exact one.
    pub fn fts5(&self) -> String {
        let one = |t: &Term| match t {
            Term::Word(stems) => format!(
                "{STEMMED} : ({})",
                stems
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
            Term::Phrase(ws) => format!("terms_exact : \"{}\"", ws.join(" ")),
            Term::Prefix(p) => format!("terms_exact : \"{p}\"*"),
        };
        let required: Vec<String> = self
            .required
            .iter()
            .map(|t| format!("({})", one(t)))
            .collect();
        let mut expr = required.join(" AND ");
        if !self.excluded.is_empty() {
            let excluded: Vec<String> = self
                .excluded
                .iter()
                .map(|t| format!("({})", one(t)))
                .collect();
            expr = format!("({expr}) NOT ({})", excluded.join(" OR "));
        }
        expr
    }

    /// PostgreSQL `to_tsquery('simple', …)` texts, same terms: one for the
    /// stemmed vector (words), one for the exact one (phrases, prefixes).
    pub fn tsqueries(&self) -> (Option<String>, Option<String>) {
        let (mut stemmed, mut exact) = (Vec::new(), Vec::new());
        for (t, negated) in self
            .required
            .iter()
            .map(|t| (t, false))
            .chain(self.excluded.iter().map(|t| (t, true)))
        {
            let not = if negated { "!" } else { "" };
            match t {
                Term::Word(stems) => stemmed.push(format!(
                    "{not}({})",
                    stems
                        .iter()
                        .map(|s| format!("'{s}'"))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )),
                Term::Phrase(ws) => exact.push(format!(
                    "{not}({})",
                    ws.iter()
                        .map(|w| format!("'{w}'"))
                        .collect::<Vec<_>>()
                        .join(" <-> ")
                )),
                Term::Prefix(p) => exact.push(format!("{not}'{p}':*")),
            }
        }
        let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(" & "));
        (join(stemmed), join(exact))
    }

    /// Whether a word of a text is one this query looks for (to mark it).
    pub fn marks(&self, word: &str) -> bool {
        let folded = text::fold(word);
        self.required.iter().any(|t| match t {
            Term::Word(_) => {
                let stems = text::stems(word);
                matches!(t, Term::Word(want) if want.iter().any(|s| stems.contains(s)))
            }
            Term::Phrase(ws) => ws.contains(&folded),
            Term::Prefix(p) => folded.starts_with(p.as_str()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let q = parse(
            r#"RivalCo "price cut" -rumour remis* category:field tag:Pricing after:2026-01-01"#,
        )
        .unwrap();
        assert_eq!(
            q.required,
            [
                Term::Word(text::stems("RivalCo")),
                Term::Phrase(vec!["price".into(), "cut".into()]),
                Term::Prefix("remis".into()),
            ]
        );
        assert_eq!(q.excluded, [Term::Word(text::stems("rumour"))]);
        assert_eq!(q.filters.category.as_deref(), Some("field"));
        assert_eq!(q.filters.tag.as_deref(), Some("pricing"));
        assert_eq!(q.filters.after, NaiveDate::from_ymd_opt(2026, 1, 1));
        // Hyphenated codes and apostrophes are phrases.
        assert_eq!(
            parse("ACME-1").unwrap().required,
            [Term::Phrase(vec!["acme".into(), "1".into()])]
        );
        assert!(matches!(
            &parse("l'offre").unwrap().required[0],
            Term::Phrase(_)
        ));
        assert!(q.marks("Remises") && q.marks("rivalco") && !q.marks("other"));
    }

    #[test]
    fn hostile_input_parses_or_is_a_clear_422() {
        for ok in [
            "\"unbalanced",
            "a AND OR NOT b",
            "NEAR(a b)",
            "a*b*",
            "col:val",
            "^a",
            "a\"b\"c",
            "'; DROP TABLE posts; --",
            "a & b | !c",
            "a <-> b",
            "😀 prix",
            "a:",
            ":a",
            "x -",
        ] {
            let q = parse(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
            let (a, b) = q.tsqueries();
            for expr in [q.fts5(), a.unwrap_or_default(), b.unwrap_or_default()] {
                assert!(
                    !expr.contains(';') && !expr.contains("--"),
                    "{ok:?} → {expr}"
                );
            }
        }
        for bad in [
            "",
            "   ",
            "-",
            "*",
            ":",
            "\"\"",
            "-a",
            "kind:nonsense x",
            "after:yesterday x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&"x".repeat(10_000)).is_err());
    }

    #[test]
    fn expressions() {
        let q = parse("prix \"baisse de prix\" -rumeur remis*").unwrap();
        let f = q.fts5();
        assert!(
            f.starts_with("((") && f.contains("terms_exact : \"baisse de prix\""),
            "{f}"
        );
        assert!(
            f.contains("terms_exact : \"remis\"*") && f.contains(" NOT ("),
            "{f}"
        );
        let (stemmed, exact) = q.tsqueries();
        assert_eq!(stemmed.unwrap(), "('prix') & !('rumeur')");
        assert_eq!(exact.unwrap(), "('baisse' <-> 'de' <-> 'prix') & 'remis':*");
    }
}
