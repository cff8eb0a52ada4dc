//! The fast path for the largest input a cohort has: a clean BIOM classic TSV feature table
//! (features as rows, one column per sample, tab-separated numbers) parsed straight into the
//! table's sparse sample rows, in parallel, without a `RawTable` of every cell or a dense
//! matrix.
//!
//! Only the header lines and the first rows go through the careful parser and detection, so the
//! layout is decided the same way. Anything unusual in the rows — a quote, a row with too many
//! or too few fields, a blank or `#` line, an empty feature id, a cell that is not a plain
//! finite number (`NA`, `1,5`, ` 3`), a taxonomy column — gives `None`, and the careful reader
//! reads the whole file: what is read, and every finding, is the same either way (tested in
//! `data::tests`).

use rayon::prelude::*;

use super::detect::{self, Layout};
use super::roles::{self, Overrides, RoleMatch};
use super::table::{self, RawTable};
use super::values::{POW10, plain_decimal};
use crate::model::{AbundanceKind, AbundanceTable};

/// Lines of the file the careful parser reads for detection (header and comments, then rows).
const HEAD_LINES: usize = 60;

/// Features parsed together before their values are written to the matrix.
const TILE: usize = 64;

/// A feature table read by the fast path.
pub struct CleanMatrix {
    /// The header lines and first rows as the careful parser reads them (headers, comments,
    /// separator), for the file's description.
    pub head: RawTable,
    pub matches: Vec<RoleMatch>,
    /// The table, its kind not yet decided (`data::microbiome::push_sparse` decides it).
    pub table: AbundanceTable,
}

/// The table, when `text` is a clean BIOM classic TSV; `None` sends it to the careful reader.
pub fn clean_biom_tsv(text: &str, name: &str, overrides: &Overrides) -> Option<CleanMatrix> {
    if memchr::memchr(b'"', text.as_bytes()).is_some() {
        return None;
    }
    let head_end = memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(HEAD_LINES - 1)
        .map_or(text.len(), |i| i + 1);
    let mut findings = Vec::new();
    let head = table::parse_delimited(&text[..head_end], name, &mut findings);
    let matches = roles::assign_roles(&head.headers, overrides);
    let clean_head = findings.is_empty()
        && head.separator == Some('\t')
        && !head.decimal_comma
        && head.num_cols() >= 2
        && !head.headers[0].is_empty()
        && !head.headers.iter().any(|h| super::microbiome::is_taxonomy_header(h))
        && detect::detect(&head, &matches) == Some(Layout::BiomTsv);
    if !clean_head {
        return None;
    }
    // The rows start after the header line: the first line that is not blank or a one-field
    // `#` comment (as `parse_delimited` finds it).
    let mut body = text;
    loop {
        let (line, rest) = body.split_once('\n').unwrap_or((body, ""));
        body = rest;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let comment = line.starts_with('#') && !line.contains('\t');
        if !line.trim().is_empty() && !comment {
            break;
        }
        if body.is_empty() {
            return None;
        }
    }
    let (feature_ids, (starts, features, cells)) = parse_rows(body, head.num_cols() - 1)?;
    let sample_ids = head.headers[1..].to_vec();
    let table = AbundanceTable::from_sparse(sample_ids, feature_ids, starts, features, cells, AbundanceKind::Counts)?;
    Some(CleanMatrix { head, matches, table })
}

/// Sparse rows: each sample's start, then the features and values of its non-zero cells.
type Rows = (Vec<usize>, Vec<u32>, Vec<f64>);

/// Each row's feature id, and the values as sparse sample rows; `None` at anything unusual.
fn parse_rows(body: &str, ns: usize) -> Option<(Vec<String>, Rows)> {
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let nf = lines.len();
    if nf == 0 || u32::try_from(nf).is_err() {
        return None;
    }
    // Blocks of samples, each read by one task over every row into its own samples' rows.
    let blocks = (rayon::current_num_threads() * 4).clamp(1, ns);
    let bounds: Vec<usize> = (0..=blocks).map(|b| b * ns / blocks).collect();
    // Pass 1: each row's feature id and where each block's first sample starts in it.
    let rows: Vec<(String, Vec<usize>)> = lines
        .par_iter()
        .map(|line| row_starts(line, ns, &bounds))
        .collect::<Option<_>>()?;
    // Pass 2: how many cells of each sample may be non-zero, from their text alone (a cell of
    // only `0`, `.`, `-` and `+` is zero or unreadable), so the rows are allocated once, to
    // size, instead of a dense matrix.
    let counts: Vec<Vec<usize>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let mut counts = vec![0; bounds[b + 1] - bounds[b]];
            for (line, (_, at)) in lines.iter().zip(&rows) {
                count_nonzero(line, at[b], &mut counts);
            }
            counts
        })
        .collect();
    let mut starts = Vec::with_capacity(ns + 1);
    starts.push(0);
    for n in counts.iter().flatten() {
        starts.push(starts.last().copied().unwrap_or(0) + n);
    }
    let total = starts[ns];
    let mut features = vec![0u32; total];
    let mut cells = vec![0.0; total];
    // Pass 3: the numbers, block by block, each block writing its own samples' rows. A tile of
    // TILE features is parsed into a small buffer first, so each row grows by runs of cells
    // rather than one cell per visit to it.
    let mut slices = Vec::with_capacity(blocks);
    let (mut rest_f, mut rest_c) = (features.as_mut_slice(), cells.as_mut_slice());
    for b in 0..blocks {
        let len = starts[bounds[b + 1]] - starts[bounds[b]];
        let (mine_f, after_f) = rest_f.split_at_mut(len);
        let (mine_c, after_c) = rest_c.split_at_mut(len);
        slices.push((b, mine_f, mine_c));
        (rest_f, rest_c) = (after_f, after_c);
    }
    let block_ends: Option<Vec<Vec<usize>>> = slices
        .into_par_iter()
        .map(|(b, out_f, out_c)| {
            let width = bounds[b + 1] - bounds[b];
            let base = starts[bounds[b]];
            let limits: Vec<usize> = (1..=width).map(|k| starts[bounds[b] + k] - base).collect();
            let mut cursor: Vec<usize> = (0..width).map(|k| starts[bounds[b] + k] - base).collect();
            let mut tile = vec![0.0; width * TILE];
            for f0 in (0..nf).step_by(TILE) {
                let f1 = (f0 + TILE).min(nf);
                for f in f0..f1 {
                    let t = f - f0;
                    if !read_cells(lines[f], rows[f].1[b], width, |k, v| tile[k * TILE + t] = v) {
                        return None;
                    }
                }
                for (k, at) in cursor.iter_mut().enumerate() {
                    for (t, &v) in tile[k * TILE..k * TILE + f1 - f0].iter().enumerate() {
                        if v != 0.0 {
                            // More non-zero cells than their text promised: not a clean table.
                            if *at == limits[k] {
                                return None;
                            }
                            out_f[*at] = (f0 + t) as u32;
                            out_c[*at] = v;
                            *at += 1;
                        }
                    }
                }
            }
            Some(cursor.iter().map(|at| base + at).collect())
        })
        .collect();
    // Where each sample's cells end.
    let ends: Vec<usize> = block_ends?.into_iter().flatten().collect();
    // Cells that read as zero though their text did not look it (`0e0`): close the gaps.
    if ends.iter().zip(&starts[1..]).any(|(end, start)| end != start) {
        let mut write = 0;
        for s in 0..ns {
            let (start, len) = (starts[s], ends[s] - starts[s]);
            features.copy_within(start..start + len, write);
            cells.copy_within(start..start + len, write);
            starts[s] = write;
            write += len;
        }
        starts[ns] = write;
        features.truncate(write);
        cells.truncate(write);
    }
    Some((rows.into_iter().map(|(id, _)| id).collect(), (starts, features, cells)))
}

/// Add to `counts[k]` when the k-th of `counts.len()` cells of `line` from byte `start` may be
/// non-zero: it holds a byte other than `0`, `.`, `-` and `+`.
fn count_nonzero(line: &str, start: usize, counts: &mut [usize]) {
    let bytes = line.as_bytes();
    let mut pos = start;
    for count in counts.iter_mut() {
        let mut nonzero = false;
        while let Some(&byte) = bytes.get(pos) {
            if byte == b'\t' {
                break;
            }
            nonzero |= !matches!(byte, b'0' | b'.' | b'-' | b'+');
            pos += 1;
        }
        *count += usize::from(nonzero);
        pos += 1;
    }
}

/// A row's feature id and the byte offset of each block's first sample (`bounds[b]` is the
/// index of that sample); `None` unless the row has exactly `ns` values after a usable id.
fn row_starts(line: &str, ns: usize, bounds: &[usize]) -> Option<(String, Vec<usize>)> {
    let bytes = line.as_bytes();
    let first = memchr::memchr(b'\t', bytes)?;
    let id = line[..first].trim();
    if id.is_empty() || id.starts_with('#') || id.contains('\r') {
        return None;
    }
    let mut starts = Vec::with_capacity(bounds.len() - 1);
    starts.push(first + 1);
    // Sample `count` starts after the tab at `i`.
    let mut count = 0;
    for (i, &byte) in bytes.iter().enumerate().skip(first + 1) {
        if byte == b'\t' {
            count += 1;
            if starts.len() < bounds.len() - 1 && bounds[starts.len()] == count {
                starts.push(i + 1);
            }
        }
    }
    (count + 1 == ns && starts.len() == bounds.len() - 1).then(|| (id.to_owned(), starts))
}

/// Read `width` tab-separated numbers of `line` from byte `start`, handing each to `put` with
/// its index; false at the first cell that is not a plain finite number.
fn read_cells(line: &str, start: usize, width: usize, mut put: impl FnMut(usize, f64)) -> bool {
    let bytes = line.as_bytes();
    let mut pos = start;
    for k in 0..width {
        let from = pos;
        // `digits[.digits]` is accumulated on the way (mantissa `n`, `frac` digits after the
        // point); anything else goes to the general parser.
        let (mut n, mut num_digits, mut frac, mut dot, mut plain) = (0u64, 0usize, 0usize, None, true);
        while let Some(&byte) = bytes.get(pos) {
            if byte == b'\t' {
                break;
            }
            let d = byte.wrapping_sub(b'0');
            if d < 10 {
                n = n.wrapping_mul(10).wrapping_add(u64::from(d));
                num_digits += 1;
                frac += usize::from(dot.is_some());
            } else if byte == b'.' && dot.is_none() {
                dot = Some(pos);
            } else {
                plain = false;
            }
            pos += 1;
        }
        // A point needs digits on both sides; ≤ 15 digits are exact in an f64, and so is 10^frac
        // up to 10^22, so one division rounds correctly (Clinger's fast path): the general
        // parser's value exactly.
        let digits_around = dot.is_none_or(|d| d > from && d + 1 < pos);
        let value = if plain && digits_around && (1..=15).contains(&num_digits) && frac < POW10.len() {
            n as f64 / POW10[frac]
        } else {
            match number(&line[from..pos]) {
                Some(v) => v,
                None => return false,
            }
        };
        put(k, value);
        pos += 1;
    }
    true
}

/// A cell as the careful reader reads it when it is a plain finite number; `None` for anything
/// else.
fn number(cell: &str) -> Option<f64> {
    plain_decimal(cell).or_else(|| cell.parse::<f64>().ok().filter(|v| v.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_the_general_parser_reads_them() {
        for cell in [
            "0",
            "7",
            "000012",
            "123456789012345",
            "1.5",
            "0.0",
            "1e-3",
            "+4",
            "-2.25",
        ] {
            assert_eq!(number(cell), cell.parse::<f64>().ok(), "{cell}");
        }
        for cell in ["", "NA", " 3", "1,5", "inf", "NaN", "3 ", "1\r"] {
            assert_eq!(number(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn each_block_starts_at_its_first_sample() {
        let line = "f1\t10\t20\t30\t40\t50";
        let (id, starts) = row_starts(line, 5, &[0, 2, 5]).expect("five values");
        assert_eq!(id, "f1");
        assert_eq!(starts, [3, 9]);
        let mut got = Vec::new();
        assert!(read_cells(line, starts[1], 3, |k, v| got.push((k, v))));
        assert_eq!(got, [(0, 30.0), (1, 40.0), (2, 50.0)]);
        assert!(!read_cells("f1\t1\tNA", 3, 2, |_, _| {}));
        // Decimals read on the way equal the general parser's, to the bit.
        let line = "f\t757.0\t0.1\t123456789.012345\t0.000000000000000000001\t5.\t.5\t1.2.3\t12345678901234567.5\t-1.5";
        let mut got = Vec::new();
        assert!(!read_cells(line, 2, 9, |_, v| got.push(v)));
        let want: Vec<f64> = line.split('\t').skip(1).map_while(|c| c.parse().ok()).collect();
        assert_eq!(got.len(), 6);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.to_bits(), w.to_bits(), "{g} vs {w}");
        }
        let mut got = Vec::new();
        assert!(read_cells("f\t12345678901234567.5\t-1.5", 2, 2, |_, v| got.push(v)));
        assert_eq!(got, [12_345_678_901_234_567.5, -1.5]);
        assert!(!read_cells("f1\t1\t\t2", 3, 3, |_, _| {}));
        assert!(row_starts("f1\t10\t20", 5, &[0, 2, 5]).is_none());
        assert!(row_starts("\t10\t20\t30\t40\t50", 5, &[0, 2, 5]).is_none());
        assert!(row_starts("f1\t1\t2\t3\t4\t5\t6", 5, &[0, 2, 5]).is_none());
    }
}
