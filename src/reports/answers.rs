//! Filing a report: every answer checked against its question (all wrong
//! ones named at once), then the thread and the answers written in one
//! transaction, or nothing.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{Form, QuestionType};
use crate::client_ids::ClientId;
use crate::db::schema::reports;
use crate::db::DbConn;
use crate::domain::{FieldErrors, Invalid, PostBody, Tags, Title};
use crate::error::AppError;
use crate::forum::{self, NewThread};
use crate::models::posts::PostRow;
use crate::models::threads::ThreadRow;
use crate::models::users::User;
use crate::models::{accounts, competitors};

/// At most this many characters in a `text` answer.
pub const MAX_TEXT: usize = 200;

/// One answer as filed: the question it answered, as it was then.
#[derive(Serialize, Deserialize, Clone, Debug, ToSchema)]
pub struct Answer {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// bool, option, [options], number, text, account external id or
    /// competitor slug.
    #[schema(value_type = Object)]
    pub value: Value,
    /// How it read when filed (an account's or competitor's name).
    #[serde(default)]
    pub shown: String,
}

/// A report as a client sends it, before any rule is checked.
pub struct ReportDraft {
    pub form: String,
    pub answers: serde_json::Map<String, Value>,
    /// Empty: the form's category.
    pub category: String,
    /// Empty: made from the answers.
    pub title: String,
    /// Empty: the answers alone.
    pub body: String,
    pub tags: Vec<String>,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub attachments: Vec<i64>,
    pub client_id: Option<ClientId>,
}

/// The answers' field name in errors.
fn field(key: &str) -> String {
    format!("answers.{key}")
}

/// A number as a person writes it: `1299`, `12.5` or `12,5`.
fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok()?,
        _ => return None,
    };
    (n.is_finite() && n.abs() <= 1e12).then_some(n)
}

/// Whole numbers are kept as integers, so exports read `1299`.
fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Checks every answer against `form` (and the accounts and competitors
/// it names), adding each wrong one to `errs`.
fn check(
    conn: &mut DbConn,
    form: &Form,
    lang: &str,
    raw: &serde_json::Map<String, Value>,
    errs: &mut FieldErrors,
) -> Result<Vec<Answer>, AppError> {
    for key in raw.keys() {
        if form.question(key).is_none() {
            errs.add(field(key), Invalid("error-report-unknown-question"));
        }
    }
    let mut out = Vec::new();
    for q in &form.questions {
        let v = raw.get(&q.key).cloned().unwrap_or(Value::Null);
        let label = form.local_label(&q.key, lang).unwrap_or_default();
        if blank(&v) && q.kind != QuestionType::Check {
            if q.required {
                errs.add(field(&q.key), Invalid("error-report-required"));
            }
            continue;
        }
        let parsed: Result<(Value, String), Invalid> = match q.kind {
            QuestionType::Check => match v {
                Value::Null => Ok((Value::Bool(false), String::new())),
                Value::Bool(b) => Ok((Value::Bool(b), String::new())),
                _ => Err(Invalid("error-report-check")),
            },
            QuestionType::Choice => match v.as_str().map(str::trim) {
                Some(s) if q.options.iter().any(|o| o == s) => {
                    Ok((Value::String(s.into()), form.local_option(&q.key, s, lang)))
                }
                _ => Err(Invalid("error-report-choice")),
            },
            QuestionType::Choices => {
                let list: Option<Vec<String>> = v.as_array().and_then(|a| {
                    a.iter()
                        .map(|x| x.as_str().map(|s| s.trim().to_string()))
                        .collect()
                });
                match list {
                    Some(list) if list.iter().all(|s| q.options.contains(s)) => {
                        // Kept in the form's order, each once.
                        let picked: Vec<String> = q
                            .options
                            .iter()
                            .filter(|o| list.contains(o))
                            .cloned()
                            .collect();
                        let shown = picked
                            .iter()
                            .map(|o| form.local_option(&q.key, o, lang))
                            .collect::<Vec<_>>()
                            .join(", ");
                        Ok((serde_json::json!(picked), shown))
                    }
                    _ => Err(Invalid("error-report-choices")),
                }
            }
            QuestionType::Number => match number(&v) {
                Some(n) => Ok((number_value(n), crate::i18n::number(lang, n))),
                None => Err(Invalid("error-report-number")),
            },
            QuestionType::Text => match v.as_str().map(str::trim) {
                Some(s) if s.chars().count() <= MAX_TEXT => {
                    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
                    Ok((Value::String(one_line.clone()), one_line))
                }
                Some(_) => Err(Invalid("error-report-text")),
                None => Err(Invalid("error-report-text")),
            },
            QuestionType::Account => match v.as_str().map(str::trim) {
                Some(id) => match accounts::find_row(conn, id)? {
                    Some(a) => Ok((Value::String(a.external_id), a.name)),
                    None => Err(Invalid("error-report-account")),
                },
                None => Err(Invalid("error-report-account")),
            },
            QuestionType::Competitor => match v.as_str().map(|s| s.trim().to_lowercase()) {
                Some(slug) => match competitors::find(conn, &slug)? {
                    Some(c) => Ok((Value::String(c.slug), c.name)),
                    None => Err(Invalid("error-report-competitor")),
                },
                None => Err(Invalid("error-report-competitor")),
            },
        };
        match parsed {
            Ok((value, shown)) => out.push(Answer {
                key: q.key.clone(),
                label,
                kind: q.kind,
                value,
                shown,
            }),
            Err(e) => errs.add(field(&q.key), e),
        }
    }
    Ok(out)
}

/// A title from the answers: the form's, then the accounts, competitors,
/// choices and numbers given, as far as they fit.
fn make_title(form: &Form, lang: &str, answers: &[Answer]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for kinds in [
        &[QuestionType::Competitor, QuestionType::Account][..],
        &[QuestionType::Choice, QuestionType::Number][..],
    ] {
        for a in answers.iter().filter(|a| kinds.contains(&a.kind)) {
            if parts.len() < 4 && !a.shown.is_empty() {
                parts.push(a.shown.clone());
            }
        }
    }
    let head = form.local_title(lang);
    let title = if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join(" · "))
    };
    title.chars().take(200).collect()
}

/// Markdown table cell text: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('|', "\\|")
}

/// The answers as a Markdown table, under the rep's own words if any: the
/// post reads well on the page, in the live feed, in mail and in search.
fn make_body(lang: &str, words: &str, answers: &[Answer]) -> String {
    let mut body = String::new();
    if !words.trim().is_empty() {
        body.push_str(words.trim());
        body.push_str("\n\n");
    }
    body.push_str(&format!(
        "| {} | {} |\n|---|---|\n",
        cell(&crate::i18n::t(lang, "report-question")),
        cell(&crate::i18n::t(lang, "report-answer"))
    ));
    for a in answers {
        let shown = match (&a.kind, &a.value) {
            (QuestionType::Check, Value::Bool(b)) => {
                crate::i18n::t(lang, if *b { "report-yes" } else { "report-no" })
            }
            _ => a.shown.clone(),
        };
        body.push_str(&format!("| {} | {} |\n", cell(&a.label), cell(&shown)));
    }
    body
}

/// What filing made.
pub struct Filed {
    pub thread: ThreadRow,
    pub post: PostRow,
    /// `false`: a repeat of an earlier `client_id`.
    pub fresh: bool,
}

/// Files a report: one thread in the form's category (or the one named),
/// linked to every account and competitor answered, with the answers kept
/// beside it. Any wrong answer refuses it all with one 422.
pub fn file(conn: &mut DbConn, author: &User, draft: &ReportDraft) -> Result<Filed, AppError> {
    let lang = author.locale.as_deref().unwrap_or("en").to_string();
    let ((thread, post), fresh) =
        forum::thread_once(conn, author, draft.client_id.as_ref(), |conn| {
            let form = super::find(conn, &draft.form)?.ok_or_else(|| {
                AppError::invalid("unknown_form", format!("form: no form {:?}", draft.form))
            })?;
            let mut errs = FieldErrors::default();
            let answers = check(conn, &form, &lang, &draft.answers, &mut errs)?;
            let title_text = match draft.title.trim() {
                "" => make_title(&form, &lang, &answers),
                given => given.to_string(),
            };
            let title = errs.check("title", Title::parse(&title_text));
            let body_text = make_body(&lang, &draft.body, &answers);
            let body = errs.check("body", PostBody::parse(&body_text));
            let tags = errs.check("tags", Tags::parse(&draft.tags));
            let attachments = match crate::uploads::parse_ids(&draft.attachments) {
                Ok(ids) => ids,
                Err(_) => {
                    errs.add("attachments", Invalid("error-too-many-attachments"));
                    Vec::new()
                }
            };
            errs.into_result()?;
            let mut accounts = draft.accounts.clone();
            let mut competitors = draft.competitors.clone();
            for a in &answers {
                if let Value::String(s) = &a.value {
                    match a.kind {
                        QuestionType::Account => accounts.push(s.clone()),
                        QuestionType::Competitor => competitors.push(s.clone()),
                        _ => {}
                    }
                }
            }
            let category = match draft.category.trim() {
                "" => form.category.clone(),
                given => given.to_lowercase(),
            };
            let input = NewThread {
                category,
                title: title.expect("checked"),
                body: body.expect("checked"),
                kind: form.kind,
                tags: tags.expect("checked"),
                accounts,
                competitors,
                links_by_name: false,
                attachments,
                client_id: None,
            };
            let (thread, post) = forum::insert_thread(conn, author, &input)?;
            let stored =
                serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.into()))?;
            diesel::insert_into(reports::table)
                .values((
                    reports::thread_id.eq(thread.id),
                    reports::form_key.eq(&form.key),
                    reports::author_id.eq(author.id),
                    reports::answers.eq(stored),
                    reports::created_at.eq(thread.created_at),
                ))
                .execute(conn)?;
            Ok((thread, post))
        })?;
    Ok(Filed {
        thread,
        post,
        fresh,
    })
}

/// A thread's report, if it is one: its form and answers as filed.
#[derive(Serialize, Clone, Debug, ToSchema)]
pub struct Report {
    pub form: String,
    pub answers: Vec<Answer>,
}

pub fn of_thread(conn: &mut DbConn, thread_id: i64) -> Result<Option<Report>, AppError> {
    let row: Option<(String, String)> = reports::table
        .find(thread_id)
        .select((reports::form_key, reports::answers))
        .first(conn)
        .optional()?;
    row.map(|(form, answers)| {
        Ok(Report {
            form,
            answers: serde_json::from_str(&answers).map_err(|e| AppError::Internal(e.into()))?,
        })
    })
    .transpose()
}
