//! Typed, fallible access to the columns of a cohort frame: parse the schema once, hand plain
//! vectors on. A required column that is missing, or a column of the wrong type, is an error
//! that names the column, so a view reports it instead of drawing an empty plot.

use polars::prelude::{DataFrame, DataType, PolarsError};

use crate::i18n::trf;

/// A column that is not there or not of the type asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    #[error("{}", trf("column `{column}` is missing", &[("column", .column)]))]
    Missing { column: String },
    #[error("{}", trf("column `{column}` holds {found}, not {expected}", &[("column", .column), ("found", .found), ("expected", .expected)]))]
    WrongType {
        column: String,
        found: String,
        expected: &'static str,
    },
}

impl ColumnError {
    /// The column the error is about.
    pub fn column(&self) -> &str {
        match self {
            ColumnError::Missing { column } | ColumnError::WrongType { column, .. } => column,
        }
    }
}

impl From<ColumnError> for PolarsError {
    fn from(e: ColumnError) -> Self {
        match e {
            ColumnError::Missing { column } => PolarsError::ColumnNotFound(column.into()),
            e @ ColumnError::WrongType { .. } => PolarsError::SchemaMismatch(e.to_string().into()),
        }
    }
}

fn missing(name: &str) -> ColumnError {
    ColumnError::Missing {
        column: name.to_owned(),
    }
}

fn wrong(name: &str, found: &DataType, expected: &'static str) -> ColumnError {
    ColumnError::WrongType {
        column: name.to_owned(),
        found: found.to_string(),
        expected,
    }
}

/// Numbers as `f64`: any numeric column, dates as days since 1970-01-01, or an all-missing column.
pub fn f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, ColumnError> {
    let col = df.column(name).map_err(|_| missing(name))?;
    let dtype = col.dtype();
    if !(dtype.is_primitive_numeric() || matches!(dtype, DataType::Date | DataType::Null)) {
        return Err(wrong(name, dtype, "numbers"));
    }
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|_| wrong(name, dtype, "numbers"))?;
    let ca = cast.f64().map_err(|_| wrong(name, dtype, "numbers"))?;
    Ok(ca.iter().collect())
}

/// Text: a text column, or an all-missing one.
pub fn strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>, ColumnError> {
    Ok(str_refs(df, name)?.into_iter().map(|v| v.map(str::to_owned)).collect())
}

/// Text borrowed from the frame: as [`strs`], without a copy of every value.
pub fn str_refs<'a>(df: &'a DataFrame, name: &str) -> Result<Vec<Option<&'a str>>, ColumnError> {
    let col = df.column(name).map_err(|_| missing(name))?;
    match col.dtype() {
        DataType::String => Ok(col
            .str()
            .map_err(|_| wrong(name, col.dtype(), "text"))?
            .iter()
            .collect()),
        DataType::Null => Ok(vec![None; df.height()]),
        other => Err(wrong(name, other, "text")),
    }
}

/// Yes/no values: a boolean column, or an all-missing one.
pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>, ColumnError> {
    let col = df.column(name).map_err(|_| missing(name))?;
    match col.dtype() {
        DataType::Boolean => Ok(col
            .bool()
            .map_err(|_| wrong(name, col.dtype(), "yes/no values"))?
            .iter()
            .collect()),
        DataType::Null => Ok(vec![None; df.height()]),
        other => Err(wrong(name, other, "yes/no values")),
    }
}

/// Dates as days since 1970-01-01, for a date column a table may lack (absent: all `None`).
pub fn opt_dates(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>, ColumnError> {
    let Ok(col) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    match col.dtype() {
        DataType::Date => {
            let days = col
                .cast(&DataType::Int32)
                .map_err(|_| wrong(name, col.dtype(), "dates"))?;
            Ok(days
                .i32()
                .map_err(|_| wrong(name, col.dtype(), "dates"))?
                .iter()
                .collect())
        }
        DataType::Null => Ok(vec![None; df.height()]),
        other => Err(wrong(name, other, "dates")),
    }
}

/// As [`f64s`] for a column a cohort may lack (an optional measure or attribute): absent gives
/// all `None`; present with the wrong type is still an error.
pub fn opt_f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, ColumnError> {
    optional(df, name, f64s)
}

/// As [`strs`] for a column a cohort may lack.
pub fn opt_strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>, ColumnError> {
    optional(df, name, strs)
}

/// As [`bools`] for a column a cohort may lack.
pub fn opt_bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>, ColumnError> {
    optional(df, name, bools)
}

/// A column reader: the values of one column, or why not.
type Reader<T> = fn(&DataFrame, &str) -> Result<Vec<Option<T>>, ColumnError>;

fn optional<T: Clone>(df: &DataFrame, name: &str, read: Reader<T>) -> Result<Vec<Option<T>>, ColumnError> {
    if df.column(name).is_err() {
        return Ok(vec![None; df.height()]);
    }
    read(df, name)
}

/// The rows of a table (`row_ids`, e.g. the visits' subject ids) that belong to each entry of
/// `ids` (e.g. the subjects table's), in row order; rows whose id is not in `ids` are left out.
pub fn rows_by_id(ids: &[Option<String>], row_ids: &[Option<String>]) -> Vec<Vec<usize>> {
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let mut rows = vec![Vec::new(); ids.len()];
    for (i, id) in row_ids.iter().enumerate() {
        if let Some(&k) = id.as_deref().and_then(|id| index.get(id)) {
            rows[k].push(i);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, DataFrame};

    use super::*;

    fn frame() -> DataFrame {
        DataFrame::new(
            2,
            vec![
                Column::new("n".into(), [Some(1i32), None]),
                Column::new("x".into(), [1.5, 2.5]),
                Column::new("t".into(), ["a", "b"]),
                Column::new("b".into(), [true, false]),
            ],
        )
        .expect("frame")
    }

    #[test]
    fn typed_columns_read_and_convert() {
        let df = frame();
        assert_eq!(f64s(&df, "n"), Ok(vec![Some(1.0), None]));
        assert_eq!(f64s(&df, "x"), Ok(vec![Some(1.5), Some(2.5)]));
        assert_eq!(strs(&df, "t"), Ok(vec![Some("a".to_owned()), Some("b".to_owned())]));
        assert_eq!(bools(&df, "b"), Ok(vec![Some(true), Some(false)]));
    }

    #[test]
    fn a_missing_column_or_a_wrong_type_is_an_error_naming_the_column() {
        let df = frame();
        let e = f64s(&df, "weight_kg").expect_err("missing");
        assert_eq!(e.to_string(), "column `weight_kg` is missing");
        assert_eq!(e.column(), "weight_kg");
        let e = f64s(&df, "t").expect_err("text is not numbers");
        assert_eq!(e.to_string(), "column `t` holds str, not numbers");
        assert!(strs(&df, "x").is_err());
        assert!(bools(&df, "t").is_err());
        // Optional columns may be absent, but not of the wrong type.
        assert_eq!(opt_f64s(&df, "weight_kg"), Ok(vec![None, None]));
        assert!(opt_f64s(&df, "t").is_err());
        assert_eq!(opt_strs(&df, "site"), Ok(vec![None, None]));
    }
}
