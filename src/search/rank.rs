//! Ranking the candidates, in Rust, the same on both engines: BM25F without
//! its rarity factor. Each term found in a column counts by the column's
//! weight (title 10, names 5, tags 2, body 1; phrases and prefixes are
//! looked for in the exact column, weight 1), saturating with repeats and
//! damped in columns longer than the candidates' average. The engines'
//! own rankers need how rare each word is across the whole index, which
//! costs a pass over every match of a common word; candidates are at most
//! `find::CANDIDATES`, so this costs a fixed amount whatever the index.

use super::find::Terms;
use super::query::{Query, Term};

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Title, names, tags, body.
const WEIGHTS: [f64; 4] = [10.0, 5.0, 2.0, 1.0];
const EXACT_WEIGHT: f64 = 1.0;

/// One column's share: term frequency saturated and length-damped.
fn part(tf: usize, len: usize, avg: f64) -> f64 {
    if tf == 0 {
        return 0.0;
    }
    let tf = tf as f64;
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len as f64 / avg))
}

fn count_words(tokens: &[&str], stems: &[String]) -> usize {
    tokens
        .iter()
        .filter(|t| stems.iter().any(|s| s == *t))
        .count()
}

fn count_phrase(tokens: &[&str], words: &[String]) -> usize {
    if words.is_empty() || tokens.len() < words.len() {
        return 0;
    }
    tokens
        .windows(words.len())
        .filter(|w| w.iter().zip(words).all(|(a, b)| a == b))
        .count()
}

/// The candidates, best first; ties go to the newest.
pub(super) fn best(q: &Query, found: Vec<Terms>) -> Vec<Terms> {
    fn split(t: &Terms) -> [Vec<&str>; 5] {
        [
            &t.terms_title,
            &t.terms_names,
            &t.terms_tags,
            &t.terms_body,
            &t.terms_exact,
        ]
        .map(|c| c.split(' ').filter(|w| !w.is_empty()).collect())
    }
    let docs: Vec<[Vec<&str>; 5]> = found.iter().map(split).collect();
    let mut avg = [1.0f64; 5];
    if !docs.is_empty() {
        for (i, a) in avg.iter_mut().enumerate() {
            let total: usize = docs.iter().map(|d| d[i].len()).sum();
            *a = (total as f64 / docs.len() as f64).max(1.0);
        }
    }
    let scores: Vec<f64> = docs
        .iter()
        .map(|cols| {
            let mut score = 0.0;
            for term in &q.required {
                score += match term {
                    Term::Word(stems) => (0..4)
                        .map(|c| {
                            WEIGHTS[c] * part(count_words(&cols[c], stems), cols[c].len(), avg[c])
                        })
                        .sum::<f64>(),
                    Term::Phrase(words) => {
                        EXACT_WEIGHT * part(count_phrase(&cols[4], words), cols[4].len(), avg[4])
                    }
                    Term::Prefix(p) => {
                        let tf = cols[4].iter().filter(|w| w.starts_with(p.as_str())).count();
                        EXACT_WEIGHT * part(tf, cols[4].len(), avg[4])
                    }
                };
            }
            score
        })
        .collect();
    let mut scored: Vec<(f64, Terms)> = scores.into_iter().zip(found).collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.created_at.cmp(&a.1.created_at))
            .then_with(|| b.1.id.cmp(&a.1.id))
    });
    scored.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, title: &str, body: &str) -> Terms {
        Terms {
            id,
            ref_id: id,
            created_at: chrono::DateTime::from_timestamp(id, 0).unwrap().naive_utc(),
            terms_title: crate::search::text::terms(title),
            terms_names: String::new(),
            terms_tags: String::new(),
            terms_body: crate::search::text::terms(body),
            terms_exact: crate::search::text::exact(&format!("{title} {body}")),
        }
    }

    #[test]
    fn titles_outrank_bodies_and_ties_go_to_the_newest() {
        let q = crate::search::parse("remise").unwrap();
        let found = [
            doc(1, "Visit", "une remise de dix pour cent"),
            doc(2, "Remise chez Acme", "rien"),
            doc(3, "Visit", "une remise de dix pour cent"),
        ];
        let ids = |v: Vec<Terms>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(ids(best(&q, found.into())), vec![2, 3, 1]);
        // A phrase counts only where its words follow each other.
        let q = crate::search::parse("\"dix pour\"").unwrap();
        let found = [doc(1, "a", "pour dix"), doc(2, "b", "dix pour cent")];
        assert_eq!(ids(best(&q, found.into()))[0], 2);
    }
}
