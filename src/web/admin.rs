//! Admin pages: users, their roles and whether they may sign in.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{redirect, Page};
use crate::auth::csrf::CsrfForm;
use crate::authz::Action;
use crate::db;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::error::AppError;
use crate::models::users;

async fn users_page(
    page: &Page,
    status: StatusCode,
    values: serde_json::Value,
    errors: serde_json::Map<String, serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    let list = db::run(&page.state.pool, |c| Ok(users::list(c)?)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("users", &list);
    ctx.insert("roles", &Role::ALL);
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
    page: Page,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageUsers)?;
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
    let password = NewPassword::parse(&form.password);
    field("password", password.as_ref().map(|_| ()).map_err(|e| *e));
    let values = serde_json::to_value(&form).unwrap_or_default();
    let (Ok(email), Ok(name), Ok(role), Ok(password)) = (email, name, role, password) else {
        return users_page(&page, StatusCode::UNPROCESSABLE_ENTITY, values, errors).await;
    };
    let new = users::NewUser {
        email,
        name,
        role,
        locale: None,
    };
    let result = db::run(&page.state.pool, move |c| users::create(c, &new, &password)).await;
    match result {
        Ok(_) => {
            page.flash_next("admin-user-created");
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
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageUsers)?;
    let role =
        Role::parse(&form.role).map_err(|e| AppError::invalid("invalid_role", e.to_string()))?;
    let id = id.into_inner();
    match db::run(&page.state.pool, move |c| users::set_role(c, id, role)).await {
        Ok(_) => page.flash_next("admin-role-changed"),
        Err(AppError::Conflict { .. }) => page.flash_next("admin-last-admin"),
        Err(e) => return Err(e),
    }
    Ok(redirect("/admin/users"))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
}

pub async fn set_active(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageUsers)?;
    let id = id.into_inner();
    match db::run(&page.state.pool, move |c| {
        users::set_active(c, id, form.active)
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
