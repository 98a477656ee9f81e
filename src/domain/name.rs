use super::Invalid;

/// A person's display name: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<PersonName, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Invalid("error-name-required"));
        }
        if s.chars().count() > 100 {
            return Err(Invalid("error-name-too-long"));
        }
        if s.chars().any(char::is_control) {
            return Err(Invalid("error-name-control"));
        }
        Ok(PersonName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(
            PersonName::parse("  Zoé Martin ").unwrap().as_str(),
            "Zoé Martin"
        );
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
        assert!(PersonName::parse("a\u{0}b").is_err());
    }
}
