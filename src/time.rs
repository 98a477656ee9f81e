//! Timestamps are stored as UTC without a zone (one type on both
//! databases) and shown to the outside — JSON, pages, the live feed — as
//! RFC 3339 with their offset, so no reader takes them for local time.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

/// `2026-12-01T19:14:45.506043Z`.
pub fn rfc3339(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// For `#[serde(serialize_with = "crate::time::utc")]`.
pub fn utc<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t))
}

/// For `#[serde(serialize_with = "crate::time::utc_opt")]`.
pub fn utc_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(t)),
        None => s.serialize_none(),
    }
}

/// A period of whole days in UTC, both ends included (`?from=&to=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

impl Days {
    /// From `YYYY-MM-DD` texts; without them, the last 30 days up to today.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Days, crate::error::AppError> {
        let date = |name: &str, text: Option<&str>| {
            text.filter(|t| !t.trim().is_empty())
                .map(|t| {
                    chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
                        crate::error::AppError::invalid(
                            "invalid_date",
                            format!("{name}: expected a date as YYYY-MM-DD"),
                        )
                    })
                })
                .transpose()
        };
        let to = date("to", to)?.unwrap_or_else(|| chrono::Utc::now().date_naive());
        let from = date("from", from)?.unwrap_or(to - chrono::Days::new(29));
        if from > to {
            return Err(crate::error::AppError::invalid(
                "invalid_date",
                "from: after to",
            ));
        }
        Ok(Days { from, to })
    }

    /// The first instant of `from`.
    pub fn start(&self) -> NaiveDateTime {
        self.from.and_time(chrono::NaiveTime::MIN)
    }

    /// The first instant after `to`.
    pub fn end(&self) -> NaiveDateTime {
        (self.to + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_with_offset() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_micro_opt(19, 14, 45, 506043)
            .unwrap();
        assert_eq!(super::rfc3339(&t), "2026-12-01T19:14:45.506043Z");
        assert!(chrono::DateTime::parse_from_rfc3339(&super::rfc3339(&t)).is_ok());
    }
}
