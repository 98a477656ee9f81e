use std::fmt;

use super::Invalid;

/// A syntactically valid email address, trimmed and lowercased so that one
/// person has one account whatever the case they type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(Invalid("error-email-required"));
        }
        if s.len() > 254 || !email_address::EmailAddress::is_valid(&s) {
            return Err(Invalid("error-email-invalid"));
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_and_trims() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(Email::parse("").is_err());
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse("a@b@c").is_err());
    }
}
