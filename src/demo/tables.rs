//! The demo's tables as text cells, before they are written in the recognised layouts.

/// A table of text cells before it is written.
#[derive(Clone, Debug, Default)]
pub struct TextTable {
    pub header: Vec<String>,
    /// Extra lines written after the header (QIIME's `#q2:types`).
    pub preamble: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl TextTable {
    pub(super) fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            ..Self::default()
        }
    }

    /// Column index by header name.
    pub fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or(0)
    }

    /// Serialise with a separator; `crlf` and `bom` reproduce Windows spreadsheet exports.
    pub fn write(&self, sep: char, crlf: bool, bom: bool, decimal_comma: bool) -> Vec<u8> {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if bom {
            out.push('\u{feff}');
        }
        let sep_s = sep.to_string();
        out.push_str(&self.header.join(&sep_s));
        out.push_str(nl);
        for line in &self.preamble {
            out.push_str(line);
            out.push_str(nl);
        }
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| {
                    if decimal_comma && c.parse::<f64>().is_ok() {
                        c.replace('.', ",")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            out.push_str(&cells.join(&sep_s));
            out.push_str(nl);
        }
        out.into_bytes()
    }
}

/// Everything generated, as tables, before writing.
pub struct Tables {
    pub subjects: TextTable,
    pub visits: TextTable,
    pub metadata: TextTable,
    pub taxonomy: TextTable,
    /// BIOM classic: feature rows, one column per sample.
    pub features: TextTable,
}
