//! Parquet input: any recognised layout stored as Parquet, read with polars' Parquet reader and
//! handed on as a text table so detection and roles work exactly as for CSV.
//!
//! A file on disk is memory-mapped and read a few row groups at a time, only the columns
//! wanted (`--parquet-columns`): memory holds the text of those columns and one batch, never
//! the file. So a clinical table larger than memory loads when the columns kept fit.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::datatypes::ArrowDataType;
use polars::io::mmap::MmapBytesReader;
use polars::prelude::*;
use rayon::prelude::*;

use super::roles::{self, Overrides};
use super::table::RawTable;
use crate::model::{Finding, Severity};

/// Rows decoded at once: whole row groups, at least this many unless the file ends first.
const BATCH_ROWS: usize = 1 << 16;

/// A Parquet file as a text table, and the columns it has that were left unread.
pub struct ParquetRead {
    pub table: RawTable,
    /// Columns not asked for (`--parquet-columns`).
    pub not_read: Vec<String>,
    /// Columns whose values have no text form here (lists, structs, durations, …), with
    /// their Parquet type: left out whether asked for or not.
    pub unreadable: Vec<(String, String)>,
}

impl ParquetRead {
    /// The names of the columns left out, read or not.
    pub fn headers_left_out(&self) -> impl Iterator<Item = String> + '_ {
        let unreadable = self.unreadable.iter().map(|(name, _)| name);
        self.not_read.iter().chain(unreadable).cloned()
    }

    /// The columns left out as `summary` lists them (`NAME (not read)`, `NAME (not read: type
    /// list)`), and a warning in `findings` for each unreadable one.
    pub fn left_out(&self, file: &str, findings: &mut Vec<Finding>) -> Vec<String> {
        let mut listed: Vec<String> = self
            .not_read
            .iter()
            .map(|c| format!("{c} ({})", crate::i18n::tr("not read")))
            .collect();
        for (name, dtype) in &self.unreadable {
            let why = crate::i18n::trf("not read: type {t}", &[("t", dtype)]);
            listed.push(format!("{name} ({why})"));
            findings.push(
                Finding::new(
                    Severity::Warning,
                    "load.unreadable-column",
                    crate::i18n::trf(
                        "values of type {t} have no text form here; the column was left out",
                        &[("t", dtype)],
                    ),
                )
                .file(file)
                .column(name),
            );
        }
        listed
    }
}

/// The columns to read: `--parquet-columns` and, when any is named, the columns the overrides
/// name. Empty reads every column.
pub fn wanted<'a>(parquet_columns: &'a [String], overrides: &'a Overrides) -> Vec<&'a str> {
    if parquet_columns.is_empty() {
        return Vec::new();
    }
    parquet_columns
        .iter()
        .chain(overrides.values())
        .map(String::as_str)
        .collect()
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
    let read = || match source {
        Source::File(path) => {
            let mut file = File::open(path).map_err(|e| crate::i18n::trf("cannot open it ({e})", &[("e", &e)]))?;
            read_from(&mut file, &wanted)
        }
        Source::Bytes(bytes) => read_from(&mut Cursor::new(bytes), &wanted),
    };
    // polars' Parquet reader panics on some corrupt files (a damaged footer): that is a file
    // it cannot read, said as such, not a crash. Nothing outlives the read, so no state is
    // left half-changed.
    let _quiet = QuietPolarsPanics::new();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(crate::i18n::trf("not a readable Parquet file ({e})", &[("e", &why)]))
    })
}

/// Parquet reads under way, during which a panic raised inside polars is not printed: it is
/// caught and reported as an unreadable file ([`read`]).
static READS_UNDER_WAY: AtomicUsize = AtomicUsize::new(0);

/// Marks a Parquet read under way for as long as it lives; the first puts in the panic hook
/// that keeps polars' panics quiet then (every other panic is printed as before).
struct QuietPolarsPanics;

impl QuietPolarsPanics {
    fn new() -> Self {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let print = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                // `…/registry/src/…/polars-parquet-0.55.2/src/…`, or trimmed to `polars-…`.
                let in_polars = info
                    .location()
                    .is_some_and(|at| at.file().starts_with("polars-") || at.file().contains("/polars-"));
                if !in_polars || READS_UNDER_WAY.load(Ordering::SeqCst) == 0 {
                    print(info);
                }
            }));
        });
        READS_UNDER_WAY.fetch_add(1, Ordering::SeqCst);
        QuietPolarsPanics
    }
}

impl Drop for QuietPolarsPanics {
    fn drop(&mut self) {
        READS_UNDER_WAY.fetch_sub(1, Ordering::SeqCst);
    }
}

fn read_from<R: MmapBytesReader>(source: &mut R, wanted: &[String]) -> Result<ParquetRead, String> {
    let unreadable = |e: PolarsError| crate::i18n::trf("not a readable Parquet file ({e})", &[("e", &e)]);
    let mut reader = ParquetReader::new(&mut *source);
    let schema = reader.schema().map_err(unreadable)?;
    let metadata = reader.get_metadata().map_err(unreadable)?.clone();
    let keep = |name: &str| wanted.contains(&roles::normalize(name).0);
    // A file with none of the wanted columns is another table: read whole.
    let select = schema.iter_names().any(|name| keep(name));
    let (mut columns, mut not_read, mut unreadable_columns) = (Vec::new(), Vec::new(), Vec::new());
    for (name, field) in schema.iter() {
        let name = name.to_string();
        if select && !keep(&name) {
            not_read.push(name);
        } else if has_text_form(&field.dtype) {
            columns.push(name);
        } else {
            // A type polars cannot read here is left out before reading: some would stop it.
            unreadable_columns.push((name, type_name(&field.dtype)));
        }
    }
    let mut table = RawTable::with_headers(columns.clone());
    if columns.is_empty() {
        return Ok(ParquetRead {
            table,
            not_read,
            unreadable: unreadable_columns,
        });
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
    Ok(ParquetRead {
        table,
        not_read,
        unreadable: unreadable_columns,
    })
}

/// Whether polars reads a column of this Arrow type with the features built here, and it has
/// a text form: flat values (numbers, text, dates, times of day as timestamps, decimals, bytes
/// as UTF-8) and dictionaries of text (R factors, pandas categoricals).
fn has_text_form(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Dictionary(_, values, _) => matches!(**values, A::Utf8 | A::LargeUtf8 | A::Utf8View),
        A::Null
        | A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Timestamp(..)
        | A::Date32
        | A::Date64
        | A::Decimal(..)
        | A::Decimal32(..)
        | A::Decimal64(..)
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View
        | A::Binary
        | A::LargeBinary
        | A::BinaryView => true,
        _ => false,
    }
}

/// A short name for a type left unread, for the summary and the finding.
fn type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::List(_) | A::LargeList(_) | A::FixedSizeList(..) => "list".to_owned(),
        A::Struct(_) => "struct".to_owned(),
        A::Map(..) => "map".to_owned(),
        A::Duration(_) => "duration".to_owned(),
        A::Interval(_) => "interval".to_owned(),
        A::Time32(_) | A::Time64(_) => "time of day".to_owned(),
        A::FixedSizeBinary(n) => format!("fixed-size binary ({n} bytes)"),
        A::Float16 => "float16".to_owned(),
        A::Int128 | A::UInt128 => "128-bit integer".to_owned(),
        A::Decimal256(..) => "256-bit decimal".to_owned(),
        A::Dictionary(_, values, _) => format!("dictionary of {}", type_name(values)),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// A column as text: a timestamp with a time zone as the clock time there, bytes as UTF-8
/// (invalid sequences replaced), anything else cast.
fn as_text(column: &Column) -> PolarsResult<Column> {
    match column.dtype() {
        DataType::Datetime(unit, Some(zone)) => {
            let utc = column.cast(&DataType::Datetime(*unit, None))?;
            let zone = Zone::parse(zone.as_str());
            let text: StringChunked = utc
                .datetime()?
                .physical()
                .iter()
                .map(|v| v.and_then(|v| zone.local_time(v, *unit)))
                .collect();
            Ok(text.with_name(column.name().clone()).into_column())
        }
        DataType::Binary => {
            let text: StringChunked = column
                .binary()?
                .iter()
                .map(|bytes| bytes.map(String::from_utf8_lossy))
                .collect();
            Ok(text.with_name(column.name().clone()).into_column())
        }
        _ => column.cast(&DataType::String),
    }
}

/// Append a frame's rows as text; `first_row` is the file row of its first (line numbers count
/// the header as line 1, as for text files).
fn push_frame(table: &mut RawTable, frame: &DataFrame, first_row: usize) -> Result<(), String> {
    // Formatting values as text is most of the work: the columns at once.
    let text = frame
        .columns()
        .par_iter()
        .map(|column| {
            as_text(column).map_err(|e| {
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

/// The time zone of a Parquet timestamp: an IANA name (`Asia/Shanghai`) or a fixed offset
/// (`+08:00`); one neither reads as UTC.
enum Zone {
    Named(chrono_tz::Tz),
    Fixed(chrono::FixedOffset),
}

impl Zone {
    fn parse(zone: &str) -> Self {
        if let Ok(tz) = zone.parse::<chrono_tz::Tz>() {
            Zone::Named(tz)
        } else {
            Zone::Fixed(zone.parse().unwrap_or_else(|_| chrono::Offset::fix(&chrono::Utc)))
        }
    }

    /// The clock time in this zone of a UTC instant counted in `unit` since 1970.
    fn local_time(&self, v: i64, unit: TimeUnit) -> Option<String> {
        let utc = match unit {
            TimeUnit::Nanoseconds => Some(chrono::DateTime::from_timestamp_nanos(v)),
            TimeUnit::Microseconds => chrono::DateTime::from_timestamp_micros(v),
            TimeUnit::Milliseconds => chrono::DateTime::from_timestamp_millis(v),
        }?;
        let local = match self {
            Zone::Named(tz) => utc.with_timezone(tz).naive_local(),
            Zone::Fixed(offset) => utc.with_timezone(offset).naive_local(),
        };
        Some(local.format("%Y-%m-%d %H:%M:%S%.f").to_string())
    }
}
