//! Who may do what, decided in one place. Handlers ask here and never compare
//! roles themselves.

use crate::domain::Role;
use crate::error::AppError;
use crate::models::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List, create, change the role of and deactivate users.
    ManageUsers,
    /// Read the moderation audit log.
    ReadAuditLog,
}

/// The lowest role allowed to perform the action.
fn minimum_role(action: Action) -> Role {
    match action {
        Action::ManageUsers | Action::ReadAuditLog => Role::Admin,
    }
}

pub fn allows(user: &User, action: Action) -> bool {
    user.active && user.role >= minimum_role(action)
}

/// `Forbidden` (403) unless the user may perform the action.
pub fn require(user: &User, action: Action) -> Result<(), AppError> {
    if allows(user, action) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User {
            id: 1,
            email: "a@b.c".into(),
            name: "A".into(),
            role,
            locale: None,
            active: true,
            created_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn matrix() {
        for (role, manage) in [
            (Role::Rep, false),
            (Role::Marketer, false),
            (Role::Admin, true),
        ] {
            assert_eq!(allows(&user(role), Action::ManageUsers), manage, "{role}");
        }
        let mut inactive = user(Role::Admin);
        inactive.active = false;
        assert!(!allows(&inactive, Action::ManageUsers));
    }
}
