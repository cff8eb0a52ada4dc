//! Parquet input: any recognised layout stored as Parquet, read with polars and handed on as
//! a text table so detection and roles work exactly as for CSV.

use std::io::Cursor;

use polars::prelude::*;

use super::table::RawTable;

/// Read Parquet bytes into a raw table (every value as text; nulls as empty cells).
pub fn read(bytes: &[u8]) -> Result<RawTable, String> {
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(|e| crate::i18n::trf("not a readable Parquet file ({e})", &[("e", &e)]))?;
    let headers: Vec<String> = df
        .get_column_names()
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let mut columns = Vec::with_capacity(headers.len());
    for column in df.columns() {
        let text = column.cast(&DataType::String).map_err(|e| {
            crate::i18n::trf(
                "column `{p1}` cannot be read as text ({e})",
                &[("p1", &(column.name())), ("e", &e)],
            )
        })?;
        let values: Vec<Option<String>> = text
            .str()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect();
        columns.push(values);
    }
    let mut table = RawTable::with_headers(headers);
    for r in 0..df.height() {
        // Line numbers count the header as line 1, as for text files.
        table.push_row(r + 2, columns.iter().map(|c| c[r].as_deref().unwrap_or("")));
    }
    Ok(table)
}
