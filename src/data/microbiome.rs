//! Readers for abundance tables (BIOM classic TSV, sample × taxon matrices, `MetaPhlAn` merged
//! tables, long `sample, taxon, abundance` tables) and QIIME 2 sample metadata.

use rayon::prelude::*;

use crate::model::hash::HashMap;

use super::parts::FileCtx;
use super::parts::{Parts, SampleRow, snake_case};
use super::roles::{Role, RoleMatch, find, normalize};
use super::table::RawTable;
use super::taxonomy::{lineage_from_id, parse_lineage};
use super::values::{DateCell, Number, is_missing, parse_date_column, parse_number};
use crate::model::{AbundanceKind, AbundanceTable, Finding, Severity};

/// BIOM classic TSV: features as rows, samples as columns, optional `taxonomy` last column.
pub fn read_biom_tsv(table: &RawTable, ctx: &FileCtx, parts: &mut Parts) -> Result<(), String> {
    let taxonomy_col = table.headers.iter().rposition(|h| is_taxonomy_header(h));
    let sample_cols: Vec<usize> = (1..table.num_cols()).filter(|c| Some(*c) != taxonomy_col).collect();
    let sample_ids: Vec<String> = sample_cols.iter().map(|&c| table.headers[c].clone()).collect();
    let feature_ids: Vec<String> = (0..table.num_rows())
        .map(|r| table.cell(r, 0).trim().to_owned())
        .collect();
    let nf = feature_ids.len();
    let mut values = zeroed(sample_ids.len(), nf)?;
    for f in 0..nf {
        for (s, &c) in sample_cols.iter().enumerate() {
            values[s * nf + f] = cell_value(table, f, c, ctx, parts);
        }
        if let Some(tc) = taxonomy_col {
            let lineage = parse_lineage(table.cell(f, tc));
            parts.taxonomy.entry(feature_ids[f].clone()).or_insert(lineage);
        }
    }
    push_table(sample_ids, feature_ids, values, ctx, parts);
    Ok(())
}

/// The lineage column a BIOM TSV may end with.
pub(super) fn is_taxonomy_header(header: &str) -> bool {
    matches!(normalize(header).0.as_str(), "taxonomy" | "taxon" | "consensuslineage")
}

/// Samples as rows and taxa as columns. Columns with a known role (subject, date, day, …) are
/// sample metadata; the other numeric columns are taxa.
pub fn read_sample_matrix(
    table: &RawTable,
    matches: &[RoleMatch],
    ctx: &FileCtx,
    parts: &mut Parts,
) -> Result<(), String> {
    let id_col = find(matches, Role::Sample).map_or(0, |m| m.col);
    let meta: Vec<&RoleMatch> = matches
        .iter()
        .filter(|m| m.col != id_col && !m.header.contains("__"))
        .collect();
    let taxon_cols: Vec<usize> = (0..table.num_cols())
        .filter(|&c| c != id_col && !meta.iter().any(|m| m.col == c))
        .filter(|&c| table.headers[c].contains("__") || column_is_numeric(table, c))
        .collect();
    let text_cols: Vec<usize> = (0..table.num_cols())
        .filter(|&c| c != id_col && !meta.iter().any(|m| m.col == c) && !taxon_cols.contains(&c))
        .collect();
    let feature_ids: Vec<String> = taxon_cols.iter().map(|&c| table.headers[c].trim().to_owned()).collect();
    for id in &feature_ids {
        if let Some(lineage) = lineage_from_id(id) {
            parts.id_taxonomy.entry(id.clone()).or_insert(lineage);
        }
    }
    let nf = feature_ids.len();
    let rows: Vec<usize> = (0..table.num_rows())
        .filter(|&r| !is_missing(table.cell(r, id_col)))
        .collect();
    let mut sample_ids = Vec::with_capacity(rows.len());
    let mut values = zeroed(rows.len(), nf)?;
    for (s, &r) in rows.iter().enumerate() {
        sample_ids.push(table.cell(r, id_col).trim().to_owned());
        for (f, &c) in taxon_cols.iter().enumerate() {
            values[s * nf + f] = cell_value(table, r, c, ctx, parts);
        }
    }
    if !meta.is_empty() || !text_cols.is_empty() {
        read_sample_rows(table, id_col, &meta, &text_cols, &rows, ctx, parts);
    }
    push_table(sample_ids, feature_ids, values, ctx, parts);
    Ok(())
}

/// QIIME 2 sample metadata: first column the sample id, roles for subject and time, the rest
/// kept as text attributes of the sample.
pub fn read_sample_metadata(table: &RawTable, matches: &[RoleMatch], ctx: &FileCtx, parts: &mut Parts) {
    let meta: Vec<&RoleMatch> = matches.iter().filter(|m| m.col != 0).collect();
    let text_cols: Vec<usize> = (1..table.num_cols())
        .filter(|&c| !meta.iter().any(|m| m.col == c))
        .collect();
    let rows: Vec<usize> = (0..table.num_rows())
        .filter(|&r| !is_missing(table.cell(r, 0)))
        .collect();
    read_sample_rows(table, 0, &meta, &text_cols, &rows, ctx, parts);
}

fn read_sample_rows(
    table: &RawTable,
    id_col: usize,
    meta: &[&RoleMatch],
    text_cols: &[usize],
    rows: &[usize],
    ctx: &FileCtx,
    parts: &mut Parts,
) {
    let col = |role| meta.iter().find(|m| m.role == role).map(|m| m.col);
    let subject_col = col(Role::Subject);
    let date_cells = col(Role::Date).map(|c| parse_date_column(table.column(c)).0);
    let day_col = col(Role::Day);
    let month_col = col(Role::Month);
    let mut attr_cols: Vec<(usize, String)> = text_cols.iter().map(|&c| (c, snake_case(&table.headers[c]))).collect();
    // The day and month columns also stay under their own names, so `--time month` or
    // `--time days-since-experiment-start` can use them as they are.
    attr_cols.extend(
        meta.iter()
            .filter(|m| matches!(m.role, Role::Day | Role::Month))
            .map(|m| (m.col, snake_case(&table.headers[m.col]))),
    );
    attr_cols.extend(
        meta.iter()
            .filter(|m| !matches!(m.role, Role::Subject | Role::Date | Role::Day | Role::Month))
            .map(|m| {
                (
                    m.col,
                    m.role.attribute_column().map_or_else(|| m.role.as_str(), str::to_owned),
                )
            }),
    );
    for &r in rows {
        let sample = table.cell(r, id_col).trim().to_owned();
        let subject = subject_col
            .map(|c| table.cell(r, c).trim())
            .filter(|s| !is_missing(s))
            .map(str::to_owned);
        let date = match date_cells.as_ref().and_then(|d| d.get(r)) {
            Some(DateCell::Date { days, .. }) => Some(*days),
            Some(DateCell::Invalid) => {
                parts.findings.push(
                    Finding::new(
                        Severity::Warning,
                        "schema.unparseable-date",
                        crate::i18n::tr("sample date is not a date"),
                    )
                    .file(ctx.name)
                    .row(table.line(r))
                    .sample(&sample)
                    .value(table.cell(r, col(Role::Date).unwrap_or(0)).trim()),
                );
                None
            }
            _ => None,
        };
        let number = |c: Option<usize>| {
            c.and_then(|c| match parse_number(table.cell(r, c), table.decimal_comma) {
                Number::Value(v) => Some(v),
                _ => None,
            })
        };
        let day = number(day_col).or_else(|| number(month_col).map(|m| m * crate::model::time::DAYS_PER_MONTH));
        let attrs = attr_cols
            .iter()
            .map(|(c, name)| (name.clone(), table.cell(r, *c).trim().to_owned()))
            .filter(|(_, v)| !is_missing(v))
            .collect();
        parts.samples.push(SampleRow {
            sample,
            subject,
            date,
            day,
            attrs,
            file: ctx.index,
            line: table.line(r),
            from_table: false,
        });
    }
}

/// `MetaPhlAn` merged table: keep one rank (species when present, else the deepest), so parents
/// are not counted twice; percentages become fractions.
pub fn read_metaphlan(table: &RawTable, ctx: &FileCtx, parts: &mut Parts) -> Result<(), String> {
    let skip_cols: Vec<usize> = (1..table.num_cols())
        .filter(|&c| {
            matches!(
                normalize(&table.headers[c]).0.as_str(),
                "ncbitaxid" | "cladetaxid" | "taxid"
            )
        })
        .collect();
    let sample_cols: Vec<usize> = (1..table.num_cols()).filter(|c| !skip_cols.contains(c)).collect();
    let depth = |clade: &str| -> Option<usize> {
        let last = clade.rsplit('|').next()?;
        let (prefix, _) = last.split_once("__")?;
        match prefix {
            "k" | "d" => Some(0),
            "p" => Some(1),
            "c" => Some(2),
            "o" => Some(3),
            "f" => Some(4),
            "g" => Some(5),
            "s" => Some(6),
            _ => None,
        }
    };
    let deepest = (0..table.num_rows())
        .filter_map(|r| depth(table.cell(r, 0).trim()))
        .max();
    let Some(keep) = deepest else {
        parts.findings.push(
            Finding::new(
                Severity::Error,
                "schema.no-clades",
                crate::i18n::tr("no `k__…|p__…` clade rows found"),
            )
            .file(ctx.name),
        );
        return Ok(());
    };
    let rows: Vec<usize> = (0..table.num_rows())
        .filter(|&r| {
            let clade = table.cell(r, 0).trim();
            depth(clade) == Some(keep)
                || clade.eq_ignore_ascii_case("unclassified")
                || clade.eq_ignore_ascii_case("unknown")
        })
        .collect();
    let feature_ids: Vec<String> = rows.iter().map(|&r| table.cell(r, 0).trim().to_owned()).collect();
    for id in &feature_ids {
        if let Some(lineage) = lineage_from_id(id) {
            parts.id_taxonomy.entry(id.clone()).or_insert(lineage);
        }
    }
    let sample_ids: Vec<String> = sample_cols.iter().map(|&c| table.headers[c].clone()).collect();
    let nf = feature_ids.len();
    let mut values = zeroed(sample_ids.len(), nf)?;
    for (f, &r) in rows.iter().enumerate() {
        for (s, &c) in sample_cols.iter().enumerate() {
            values[s * nf + f] = cell_value(table, r, c, ctx, parts);
        }
    }
    push_table_as(sample_ids, feature_ids, values, true, ctx, parts);
    Ok(())
}

/// Long table: one row per sample × taxon.
pub fn read_long(table: &RawTable, matches: &[RoleMatch], ctx: &FileCtx, parts: &mut Parts) -> Result<(), String> {
    let (Some(sc), Some(tc), Some(ac)) = (
        find(matches, Role::Sample),
        find(matches, Role::Taxon),
        find(matches, Role::Abundance),
    ) else {
        return Ok(());
    };
    let mut samples: HashMap<String, usize> = HashMap::default();
    let mut features: HashMap<String, usize> = HashMap::default();
    let (mut sample_ids, mut feature_ids) = (Vec::new(), Vec::new());
    let mut cells = Vec::new();
    for r in 0..table.num_rows() {
        let s = table.cell(r, sc.col).trim();
        let t = table.cell(r, tc.col).trim();
        if is_missing(s) || t.is_empty() {
            continue;
        }
        let si = *samples.entry(s.to_owned()).or_insert_with(|| {
            sample_ids.push(s.to_owned());
            sample_ids.len() - 1
        });
        let fi = *features.entry(t.to_owned()).or_insert_with(|| {
            feature_ids.push(t.to_owned());
            feature_ids.len() - 1
        });
        cells.push((si, fi, cell_value(table, r, ac.col, ctx, parts)));
    }
    let nf = feature_ids.len();
    let mut values = zeroed(sample_ids.len(), nf)?;
    for (s, f, v) in cells {
        values[s * nf + f] += v;
    }
    for id in &feature_ids {
        if let Some(lineage) = lineage_from_id(id) {
            parts.id_taxonomy.entry(id.clone()).or_insert(lineage);
        }
    }
    let meta: Vec<&RoleMatch> = matches
        .iter()
        .filter(|m| matches!(m.role, Role::Subject | Role::Date | Role::Day))
        .collect();
    if !meta.is_empty() {
        // One metadata row per sample: its first line.
        let mut seen = crate::model::hash::HashSet::default();
        let rows: Vec<usize> = (0..table.num_rows())
            .filter(|&r| seen.insert(table.cell(r, sc.col).trim().to_owned()))
            .collect();
        read_sample_rows(table, sc.col, &meta, &[], &rows, ctx, parts);
    }
    push_table(sample_ids, feature_ids, values, ctx, parts);
    Ok(())
}

fn column_is_numeric(table: &RawTable, c: usize) -> bool {
    let mut any = false;
    for v in table.column(c).take(200) {
        match parse_number(v, table.decimal_comma) {
            Number::Value(_) => any = true,
            Number::Invalid => return false,
            Number::Missing => {}
        }
    }
    any
}

fn cell_value(table: &RawTable, r: usize, c: usize, ctx: &FileCtx, parts: &mut Parts) -> f64 {
    match parse_number(table.cell(r, c), table.decimal_comma) {
        Number::Value(v) => v,
        Number::Missing => 0.0,
        Number::Invalid => {
            parts.findings.push(
                Finding::new(
                    Severity::Warning,
                    "schema.unparseable-number",
                    crate::i18n::tr("abundance is not a number; read as 0"),
                )
                .file(ctx.name)
                .row(table.line(r))
                .column(&table.headers[c])
                .value(table.cell(r, c).trim()),
            );
            0.0
        }
    }
}

/// Decide counts vs relative abundances, convert percentages, and keep the table.
/// Largest table held (dense, 8 bytes a cell: 16 GiB).
const MAX_CELLS: usize = 1 << 31;

/// A zeroed samples × features matrix, or why it cannot be held: a damaged file can name far
/// more samples × features than it has bytes, and the allocation must fail with a message,
/// not abort.
pub(super) fn zeroed(ns: usize, nf: usize) -> Result<Vec<f64>, String> {
    let mut values = Vec::new();
    let cells = ns
        .checked_mul(nf)
        .filter(|&n| n <= MAX_CELLS && values.try_reserve_exact(n).is_ok())
        .ok_or_else(|| {
            crate::i18n::trf(
                "a table of {nf} features × {ns} samples is too large to hold in memory",
                &[("nf", &nf), ("ns", &ns)],
            )
        })?;
    values.resize(cells, 0.0);
    Ok(values)
}

pub(super) fn push_table(
    sample_ids: Vec<String>,
    feature_ids: Vec<String>,
    values: Vec<f64>,
    ctx: &FileCtx,
    parts: &mut Parts,
) {
    push_table_as(sample_ids, feature_ids, values, false, ctx, parts);
}

/// As [`push_table`]; `percent` when the format is known to be in percent (`MetaPhlAn`).
fn push_table_as(
    sample_ids: Vec<String>,
    feature_ids: Vec<String>,
    values: Vec<f64>,
    percent: bool,
    ctx: &FileCtx,
    parts: &mut Parts,
) {
    let table = AbundanceTable::new(sample_ids, feature_ids, &values, AbundanceKind::Counts);
    drop(values);
    push_sparse(table, percent, ctx, parts);
}

/// Add a table read into its sparse rows, deciding its kind (counts, fractions, percent) and
/// reporting negative values. `percent` when the format is known to be in percent.
pub(super) fn push_sparse(mut table: AbundanceTable, percent: bool, ctx: &FileCtx, parts: &mut Parts) {
    if table.num_samples() == 0 || table.num_features() == 0 {
        parts.findings.push(
            Finding::new(
                Severity::Error,
                "schema.empty-table",
                crate::i18n::tr("no samples or no features found"),
            )
            .file(ctx.name),
        );
        return;
    }
    // Each sample in one pass (in parallel): its negative values and most negative feature (as
    // a position among its cells), whether all its values are whole, and its total.
    let scans: Vec<(usize, Option<usize>, bool, f64)> = (0..table.num_samples())
        .into_par_iter()
        .map(|s| {
            let row = table.row(s).1;
            let (mut negatives, mut worst, mut integral, mut total) = (0, None::<usize>, true, 0.0);
            for (i, v) in row.iter().enumerate() {
                if *v < 0.0 {
                    negatives += 1;
                    if worst.is_none_or(|w| v.total_cmp(&row[w]).is_lt()) {
                        worst = Some(i);
                    }
                }
                integral &= v.fract() == 0.0;
                total += v;
            }
            (negatives, worst, integral, total)
        })
        .collect();
    // One finding per sample with negative values, naming its most negative feature.
    for (s, (negatives, worst, _, _)) in scans.iter().enumerate() {
        let Some(worst) = *worst else { continue };
        let (features, cells) = table.row(s);
        parts.findings.push(
            Finding::new(
                Severity::Error,
                "range.negative-abundance",
                crate::i18n::trf(
                    "{negatives} negative abundance value(s) in this sample (e.g. feature {p1}); abundances are ≥ 0",
                    &[
                        ("negatives", &negatives),
                        ("p1", &table.feature_ids[features[worst] as usize]),
                    ],
                ),
            )
            .file(ctx.name)
            .sample(&table.sample_ids[s])
            .value(&cells[worst].to_string()),
        );
    }
    let integral = scans.iter().all(|scan| scan.2);
    let mut sums: Vec<f64> = scans.iter().map(|scan| scan.3).filter(|s| *s > 0.0).collect();
    sums.sort_by(f64::total_cmp);
    let median = sums.get(sums.len() / 2).copied().unwrap_or(0.0);
    // Percent: every sample sums to 100 (MetaPhlAn's unit, and common in exported tables).
    let all_percent = percent || (!sums.is_empty() && sums.iter().all(|s| (s - 100.0).abs() <= 1.0));
    let kind = if integral && median > 1.5 && !all_percent {
        AbundanceKind::Counts
    } else if all_percent || (!integral && (50.0..=150.0).contains(&median)) {
        table.divide(100.0);
        parts.findings.push(
            Finding::new(
                Severity::Info,
                "units.percent-abundance",
                crate::i18n::tr("relative abundances in percent were converted to fractions"),
            )
            .file(ctx.name),
        );
        AbundanceKind::Relative
    } else {
        if !(0.5..=1.5).contains(&median) {
            parts.findings.push(
                Finding::new(
                    Severity::Warning,
                    "composition.not-normalised",
                    crate::i18n::trf(
                        "abundances are neither whole counts nor fractions/percent (median sample total {median})",
                        &[("median", &format!("{median:.3}"))],
                    ),
                )
                .file(ctx.name),
            );
        }
        AbundanceKind::Relative
    };
    table.kind = kind;
    parts.abundances.push((ctx.index, table));
}
