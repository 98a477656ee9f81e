//! Report forms and their answers (see the contract's round-2 section).

use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::authz::{self, Action};
use crate::db;
use crate::error::AppError;
use crate::reports::figures::{self, Figures, Filter};
use crate::reports::{self, Form, FormIn, Question, Translation};
use crate::state::AppState;
use crate::time::Days;

#[derive(Serialize, ToSchema)]
pub struct FormOut {
    pub key: String,
    pub title: String,
    /// Slug of the category its reports go to.
    pub category: String,
    /// The kind of thread a report becomes.
    pub kind: String,
    pub questions: Vec<Question>,
    pub translations: std::collections::BTreeMap<String, Translation>,
}

impl From<Form> for FormOut {
    fn from(f: Form) -> Self {
        FormOut {
            key: f.key,
            title: f.title,
            category: f.category,
            kind: f.kind.as_str().to_string(),
            questions: f.questions,
            translations: f.translations,
        }
    }
}

/// Every report form, in their order.
#[utoipa::path(get, path = "/api/v1/report-forms", responses((status = 200, body = [FormOut])))]
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(_): CurrentUser,
) -> Result<Json<Vec<FormOut>>, AppError> {
    let forms = db::run(&state.pool, reports::all).await?;
    Ok(Json(forms.into_iter().map(FormOut::from).collect()))
}

/// Creates or replaces a form (marketers, admins). Reports already filed
/// keep the answers they gave.
#[utoipa::path(put, path = "/api/v1/report-forms/{key}", request_body = FormIn,
    params(("key" = String, Path, description = "The form's key: lower-case letters, digits and dashes")),
    responses((status = 201, body = FormOut), (status = 200, body = FormOut),
    (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    key: web::Path<String>,
    body: Json<FormIn>,
) -> Result<HttpResponse, AppError> {
    authz::require(&user, Action::ReportFigures)?;
    let key = key.into_inner();
    let input = body.into_inner();
    let (form, fresh) = db::run(&state.pool, move |c| {
        db::write_tx(c, |c| reports::put(c, &key, input))
    })
    .await?;
    let mut res = if fresh {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res.json(FormOut::from(form)))
}

#[derive(Deserialize, IntoParams)]
pub struct AnswersQuery {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`.
    pub from: Option<String>,
    /// Last day, included; default today.
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Only reports linked to this account (external id).
    pub account: Option<String>,
    /// Only reports linked to this competitor (slug).
    pub competitor: Option<String>,
    /// Only reports by members of this team.
    pub team: Option<String>,
}

/// What a query asks, read once (pages and the API share it).
pub fn parse_query(q: &AnswersQuery) -> Result<(Days, Filter, bool), AppError> {
    let days = Days::parse(q.from.as_deref(), q.to.as_deref())?;
    let csv = super::wants_csv(q.format.as_deref())?;
    let key = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let filter = Filter {
        account: key(&q.account),
        competitor: key(&q.competitor).map(|s| s.to_lowercase()),
        team: key(&q.team),
    };
    Ok((days, filter, csv))
}

/// A form's answers over a period (marketers, admins): figures as JSON, or
/// one row a report as CSV.
#[utoipa::path(get, path = "/api/v1/report-forms/{key}/answers", params(
    ("key" = String, Path, description = "The form's key"), AnswersQuery),
    responses((status = 200, description = "The figures; with format=csv, one row a report",
        content((Figures = "application/json"), (String = "text/csv"))),
    (status = 403, body = crate::error::ErrorBody)))]
pub async fn answers(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    key: web::Path<String>,
    q: web::Query<AnswersQuery>,
) -> Result<HttpResponse, AppError> {
    authz::require(&user, Action::ReportFigures)?;
    let (days, filter, csv) = parse_query(&q)?;
    let key = key.into_inner();
    let name = format!("{key}-{}-{}.csv", days.from, days.to);
    let out = db::run(&state.pool, move |c| {
        let form = reports::find(c, &key)?.ok_or(AppError::NotFound)?;
        let filed = figures::filed(c, &user, &form, days, &filter)?;
        if csv {
            Ok(Err(figures::csv(&form, &filed)?))
        } else {
            Ok(Ok(figures::figures(&form, days, &filed)))
        }
    })
    .await?;
    Ok(match out {
        Ok(json) => HttpResponse::Ok().json(json),
        Err(text) => super::csv_download(&name, text),
    })
}
