//! Field reports: marketing's question grids ("report forms") and the
//! reports reps file with them. A report is a thread in the form's category
//! whose answers are also kept as data, with the question keys, labels and
//! types they answered, so editing a form never changes a filed report.

pub mod answers;
pub mod figures;

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::report_forms;
use crate::db::DbConn;
use crate::domain::{FieldErrors, Invalid, Slug, ThreadKind};
use crate::error::AppError;
use crate::models::categories;

pub use answers::{file, Filed, ReportDraft};

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    Check,
    Choice,
    Choices,
    Number,
    Text,
    Account,
    Competitor,
}

impl QuestionType {
    pub fn has_options(self) -> bool {
        matches!(self, QuestionType::Choice | QuestionType::Choices)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, ToSchema)]
pub struct Question {
    /// Lower-case letters, digits and `_`, starting with a letter.
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The choices of a `choice` or `choices` question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// A form's labels in another language; what is missing stays as defined.
#[derive(Serialize, Deserialize, Clone, Debug, Default, ToSchema)]
pub struct Translation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub questions: BTreeMap<String, QuestionTranslation>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, ToSchema)]
pub struct QuestionTranslation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Option as defined → its label in this language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// What the `definition` column holds.
#[derive(Serialize, Deserialize)]
struct Definition {
    kind: String,
    questions: Vec<Question>,
    #[serde(default)]
    translations: BTreeMap<String, Translation>,
}

/// A report form, read once from its row.
#[derive(Clone, Debug)]
pub struct Form {
    pub key: String,
    pub title: String,
    /// Slug of the category its reports go to.
    pub category: String,
    pub kind: ThreadKind,
    pub questions: Vec<Question>,
    pub translations: BTreeMap<String, Translation>,
    pub position: i32,
}

/// A question with its labels in the reader's language.
#[derive(Serialize, Clone, Debug)]
pub struct LocalQuestion {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// `(value, label)`: the value is what is sent and stored.
    pub options: Vec<(String, String)>,
    pub required: bool,
}

impl Form {
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    fn translation(&self, lang: &str) -> Option<&Translation> {
        self.translations.get(lang)
    }

    pub fn local_title(&self, lang: &str) -> String {
        self.translation(lang)
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| self.title.clone())
    }

    /// The label of question `key` in `lang`, if the form still has it.
    pub fn local_label(&self, key: &str, lang: &str) -> Option<String> {
        let q = self.question(key)?;
        let t = self.translation(lang).and_then(|t| t.questions.get(key));
        Some(
            t.and_then(|t| t.label.clone())
                .unwrap_or_else(|| q.label.clone()),
        )
    }

    /// How option `value` of question `key` reads in `lang`.
    pub fn local_option(&self, key: &str, value: &str, lang: &str) -> String {
        self.translation(lang)
            .and_then(|t| t.questions.get(key))
            .and_then(|t| t.options.get(value))
            .cloned()
            .unwrap_or_else(|| value.to_string())
    }

    pub fn local_questions(&self, lang: &str) -> Vec<LocalQuestion> {
        self.questions
            .iter()
            .map(|q| LocalQuestion {
                key: q.key.clone(),
                label: self.local_label(&q.key, lang).unwrap_or_default(),
                kind: q.kind,
                options: q
                    .options
                    .iter()
                    .map(|o| (o.clone(), self.local_option(&q.key, o, lang)))
                    .collect(),
                required: q.required,
            })
            .collect()
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = report_forms)]
struct FormRow {
    key: String,
    title: String,
    category: String,
    definition: String,
    position: i32,
}

impl TryFrom<FormRow> for Form {
    type Error = AppError;

    fn try_from(row: FormRow) -> Result<Form, AppError> {
        let def: Definition = serde_json::from_str(&row.definition)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("form {}: {e}", row.key)))?;
        Ok(Form {
            kind: ThreadKind::parse(&def.kind).unwrap_or(ThreadKind::Other),
            key: row.key,
            title: row.title,
            category: row.category,
            questions: def.questions,
            translations: def.translations,
            position: row.position,
        })
    }
}

/// Every form, in their order.
pub fn all(conn: &mut DbConn) -> Result<Vec<Form>, AppError> {
    report_forms::table
        .order((report_forms::position, report_forms::key))
        .select(FormRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Form::try_from)
        .collect()
}

pub fn find(conn: &mut DbConn, key: &str) -> Result<Option<Form>, AppError> {
    report_forms::table
        .find(key)
        .select(FormRow::as_select())
        .first(conn)
        .optional()?
        .map(Form::try_from)
        .transpose()
}

/// A form as `PUT /report-forms/{key}` sends it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormIn {
    #[schema(min_length = 1, max_length = 80)]
    pub title: String,
    #[schema(min_items = 1, max_items = 30)]
    pub questions: Vec<Question>,
    /// Slug of the category reports go to; when absent, the form's current
    /// one, or the first category every role reads.
    #[serde(default)]
    pub category: Option<String>,
    /// The kind of thread a report becomes (default `other`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Labels in other languages, by language code (`fr`).
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
    #[serde(default)]
    pub position: Option<i32>,
}

const MAX_QUESTIONS: usize = 30;
const MAX_OPTIONS: usize = 20;

fn question_key_ok(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn label_ok(text: &str, max: usize) -> bool {
    let n = text.trim().chars().count();
    n >= 1 && n <= max
}

/// Checks a form definition, every broken rule by field, and writes it.
/// `true` when the form is new.
pub fn put(conn: &mut DbConn, key: &str, input: FormIn) -> Result<(Form, bool), AppError> {
    let mut errs = FieldErrors::default();
    let key = errs
        .check("key", Slug::parse(key))
        .map(|s| s.as_str().to_string());
    if !label_ok(&input.title, 80) {
        errs.add("title", Invalid("error-report-form-title"));
    }
    let kind = errs.check(
        "kind",
        ThreadKind::parse(input.kind.as_deref().unwrap_or("other")),
    );
    if input.questions.is_empty() || input.questions.len() > MAX_QUESTIONS {
        errs.add("questions", Invalid("error-report-form-questions"));
    }
    let mut questions = Vec::with_capacity(input.questions.len());
    for (i, q) in input.questions.into_iter().enumerate() {
        let field = |name: &str| format!("questions[{i}].{name}");
        if !question_key_ok(&q.key) {
            errs.add(field("key"), Invalid("error-report-question-key"));
        } else if questions.iter().any(|o: &Question| o.key == q.key) {
            errs.add(field("key"), Invalid("error-report-question-key-twice"));
        }
        if !label_ok(&q.label, 120) {
            errs.add(field("label"), Invalid("error-report-question-label"));
        }
        let options: Vec<String> = q.options.iter().map(|o| o.trim().to_string()).collect();
        if q.kind.has_options() {
            let distinct: std::collections::HashSet<&String> = options.iter().collect();
            if options.len() < 2
                || options.len() > MAX_OPTIONS
                || distinct.len() != options.len()
                || options.iter().any(|o| !label_ok(o, 60))
            {
                errs.add(field("options"), Invalid("error-report-question-options"));
            }
        } else if !options.is_empty() {
            errs.add(
                field("options"),
                Invalid("error-report-question-no-options"),
            );
        }
        questions.push(Question {
            key: q.key,
            label: q.label.trim().to_string(),
            kind: q.kind,
            options,
            required: q.required,
        });
    }
    for (lang, t) in &input.translations {
        if !crate::i18n::SUPPORTED.contains(&lang.as_str()) {
            errs.add("translations", Invalid("error-report-form-language"));
        }
        if t.title.as_deref().is_some_and(|s| !label_ok(s, 80))
            || t.questions.values().any(|q| {
                q.label.as_deref().is_some_and(|s| !label_ok(s, 120))
                    || q.options.values().any(|o| !label_ok(o, 60))
            })
        {
            errs.add("translations", Invalid("error-report-form-translation"));
        }
    }
    let existing = match &key {
        Some(k) => find(conn, k)?,
        None => None,
    };
    let category = match (&input.category, &existing) {
        (Some(slug), _) => {
            let slug = slug.trim().to_lowercase();
            if categories::find_by_slug(conn, &slug)?.is_none() {
                errs.add("category", Invalid("error-report-form-category"));
            }
            slug
        }
        (None, Some(form)) => form.category.clone(),
        (None, None) => categories::list_all(conn)?
            .into_iter()
            .find(|c| !c.archived && c.readable_by.len() == crate::domain::Role::ALL.len())
            .map(|c| c.slug)
            .unwrap_or_default(),
    };
    errs.into_result()?;
    let (key, kind) = (key.expect("checked"), kind.expect("checked"));
    let definition = serde_json::to_string(&Definition {
        kind: kind.as_str().to_string(),
        questions: questions.clone(),
        translations: input.translations.clone(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let position = input
        .position
        .or(existing.as_ref().map(|f| f.position))
        .unwrap_or(100);
    let now = crate::db::now();
    let title = input.title.trim().to_string();
    let fresh = existing.is_none();
    if fresh {
        diesel::insert_into(report_forms::table)
            .values((
                report_forms::key.eq(&key),
                report_forms::title.eq(&title),
                report_forms::category.eq(&category),
                report_forms::definition.eq(&definition),
                report_forms::position.eq(position),
                report_forms::created_at.eq(now),
                report_forms::updated_at.eq(now),
            ))
            .execute(conn)?;
    } else {
        diesel::update(report_forms::table.find(&key))
            .set((
                report_forms::title.eq(&title),
                report_forms::category.eq(&category),
                report_forms::definition.eq(&definition),
                report_forms::position.eq(position),
                report_forms::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok((
        Form {
            key,
            title,
            category,
            kind,
            questions,
            translations: input.translations,
            position,
        },
        fresh,
    ))
}
