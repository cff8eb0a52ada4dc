//! A raw text table: headers and cells as text, exactly as the file had them (unquoted),
//! before any role or type is known. Every reader starts from one of these, so detection and
//! role mapping see CSV, TSV and Parquet alike.

use crate::model::{Finding, Severity};

/// Cells of one table, stored once in a single buffer (no allocation per cell).
#[derive(Clone, Debug, Default)]
pub struct RawTable {
    pub headers: Vec<String>,
    buf: String,
    /// End offset in `buf` of each cell a row has, row after row.
    ends: Vec<usize>,
    /// Index in `ends` of each row's first cell. A short row holds only the cells it had, so a
    /// wide header over many short rows costs no more than the text.
    row_starts: Vec<usize>,
    /// 1-based source line of each row, for findings.
    lines: Vec<usize>,
    /// Lines that started with `#` (header comments, `#q2:types`, …), without the newline.
    pub comments: Vec<String>,
    /// The field separator found, `None` for Parquet.
    pub separator: Option<char>,
    /// True when numbers use a decimal comma (`1,5`), only possible with a non-comma separator.
    pub decimal_comma: bool,
}

impl RawTable {
    /// An empty table with these headers, to be filled with [`RawTable::push_row`].
    pub fn with_headers(headers: Vec<String>) -> Self {
        Self {
            headers,
            ..Self::default()
        }
    }

    pub fn num_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn num_cols(&self) -> usize {
        self.headers.len()
    }

    /// The cell text, untrimmed; empty when out of range.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        let Some(&first) = self.row_starts.get(row) else {
            return "";
        };
        let next = self.row_starts.get(row + 1).copied().unwrap_or(self.ends.len());
        if col >= next - first {
            return "";
        }
        let i = first + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    /// The source line of a row (1-based), for findings.
    pub fn line(&self, row: usize) -> usize {
        self.lines.get(row).copied().unwrap_or(0)
    }

    /// Append a row; missing cells read as empty, extra cells are ignored.
    pub fn push_row<'a>(&mut self, line: usize, cells: impl IntoIterator<Item = &'a str>) {
        self.row_starts.push(self.ends.len());
        for cell in cells.into_iter().take(self.headers.len()) {
            self.buf.push_str(cell);
            self.ends.push(self.buf.len());
        }
        self.lines.push(line);
    }

    /// Index of the first column whose header equals `name` exactly.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Iterate over the trimmed cells of one column.
    pub fn column(&self, col: usize) -> impl Iterator<Item = &str> + Clone + '_ {
        (0..self.num_rows()).map(move |r| self.cell(r, col).trim())
    }
}

/// Parse delimited text, detecting the separator and the header line.
///
/// Leading `#` lines with a single field (`# Constructed from biom file`, `MetaPhlAn`'s
/// `#mpa_v30_…`) are comments; a `#` line with as many fields as the data is the header
/// (`#OTU ID`, `#SampleID`). Later `#` lines (`#q2:types`) are kept in `comments`. A header one
/// field short of the data is R's `write.csv` row-names layout and gets an empty first name.
pub fn parse_delimited(text: &str, file: &str, findings: &mut Vec<Finding>) -> RawTable {
    let sep = detect_separator(text);
    let mut records = Records::new(text, sep);
    let mut table = RawTable {
        separator: Some(sep as char),
        ..RawTable::default()
    };
    let mut pending: Vec<(usize, Vec<String>)> = Vec::new();
    // Find the header: the first record with more than one field, or the first non-comment one.
    let mut fields = Vec::new();
    let mut header_line = 0;
    while let Some(line) = records.next_into(&mut fields) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let is_comment = fields[0].starts_with('#');
        if is_comment && fields.len() == 1 {
            table.comments.push(fields[0].clone());
            continue;
        }
        header_line = line;
        table.headers = fields.iter().map(|h| clean_header(h)).collect();
        break;
    }
    if table.headers.is_empty() {
        return table;
    }
    // Peek at the first data record for the row-names layout.
    let mut first_data = None;
    while let Some(line) = records.next_into(&mut fields) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields[0].starts_with('#') {
            table.comments.push(fields.join(&(sep as char).to_string()));
            continue;
        }
        first_data = Some(line);
        break;
    }
    if let Some(line) = first_data {
        if fields.len() == table.headers.len() + 1 {
            table.headers.insert(0, String::new());
        }
        pending.push((line, std::mem::take(&mut fields)));
    }
    let ncols = table.headers.len();
    let mut num_long_rows = 0usize;
    let mut first_long_line = 0;
    let mut push = |table: &mut RawTable, line: usize, fields: &[String]| {
        if fields.len() > ncols && fields[ncols..].iter().any(|f| !f.trim().is_empty()) {
            if num_long_rows == 0 {
                first_long_line = line;
            }
            num_long_rows += 1;
        }
        table.push_row(line, fields.iter().map(String::as_str));
    };
    for (line, f) in &pending {
        push(&mut table, *line, f);
    }
    while let Some(line) = records.next_into(&mut fields) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields[0].starts_with('#') {
            table.comments.push(fields.join(&(sep as char).to_string()));
            continue;
        }
        push(&mut table, line, &fields);
    }
    if num_long_rows > 0 {
        findings.push(
            Finding::new(
                Severity::Error,
                "load.extra-fields",
                crate::i18n::trf("{num_long_rows} row(s) have more values than the header has columns ({ncols}); the extra values were not read — check for an unquoted separator", &[("num_long_rows", &num_long_rows), ("ncols", &ncols)]),
            )
            .file(file)
            .row(first_long_line),
        );
    }
    let _ = header_line;
    table.decimal_comma = sep != b',' && has_decimal_commas(&table);
    table
}

/// Header text without surrounding spaces, quotes or a stray BOM.
fn clean_header(raw: &str) -> String {
    raw.trim().trim_start_matches('\u{feff}').trim().to_owned()
}

/// Pick the separator (tab, `;`, `,`) that splits the first lines most consistently, with the
/// header line splitting like the data.
fn detect_separator(text: &str) -> u8 {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !(l.starts_with('#') && !l.contains('\t') && !l.contains(',')))
        .take(50)
        .collect();
    let mut best: Option<(u8, f64)> = None;
    for sep in [b'\t', b';', b','] {
        let counts: Vec<usize> = sample.iter().map(|l| count_fields(l, sep)).collect();
        let Some((&header, rest)) = counts.split_first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        // A data row may have one field more than the header (R row names).
        let matching = rest.iter().filter(|&&c| c == header || c == header + 1).count();
        let score = if rest.is_empty() {
            1.0
        } else {
            matching as f64 / rest.len() as f64
        };
        if best.is_none_or(|(_, s)| score > s + 1e-9) {
            best = Some((sep, score));
        }
    }
    best.map_or(b',', |(sep, _)| sep)
}

/// Fields in one physical line, ignoring separators inside quotes.
fn count_fields(line: &str, sep: u8) -> usize {
    let mut n = 1;
    let mut quoted = false;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            n += 1;
        }
    }
    n
}

/// True when cells like `1,5` occur (and no cell looks like a plain `1.5` number).
fn has_decimal_commas(table: &RawTable) -> bool {
    let mut comma = 0;
    let mut dot = 0;
    for r in 0..table.num_rows().min(200) {
        for c in 0..table.num_cols() {
            let cell = table.cell(r, c).trim();
            let bytes = cell.as_bytes();
            let numeric = !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.' | b'-' | b'+'));
            if numeric && bytes.iter().any(u8::is_ascii_digit) {
                if cell.contains(',') {
                    comma += 1;
                } else if cell.contains('.') {
                    dot += 1;
                }
            }
        }
    }
    comma > 0 && comma >= dot
}

/// A quote-aware record reader over the whole text (quoted fields may span lines).
struct Records<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: usize,
    sep: u8,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, sep: u8) -> Self {
        Self {
            bytes: text.as_bytes(),
            text,
            pos: 0,
            line: 1,
            sep,
        }
    }

    /// Read the next record into `fields`, returning its first line number. The strings of
    /// `fields` are reused from record to record: a large table costs no allocation per cell.
    fn next_into(&mut self, fields: &mut Vec<String>) -> Option<usize> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start_line = self.line;
        let mut n = 0;
        loop {
            if n == fields.len() {
                fields.push(String::new());
            }
            let field = &mut fields[n];
            field.clear();
            n += 1;
            // Start of a field.
            if self.bytes.get(self.pos) == Some(&b'"') {
                self.pos += 1;
                loop {
                    let Some(rel) = self.text[self.pos..].find('"') else {
                        field.push_str(&self.text[self.pos..]);
                        self.line += self.text[self.pos..].matches('\n').count();
                        self.pos = self.bytes.len();
                        break;
                    };
                    let chunk = &self.text[self.pos..self.pos + rel];
                    self.line += chunk.matches('\n').count();
                    field.push_str(chunk);
                    self.pos += rel + 1;
                    if self.bytes.get(self.pos) == Some(&b'"') {
                        field.push('"');
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            // Unquoted part (or what follows a closing quote) up to separator or newline.
            let rest = &self.bytes[self.pos..];
            let end = rest
                .iter()
                .position(|&b| b == self.sep || b == b'\n' || b == b'\r')
                .unwrap_or(rest.len());
            field.push_str(&self.text[self.pos..self.pos + end]);
            self.pos += end;
            match self.bytes.get(self.pos) {
                Some(&b) if b == self.sep => {
                    self.pos += 1;
                }
                Some(b'\r') => {
                    self.pos += 1;
                    if self.bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    fields.truncate(n);
                    return Some(start_line);
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    fields.truncate(n);
                    return Some(start_line);
                }
                _ => {
                    fields.truncate(n);
                    return Some(start_line);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> RawTable {
        parse_delimited(text, "t.csv", &mut Vec::new())
    }

    #[test]
    fn semicolon_with_decimal_comma() {
        let t = parse("id;weight\r\nP1;61,5\r\nP2;70\r\n");
        assert_eq!(t.separator, Some(';'));
        assert!(t.decimal_comma);
        assert_eq!(t.headers, ["id", "weight"]);
        assert_eq!(t.cell(0, 1), "61,5");
        assert_eq!(t.line(1), 3);
    }

    #[test]
    fn quoted_fields_and_r_rownames() {
        let t = parse("\"a\",\"b\"\n\"1\",\"x, y\",\"say \"\"hi\"\"\"\n\"2\",\"z\",\"w\"\n");
        assert_eq!(t.headers, ["", "a", "b"]);
        assert_eq!(t.cell(0, 1), "x, y");
        assert_eq!(t.cell(0, 2), "say \"hi\"");
        assert_eq!(t.num_rows(), 2);
    }

    #[test]
    fn biom_header_comments() {
        let t = parse("# Constructed from biom file\n#OTU ID\tS1\tS2\nf1\t1.0\t0.0\n");
        assert_eq!(t.headers, ["#OTU ID", "S1", "S2"]);
        assert_eq!(t.comments, ["# Constructed from biom file"]);
        assert_eq!(t.cell(0, 1), "1.0");
    }

    #[test]
    fn q2_types_row_is_kept_as_comment() {
        let t = parse("sample-id\tsubject\n#q2:types\tcategorical\nS1\tA\n");
        assert_eq!(t.num_rows(), 1);
        assert_eq!(t.comments, ["#q2:types\tcategorical"]);
    }

    #[test]
    fn extra_values_are_reported() {
        let mut findings = Vec::new();
        let t = parse_delimited("a,b\n1,2\n3,4,5\n", "f.csv", &mut findings);
        assert_eq!(t.num_rows(), 2);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].row, Some(3));
    }
}
