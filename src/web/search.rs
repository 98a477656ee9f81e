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
            ctx.insert("error", &Some(e.to_string()));
            return page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "search.html", ctx);
        }
    };
    let (results, facets, cats) = db::run(&page.state.pool, move |c| {
        let results = search::find(c, &user, &asked.query, asked.only, asked.sort, asked.page)?;
        let facets = search::find::facets(c, &user, &asked.query)?;
        Ok((results, facets, categories::readable_by(c, user.role)?))
    })
    .await?;
    let mut types: Vec<(String, i64)> = Vec::new();
    let mut by_cat: Vec<(String, String, i64)> = Vec::new();
    for (kind, cat, n) in facets {
        match types.iter_mut().find(|t| t.0 == kind) {
            Some(t) => t.1 += n,
            None => types.push((kind.clone(), n)),
        }
        if let Some(c) = cat.and_then(|id| cats.iter().find(|c| c.id == id)) {
            match by_cat.iter_mut().find(|b| b.0 == c.slug) {
                Some(b) => b.2 += n,
                None => by_cat.push((c.slug.clone(), c.name.clone(), n)),
            }
        }
    }
    let order = |k: &str| search::DocKind::ALL.iter().position(|d| d.as_str() == k);
    types.sort_by_key(|t| order(&t.0));
    by_cat.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    ctx.insert("items", &results.items);
    ctx.insert("next_page", &results.next_page);
    ctx.insert("types", &types);
    ctx.insert("cats", &by_cat);
    page.render("search.html", ctx)
}
