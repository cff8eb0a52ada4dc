//! Writing derived tables: CSV, TSV or Parquet, chosen by the file extension. Refuses to write
//! over any file that was read as input.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}", crate::i18n::trf("unknown output format `{ext}` (use .csv, .tsv or .parquet): {path}", &[("ext", .ext), ("path", .path)]))]
    Format { ext: String, path: String },
    #[error("{}", crate::i18n::trf("a distance matrix is written as .csv or .tsv, not `{ext}`: {path}", &[("ext", .ext), ("path", .path)]))]
    MatrixFormat { ext: String, path: String },
    #[error("{}", crate::i18n::trf("refusing to write over an input file: {path}", &[("path", .path)]))]
    WouldOverwriteInput { path: String },
    #[error("{}", crate::i18n::trf("cannot create output: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Create { path: String, cause: std::io::Error },
    #[error("{}", crate::i18n::trf("writing failed: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Polars { path: String, cause: PolarsError },
}

/// Write `df` to `path`; `inputs` are the files read, which are never overwritten.
pub fn write_table(df: &mut DataFrame, path: &Path, inputs: &[String]) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "csv" | "tsv" | "txt" | "parquet" | "pq") {
        return Err(WriteError::Format { ext, path: shown });
    }
    refuse_inputs(path, inputs)?;
    let mut file = File::create(path).map_err(|cause| WriteError::Create {
        path: shown.clone(),
        cause,
    })?;
    let result = match ext.as_str() {
        "parquet" | "pq" => ParquetWriter::new(&mut file).finish(df).map(|_| ()),
        "csv" => CsvWriter::new(&mut file).finish(df),
        _ => CsvWriter::new(&mut file).with_separator(b'\t').finish(df),
    };
    result.map_err(|cause| WriteError::Polars { path: shown, cause })
}

/// Write a square distance matrix with an empty first header cell, the separator following the
/// extension: TSV as QIIME 2 writes it (`.tsv`, `.txt`), or CSV with quoted ids where needed
/// (`.csv`). Other extensions are refused.
pub fn write_distance_matrix(ids: &[String], data: &[f64], path: &Path, inputs: &[String]) -> Result<(), WriteError> {
    use std::io::Write as _;
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let sep = match ext.as_str() {
        "csv" => ',',
        "tsv" | "txt" => '\t',
        _ => return Err(WriteError::MatrixFormat { ext, path: shown }),
    };
    refuse_inputs(path, inputs)?;
    let file = File::create(path).map_err(|cause| WriteError::Create {
        path: shown.clone(),
        cause,
    })?;
    let cell = |id: &str| -> String {
        if sep == ',' && id.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", id.replace('"', "\"\""))
        } else {
            id.to_owned()
        }
    };
    let mut w = std::io::BufWriter::new(file);
    let n = ids.len();
    let mut write = || -> std::io::Result<()> {
        for id in ids {
            write!(w, "{sep}{}", cell(id))?;
        }
        writeln!(w)?;
        for (i, id) in ids.iter().enumerate() {
            write!(w, "{}", cell(id))?;
            for v in &data[i * n..(i + 1) * n] {
                write!(w, "{sep}{v}")?;
            }
            writeln!(w)?;
        }
        w.flush()
    };
    write().map_err(|cause| WriteError::Create { path: shown, cause })
}

/// Write a text report to `path`; `inputs` are the files read, which are never overwritten.
pub fn write_text(text: &str, path: &Path, inputs: &[String]) -> Result<(), WriteError> {
    write_bytes(text.as_bytes(), path, inputs)
}

/// Write a file (a report, a figure) to `path`; `inputs` are the files read, never overwritten.
pub fn write_bytes(bytes: &[u8], path: &Path, inputs: &[String]) -> Result<(), WriteError> {
    refuse_inputs(path, inputs)?;
    std::fs::write(path, bytes).map_err(|cause| WriteError::Create {
        path: path.display().to_string(),
        cause,
    })
}

/// Err when `path` is one of the files that were read: outputs never replace sources.
fn refuse_inputs(path: &Path, inputs: &[String]) -> Result<(), WriteError> {
    if let Ok(out) = path.canonicalize()
        && inputs
            .iter()
            .any(|i| Path::new(i).canonicalize().is_ok_and(|p| p == out))
    {
        return Err(WriteError::WouldOverwriteInput {
            path: path.display().to_string(),
        });
    }
    Ok(())
}
