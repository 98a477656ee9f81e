use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Invalid;

/// What a user is allowed to do grows with the role: rep < marketer < admin.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Rep,
    Marketer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Rep, Role::Marketer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Marketer => "marketer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, Invalid> {
        match raw.trim().to_lowercase().as_str() {
            "rep" => Ok(Role::Rep),
            "marketer" => Ok(Role::Marketer),
            "admin" => Ok(Role::Admin),
            _ => Err(Invalid("error-role-unknown")),
        }
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_order() {
        assert_eq!(Role::parse("Marketer").unwrap(), Role::Marketer);
        assert!(Role::parse("boss").is_err());
        assert!(Role::Rep < Role::Marketer && Role::Marketer < Role::Admin);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
    }
}
