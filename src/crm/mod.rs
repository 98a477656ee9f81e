//! CRM links: resolving account and competitor keys, linking threads,
//! upserting records. Each write is one transaction with its event.

pub mod import;

use diesel::prelude::*;

use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::domain::{crm, Email, ExternalId, FieldErrors, Slug};
use crate::error::AppError;
use crate::events::{self, EventData, NewEvent};
use crate::forum;
use crate::models::accounts::{self, AccountFields, AccountRow};
use crate::models::competitors::{self, Competitor};
use crate::models::threads::{self, Links};
use crate::models::users::{self, User};

/// Accounts and competitors named by a request, all known.
#[derive(Debug, Default)]
pub struct Resolved {
    pub accounts: Vec<AccountRow>,
    pub competitors: Vec<Competitor>,
}

impl Resolved {
    pub fn links(&self) -> Links {
        Links {
            accounts: self
                .accounts
                .iter()
                .map(|a| (a.external_id.clone(), a.name.clone()))
                .collect(),
            competitors: self
                .competitors
                .iter()
                .map(|c| (c.slug.clone(), c.name.clone()))
                .collect(),
        }
    }
}

fn dedup(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// Finds every account (by external id) and competitor (by slug). With
/// `by_name`, a term may also be an exact name (any case), as typed in a
/// form without the picker, when it names one record only. Unknown and
/// ambiguous terms are one 422 naming all of them, in the reader's language
/// on pages.
pub fn resolve(
    conn: &mut DbConn,
    account_terms: &[String],
    competitor_terms: &[String],
    by_name: bool,
) -> Result<Resolved, AppError> {
    let account_terms = dedup(account_terms);
    let competitor_terms = dedup(competitor_terms);
    let mut refusal = Refusal::default();

    let mut found_accounts = accounts::by_keys(conn, &account_terms)?;
    let missing: Vec<String> = account_terms
        .iter()
        .filter(|t| !found_accounts.iter().any(|a| &a.external_id == *t))
        .cloned()
        .collect();
    let named = if by_name && !missing.is_empty() {
        accounts::by_names(conn, &missing)?
    } else {
        Vec::new()
    };
    let (unknown, ambiguous) = by_name_once(
        &missing,
        &named,
        |a| &a.name,
        |a| &a.external_id,
        &mut found_accounts,
    );
    refusal.add(&ACCOUNT_WORDS, unknown, ambiguous);

    let slugs: Vec<String> = competitor_terms.iter().map(|t| t.to_lowercase()).collect();
    let mut found_competitors = competitors::by_keys(conn, &slugs)?;
    let missing: Vec<String> = competitor_terms
        .iter()
        .filter(|t| !found_competitors.iter().any(|c| c.slug == t.to_lowercase()))
        .cloned()
        .collect();
    let named = if by_name && !missing.is_empty() {
        competitors::by_names(conn, &missing)?
    } else {
        Vec::new()
    };
    let (unknown, ambiguous) = by_name_once(
        &missing,
        &named,
        |c| &c.name,
        |c| &c.slug,
        &mut found_competitors,
    );
    refusal.add(&COMPETITOR_WORDS, unknown, ambiguous);

    if !refusal.says.is_empty() {
        return Err(AppError::invalid_says(
            "unknown_links",
            refusal.english.join("; "),
            refusal.says,
        ));
    }
    found_accounts.sort_by_key(|a| a.id);
    found_accounts.dedup_by_key(|a| a.id);
    found_competitors.sort_by_key(|c| c.id);
    found_competitors.dedup_by_key(|c| c.id);
    Ok(Resolved {
        accounts: found_accounts,
        competitors: found_competitors,
    })
}

/// How a refusal names one kind of record, in English and in the catalog.
struct Words {
    plural: &'static str,
    unknown_key: &'static str,
    ambiguous_key: &'static str,
}

const ACCOUNT_WORDS: Words = Words {
    plural: "accounts",
    unknown_key: "error-unknown-accounts",
    ambiguous_key: "error-ambiguous-account",
};

const COMPETITOR_WORDS: Words = Words {
    plural: "competitors",
    unknown_key: "error-unknown-competitors",
    ambiguous_key: "error-ambiguous-competitor",
};

/// The terms `resolve` refuses: the API's English message and the page's
/// words, built together.
#[derive(Default)]
struct Refusal {
    english: Vec<String>,
    says: crate::error::Says,
}

impl Refusal {
    fn add(&mut self, words: &Words, unknown: Vec<String>, ambiguous: Vec<(String, String)>) {
        if !unknown.is_empty() {
            let names = unknown.join(", ");
            self.english
                .push(format!("unknown {}: {names}", words.plural));
            self.says.push((words.unknown_key, vec![("names", names)]));
        }
        for (name, keys) in ambiguous {
            self.english.push(format!(
                "\"{name}\" names several {} ({keys}): choose one",
                words.plural
            ));
            self.says
                .push((words.ambiguous_key, vec![("name", name), ("keys", keys)]));
        }
    }
}

/// Takes, for each term not found by key, the one record of that name into
/// `found`; returns the terms naming none, and those naming several (with
/// their keys).
fn by_name_once<T: Clone>(
    terms: &[String],
    named: &[T],
    name: impl Fn(&T) -> &String,
    key: impl Fn(&T) -> &String,
    found: &mut Vec<T>,
) -> (Vec<String>, Vec<(String, String)>) {
    let (mut unknown, mut ambiguous) = (Vec::new(), Vec::new());
    for term in terms {
        let lowered = term.to_lowercase();
        let matches: Vec<&T> = named
            .iter()
            .filter(|r| name(r).to_lowercase() == lowered)
            .collect();
        match matches.as_slice() {
            [] => unknown.push(term.clone()),
            [one] => found.push((*one).clone()),
            many => ambiguous.push((
                term.clone(),
                many.iter()
                    .map(|r| key(r).as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }
    (unknown, ambiguous)
}

/// Replaces a thread's links (its author, marketers, admins). Followers of
/// both the old and the new accounts and competitors hear of it.
pub fn set_thread_links(
    conn: &mut DbConn,
    user: &User,
    thread_id: i64,
    account_terms: &[String],
    competitor_terms: &[String],
    by_name: bool,
) -> Result<Links, AppError> {
    crate::db::write_tx(conn, |conn| {
        let (thread, category) = forum::visible_thread(conn, user, thread_id)?;
        if thread.author_id != user.id && !authz::allows(user, Action::Moderate) {
            return Err(AppError::Forbidden);
        }
        let resolved = resolve(conn, account_terms, competitor_terms, by_name)?;
        let before = threads::links_of(conn, &[thread.id])?
            .remove(&thread.id)
            .unwrap_or_default();
        let ids = |r: &Resolved| {
            (
                r.accounts.iter().map(|a| a.id).collect::<Vec<_>>(),
                r.competitors.iter().map(|c| c.id).collect::<Vec<_>>(),
            )
        };
        let (account_ids, competitor_ids) = ids(&resolved);
        threads::set_links(conn, thread.id, &account_ids, &competitor_ids)?;
        threads::touch(conn, thread.id)?;
        crate::search::index::thread(conn, thread.id)?;
        let after = resolved.links();
        let mut topics = forum::thread_topics(&category, thread.id);
        for t in before.topics().into_iter().chain(after.topics()) {
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
        events::append(
            conn,
            &NewEvent {
                data: EventData::LinksChanged(events::LinksChanged {
                    thread_id: thread.id,
                    title: thread.title.clone(),
                    category: category.slug.clone(),
                    accounts: after.account_keys(),
                    competitors: after.competitor_keys(),
                    by: user.into(),
                    url: format!("/t/{}", thread.id),
                }),
                topics,
                readable_by: authz::audience(&category, thread.hidden),
            },
        )?;
        Ok(after)
    })
}

/// An account as a CRM or a marketer sends it, before parsing.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct AccountInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 253)]
    pub domain: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub industry: Option<String>,
    /// A user's email: the rep who owns the account.
    #[serde(default)]
    pub owner_email: Option<String>,
}

/// Parses the fields; the owner email must be a known user.
pub fn parse_account(
    conn: &mut DbConn,
    input: &AccountInput,
    errs: &mut FieldErrors,
) -> QueryResult<Option<AccountFields>> {
    let name = errs.check("name", crm::display_name(&input.name));
    let domain = errs.check("domain", crm::domain(input.domain.as_deref()));
    let industry = errs.check("industry", crm::short_text(input.industry.as_deref()));
    let owner_id = match input
        .owner_email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(None),
        Some(raw) => match Email::parse(raw) {
            Ok(email) => match users::find_by_email(conn, &email)? {
                Some(u) => Some(Some(u.id)),
                None => {
                    errs.add("owner_email", crate::domain::Invalid("error-owner-unknown"));
                    None
                }
            },
            Err(e) => {
                errs.add("owner_email", e);
                None
            }
        },
    };
    Ok(match (name, domain, industry, owner_id) {
        (Some(name), Some(domain), Some(industry), Some(owner_id)) => Some(AccountFields {
            name,
            domain,
            industry,
            owner_id,
        }),
        _ => None,
    })
}

/// Creates or updates an account (marketers, admins); `true` when created.
pub fn upsert_account(
    conn: &mut DbConn,
    user: &User,
    external_id: &str,
    input: &AccountInput,
) -> Result<bool, AppError> {
    authz::require(user, Action::ManageCrm)?;
    let mut errs = FieldErrors::default();
    let key = errs.check("external_id", ExternalId::parse(external_id));
    crate::db::write_tx(conn, |conn| {
        let fields = parse_account(conn, input, &mut errs)?;
        errs.into_result()?;
        let (key, fields) = (key.expect("checked"), fields.expect("checked"));
        let created = accounts::upsert(conn, key.as_str(), &fields)?;
        crate::search::index::accounts_by_key(conn, &[key.as_str()], !created)?;
        if !created {
            threads::touch_linked(conn, &[key.as_str()], None)?;
        }
        Ok(created)
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct CompetitorInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub website: Option<String>,
}

/// Creates or updates a competitor (marketers, admins); `true` when created.
pub fn upsert_competitor(
    conn: &mut DbConn,
    user: &User,
    slug: &str,
    input: &CompetitorInput,
) -> Result<bool, AppError> {
    authz::require(user, Action::ManageCrm)?;
    let mut errs = FieldErrors::default();
    let slug = errs.check("slug", Slug::parse(slug));
    let name = errs.check("name", crm::display_name(&input.name));
    let website = errs.check("website", crm::website(input.website.as_deref()));
    errs.into_result()?;
    let (slug, name, website) = (
        slug.expect("checked"),
        name.expect("checked"),
        website.expect("checked"),
    );
    crate::db::write_tx(conn, |conn| {
        let created = competitors::upsert(conn, slug.as_str(), &name, website.as_deref())?;
        if let Some(c) = competitors::find(conn, slug.as_str())? {
            crate::search::index::competitor_now(conn, c.id, !created)?;
            if !created {
                threads::touch_linked(conn, &[], Some(c.id))?;
            }
        }
        Ok(created)
    })
}
