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
        return Err(crate::i18n::trf(
            "a distance matrix has one column per row; this one has {n} rows and {p1} columns",
            &[("n", &n), ("p1", &(table.num_cols().saturating_sub(1)))],
        ));
    }
    let ids: Vec<String> = (0..n).map(|r| table.cell(r, 0).trim().to_owned()).collect();
    for (r, id) in ids.iter().enumerate() {
        if id != table.headers[r + 1].trim() {
            return Err(crate::i18n::trf(
                "row {p1} is `{id}` but column {p2} is `{p3}`: the rows and columns must name the same samples in the same order",
                &[
                    ("p1", &(r + 1)),
                    ("id", &id),
                    ("p2", &(r + 1)),
                    ("p3", &(table.headers[r + 1].trim())),
                ],
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
                    return Err(crate::i18n::trf(
                        "the distance between {p1} and {p2} is `{cell}` (line {p3}), not a number ≥ 0",
                        &[
                            ("p1", &ids[r]),
                            ("p2", &(ids[col - 1])),
                            ("cell", &cell),
                            ("p3", &(table.line(r))),
                        ],
                    ));
                }
            }
        }
    }
    let scale = data.iter().copied().fold(0.0_f64, f64::max).max(1.0);
    for i in 0..n {
        if data[i * n + i] > TOLERANCE * scale {
            return Err(crate::i18n::trf(
                "the distance of {p1} to itself is {p2}, not 0",
                &[("p1", &ids[i]), ("p2", &(data[i * n + i]))],
            ));
        }
        for j in 0..i {
            if (data[i * n + j] - data[j * n + i]).abs() > TOLERANCE * scale {
                return Err(crate::i18n::trf(
                    "the matrix is not symmetric: from {p1} to {p2} is {p3} but from {p4} to {p5} is {p6}",
                    &[
                        ("p1", &ids[i]),
                        ("p2", &ids[j]),
                        ("p3", &(data[i * n + j])),
                        ("p4", &ids[j]),
                        ("p5", &ids[i]),
                        ("p6", &(data[j * n + i])),
                    ],
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
        let counts: Option<Vec<usize>> = fields[1..].iter().map(|f| f.trim().parse().ok()).collect();
        let name = fields[0].trim();
        let section = Section { name, line: line_no };
        match (name, counts.as_deref().unwrap_or_default()) {
            ("Eigvals" | "Proportion explained", &[n]) => {
                let row = section.read(&mut lines, usize::from(n > 0), n, false)?.pop();
                let values = row.map(|r| r.1).unwrap_or_default();
                if name == "Eigvals" {
                    eigenvalues = Some(values);
                } else {
                    proportions = Some(values);
                }
            }
            ("Site", &[rows, dims]) => site = Some((section.read(&mut lines, rows, dims, true)?, dims)),
            ("Species" | "Biplot" | "Site constraints", &[rows, cols]) => {
                section.read(&mut lines, rows, cols, true)?;
            }
            _ => {
                return Err(crate::i18n::trf(
                    "line {line_no} should head a section of a scikit-bio ordination (`Eigvals\\t3`, `Site\\t34\\t3`, …) but reads `{p1}`",
                    &[("line_no", &line_no), ("p1", &(clip(line)))],
                ));
            }
        }
    }
    let (Some(eigenvalues), Some((rows, dims))) = (eigenvalues, site) else {
        return Err(crate::i18n::tr("not a scikit-bio ordination: no `Eigvals` or no `Site` section").to_owned());
    };
    if rows.is_empty() || dims == 0 {
        return Err(crate::i18n::tr("the ordination places no samples").to_owned());
    }
    if eigenvalues.len() < dims {
        return Err(crate::i18n::trf(
            "the `Site` section has {dims} axes but `Eigvals` gives {p1} eigenvalues",
            &[("dims", &dims), ("p1", &(eigenvalues.len()))],
        ));
    }
    let proportion_explained = proportions.filter(|p| !p.is_empty()).unwrap_or_else(|| {
        let total: f64 = eigenvalues.iter().filter(|v| **v > 0.0).sum();
        eigenvalues
            .iter()
            .map(|v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    });
    if proportion_explained.len() < dims {
        return Err(crate::i18n::trf(
            "the `Site` section has {dims} axes but `Proportion explained` gives {p1} proportions",
            &[("dims", &dims), ("p1", &(proportion_explained.len()))],
        ));
    }
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
            let (at, row) = lines.next().ok_or_else(|| {
                crate::i18n::trf(
                    "the `{p1}` section (line {p2}) ends early",
                    &[("p1", &self.name), ("p2", &self.line)],
                )
            })?;
            let mut cells = row.split('\t');
            let id = if with_id {
                cells.next().unwrap_or_default().trim().to_owned()
            } else {
                String::new()
            };
            let values: Vec<f64> = cells
                .map(|c| {
                    c.trim().parse::<f64>().map_err(|_| {
                        crate::i18n::trf("line {at}: `{p1}` is not a number", &[("at", &at), ("p1", &(clip(c)))])
                    })
                })
                .collect::<Result<_, _>>()?;
            if values.len() != cols {
                return Err(crate::i18n::trf(
                    "line {at} has {p1} values where the `{p2}` section announced {cols}",
                    &[
                        ("at", &at),
                        ("p1", &(values.len())),
                        ("p2", &self.name),
                        ("cols", &cols),
                    ],
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
        return Err(crate::i18n::tr("alpha diversity needs a sample id column and a value column").to_owned());
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
                crate::i18n::trf(
                    "{p1} of sample {p2} is `{p3}` (line {p4}), not a number",
                    &[
                        ("p1", &table.headers[col]),
                        ("p2", &(table.cell(r, 0).trim())),
                        ("p3", &(clip(cell))),
                        ("p4", &(table.line(r))),
                    ],
                )
            })?;
            if v.is_finite() {
                values.push((table.cell(r, 0).trim().to_owned(), v));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Pcoa, String> {
        let mut parts = Parts::default();
        let ctx = FileCtx {
            index: 0,
            name: "o.txt",
        };
        read_ordination(text, &ctx, &mut parts)?;
        Ok(parts.ordinations.remove(0).value)
    }

    #[test]
    fn an_ordination_gives_its_axes_and_proportions() {
        let text = "Eigvals\t2\n3.0\t1.0\n\nProportion explained\t0\n\nSpecies\t0\t0\n\nSite\t2\t2\nA\t0.5\t-0.1\nB\t-0.5\t0.1\n";
        let ord = read(text).expect("ordination");
        assert_eq!(ord.ids, ["A", "B"]);
        assert_eq!(ord.coord(1, 0), -0.5);
        // No proportions given: from the eigenvalues.
        assert_eq!(ord.proportion_explained, [0.75, 0.25]);
    }

    #[test]
    fn an_ordination_with_fewer_eigenvalues_than_axes_is_refused() {
        let err = read("Eigvals\t1\n3.0\n\nSite\t2\t2\nA\t0.5\t-0.1\nB\t-0.5\t0.1\n").expect_err("short");
        assert!(err.contains("2 axes but `Eigvals` gives 1"), "{err}");
        let err = read("Eigvals\tx\n").expect_err("count");
        assert!(err.contains("line 1 should head a section"), "{err}");
        let err = read("Eigvals\t1\n3.0\n\nSite\t3\t1\nA\t0.5\n").expect_err("early end");
        assert!(err.contains("`Site` section (line 4) ends early"), "{err}");
    }
}
