//! CRM input, parsed once: external ids, account fields, websites.

use super::Invalid;

/// A CRM's key for an account: 1 to 100 visible characters, without `/`,
/// `?`, `#` or `,` (it appears in addresses and comma-separated lists).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalId(String);

impl ExternalId {
    pub fn parse(raw: &str) -> Result<ExternalId, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Invalid("error-external-id-required"));
        }
        let ok =
            s.chars().count() <= 100 && !s.chars().any(|c| c.is_control() || "/?#,".contains(c));
        if ok {
            Ok(ExternalId(s.to_string()))
        } else {
            Err(Invalid("error-external-id-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name shown for an account or competitor: 1 to 200 characters.
pub fn display_name(raw: &str) -> Result<String, Invalid> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.chars().count() {
        0 => Err(Invalid("error-name-required")),
        201.. => Err(Invalid("error-display-name-long")),
        _ if s.chars().any(char::is_control) => Err(Invalid("error-name-control")),
        _ => Ok(s),
    }
}

/// An optional short text (industry): blank is none, at most 100
/// characters on one line. Line breaks (a quoted CSV field may hold them)
/// fold to a space, like runs of spaces.
pub fn short_text(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    let folded = raw.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    match folded.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().any(char::is_control) => Err(Invalid("error-text-control")),
        Some(s) if s.chars().count() > 100 => Err(Invalid("error-short-text")),
        Some(s) => Ok(Some(s)),
    }
}

/// An optional internet domain, lowercased: `acme.com`.
pub fn domain(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let s = s.to_lowercase();
    let s = s
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    let ok = s.len() <= 253
        && s.contains('.')
        && s.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err(Invalid("error-domain-invalid"))
    }
}

/// An optional website: an http(s) address.
pub fn website(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty()
                && s.len() <= 500
                && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(Some(s.to_string()))
        }
        _ => Err(Invalid("error-website-invalid")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_breaks_in_short_texts_fold_to_spaces() {
        assert_eq!(
            super::short_text(Some("Hospitals\nand  clinics\r\n")).unwrap(),
            Some("Hospitals and clinics".into())
        );
        assert_eq!(
            super::short_text(Some("bell\u{7}")),
            Err(super::Invalid("error-text-control"))
        );
        assert_eq!(
            super::short_text(Some(&"x".repeat(101))),
            Err(super::Invalid("error-short-text"))
        );
    }

    use super::*;

    #[test]
    fn external_ids() {
        assert_eq!(ExternalId::parse(" ACME-1 ").unwrap().as_str(), "ACME-1");
        assert_eq!(
            ExternalId::parse("0015g00000XyZ").unwrap().as_str(),
            "0015g00000XyZ"
        );
        for bad in ["", "  ", "a/b", "a,b", "x\u{0}"] {
            assert!(ExternalId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn domains_and_websites() {
        assert_eq!(
            domain(Some("https://www.ACME.com/")).unwrap().as_deref(),
            Some("acme.com")
        );
        assert_eq!(domain(Some(" ")).unwrap(), None);
        assert!(domain(Some("not a domain")).is_err());
        assert!(website(Some("https://globex.example")).unwrap().is_some());
        assert!(website(Some("javascript:alert(1)")).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(display_name("  Acme   Corp ").unwrap(), "Acme Corp");
        assert!(display_name("").is_err());
        assert!(short_text(Some(&"x".repeat(101))).is_err());
        assert_eq!(short_text(Some("  ")).unwrap(), None);
    }
}
