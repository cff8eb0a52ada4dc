//! Results computed elsewhere and loaded as given: a sample × sample distance matrix (QIIME 2's
//! `distance-matrix.tsv`), a PCoA (scikit-bio's `ordination.txt`) and per-sample alpha
//! diversity (`alpha-diversity.tsv`). Each is checked for shape before it is kept, so a damaged
//! file is refused with what is wrong rather than drawn.

use super::parts::{FileCtx, Parts, SampleValues, snake_case};
use super::table::RawTable;
use crate::model::{DistanceMatrix, Given, Pcoa};

/// Largest asymmetry or diagonal tolerated, relative to the largest distance (text round-off).
const TOLERANCE: f64 = 1e-9;

/// A square, symmetric matrix with a zero diagonal and its ids on both edges; returns its size.
pub fn read_distance_matrix(table: &RawTable, ctx: &FileCtx, parts: &mut Parts) -> Result<usize, String> {
    let n = table.num_rows();
    if table.num_cols() != n + 1 {
        return Err(format!(
            "a distance matrix has one column per row; this one has {n} rows and {} columns",
            table.num_cols().saturating_sub(1)
        ));
    }
    let ids: Vec<String> = (0..n).map(|r| table.cell(r, 0).trim().to_owned()).collect();
    for (r, id) in ids.iter().enumerate() {
        if id != table.headers[r + 1].trim() {
            return Err(format!(
                "row {} is `{id}` but column {} is `{}`: the rows and columns must name the same samples in the same order",
                r + 1,
                r + 1,
                table.headers[r + 1].trim()
            ));
        }
    }
    let mut data = Vec::with_capacity(n * n);
    for r in 0..n {
        for col in 1..=n {
            let cell = table.cell(r, col).trim();
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => data.push(v),
                _ => {
                    return Err(format!(
                        "the distance between {} and {} is `{cell}` (line {}), not a number ≥ 0",
                        ids[r],
                        ids[col - 1],
                        table.line(r)
                    ));
                }
            }
        }
    }
    let scale = data.iter().copied().fold(0.0_f64, f64::max).max(1.0);
    for i in 0..n {
        if data[i * n + i] > TOLERANCE * scale {
            return Err(format!(
                "the distance of {} to itself is {}, not 0",
                ids[i],
                data[i * n + i]
            ));
        }
        for j in 0..i {
            if (data[i * n + j] - data[j * n + i]).abs() > TOLERANCE * scale {
                return Err(format!(
                    "the matrix is not symmetric: {} → {} is {} but {} → {} is {}",
                    ids[i],
                    ids[j],
                    data[i * n + j],
                    ids[j],
                    ids[i],
                    data[j * n + i]
                ));
            }
        }
    }
    parts.distances.push(Given {
        file: ctx.name.to_owned(),
        value: DistanceMatrix { ids, data },
    });
    Ok(n)
}

/// A PCoA in scikit-bio's `OrdinationResults` text format (what QIIME 2's `PCoAResults` holds):
/// `Eigvals`, `Proportion explained`, `Species`, `Site`, `Biplot` and `Site constraints`
/// sections, each headed by its counts. Returns (samples, axes).
pub fn read_ordination(text: &str, ctx: &FileCtx, parts: &mut Parts) -> Result<(usize, usize), String> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let mut eigenvalues = None;
    let mut proportions = None;
    let mut site = None;
    while let Some((line_no, line)) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let counts: Vec<usize> = fields[1..].iter().filter_map(|f| f.trim().parse().ok()).collect();
        let name = fields[0].trim();
        let section = Section { name, line: line_no };
        match (name, counts.as_slice()) {
            ("Eigvals", &[n]) => {
                eigenvalues = Some(
                    section
                        .read(&mut lines, usize::from(n > 0), n, false)?
                        .pop()
                        .map(|r| r.1),
                );
            }
            ("Proportion explained", &[n]) => {
                proportions = Some(
                    section
                        .read(&mut lines, usize::from(n > 0), n, false)?
                        .pop()
                        .map(|r| r.1),
                );
            }
            ("Site", &[rows, dims]) => site = Some((section.read(&mut lines, rows, dims, true)?, dims)),
            ("Species" | "Biplot" | "Site constraints", &[rows, cols]) => {
                section.read(&mut lines, rows, cols, true)?;
            }
            _ => {
                return Err(format!(
                    "line {line_no} should head a section of a scikit-bio ordination (`Eigvals\\t3`, `Site\\t34\\t3`, …) but reads `{}`",
                    clip(line)
                ));
            }
        }
    }
    let (Some(eigenvalues), Some((rows, dims))) = (eigenvalues, site) else {
        return Err("not a scikit-bio ordination: no `Eigvals` or no `Site` section".to_owned());
    };
    let eigenvalues = eigenvalues.unwrap_or_default();
    if rows.is_empty() || dims == 0 {
        return Err("the ordination places no samples".to_owned());
    }
    let proportion_explained = proportions.flatten().unwrap_or_else(|| {
        let total: f64 = eigenvalues.iter().filter(|v| **v > 0.0).sum();
        eigenvalues
            .iter()
            .map(|v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    });
    let n = rows.len();
    let ids = rows.iter().map(|(id, _)| id.clone()).collect();
    let coordinates = rows.into_iter().flat_map(|(_, v)| v).collect();
    parts.ordinations.push(Given {
        file: ctx.name.to_owned(),
        value: Pcoa {
            ids,
            eigenvalues,
            proportion_explained,
            coordinates,
            dims,
            exact: true,
        },
    });
    Ok((n, dims))
}

/// A section of an ordination file, for reading its rows and naming it in messages.
struct Section<'a> {
    name: &'a str,
    line: usize,
}

impl Section<'_> {
    /// `rows` lines of `cols` numbers each, after an id when `with_id`.
    fn read<'t>(
        &self,
        lines: &mut impl Iterator<Item = (usize, &'t str)>,
        rows: usize,
        cols: usize,
        with_id: bool,
    ) -> Result<Vec<(String, Vec<f64>)>, String> {
        let mut out = Vec::with_capacity(rows.min(1 << 20));
        for _ in 0..rows {
            let (at, row) = lines
                .next()
                .ok_or_else(|| format!("the `{}` section (line {}) ends early", self.name, self.line))?;
            let mut cells = row.split('\t');
            let id = if with_id {
                cells.next().unwrap_or_default().trim().to_owned()
            } else {
                String::new()
            };
            let values: Vec<f64> = cells
                .map(|c| {
                    c.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("line {at}: `{}` is not a number", clip(c)))
                })
                .collect::<Result<_, _>>()?;
            if values.len() != cols {
                return Err(format!(
                    "line {at} has {} values where the `{}` section announced {cols}",
                    values.len(),
                    self.name
                ));
            }
            out.push((id, values));
        }
        Ok(out)
    }
}

/// Per-sample values: sample ids in the first column, one numeric column per measure. Returns
/// (samples, measures).
pub fn read_alpha(table: &RawTable, ctx: &FileCtx, parts: &mut Parts) -> Result<(usize, usize), String> {
    if table.num_cols() < 2 {
        return Err("alpha diversity needs a sample id column and a value column".to_owned());
    }
    let rows: Vec<usize> = (0..table.num_rows())
        .filter(|&r| !table.cell(r, 0).trim().is_empty())
        .collect();
    for col in 1..table.num_cols() {
        let mut values = Vec::with_capacity(rows.len());
        for &r in &rows {
            let cell = table.cell(r, col).trim();
            if cell.is_empty() || cell.eq_ignore_ascii_case("nan") {
                continue;
            }
            let v = cell.parse::<f64>().map_err(|_| {
                format!(
                    "{} of sample {} is `{}` (line {}), not a number",
                    table.headers[col],
                    table.cell(r, 0).trim(),
                    clip(cell),
                    table.line(r)
                )
            })?;
            values.push((table.cell(r, 0).trim().to_owned(), v));
        }
        parts.sample_values.push(SampleValues {
            name: snake_case(&table.headers[col]),
            file: ctx.index,
            values,
        });
    }
    Ok((rows.len(), table.num_cols() - 1))
}

/// A cell or line shortened for a message.
fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}
