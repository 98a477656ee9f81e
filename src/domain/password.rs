use super::Invalid;

/// A password chosen by a user: 10 to 1024 characters. Checked only when set,
/// never when verifying (old passwords stay valid if the rule changes).
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(raw: &str) -> Result<NewPassword, Invalid> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Invalid("error-password-short"));
        }
        if raw.len() > 1024 {
            return Err(Invalid("error-password-long"));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough pw").is_ok());
        assert!(NewPassword::parse(&"x".repeat(2000)).is_err());
    }
}
