//! Forum input, parsed once: slugs, titles, post bodies, tags, thread kinds.

use serde::{Deserialize, Serialize};

use super::Invalid;

/// A URL-safe key: 2 to 50 of `a-z`, `0-9`, `-`, starting with a letter or
/// digit. Used for categories and competitors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Slug(String);

impl Slug {
    /// The slug a name suggests: accents folded, other characters as dashes
    /// ("Salons & événements" → `salons-evenements`); `None` if too little
    /// of the name is left.
    pub fn from_name(name: &str) -> Option<Slug> {
        use unicode_normalization::UnicodeNormalization;
        let folded: String = name
            .nfkd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut slug = folded
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        slug.truncate(50);
        Slug::parse(slug.trim_end_matches('-')).ok()
    }

    pub fn parse(raw: &str) -> Result<Slug, Invalid> {
        let s = raw.trim().to_lowercase();
        let ok = (2..=50).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-');
        if ok {
            Ok(Slug(s))
        } else {
            Err(Invalid("error-slug-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A thread title: 3 to 200 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Title, Invalid> {
        let s = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>();
        match s.chars().count() {
            0..=2 => Err(Invalid("error-title-short")),
            201.. => Err(Invalid("error-title-long")),
            _ => Ok(Title(s)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post's Markdown source: not blank, at most 50,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostBody(String);

impl PostBody {
    pub const MAX_CHARS: usize = 50_000;

    pub fn parse(raw: &str) -> Result<PostBody, Invalid> {
        // Control characters (but newlines and tabs) are invisible and can
        // confuse what handles the text later: drop them.
        let s: String = raw
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect();
        if s.trim().is_empty() {
            return Err(Invalid("error-body-empty"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(Invalid("error-body-long"));
        }
        Ok(PostBody(s.trim_end().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Up to 10 tags of 1 to 30 characters: lowercase letters, digits, `-`.
/// Spaces become `-`, a leading `#` is dropped, duplicates collapse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Tags, Invalid> {
        let mut tags: Vec<String> = Vec::new();
        for r in raw {
            let t = r
                .as_ref()
                .trim()
                .trim_start_matches('#')
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("-");
            if t.is_empty() {
                continue;
            }
            let ok = t.chars().count() <= 30 && t.chars().all(|c| c.is_alphanumeric() || c == '-');
            if !ok {
                return Err(Invalid("error-tag-invalid"));
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > 10 {
            return Err(Invalid("error-tags-too-many"));
        }
        Ok(Tags(tags))
    }

    /// Comma-separated, as typed in a form field.
    pub fn parse_list(raw: &str) -> Result<Tags, Invalid> {
        Tags::parse(&raw.split(',').collect::<Vec<_>>())
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// What a thread is about, chosen in one tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    Anecdote,
    Rumor,
    CompetitorMove,
    CustomerRequest,
    Pricing,
    Other,
}

impl ThreadKind {
    pub const ALL: [ThreadKind; 6] = [
        ThreadKind::Anecdote,
        ThreadKind::Rumor,
        ThreadKind::CompetitorMove,
        ThreadKind::CustomerRequest,
        ThreadKind::Pricing,
        ThreadKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ThreadKind::Anecdote => "anecdote",
            ThreadKind::Rumor => "rumor",
            ThreadKind::CompetitorMove => "competitor_move",
            ThreadKind::CustomerRequest => "customer_request",
            ThreadKind::Pricing => "pricing",
            ThreadKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<ThreadKind, Invalid> {
        ThreadKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(Invalid("error-kind-unknown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_suggests_its_slug() {
        let s = |n: &str| Slug::from_name(n).map(|s| s.as_str().to_string());
        assert_eq!(s("Trade shows").as_deref(), Some("trade-shows"));
        assert_eq!(
            s("Salons & événements").as_deref(),
            Some("salons-evenements")
        );
        assert_eq!(
            s("  L'offre -- ÉTÉ 2026 ").as_deref(),
            Some("l-offre-ete-2026")
        );
        assert_eq!(s("!!"), None);
        assert_eq!(s(&"a".repeat(80)).map(|x| x.len()), Some(50));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            Slug::parse(" Market-Rumors ").unwrap().as_str(),
            "market-rumors"
        );
        for bad in ["a", "-x", "has space", "ünï", &"x".repeat(51)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_and_bodies() {
        assert_eq!(
            Title::parse("  Price   cut\nat ACME ").unwrap().as_str(),
            "Price cut at ACME"
        );
        assert!(Title::parse("ab").is_err());
        assert!(Title::parse(&"x".repeat(201)).is_err());
        assert!(PostBody::parse(" \n ").is_err());
        assert_eq!(PostBody::parse("a\0b\u{1}C\u{2}").unwrap().as_str(), "abC");
        assert!(PostBody::parse("\u{1}\u{2}").is_err());
        assert_eq!(
            PostBody::parse("line\r\nnext\n\n").unwrap().as_str(),
            "line\nnext"
        );
    }

    #[test]
    fn tags() {
        let t = Tags::parse_list("#Pricing, trade show ,pricing,,").unwrap();
        assert_eq!(t.as_slice(), ["pricing", "trade-show"]);
        assert!(Tags::parse_list("bad/tag").is_err());
        let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(Tags::parse(&many).is_err());
    }

    #[test]
    fn kinds() {
        for k in ThreadKind::ALL {
            assert_eq!(ThreadKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(ThreadKind::parse("gossip").is_err());
    }
}
