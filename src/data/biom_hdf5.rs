//! BIOM 2.1 feature tables (HDF5), as QIIME 2 and `biom convert --to-hdf5` write them: read in
//! memory with the pure-Rust `hdf5-reader` (no C library, no temporary file).
//!
//! Layout (biom-format.org, "BIOM 2.1"): `/observation/ids` and `/sample/ids` (strings),
//! `/sample/matrix/{data,indices,indptr}` (the table in CSC form: one slice of `data` per
//! sample, `indices` naming the observation), optionally `/observation/metadata/taxonomy`
//! (one row of rank names per observation) and `/sample/metadata/<category>` (one value per
//! sample; returned as a table for the sample-metadata reader).

use hdf5_reader::{Dataset, Hdf5File, OpenOptions};

use super::parts::{FileCtx, Parts};
use super::table::RawTable;
use super::taxonomy::keep_table_lineage;

/// What a BIOM 2.1 file held besides the table it added to `parts`.
pub struct Biom {
    pub features: usize,
    pub samples: usize,
    /// `/sample/metadata`, one row per sample (`sample-id` first), when the file has any.
    pub sample_metadata: Option<RawTable>,
}

/// Read a BIOM 2.1 table.
pub fn read(bytes: &[u8], ctx: &FileCtx, parts: &mut Parts) -> Result<Biom, String> {
    // A damaged file can declare datasets of billions of elements; what one read may decode is
    // bounded by the file's size (deflate rarely expands data past 64×).
    let budget = bytes.len().saturating_mul(64).max(64 << 20);
    let options = OpenOptions::default().with_max_read_bytes(budget);
    let file = Hdf5File::from_bytes_with_options(bytes, options)
        .map_err(|e| crate::i18n::trf("not a readable HDF5 file ({e})", &[("e", &e)]))?;
    let dataset = |path: &str| {
        file.dataset(path)
            .map_err(|_| crate::i18n::trf("not a BIOM 2 table: the HDF5 file has no `{path}`", &[("path", &path)]))
    };
    let strings = |path: &str| -> Result<Vec<String>, String> {
        dataset(path)?.read_strings().map_err(|e| {
            crate::i18n::trf(
                "BIOM `{path}` is not a list of strings ({e})",
                &[("path", &path), ("e", &e)],
            )
        })
    };
    let feature_ids = strings("/observation/ids")?;
    let sample_ids = strings("/sample/ids")?;
    let (nf, ns) = (feature_ids.len(), sample_ids.len());
    let data = numbers(&dataset("/sample/matrix/data")?, "/sample/matrix/data")?;
    let indices = numbers(&dataset("/sample/matrix/indices")?, "/sample/matrix/indices")?;
    let indptr = numbers(&dataset("/sample/matrix/indptr")?, "/sample/matrix/indptr")?;
    if indptr.len() != ns + 1 || indices.len() != data.len() {
        return Err(crate::i18n::trf(
            "BIOM matrix does not fit its {nf} observations × {ns} samples ({p1} pointers, {p2} indices, {p3} values)",
            &[
                ("nf", &nf),
                ("ns", &ns),
                ("p1", &(indptr.len())),
                ("p2", &(indices.len())),
                ("p3", &(data.len())),
            ],
        ));
    }
    let mut values = super::microbiome::zeroed(ns, nf)?;
    for s in 0..ns {
        let (start, end) = (index(indptr[s])?, index(indptr[s + 1])?);
        if start > end || end > data.len() {
            return Err(crate::i18n::trf(
                "BIOM sample {p1} points outside the matrix",
                &[("p1", &sample_ids[s])],
            ));
        }
        for k in start..end {
            let f = index(indices[k])?;
            if f >= nf {
                return Err(crate::i18n::trf(
                    "BIOM entry for observation {f} is outside the {nf} observations",
                    &[("f", &f), ("nf", &nf)],
                ));
            }
            values[s * nf + f] = data[k];
        }
    }
    if let Ok(taxonomy) = file.dataset("/observation/metadata/taxonomy") {
        let ranks: Vec<String> = taxonomy.read_strings().unwrap_or_default();
        let per = ranks.len().checked_div(nf).unwrap_or(0);
        if per > 0 && ranks.len() == per * nf {
            for (f, row) in ranks.chunks(per).enumerate() {
                keep_table_lineage(parts, &feature_ids[f], row.iter().map(String::as_str));
            }
        }
    }
    let sample_metadata = sample_metadata(&file, &sample_ids);
    super::microbiome::push_table(sample_ids, feature_ids, values, ctx, parts);
    Ok(Biom {
        features: nf,
        samples: ns,
        sample_metadata,
    })
}

/// Each `/sample/metadata` dataset with one value per sample, as a column of a table.
fn sample_metadata(file: &Hdf5File, sample_ids: &[String]) -> Option<RawTable> {
    let group = file.group("/sample/metadata").ok()?;
    let (_, names) = group.member_names().ok()?;
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    for name in names {
        let Ok(dataset) = group.dataset(&name) else { continue };
        let values = dataset.read_strings().ok().or_else(|| {
            numbers(&dataset, &name).ok().map(|v| {
                v.iter()
                    .map(|x| if x.is_finite() { x.to_string() } else { String::new() })
                    .collect()
            })
        });
        if let Some(values) = values.filter(|v| v.len() == sample_ids.len()) {
            columns.push((name, values));
        }
    }
    if columns.is_empty() {
        return None;
    }
    let mut headers = vec!["sample-id".to_owned()];
    headers.extend(columns.iter().map(|(n, _)| n.clone()));
    let mut table = RawTable::with_headers(headers);
    for (s, id) in sample_ids.iter().enumerate() {
        let cells = std::iter::once(id.as_str()).chain(columns.iter().map(|(_, v)| v[s].as_str()));
        table.push_row(s + 1, cells);
    }
    Some(table)
}

/// A numeric dataset as f64, whatever its stored integer or float type.
fn numbers(dataset: &Dataset, path: &str) -> Result<Vec<f64>, String> {
    let err = |e: hdf5_reader::error::Error| {
        crate::i18n::trf("BIOM `{path}` is not numeric ({e})", &[("path", &path), ("e", &e)])
    };
    if let Ok(a) = dataset.read_array::<f64>() {
        return Ok(a.iter().copied().collect());
    }
    if let Ok(a) = dataset.read_array::<i64>() {
        return Ok(a.iter().map(|&v| v as f64).collect());
    }
    if let Ok(a) = dataset.read_array::<f32>() {
        return Ok(a.iter().map(|&v| f64::from(v)).collect());
    }
    dataset
        .read_array::<i32>()
        .map(|a| a.iter().map(|&v| f64::from(v)).collect())
        .map_err(err)
}

/// A stored index as a position.
fn index(v: f64) -> Result<usize, String> {
    if v >= 0.0 && v.fract() == 0.0 && v < usize::MAX as f64 {
        Ok(v as usize)
    } else {
        Err(crate::i18n::trf("BIOM index {v} is not a position", &[("v", &v)]))
    }
}
