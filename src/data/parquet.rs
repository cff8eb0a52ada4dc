//! Parquet input: any recognised layout stored as Parquet, read with polars' Parquet reader and
//! handed on as a text table so detection and roles work exactly as for CSV.
//!
//! A file on disk is memory-mapped and read a few row groups at a time, only the columns
//! wanted (`--parquet-columns`): memory holds the text of those columns and one batch, never
//! the file. So a clinical table larger than memory loads when the columns kept fit.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use polars::io::mmap::MmapBytesReader;
use polars::prelude::*;

use super::roles;
use super::table::RawTable;

/// Rows decoded at once: whole row groups, at least this many unless the file ends first.
const BATCH_ROWS: usize = 1 << 16;

/// A Parquet file as a text table, and the columns it has that were left unread.
pub struct ParquetRead {
    pub table: RawTable,
    pub not_read: Vec<String>,
}

/// Where the Parquet bytes are.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// A file on disk, memory-mapped.
    File(&'a Path),
    /// Bytes already in memory (a dropped file, tests).
    Bytes(&'a [u8]),
}

/// Read a Parquet input into a raw table: every value as text, nulls as empty cells. Of a
/// file that has any of the `wanted` columns (matched as roles match headers), only those are
/// read; an empty `wanted` reads every column.
pub fn read(source: Source, wanted: &[&str]) -> Result<ParquetRead, String> {
    let wanted: Vec<String> = wanted.iter().map(|name| roles::normalize(name).0).collect();
    match source {
        Source::File(path) => {
            let mut file = File::open(path).map_err(|e| crate::i18n::trf("cannot open it ({e})", &[("e", &e)]))?;
            read_from(&mut file, &wanted)
        }
        Source::Bytes(bytes) => read_from(&mut Cursor::new(bytes), &wanted),
    }
}

fn read_from<R: MmapBytesReader>(source: &mut R, wanted: &[String]) -> Result<ParquetRead, String> {
    let unreadable = |e: PolarsError| crate::i18n::trf("not a readable Parquet file ({e})", &[("e", &e)]);
    let mut reader = ParquetReader::new(&mut *source);
    let names: Vec<String> = reader
        .schema()
        .map_err(unreadable)?
        .iter_names()
        .map(ToString::to_string)
        .collect();
    let metadata = reader.get_metadata().map_err(unreadable)?.clone();
    let keep = |name: &String| wanted.contains(&roles::normalize(name).0);
    let (columns, not_read): (Vec<String>, Vec<String>) = if names.iter().any(keep) {
        names.into_iter().partition(keep)
    } else {
        (names, Vec::new())
    };
    let mut table = RawTable::with_headers(columns.clone());
    if columns.is_empty() {
        return Ok(ParquetRead { table, not_read });
    }
    // Batches of whole row groups, so no group is decoded twice.
    let mut batches = Vec::new();
    let (mut start, mut rows) = (0, 0);
    for group in &metadata.row_groups {
        rows += group.num_rows();
        if rows >= BATCH_ROWS {
            batches.push((start, rows));
            (start, rows) = (start + rows, 0);
        }
    }
    if rows > 0 {
        batches.push((start, rows));
    }
    for (start, rows) in batches {
        let mut batch = ParquetReader::new(&mut *source)
            .with_columns(Some(columns.clone()))
            .with_slice(Some((start, rows)));
        batch.set_metadata(metadata.clone());
        let frame = batch.finish().map_err(unreadable)?;
        push_frame(&mut table, &frame, start)?;
    }
    Ok(ParquetRead { table, not_read })
}

/// Append a frame's rows as text; `first_row` is the file row of its first (line numbers count
/// the header as line 1, as for text files).
fn push_frame(table: &mut RawTable, frame: &DataFrame, first_row: usize) -> Result<(), String> {
    let text = frame
        .columns()
        .iter()
        .map(|column| {
            column.cast(&DataType::String).map_err(|e| {
                crate::i18n::trf(
                    "column `{p1}` cannot be read as text ({e})",
                    &[("p1", &(column.name())), ("e", &e)],
                )
            })
        })
        .collect::<Result<Vec<Column>, String>>()?;
    let mut cells = text
        .iter()
        .map(|column| column.str().map(ChunkedArray::iter).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, String>>()?;
    for r in 0..frame.height() {
        table.push_row(
            first_row + r + 2,
            cells.iter_mut().map(|column| column.next().flatten().unwrap_or("")),
        );
    }
    Ok(())
}
