//! Admin pages: users, their roles and whether they may sign in.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, Page};
use crate::auth::csrf::CsrfForm;
use crate::authz::Action;
use crate::db;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::error::AppError;
use crate::models::{audit, users};

async fn users_page(
    page: &Page,
    status: StatusCode,
    values: serde_json::Value,
    errors: serde_json::Map<String, serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    let (list, teams) = db::run(&page.state.pool, |c| {
        Ok((users::list(c)?, users::teams(c)?))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("users", &list);
    let team_of: std::collections::HashMap<String, String> = teams
        .into_iter()
        .map(|(id, team)| (id.to_string(), team))
        .collect();
    ctx.insert("team_of", &team_of);
    ctx.insert("roles", &Role::ALL);
    ctx.insert("password_login", &page.state.settings.auth.password_login);
    ctx.insert("values", &values);
    ctx.insert("errors", &errors);
    page.render_status(status, "admin/users.html", ctx)
}

pub async fn users(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageUsers)?;
    users_page(
        &page,
        StatusCode::OK,
        serde_json::json!({"role": "rep"}),
        Default::default(),
    )
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default, skip_serializing)]
    password: String,
}

pub async fn create_user(
    req: HttpRequest,
    page: Page,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageUsers)?.id;
    let ip = crate::client_addr::of(&req);
    let mut errors = serde_json::Map::new();
    let mut field = |name: &str, r: Result<(), crate::domain::Invalid>| {
        if let Err(e) = r {
            errors.insert(name.into(), e.message(page.lang).into());
        }
    };
    let email = Email::parse(&form.email);
    field("email", email.as_ref().map(|_| ()).map_err(|e| *e));
    let name = PersonName::parse(&form.name);
    field("name", name.as_ref().map(|_| ()).map_err(|e| *e));
    let role = Role::parse(&form.role);
    field("role", role.map(|_| ()));
    // No password: the user is invited by email to choose one (where
    // passwords sign in; else they come by single sign-on).
    let password = if form.password.is_empty() {
        Ok(None)
    } else {
        NewPassword::parse(&form.password).map(Some)
    };
    field("password", password.as_ref().map(|_| ()).map_err(|e| *e));
    let values = serde_json::to_value(&form).unwrap_or_default();
    let (Ok(email), Ok(name), Ok(role), Ok(password)) = (email, name, role, password) else {
        return users_page(&page, StatusCode::UNPROCESSABLE_ENTITY, values, errors).await;
    };
    let hash = match password {
        Some(p) => Some(
            web::block(move || crate::auth::password::hash(p.as_str()))
                .await
                .map_err(|e| AppError::Internal(e.into()))??,
        ),
        None => None,
    };
    let new = users::NewUser {
        email,
        name,
        role,
        locale: None,
    };
    let invite = hash.is_none() && page.state.settings.auth.password_login;
    let state = page.state.clone();
    let lang = page.lang;
    let result = db::run(&page.state.pool, move |c| {
        crate::db::write_tx(c, |c| {
            let u = users::create_with_hash(c, &new, hash.as_deref().unwrap_or_default())?;
            let detail = format!("{} <{}> · {}", u.name, u.email, u.role);
            audit::record_from(c, actor, "user.create", ("user", u.id), &detail, Some(&ip))?;
            if invite {
                // Until they choose a language, mail speaks the admin's.
                users::remember_language(c, u.id, lang)?;
                let u = users::find(c, u.id)?.ok_or(AppError::NotFound)?;
                let inviter = users::find(c, actor)?.map(|a| a.name).unwrap_or_default();
                let composer = crate::mail::compose::Composer {
                    tera: &state.tera,
                    settings: &state.settings,
                };
                crate::auth::links::send(
                    c,
                    composer,
                    &u,
                    crate::models::password_links::Purpose::Invite,
                    Some(&inviter),
                )?;
                audit::record_from(c, actor, "user.invite", ("user", u.id), &detail, Some(&ip))?;
            }
            Ok(u)
        })
    })
    .await;
    match result {
        Ok(_) => {
            page.flash_next(if invite {
                "admin-user-invited"
            } else {
                "admin-user-created"
            });
            Ok(redirect("/admin/users"))
        }
        Err(AppError::Conflict { .. }) => {
            errors.insert("email".into(), page.t("error-email-taken").into());
            users_page(&page, StatusCode::CONFLICT, values, errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    req: HttpRequest,
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageUsers)?.id;
    let ip = crate::client_addr::of(&req);
    let role =
        Role::parse(&form.role).map_err(|e| AppError::invalid("invalid_role", e.to_string()))?;
    let id = id.into_inner();
    match db::run(&page.state.pool, move |c| {
        let before = users::find(c, id)?.ok_or(AppError::NotFound)?;
        let after = users::set_role(c, id, role)?;
        if before.role != after.role {
            let detail = format!(
                "{} <{}>: {} → {}",
                after.name, after.email, before.role, after.role
            );
            audit::record_from(c, actor, "user.role", ("user", id), &detail, Some(&ip))?;
        }
        Ok(after)
    })
    .await
    {
        Ok(_) => page.flash_next("admin-role-changed"),
        Err(AppError::Conflict { .. }) => page.flash_next("admin-last-admin"),
        Err(e) => return Err(e),
    }
    Ok(redirect("/admin/users"))
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    team: String,
}

/// Sets a user's team (blank: none), for the contribution figures.
pub async fn set_team(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageUsers)?;
    let team = crate::domain::crm::short_text(Some(&form.team))
        .map_err(|e| AppError::invalid("invalid_team", e.to_string()))?;
    let id = id.into_inner();
    db::run(&page.state.pool, move |c| {
        users::find(c, id)?.ok_or(AppError::NotFound)?;
        Ok(users::set_team(c, id, team.as_deref())?)
    })
    .await?;
    page.flash_next("admin-team-changed");
    Ok(redirect("/admin/users"))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
}

pub async fn set_active(
    req: HttpRequest,
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageUsers)?.id;
    let ip = crate::client_addr::of(&req);
    let id = id.into_inner();
    match db::run(&page.state.pool, move |c| {
        let u = users::set_active(c, id, form.active)?;
        let action = if u.active {
            "user.reactivate"
        } else {
            "user.deactivate"
        };
        let detail = format!("{} <{}>", u.name, u.email);
        audit::record_from(c, actor, action, ("user", id), &detail, Some(&ip))?;
        Ok(u)
    })
    .await
    {
        Ok(u) if u.active => page.flash_next("admin-user-reactivated"),
        Ok(_) => page.flash_next("admin-user-deactivated"),
        Err(AppError::Conflict { .. }) => page.flash_next("admin-last-admin"),
        Err(e) => return Err(e),
    }
    Ok(redirect("/admin/users"))
}

#[derive(Deserialize, serde::Serialize, Default)]
pub struct CategoryForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    position: String,
    /// Checkbox "marketing and admins only".
    #[serde(default)]
    restricted: Option<String>,
    #[serde(default)]
    archived: Option<String>,
    /// The name and description per language (empty: the ones above).
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    name_fr: String,
    #[serde(default)]
    description_fr: String,
}

impl CategoryForm {
    fn translations(&self) -> Result<crate::models::categories::Translations, AppError> {
        let mut out = crate::models::categories::Translations::new();
        let mut errs = crate::domain::FieldErrors::default();
        for (lang, name, description) in [
            ("en", &self.name_en, &self.description_en),
            ("fr", &self.name_fr, &self.description_fr),
        ] {
            let (name, description) = (name.trim(), description.trim());
            if name.chars().count() > 80 {
                errs.add(
                    format!("name_{lang}"),
                    crate::domain::Invalid("error-category-name"),
                );
            }
            if description.chars().count() > 500 {
                errs.add(
                    format!("description_{lang}"),
                    crate::domain::Invalid("error-category-description"),
                );
            }
            out.insert(
                lang.to_string(),
                crate::models::categories::CategoryText {
                    name: name.to_string(),
                    description: description.to_string(),
                },
            );
        }
        errs.into_result()?;
        Ok(out)
    }

    fn input(&self) -> Result<crate::models::categories::CategoryInput, AppError> {
        let readable_by = if self.restricted.is_some() {
            vec!["marketer".to_string(), "admin".to_string()]
        } else {
            Role::ALL.iter().map(|r| r.as_str().to_string()).collect()
        };
        let position = self.position.trim();
        let position = if position.is_empty() {
            None
        } else {
            Some(
                position
                    .parse::<i32>()
                    .map_err(|_| AppError::invalid("invalid_input", "position: a whole number"))?,
            )
        };
        let mut input = crate::api::forum::parse_category(
            &crate::api::forum::CategoryIn {
                slug: self.slug.clone(),
                name: self.name.clone(),
                description: Some(self.description.clone()),
                readable_by: Some(readable_by),
                position,
            },
            self.archived.is_some(),
        )?;
        input.translations = Some(self.translations()?);
        Ok(input)
    }
}

async fn categories_page(
    page: &Page,
    status: StatusCode,
    error: Option<String>,
    values: &CategoryForm,
) -> Result<HttpResponse, AppError> {
    let list = db::run(&page.state.pool, |c| {
        Ok(crate::models::categories::list_all(c)?)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("categories", &list);
    ctx.insert("error", &error);
    ctx.insert("values", values);
    page.render_status(status, "admin/categories.html", ctx)
}

pub async fn categories(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCategories)?;
    categories_page(&page, StatusCode::OK, None, &CategoryForm::default()).await
}

pub async fn create_category(
    req: HttpRequest,
    page: Page,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageCategories)?.id;
    let ip = crate::client_addr::of(&req);
    let result = match form.input() {
        Ok(input) => {
            db::run(&page.state.pool, move |c| {
                let created = crate::models::categories::create(c, &input)?;
                audit::category(c, actor, "category.create", &created, Some(&ip))?;
                Ok(created)
            })
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            page.flash_next("admin-category-saved");
            Ok(redirect("/admin/categories"))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            categories_page(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.shown(page.lang)),
                &form,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn update_category(
    req: HttpRequest,
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageCategories)?.id;
    let ip = crate::client_addr::of(&req);
    let id = id.into_inner();
    let result = match form.input() {
        Ok(input) => {
            db::run(&page.state.pool, move |c| {
                let updated = crate::forum::update_category(c, id, &input)?;
                audit::category(c, actor, "category.update", &updated, Some(&ip))?;
                Ok(updated)
            })
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            page.flash_next("admin-category-saved");
            Ok(redirect("/admin/categories"))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            categories_page(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.shown(page.lang)),
                &CategoryForm::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct AuditQuery {
    page: Option<i64>,
}

pub async fn audit(page: Page, q: web::Query<AuditQuery>) -> Result<HttpResponse, AppError> {
    page.require(Action::ReadAuditLog)?;
    let n = crate::text_guard::page_number(q.page);
    let entries = db::run(&page.state.pool, move |c| {
        Ok(audit::recent_shown(c, 51, (n - 1) * 50)?)
    })
    .await?;
    let more = entries.len() > 50;
    let mut ctx = tera::Context::new();
    ctx.insert("entries", &entries.into_iter().take(50).collect::<Vec<_>>());
    ctx.insert("next_page", &more.then_some(n + 1));
    page.render("admin/audit.html", ctx)
}
