//! "My impact" (what a rep's intel did) and the contributors' figures for
//! managers.

use actix_web::{web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Page;
use crate::authz::Action;
use crate::contributions::{self, Counts, Whom};
use crate::db;
use crate::error::AppError;
use crate::time::Days;

#[derive(Serialize)]
struct Column {
    key: &'static str,
    counts: Counts,
}

/// This week (from Monday), this month and this quarter, in UTC.
fn periods(today: NaiveDate) -> [(&'static str, Days); 3] {
    let week = today - chrono::Days::new(today.weekday().num_days_from_monday() as u64);
    let month = today.with_day(1).unwrap_or(today);
    let q_month = (today.month0() / 3) * 3 + 1;
    let quarter = NaiveDate::from_ymd_opt(today.year(), q_month, 1).unwrap_or(month);
    [
        (
            "impact-week",
            Days {
                from: week,
                to: today,
            },
        ),
        (
            "impact-month",
            Days {
                from: month,
                to: today,
            },
        ),
        (
            "impact-quarter",
            Days {
                from: quarter,
                to: today,
            },
        ),
    ]
}

/// `GET /impact`: the signed-in user's own figures and what came back.
pub async fn impact(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let today = chrono::Utc::now().date_naive();
    let (columns, moments) = db::run(&page.state.pool, move |c| {
        let mut columns = Vec::new();
        for (key, days) in periods(today) {
            let counts = contributions::counts(c, days, Whom::Only(user.id), true)?
                .remove(&user.id)
                .unwrap_or_default();
            columns.push(Column { key, counts });
        }
        Ok((columns, contributions::timeline(c, user.id, 20)?))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("columns", &columns);
    ctx.insert("moments", &moments);
    page.render("impact.html", ctx)
}

#[derive(Deserialize)]
pub struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
}

#[derive(Serialize)]
struct Week {
    label: String,
    count: i64,
    height: i64,
}

/// `GET /stats`: everyone's figures over a period (marketers, admins).
pub async fn stats(page: Page, q: web::Query<StatsQuery>) -> Result<HttpResponse, AppError> {
    page.require(Action::MarkUseful)?;
    let q = q.into_inner();
    let days = Days::parse(q.from.as_deref(), q.to.as_deref())?;
    let (mut figures, per_day, median) = db::run(&page.state.pool, move |c| {
        Ok((
            contributions::contributors(c, days)?,
            contributions::intel_per_day(c, days)?,
            contributions::first_response_median(c, days)?,
        ))
    })
    .await?;
    let sort = q
        .sort
        .as_deref()
        .filter(|s| contributions::FIGURES.contains(s))
        .unwrap_or("threads");
    figures.items.sort_by_key(|r| {
        // "threads" ranks by all the intel sent: threads and reports.
        std::cmp::Reverse(match sort {
            "threads" => r.threads + r.reports,
            other => r.figure(other),
        })
    });
    // Per ISO week, Monday first.
    let mut weeks: Vec<(NaiveDate, i64)> = Vec::new();
    let mut monday =
        days.from - chrono::Days::new(days.from.weekday().num_days_from_monday() as u64);
    while monday <= days.to {
        let next = monday + chrono::Days::new(7);
        let n = per_day
            .iter()
            .filter(|(d, _)| *d >= monday && *d < next)
            .map(|(_, n)| n)
            .sum();
        weeks.push((monday, n));
        monday = next;
    }
    let top = weeks.iter().map(|w| w.1).max().unwrap_or(0).max(1);
    let weeks: Vec<Week> = weeks
        .into_iter()
        .map(|(d, count)| Week {
            label: d.format("%d/%m").to_string(),
            count,
            height: count * 100 / top,
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("figures", &figures);
    ctx.insert("sort", sort);
    ctx.insert("sorts", &contributions::FIGURES);
    ctx.insert("weeks", &weeks);
    ctx.insert(
        "median",
        &median.map(|h| crate::i18n::number(page.lang, (h * 10.0).round() / 10.0)),
    );
    ctx.insert("from", &figures.from);
    ctx.insert("to", &figures.to);
    ctx.insert(
        "csv_url",
        &format!(
            "/api/v1/stats/contributors?from={}&to={}&format=csv",
            figures.from, figures.to
        ),
    );
    page.render("stats.html", ctx)
}
