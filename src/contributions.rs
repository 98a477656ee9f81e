//! Who contributed what over a period: the figures of `GET /me/impact` and
//! `GET /stats/contributors`, counted in SQL from the records the forum
//! shows (grouped per user, so memory grows with users, not with posts).
//! Hidden and deleted content does not count; neither do votes on one's
//! own idea. A period's figures only read records dated in it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::dsl::{count_star, exists, not, sql};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{
    idea_status_changes, idea_votes, ideas, post_marks, posts, reports, thread_reads, threads,
    users,
};
use crate::db::DbConn;
use crate::error::AppError;
use crate::time::Days;

/// The roles whose reading and replying count as marketing's.
const MARKETING: [&str; 2] = ["marketer", "admin"];
/// Idea statuses that count as adopted.
const ADOPTED: [&str; 3] = ["planned", "in_progress", "done"];

/// One user's figures over a period.
#[derive(Serialize, ToSchema, Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub threads: i64,
    pub replies: i64,
    pub reports: i64,
    pub ideas: i64,
    pub votes: i64,
    pub useful_marks: i64,
    pub read_by_marketing: i64,
    pub marketing_replies: i64,
    pub ideas_adopted: i64,
    pub days_active: i64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.threads += o.threads;
        self.replies += o.replies;
        self.reports += o.reports;
        self.ideas += o.ideas;
        self.votes += o.votes;
        self.useful_marks += o.useful_marks;
        self.read_by_marketing += o.read_by_marketing;
        self.marketing_replies += o.marketing_replies;
        self.ideas_adopted += o.ideas_adopted;
        self.days_active += o.days_active;
    }
}

/// Whose figures: everyone's, or one user's.
#[derive(Clone, Copy)]
pub enum Whom {
    Everyone,
    Only(i64),
}

type PerUser = HashMap<i64, i64>;

/// The figures per user id (only users with something to count).
pub fn counts(
    conn: &mut DbConn,
    days: Days,
    whom: Whom,
    with_marketing_replies: bool,
) -> Result<HashMap<i64, Counts>, AppError> {
    let (start, end) = (days.start(), days.end());
    // A thread counts while it and its opening post are shown.
    let opening = diesel::alias!(posts as opening);
    let shown_threads = threads::hidden.eq(false).and(not(exists(
        opening
            .filter(opening.field(posts::thread_id).eq(threads::id))
            .filter(opening.field(posts::parent_id).is_null())
            .filter(
                opening
                    .field(posts::deleted)
                    .eq(true)
                    .or(opening.field(posts::hidden).eq(true)),
            ),
    )));

    let mut q = threads::table
        .filter(
            threads::created_at
                .ge(start)
                .and(threads::created_at.lt(end)),
        )
        .filter(shown_threads)
        .group_by(threads::author_id)
        .select((threads::author_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(threads::author_id.eq(id));
    }
    let all_threads: Vec<(i64, i64)> = q.load(conn)?;
    let mut q = threads::table
        .inner_join(reports::table)
        .filter(
            threads::created_at
                .ge(start)
                .and(threads::created_at.lt(end)),
        )
        .filter(shown_threads)
        .group_by(threads::author_id)
        .select((threads::author_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(threads::author_id.eq(id));
    }
    let report_threads: Vec<(i64, i64)> = q.load(conn)?;
    let mut q = ideas::table
        .filter(ideas::created_at.ge(start).and(ideas::created_at.lt(end)))
        .group_by(ideas::author_id)
        .select((ideas::author_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(ideas::author_id.eq(id));
    }
    let idea_rows: Vec<(i64, i64)> = q.load(conn)?;
    let mut q = idea_votes::table
        .inner_join(ideas::table.on(ideas::id.eq(idea_votes::idea_id)))
        .filter(ideas::author_id.ne(idea_votes::user_id))
        .filter(
            idea_votes::created_at
                .ge(start)
                .and(idea_votes::created_at.lt(end)),
        )
        .group_by(idea_votes::user_id)
        .select((idea_votes::user_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(idea_votes::user_id.eq(id));
    }
    let votes: Vec<(i64, i64)> = q.load(conn)?;
    let mut q = post_marks::table
        .inner_join(posts::table.inner_join(threads::table))
        .filter(posts::deleted.eq(false).and(posts::hidden.eq(false)))
        .filter(
            post_marks::created_at
                .ge(start)
                .and(post_marks::created_at.lt(end)),
        )
        .filter(shown_threads)
        .group_by(posts::author_id)
        .select((posts::author_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(posts::author_id.eq(id));
    }
    let marks: Vec<(i64, i64)> = q.load(conn)?;
    let mut q = thread_reads::table
        .inner_join(threads::table.on(threads::id.eq(thread_reads::thread_id)))
        .inner_join(users::table.on(users::id.eq(thread_reads::user_id)))
        .filter(users::role.eq_any(MARKETING))
        .filter(users::id.ne(threads::author_id))
        .filter(
            threads::created_at
                .ge(start)
                .and(threads::created_at.lt(end)),
        )
        .filter(shown_threads)
        .group_by(threads::author_id)
        .select((threads::author_id, count_star()))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(threads::author_id.eq(id));
    }
    let read: Vec<(i64, i64)> = q.load(conn)?;
    // The contributors' table has no marketing replies: only a rep's own
    // figures (and the digest line) ask for them.
    let marketing_replies: Vec<(i64, i64)> = if with_marketing_replies {
        let mut q = posts::table
            .inner_join(threads::table)
            .inner_join(users::table.on(users::id.eq(posts::author_id)))
            .filter(users::role.eq_any(MARKETING))
            .filter(posts::author_id.ne(threads::author_id))
            .filter(posts::parent_id.is_not_null())
            .filter(posts::deleted.eq(false).and(posts::hidden.eq(false)))
            .filter(posts::created_at.ge(start).and(posts::created_at.lt(end)))
            .filter(shown_threads)
            .group_by(threads::author_id)
            .select((threads::author_id, count_star()))
            .into_boxed();
        if let Whom::Only(id) = whom {
            q = q.filter(threads::author_id.eq(id));
        }
        q.load(conn)?
    } else {
        Vec::new()
    };
    // Distinct ideas per author whose status reached an adopted one in the
    // period: the pairs are few (one per idea), counted here.
    let mut q = idea_status_changes::table
        .inner_join(ideas::table.on(ideas::id.eq(idea_status_changes::idea_id)))
        .filter(idea_status_changes::status.eq_any(ADOPTED))
        .filter(
            idea_status_changes::created_at
                .ge(start)
                .and(idea_status_changes::created_at.lt(end)),
        )
        .select((ideas::author_id, ideas::id))
        .distinct()
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(ideas::author_id.eq(id));
    }
    let adopted: Vec<(i64, i64)> = q.load(conn)?;
    let mut adopted_per: PerUser = HashMap::new();
    for (author, _) in adopted {
        *adopted_per.entry(author).or_default() += 1;
    }
    // Days with a post, an idea or a vote: (user, day) pairs, at most users
    // × days in the period.
    let day = |col: &str| sql::<diesel::sql_types::Date>(&format!("date({col})"));
    let mut active: HashSet<(i64, NaiveDate)> = HashSet::new();
    // Replies and days with a post in one pass over the period's posts,
    // grouped per author and day.
    use diesel::sql_types::{BigInt, Date};
    let mut q = posts::table
        .inner_join(threads::table)
        .filter(posts::deleted.eq(false).and(posts::hidden.eq(false)))
        .filter(shown_threads)
        .filter(posts::created_at.ge(start).and(posts::created_at.lt(end)))
        .group_by(sql::<(BigInt, Date)>(
            "posts.author_id, date(posts.created_at)",
        ))
        .select(sql::<(BigInt, Date, BigInt)>(
            "posts.author_id, date(posts.created_at), \
             SUM(CASE WHEN posts.parent_id IS NULL THEN 0 ELSE 1 END)",
        ))
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(posts::author_id.eq(id));
    }
    let post_days: Vec<(i64, NaiveDate, i64)> = q.load(conn)?;
    let mut replies_per: PerUser = HashMap::new();
    for (user, date, replies) in post_days {
        *replies_per.entry(user).or_default() += replies;
        active.insert((user, date));
    }
    let replies: Vec<(i64, i64)> = replies_per.into_iter().collect();
    let mut q = ideas::table
        .filter(ideas::created_at.ge(start).and(ideas::created_at.lt(end)))
        .select((ideas::author_id, day("ideas.created_at")))
        .distinct()
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(ideas::author_id.eq(id));
    }
    let idea_days: Vec<(i64, NaiveDate)> = q.load(conn)?;
    active.extend(idea_days);
    let mut q = idea_votes::table
        .filter(
            idea_votes::created_at
                .ge(start)
                .and(idea_votes::created_at.lt(end)),
        )
        .select((idea_votes::user_id, day("idea_votes.created_at")))
        .distinct()
        .into_boxed();
    if let Whom::Only(id) = whom {
        q = q.filter(idea_votes::user_id.eq(id));
    }
    let vote_days: Vec<(i64, NaiveDate)> = q.load(conn)?;
    active.extend(vote_days);

    let mut out: HashMap<i64, Counts> = HashMap::new();
    let mut put = |rows: Vec<(i64, i64)>, f: fn(&mut Counts, i64)| {
        for (user, n) in rows {
            f(out.entry(user).or_default(), n);
        }
    };
    put(all_threads, |c, n| c.threads += n);
    put(report_threads, |c, n| {
        c.reports += n;
        c.threads -= n;
    });
    put(replies, |c, n| c.replies = n);
    put(idea_rows, |c, n| c.ideas = n);
    put(votes, |c, n| c.votes = n);
    put(marks, |c, n| c.useful_marks = n);
    put(read, |c, n| c.read_by_marketing = n);
    put(marketing_replies, |c, n| c.marketing_replies = n);
    put(adopted_per.into_iter().collect(), |c, n| {
        c.ideas_adopted = n
    });
    let mut days_per: PerUser = HashMap::new();
    for (user, _) in active {
        *days_per.entry(user).or_default() += 1;
    }
    put(days_per.into_iter().collect(), |c, n| c.days_active = n);
    Ok(out)
}

#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// One user's line of the contributors table.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct Contributor {
    pub user: Person,
    pub team: Option<String>,
    pub threads: i64,
    pub replies: i64,
    pub reports: i64,
    pub ideas: i64,
    pub votes: i64,
    pub useful_marks: i64,
    pub read_by_marketing: i64,
    pub ideas_adopted: i64,
    pub days_active: i64,
}

/// A team's totals.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct Team {
    /// `null`: users without a team.
    pub team: Option<String>,
    pub users: i64,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Contributors {
    pub from: String,
    pub to: String,
    pub items: Vec<Contributor>,
    pub teams: Vec<Team>,
}

/// Every person's figures (the system account aside), by name, with the
/// teams' totals.
pub fn contributors(conn: &mut DbConn, days: Days) -> Result<Contributors, AppError> {
    let per = counts(conn, days, Whom::Everyone, false)?;
    let people: Vec<(i64, String, String, Option<String>)> = users::table
        .filter(users::email.ne(crate::ideas::SYSTEM_EMAIL))
        .order((users::name, users::id))
        .select((users::id, users::name, users::email, users::team))
        .load(conn)?;
    let mut teams: BTreeMap<Option<String>, Team> = BTreeMap::new();
    let items = people
        .into_iter()
        .map(|(id, name, email, team)| {
            let c = per.get(&id).cloned().unwrap_or_default();
            let t = teams.entry(team.clone()).or_insert_with(|| Team {
                team: team.clone(),
                users: 0,
                counts: Counts::default(),
            });
            t.users += 1;
            t.counts.add(&c);
            Contributor {
                user: Person { id, name, email },
                team,
                threads: c.threads,
                replies: c.replies,
                reports: c.reports,
                ideas: c.ideas,
                votes: c.votes,
                useful_marks: c.useful_marks,
                read_by_marketing: c.read_by_marketing,
                ideas_adopted: c.ideas_adopted,
                days_active: c.days_active,
            }
        })
        .collect();
    Ok(Contributors {
        from: days.from.to_string(),
        to: days.to.to_string(),
        items,
        teams: teams.into_values().collect(),
    })
}

/// A contributor's figures by their JSON (and CSV) names, in column order.
pub const FIGURES: [&str; 9] = [
    "threads",
    "replies",
    "reports",
    "ideas",
    "votes",
    "useful_marks",
    "read_by_marketing",
    "ideas_adopted",
    "days_active",
];

impl Contributor {
    /// One figure by its name in `FIGURES` (0 for any other name).
    pub fn figure(&self, name: &str) -> i64 {
        match name {
            "threads" => self.threads,
            "replies" => self.replies,
            "reports" => self.reports,
            "ideas" => self.ideas,
            "votes" => self.votes,
            "useful_marks" => self.useful_marks,
            "read_by_marketing" => self.read_by_marketing,
            "ideas_adopted" => self.ideas_adopted,
            "days_active" => self.days_active,
            _ => 0,
        }
    }
}

/// The contract's CSV: a header of the JSON names, one row a user.
pub fn contributors_csv(c: &Contributors) -> Result<String, AppError> {
    let mut header: Vec<String> = ["user_id", "name", "email", "team"]
        .map(String::from)
        .to_vec();
    header.extend(FIGURES.map(String::from));
    let rows = c.items.iter().map(|r| {
        let mut row = vec![
            r.user.id.to_string(),
            r.user.name.clone(),
            r.user.email.clone(),
            r.team.clone().unwrap_or_default(),
        ];
        row.extend(FIGURES.iter().map(|f| r.figure(f).to_string()));
        row
    });
    crate::spreadsheet::write(&header, rows)
}

/// What came back to a rep: a mark, a marketing reply, a status change of
/// their idea with its official answer.
#[derive(Serialize, Debug, Clone)]
pub struct Moment {
    #[serde(serialize_with = "crate::time::utc")]
    pub at: chrono::NaiveDateTime,
    /// `useful`, `reply` or `status`.
    pub what: &'static str,
    /// The marker, the replier, or who changed the status.
    pub who: String,
    pub title: String,
    pub url: String,
    /// The idea's new status.
    pub status: Option<String>,
    /// The official answer (plain text).
    pub answer: Option<String>,
}

/// The latest moments of a rep's own content, newest first.
pub fn timeline(conn: &mut DbConn, user_id: i64, limit: i64) -> Result<Vec<Moment>, AppError> {
    let marks: Vec<(chrono::NaiveDateTime, String, String, i64, i64)> = post_marks::table
        .inner_join(posts::table.inner_join(threads::table))
        .inner_join(users::table.on(users::id.eq(post_marks::marker_id)))
        .filter(posts::author_id.eq(user_id))
        .filter(posts::deleted.eq(false).and(posts::hidden.eq(false)))
        .filter(threads::hidden.eq(false))
        .order(post_marks::created_at.desc())
        .limit(limit)
        .select((
            post_marks::created_at,
            users::name,
            threads::title,
            threads::id,
            posts::id,
        ))
        .load(conn)?;
    let replies: Vec<(chrono::NaiveDateTime, String, String, i64, i64)> = posts::table
        .inner_join(threads::table)
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(threads::author_id.eq(user_id))
        .filter(users::role.eq_any(MARKETING))
        .filter(posts::author_id.ne(user_id))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::deleted.eq(false).and(posts::hidden.eq(false)))
        .filter(threads::hidden.eq(false))
        .order(posts::created_at.desc())
        .limit(limit)
        .select((
            posts::created_at,
            users::name,
            threads::title,
            threads::id,
            posts::id,
        ))
        .load(conn)?;
    let statuses: Vec<(
        chrono::NaiveDateTime,
        String,
        String,
        Option<String>,
        String,
        i64,
    )> = idea_status_changes::table
        .inner_join(ideas::table.on(ideas::id.eq(idea_status_changes::idea_id)))
        .inner_join(users::table.on(users::id.eq(idea_status_changes::changed_by)))
        .filter(ideas::author_id.eq(user_id))
        .order(idea_status_changes::created_at.desc())
        .limit(limit)
        .select((
            idea_status_changes::created_at,
            users::name,
            idea_status_changes::status,
            idea_status_changes::response,
            ideas::title,
            ideas::id,
        ))
        .load(conn)?;
    let mut out: Vec<Moment> = Vec::new();
    let post = |what, (at, who, title, thread, post): (_, String, String, i64, i64)| Moment {
        at,
        what,
        who,
        title,
        url: format!("/t/{thread}#p{post}"),
        status: None,
        answer: None,
    };
    out.extend(marks.into_iter().map(|r| post("useful", r)));
    out.extend(replies.into_iter().map(|r| post("reply", r)));
    out.extend(
        statuses
            .into_iter()
            .map(|(at, who, status, answer, title, id)| Moment {
                at,
                what: "status",
                who,
                title,
                url: format!("/ideas/{id}"),
                status: Some(status),
                answer,
            }),
    );
    out.sort_by_key(|m| std::cmp::Reverse(m.at));
    out.truncate(limit as usize);
    Ok(out)
}

/// Threads and reports coming in per day over the period (shown ones).
pub fn intel_per_day(conn: &mut DbConn, days: Days) -> Result<Vec<(NaiveDate, i64)>, AppError> {
    let day = sql::<diesel::sql_types::Date>("date(threads.created_at)");
    let rows: Vec<(NaiveDate, i64)> = threads::table
        .inner_join(users::table.on(users::id.eq(threads::author_id)))
        .filter(users::email.ne(crate::ideas::SYSTEM_EMAIL))
        .filter(threads::hidden.eq(false))
        .filter(
            threads::created_at
                .ge(days.start())
                .and(threads::created_at.lt(days.end())),
        )
        .group_by(day.clone())
        .select((day, count_star()))
        .load(conn)?;
    Ok(rows)
}

/// The median time, in hours, from a thread to marketing's first reply,
/// over the threads of the period that got one.
pub fn first_response_median(conn: &mut DbConn, days: Days) -> Result<Option<f64>, AppError> {
    let rows: Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = posts::table
        .inner_join(threads::table)
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(users::role.eq_any(MARKETING))
        .filter(posts::author_id.ne(threads::author_id))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::deleted.eq(false))
        .filter(threads::hidden.eq(false))
        .filter(
            threads::created_at
                .ge(days.start())
                .and(threads::created_at.lt(days.end())),
        )
        .group_by((threads::id, threads::created_at))
        .select((threads::created_at, diesel::dsl::min(posts::created_at)))
        .load(conn)?;
    let mut hours: Vec<f64> = rows
        .into_iter()
        .filter_map(|(opened, first)| first.map(|f| (f - opened).num_seconds() as f64 / 3600.0))
        .collect();
    if hours.is_empty() {
        return Ok(None);
    }
    hours.sort_by(f64::total_cmp);
    let mid = hours.len() / 2;
    Ok(Some(if hours.len().is_multiple_of(2) {
        (hours[mid - 1] + hours[mid]) / 2.0
    } else {
        hours[mid]
    }))
}
