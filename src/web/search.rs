//! `/search`: the same query as the API, with facets; works without script.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::Page;
use crate::api::search::SearchParams;
use crate::db;
use crate::error::AppError;
use crate::models::categories;
use crate::search;

pub async fn page(page: Page, params: web::Query<SearchParams>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let params = params.into_inner();
    let q = params.q.clone().unwrap_or_default();
    let mut ctx = tera::Context::new();
    ctx.insert("q", &q);
    ctx.insert("only", &params.kind.clone().filter(|k| !k.is_empty()));
    ctx.insert("error", &Option::<String>::None);
    if q.trim().is_empty() {
        return page.render("search.html", ctx);
    }
    let asked = match params.parse() {
        Ok(a) => a,
        Err(e) => {
            ctx.insert("error", &Some(e.shown(page.lang)));
            return page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "search.html", ctx);
        }
    };
    let filters = asked.query.filters.clone();
    let (results, facets, cats) = db::run(&page.state.pool, move |c| {
        let results = search::find(c, &user, &asked.query, asked.only, asked.sort, asked.page)?;
        let facets = search::find::facets(c, &user, &asked.query)?;
        Ok((results, facets, categories::readable_by(c, user.role)?))
    })
    .await?;
    // Categories by slug and name; only those the reader may read count.
    let by_cat: Vec<(String, String, i64)> = facets
        .categories
        .iter()
        .filter_map(|(id, n)| {
            let c = cats.iter().find(|c| c.id == *id)?;
            Some((c.slug.clone(), c.name_in(page.lang).to_string(), *n))
        })
        .collect();
    let f = &filters;
    ctx.insert("types", &facets.types);
    ctx.insert(
        "cats",
        &if f.category.is_none() {
            by_cat
        } else {
            Vec::new()
        },
    );
    ctx.insert(
        "kinds",
        &if f.kind.is_none() {
            facets.kinds
        } else {
            Vec::new()
        },
    );
    ctx.insert(
        "accounts",
        &if f.account.is_none() {
            facets.accounts
        } else {
            Vec::new()
        },
    );
    ctx.insert(
        "competitors",
        &if f.competitor.is_none() {
            facets.competitors
        } else {
            Vec::new()
        },
    );
    ctx.insert("items", &results.items);
    ctx.insert("next_page", &results.next_page);
    page.render("search.html", ctx)
}
