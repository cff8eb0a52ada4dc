//! The fast path for the largest input a cohort has: a clean BIOM classic TSV feature table
//! (features as rows, one column per sample, tab-separated numbers) parsed straight into the
//! samples × features matrix, in parallel, without a `RawTable` of every cell.
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
    pub feature_ids: Vec<String>,
    /// Samples × features, row-major (as `AbundanceTable::values`).
    pub values: Vec<f64>,
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
    let (feature_ids, values) = parse_rows(body, head.num_cols() - 1)?;
    Some(CleanMatrix {
        head,
        matches,
        feature_ids,
        values,
    })
}

/// Each row's feature id, and the values as samples × features; `None` at anything unusual.
fn parse_rows(body: &str, ns: usize) -> Option<(Vec<String>, Vec<f64>)> {
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let nf = lines.len();
    if nf == 0 {
        return None;
    }
    // Blocks of samples, each parsed by one task over every row into its own rows of the matrix.
    let blocks = (rayon::current_num_threads() * 4).clamp(1, ns);
    let bounds: Vec<usize> = (0..=blocks).map(|b| b * ns / blocks).collect();
    // Pass 1: each row's feature id and where each block's first sample starts in it.
    let rows: Vec<(String, Vec<usize>)> = lines
        .par_iter()
        .map(|line| row_starts(line, ns, &bounds))
        .collect::<Option<_>>()?;
    // Pass 2: the numbers, block by block. A block's rows of the matrix are its samples; a tile
    // of TILE features is parsed into a small buffer first, so the matrix is written in runs of
    // TILE values rather than one value per sample row (a page apart on wide tables). The
    // matrix holds no more cells than the file has bytes: no fallible allocation is needed.
    let mut values = vec![0.0; ns * nf];
    let mut slices = Vec::with_capacity(blocks);
    let mut rest = values.as_mut_slice();
    for b in 0..blocks {
        let (mine, after) = rest.split_at_mut((bounds[b + 1] - bounds[b]) * nf);
        slices.push((b, mine));
        rest = after;
    }
    let parsed = slices.into_par_iter().all(|(b, out)| {
        let width = bounds[b + 1] - bounds[b];
        let mut tile = vec![0.0; width * TILE];
        (0..nf).step_by(TILE).all(|f0| {
            let f1 = (f0 + TILE).min(nf);
            let read = (f0..f1).all(|f| {
                let t = f - f0;
                cells(lines[f], rows[f].1[b], width, |k, v| tile[k * TILE + t] = v)
            });
            for (k, row) in out.chunks_mut(nf).enumerate() {
                row[f0..f1].copy_from_slice(&tile[k * TILE..k * TILE + f1 - f0]);
            }
            read
        })
    });
    parsed.then(|| (rows.into_iter().map(|(id, _)| id).collect(), values))
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
fn cells(line: &str, start: usize, width: usize, mut put: impl FnMut(usize, f64)) -> bool {
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
        assert!(cells(line, starts[1], 3, |k, v| got.push((k, v))));
        assert_eq!(got, [(0, 30.0), (1, 40.0), (2, 50.0)]);
        assert!(!cells("f1\t1\tNA", 3, 2, |_, _| {}));
        // Decimals read on the way equal the general parser's, to the bit.
        let line = "f\t757.0\t0.1\t123456789.012345\t0.000000000000000000001\t5.\t.5\t1.2.3\t12345678901234567.5\t-1.5";
        let mut got = Vec::new();
        assert!(!cells(line, 2, 9, |_, v| got.push(v)));
        let want: Vec<f64> = line.split('\t').skip(1).map_while(|c| c.parse().ok()).collect();
        assert_eq!(got.len(), 6);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.to_bits(), w.to_bits(), "{g} vs {w}");
        }
        let mut got = Vec::new();
        assert!(cells("f\t12345678901234567.5\t-1.5", 2, 2, |_, v| got.push(v)));
        assert_eq!(got, [12_345_678_901_234_567.5, -1.5]);
        assert!(!cells("f1\t1\t\t2", 3, 3, |_, _| {}));
        assert!(row_starts("f1\t10\t20", 5, &[0, 2, 5]).is_none());
        assert!(row_starts("\t10\t20\t30\t40\t50", 5, &[0, 2, 5]).is_none());
        assert!(row_starts("f1\t1\t2\t3\t4\t5\t6", 5, &[0, 2, 5]).is_none());
    }
}
