//! CSV exports opened in a spreadsheet: a cell must never run as a formula.

use std::borrow::Cow;

/// A cell that begins with `=`, `+`, `-`, `@`, tab or carriage return gets
/// a leading `'`.
pub fn safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A CSV document from its header and rows, every cell made safe.
pub fn write<I, R>(header: &[String], rows: I) -> Result<String, crate::error::AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let fail = |e: csv::Error| crate::error::AppError::Internal(e.into());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header.iter().map(|h| safe(h).into_owned()))
        .map_err(fail)?;
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| safe(&c).into_owned()).collect();
        out.write_record(&cells).map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::error::AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::safe("=1+1"), "'=1+1");
        assert_eq!(super::safe("-5"), "'-5");
        assert_eq!(super::safe("\tx"), "'\tx");
        assert_eq!(super::safe("Acme"), "Acme");
        assert_eq!(super::safe(""), "");
    }
}
