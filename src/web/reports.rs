//! Quick capture (the kinds of report, a form's grid, the phone's share
//! target) and marketing's figures page. With JavaScript the grid goes
//! through the phone's outbox and the JSON API (`static/capture.js`);
//! without it, it posts here and comes back with each error beside its
//! question.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{redirect, Page};
use crate::authz::Action;
use crate::db;
use crate::error::AppError;
use crate::models::{accounts, competitors};
use crate::reports::figures;
use crate::reports::{self, Form, QuestionType, ReportDraft};
use crate::uploads::form::FilesForm;

/// What a shared item or a half-filled report carries into the grid.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct Carry {
    /// Upload ids already made (a shared photo), comma-separated.
    #[serde(default)]
    pub files: String,
    /// Words to start the report with (shared text or link).
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub title: String,
}

impl Carry {
    /// As a query string, without the empty fields ("" when all are).
    fn query(&self) -> String {
        let pairs = [
            ("files", &self.files),
            ("text", &self.text),
            ("title", &self.title),
        ];
        let kept: Vec<(&str, &String)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

#[derive(Serialize, Hash)]
pub struct Kind {
    key: String,
    title: String,
}

fn kinds(forms: &[Form], lang: &str) -> Vec<Kind> {
    forms
        .iter()
        .map(|f| Kind {
            key: f.key.clone(),
            title: f.local_title(lang),
        })
        .collect()
}

/// The report forms as big buttons, for the home page on a phone.
pub fn home_kinds(conn: &mut db::DbConn, lang: &str) -> Result<Vec<Kind>, AppError> {
    Ok(kinds(&reports::all(conn)?, lang))
}

/// `GET /report`: the kinds of report.
pub async fn capture(page: Page, carry: web::Query<Carry>) -> Result<HttpResponse, AppError> {
    page.user()?;
    let lang = page.lang;
    let forms = db::run(&page.state.pool, reports::all).await?;
    let carry = carry.into_inner();
    let mut ctx = tera::Context::new();
    ctx.insert("kinds", &kinds(&forms, lang));
    ctx.insert("carry", &carry.query());
    ctx.insert(
        "shared",
        &(!carry.files.is_empty() || !carry.text.is_empty()),
    );
    ctx.insert(
        "form_keys",
        &forms.iter().map(|f| &f.key).collect::<Vec<_>>(),
    );
    page.render("reports/capture.html", ctx)
}

/// What the grid shows: the form in the reader's language, the rep's
/// accounts and the competitors.
async fn grid_page(
    page: &Page,
    key: String,
    status: StatusCode,
    values: &serde_json::Map<String, Value>,
    errors: serde_json::Map<String, Value>,
    carry: &Carry,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (form, (own, recent), rivals) = db::run(&page.state.pool, move |c| {
        let form = reports::find(c, &key)?.ok_or(AppError::NotFound)?;
        Ok((
            form,
            accounts::for_capture(c, user.id)?,
            competitors::search(c, "", 40)?,
        ))
    })
    .await?;
    let files = crate::uploads::form::ids(&carry.files);
    let mut ctx = tera::Context::new();
    ctx.insert("form_key", &form.key);
    ctx.insert("form_title", &form.local_title(page.lang));
    ctx.insert("questions", &form.local_questions(page.lang));
    ctx.insert("own_accounts", &own);
    ctx.insert("recent_accounts", &recent);
    ctx.insert(
        "competitors",
        &rivals
            .iter()
            .map(|c| (c.slug.clone(), c.name.clone()))
            .collect::<Vec<_>>(),
    );
    ctx.insert("values", values);
    ctx.insert("errors", &errors);
    ctx.insert("carry", carry);
    ctx.insert("carry_files", &files);
    page.render_status(status, "reports/grid.html", ctx)
}

/// `GET /report/{key}`: one form's grid.
pub async fn grid(
    page: Page,
    key: web::Path<String>,
    carry: web::Query<Carry>,
) -> Result<HttpResponse, AppError> {
    page.user()?;
    let carry = carry.into_inner();
    grid_page(
        &page,
        key.into_inner(),
        StatusCode::OK,
        &Default::default(),
        Default::default(),
        &carry,
    )
    .await
}

/// A grid's fields as answers: `a.KEY` per question (repeated for
/// `choices`), read with the form's types.
fn answers_of(form: &Form, fields: &[(String, String)]) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for q in &form.questions {
        let name = format!("a.{}", q.key);
        let sent: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let value = match q.kind {
            QuestionType::Check => Value::Bool(sent.iter().any(|v| matches!(*v, "on" | "true"))),
            QuestionType::Choices => {
                Value::from(sent.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            }
            _ => match sent.first() {
                Some(v) if !v.trim().is_empty() => Value::from(v.to_string()),
                _ => continue,
            },
        };
        out.insert(q.key.clone(), value);
    }
    out
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `POST /report/{key}`: the grid without JavaScript.
pub async fn file(
    page: Page,
    key: web::Path<String>,
    FilesForm {
        form: fields,
        files,
    }: FilesForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let key = key.into_inner();
    let (ids, refused) = super::keep_files(&page, field(&fields, "attachments"), files).await?;
    let carry = Carry {
        files: super::join_ids(&ids),
        text: field(&fields, "body").to_string(),
        title: field(&fields, "title").to_string(),
    };
    let form_key = key.clone();
    let form = db::run(&page.state.pool, move |c| reports::find(c, &form_key))
        .await?
        .ok_or(AppError::NotFound)?;
    let answers = answers_of(&form, &fields);
    if let Some(message) = refused {
        let mut errors = serde_json::Map::new();
        errors.insert("files".into(), message.into());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return grid_page(&page, key, status, &answers, errors, &carry).await;
    }
    let draft = ReportDraft {
        form: key.clone(),
        answers: answers.clone(),
        category: String::new(),
        title: carry.title.clone(),
        body: carry.text.clone(),
        tags: Vec::new(),
        accounts: Vec::new(),
        competitors: Vec::new(),
        attachments: ids,
        client_id: crate::client_ids::ClientId::parse_opt(
            Some(field(&fields, "client_id")).filter(|s| !s.is_empty()),
        )?,
    };
    match db::run(&page.state.pool, move |c| reports::file(c, &user, &draft)).await {
        Ok(filed) => Ok(redirect(&format!("/t/{}", filed.thread.id))),
        Err(AppError::Invalid {
            fields, message, ..
        }) => {
            let mut errors: serde_json::Map<String, Value> = fields
                .into_iter()
                .map(|(k, key)| {
                    let name = k.trim_start_matches("answers.").to_string();
                    (name, page.t(key).into())
                })
                .collect();
            if errors.is_empty() {
                errors.insert("form".into(), message.into());
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            grid_page(&page, key, status, &answers, errors, &carry).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /report/share`: the phone's share sheet (a photo, a PDF, a link,
/// some text). The files are kept as the rep's own uploads (private until
/// attached, pruned if never used) and the kinds of report open with them.
/// The share sheet sends no CSRF token; nothing is published from here.
pub async fn share(
    page: Page,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let rules = crate::uploads::receive::Rules {
        file_fields: &[crate::uploads::form::FILES_FIELD],
        max_file: page.state.settings.uploads.max_bytes as usize,
        max_files: crate::uploads::MAX_PER_POST,
        csrf: None,
    };
    let parts = crate::uploads::receive::read(multipart, rules).await?;
    let mut ids = Vec::new();
    for file in parts.files {
        // A refused file is left out; the rest of the share still opens.
        match crate::uploads::keep(&page.state, &user, file).await {
            Ok(row) => ids.push(row.id),
            Err(AppError::UnsupportedMediaType(_) | AppError::Invalid { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let get = |name: &str| {
        parts
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or(String::new(), |(_, v)| v.trim().to_string())
    };
    let text = [get("text"), get("url")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let carry = Carry {
        files: super::join_ids(&ids),
        text,
        title: get("title"),
    };
    Ok(redirect(&format!("/report?{}", carry.query())))
}

#[derive(Deserialize)]
pub struct FiguresQuery {
    from: Option<String>,
    to: Option<String>,
    account: Option<String>,
    competitor: Option<String>,
    team: Option<String>,
}

/// One bar of a chart, sized by the page.
#[derive(Serialize)]
struct Bar {
    label: String,
    count: i64,
    /// Percent of the widest bar.
    width: i64,
}

#[derive(Serialize)]
struct Chart {
    key: String,
    label: String,
    bars: Vec<Bar>,
    /// number: lowest, highest, mean (as text), how many answered.
    numbers: Option<(String, String, String, i64)>,
    answered: Option<i64>,
}

/// `GET /reports/{key}`: a form's figures as bar charts, for marketing.
pub async fn figures_page(
    page: Page,
    key: web::Path<String>,
    q: web::Query<FiguresQuery>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(Action::ReportFigures)?.clone();
    let q = q.into_inner();
    let query = crate::api::reports::AnswersQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        format: None,
        account: q.account.clone(),
        competitor: q.competitor.clone(),
        team: q.team.clone(),
    };
    let (days, filter, _) = crate::api::reports::parse_query(&query)?;
    let key = key.into_inner();
    let lang = page.lang;
    let (form, figs, forms) = db::run(&page.state.pool, move |c| {
        let form = reports::find(c, &key)?.ok_or(AppError::NotFound)?;
        let filed = figures::filed(c, &user, &form, days, &filter)?;
        let figs = figures::figures(&form, days, &filed);
        Ok((form, figs, reports::all(c)?))
    })
    .await?;
    let charts: Vec<Chart> = figs
        .questions
        .iter()
        .map(|f| {
            let label = form.local_label(&f.key, lang).unwrap_or_default();
            let counts = f.counts.clone().unwrap_or_default();
            let top = counts.values().copied().max().unwrap_or(0).max(1);
            let mut bars: Vec<Bar> = counts
                .into_iter()
                .map(|(value, count)| Bar {
                    label: match f.kind {
                        QuestionType::Check => crate::i18n::t(
                            lang,
                            if value == "true" {
                                "report-yes"
                            } else {
                                "report-no"
                            },
                        ),
                        _ => form.local_option(&f.key, &value, lang),
                    },
                    count,
                    width: count * 100 / top,
                })
                .collect();
            if matches!(f.kind, QuestionType::Account | QuestionType::Competitor) {
                bars.sort_by_key(|b| std::cmp::Reverse(b.count));
            }
            let shown = |n: Option<Option<f64>>| {
                n.flatten()
                    .map_or("—".to_string(), |n| crate::i18n::number(lang, n))
            };
            Chart {
                key: f.key.clone(),
                label,
                bars,
                numbers: (f.kind == QuestionType::Number).then(|| {
                    (
                        shown(f.min),
                        shown(f.max),
                        shown(f.mean),
                        f.answered.unwrap_or(0),
                    )
                }),
                answered: (f.kind == QuestionType::Text).then(|| f.answered.unwrap_or(0)),
            }
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("form_key", &form.key);
    ctx.insert("form_title", &form.local_title(lang));
    ctx.insert("kinds", &kinds(&forms, lang));
    ctx.insert("count", &figs.count);
    ctx.insert("from", &figs.from);
    ctx.insert("to", &figs.to);
    ctx.insert("account", &q.account.unwrap_or_default());
    ctx.insert("competitor", &q.competitor.unwrap_or_default());
    ctx.insert("team", &q.team.unwrap_or_default());
    ctx.insert("charts", &charts);
    ctx.insert(
        "csv_url",
        &format!(
            "/api/v1/report-forms/{}/answers?{}",
            form.key,
            serde_urlencoded::to_string([
                ("from", figs.from.as_str()),
                ("to", figs.to.as_str()),
                ("format", "csv")
            ])
            .unwrap_or_default()
        ),
    );
    page.render("reports/figures.html", ctx)
}

/// `GET /reports`: the forms, for marketing.
pub async fn figures_index(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ReportFigures)?;
    let forms = db::run(&page.state.pool, reports::all).await?;
    match forms.first() {
        Some(f) => Ok(redirect(&format!("/reports/{}", f.key))),
        None => Err(AppError::NotFound),
    }
}
