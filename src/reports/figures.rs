//! Marketing's view of one form's answers over a period: counts per option,
//! min/max/mean per number, how many answered a text; and the same reports
//! one row each, as CSV. Only reports the caller may read count: not in a
//! category closed to them, not hidden, not deleted.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::answers::Answer;
use super::{Form, QuestionType};
use crate::db::schema::{posts, reports, thread_accounts, thread_competitors, threads, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::users::User;
use crate::models::{accounts, categories, competitors};
use crate::time::Days;

/// Which reports to count.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Account external id.
    pub account: Option<String>,
    /// Competitor slug.
    pub competitor: Option<String>,
    /// The authors' team.
    pub team: Option<String>,
}

/// One filed report, as the figures read it.
pub struct Filed {
    pub thread_id: i64,
    pub created_at: NaiveDateTime,
    pub author: String,
    pub answers: Vec<Answer>,
}

/// The reports of `form` in `days` that `viewer` may read, oldest first.
pub fn filed(
    conn: &mut DbConn,
    viewer: &User,
    form: &Form,
    days: Days,
    filter: &Filter,
) -> Result<Vec<Filed>, AppError> {
    let readable: Vec<i64> = categories::readable_by(conn, viewer.role)?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let deleted_opening = posts::table
        .filter(posts::thread_id.eq(reports::thread_id))
        .filter(posts::parent_id.is_null())
        .filter(posts::deleted.eq(true));
    let mut q = reports::table
        .inner_join(threads::table)
        .inner_join(users::table)
        .filter(reports::form_key.eq(&form.key))
        .filter(reports::created_at.ge(days.start()))
        .filter(reports::created_at.lt(days.end()))
        .filter(threads::hidden.eq(false))
        .filter(threads::category_id.eq_any(readable))
        .filter(not(exists(deleted_opening)))
        .select((
            reports::thread_id,
            reports::created_at,
            users::name,
            reports::answers,
        ))
        .order((reports::created_at, reports::thread_id))
        .into_boxed();
    if let Some(team) = &filter.team {
        q = q.filter(users::team.eq(team.clone()));
    }
    if let Some(key) = &filter.account {
        let id = accounts::find_row(conn, key)?.map_or(0, |a| a.id);
        q = q.filter(exists(
            thread_accounts::table
                .filter(thread_accounts::thread_id.eq(reports::thread_id))
                .filter(thread_accounts::account_id.eq(id)),
        ));
    }
    if let Some(slug) = &filter.competitor {
        let id = competitors::find(conn, slug)?.map_or(0, |c| c.id);
        q = q.filter(exists(
            thread_competitors::table
                .filter(thread_competitors::thread_id.eq(reports::thread_id))
                .filter(thread_competitors::competitor_id.eq(id)),
        ));
    }
    let rows: Vec<(i64, NaiveDateTime, String, String)> = q.load(conn)?;
    rows.into_iter()
        .map(|(thread_id, created_at, author, answers)| {
            Ok(Filed {
                thread_id,
                created_at,
                author,
                answers: serde_json::from_str(&answers)
                    .map_err(|e| AppError::Internal(e.into()))?,
            })
        })
        .collect()
}

/// One question's figures; which fields appear depends on its type.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct QuestionFigures {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// check, choice, choices, account, competitor: reports per value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<BTreeMap<String, i64>>,
    /// number: over the reports that answered it (null when none did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Option<f64>>,
    /// text: how many answered; number: how many gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<i64>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Figures {
    pub form: String,
    pub from: String,
    pub to: String,
    pub count: i64,
    pub questions: Vec<QuestionFigures>,
}

fn value_of<'a>(report: &'a Filed, q_key: &str, kind: QuestionType) -> Option<&'a Value> {
    report
        .answers
        .iter()
        .find(|a| a.key == q_key && a.kind == kind)
        .map(|a| &a.value)
}

/// The figures of the form's current questions over `reports`.
pub fn figures(form: &Form, days: Days, reports: &[Filed]) -> Figures {
    let questions = form
        .questions
        .iter()
        .map(|q| {
            let values = reports.iter().filter_map(|r| value_of(r, &q.key, q.kind));
            let mut f = QuestionFigures {
                key: q.key.clone(),
                kind: q.kind,
                counts: None,
                min: None,
                max: None,
                mean: None,
                answered: None,
            };
            match q.kind {
                QuestionType::Number => {
                    let nums: Vec<f64> = values.filter_map(Value::as_f64).collect();
                    let n = nums.len();
                    f.min = Some(nums.iter().copied().reduce(f64::min));
                    f.max = Some(nums.iter().copied().reduce(f64::max));
                    f.mean = Some((n > 0).then(|| nums.iter().sum::<f64>() / n as f64));
                    f.answered = Some(n as i64);
                }
                QuestionType::Text => f.answered = Some(values.count() as i64),
                _ => {
                    let mut counts: BTreeMap<String, i64> = match q.kind {
                        QuestionType::Check => [("false".into(), 0), ("true".into(), 0)].into(),
                        _ => q.options.iter().map(|o| (o.clone(), 0)).collect(),
                    };
                    for v in values {
                        for key in cell_values(v) {
                            *counts.entry(key).or_default() += 1;
                        }
                    }
                    f.counts = Some(counts);
                }
            }
            f
        })
        .collect();
    Figures {
        form: form.key.clone(),
        from: days.from.to_string(),
        to: days.to.to_string(),
        count: reports.len() as i64,
        questions,
    }
}

/// The values an answer holds, as text.
fn cell_values(v: &Value) -> Vec<String> {
    match v {
        Value::Bool(b) => vec![b.to_string()],
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Array(a) => a.iter().flat_map(cell_values).collect(),
        Value::Null | Value::Object(_) => Vec::new(),
    }
}

/// One row a report: `thread_id, created_at, author`, then the form's
/// question keys, then any key only older reports answered.
pub fn csv(form: &Form, reports: &[Filed]) -> Result<String, AppError> {
    let mut keys: Vec<String> = form.questions.iter().map(|q| q.key.clone()).collect();
    for r in reports {
        for a in &r.answers {
            if !keys.contains(&a.key) {
                keys.push(a.key.clone());
            }
        }
    }
    let mut header: Vec<String> = ["thread_id", "created_at", "author"]
        .map(String::from)
        .to_vec();
    header.extend(keys.iter().cloned());
    let rows = reports.iter().map(|r| {
        let mut row = vec![
            r.thread_id.to_string(),
            crate::time::rfc3339(&r.created_at),
            r.author.clone(),
        ];
        for key in &keys {
            let cell = r
                .answers
                .iter()
                .find(|a| &a.key == key)
                .map(|a| cell_values(&a.value).join("; "))
                .unwrap_or_default();
            row.push(cell);
        }
        row
    });
    crate::spreadsheet::write(&header, rows)
}
