//! Who may do what, decided in one place. Handlers ask here and never compare
//! roles themselves.

use crate::domain::Role;
use crate::error::AppError;
use crate::models::categories::Category;
use crate::models::posts::PostRow;
use crate::models::threads::ThreadRow;
use crate::models::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List, create, change the role of and deactivate users.
    ManageUsers,
    /// Read the moderation audit log.
    ReadAuditLog,
    /// Create, edit, order and archive categories.
    ManageCategories,
    /// Pin, lock, move, hide and restore threads and posts; edit any post.
    Moderate,
    /// Create and edit accounts and competitors, import accounts.
    ManageCrm,
    /// Define report forms and read what was answered with them.
    ReportFigures,
    /// Mark a post useful to marketing; read everyone's contribution figures.
    MarkUseful,
}

/// The lowest role allowed to perform the action.
fn minimum_role(action: Action) -> Role {
    match action {
        Action::ManageUsers | Action::ReadAuditLog | Action::ManageCategories => Role::Admin,
        Action::Moderate | Action::ManageCrm | Action::ReportFigures | Action::MarkUseful => {
            Role::Marketer
        }
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

/// A category is readable by the roles it lists. What a user may not read
/// does not exist for them: callers answer 404, never 403.
pub fn can_read_category(user: &User, category: &Category) -> bool {
    user.active && category.readable_by.contains(&user.role)
}

/// Who may read a piece of content now: the roles its category lists and,
/// when the content (or the thread holding it) is hidden, only those among
/// them that moderate. Every channel — pages, API, live feed, replay,
/// notifications, emails, digests — asks this one rule.
pub fn audience(category: &Category, hidden: bool) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| category.readable_by.contains(r))
        .filter(|r| !hidden || *r >= minimum_role(Action::Moderate))
        .collect()
}

/// Whether a user is in an audience computed by `audience`.
pub fn in_audience(user: &User, audience: &[Role]) -> bool {
    user.active && audience.contains(&user.role)
}

/// Hidden threads stay visible to moderators only.
pub fn can_see_thread(user: &User, category: &Category, thread: &ThreadRow) -> bool {
    in_audience(user, &audience(category, thread.hidden))
}

/// New threads and replies: not in archived categories, not in locked
/// threads (moderators may still answer there).
pub fn can_post_in(user: &User, category: &Category, thread: Option<&ThreadRow>) -> bool {
    let moderator = allows(user, Action::Moderate);
    can_read_category(user, category)
        && (!category.archived || moderator)
        && thread.is_none_or(|t| !t.locked || moderator)
}

/// Authors edit their own posts; marketers and admins edit any. A post a
/// moderator hid is frozen for its author.
pub fn can_edit_post(user: &User, post: &PostRow) -> bool {
    let moderator = allows(user, Action::Moderate);
    !post.deleted && (moderator || (post.author_id == user.id && !post.hidden))
}

/// A deleted post's earlier texts are for moderators only.
pub fn can_read_history(user: &User, post: &PostRow) -> bool {
    !post.deleted || allows(user, Action::Moderate)
}

/// Authors delete their own posts (moderators hide instead).
pub fn can_delete_post(user: &User, post: &PostRow) -> bool {
    !post.deleted && post.author_id == user.id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User::sample(role)
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

    #[test]
    fn audience_of_hidden_content_is_its_moderating_readers() {
        let mut c = Category {
            id: 1,
            slug: "field".into(),
            name: "Field".into(),
            description: String::new(),
            position: 0,
            readable_by: Role::ALL.to_vec(),
            archived: false,
            translations: Default::default(),
        };
        assert_eq!(audience(&c, false), Role::ALL.to_vec());
        assert_eq!(audience(&c, true), vec![Role::Marketer, Role::Admin]);
        c.readable_by = vec![Role::Rep, Role::Admin];
        assert_eq!(audience(&c, true), vec![Role::Admin]);
    }
}
