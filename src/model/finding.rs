//! Findings: problems met while loading (and, later, by the data-quality rules), kept with
//! where they were found so a coordinator can go straight to the offending cell.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// How much a finding matters. Ordered, so the worst of a set is its `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// Lower-case name, as printed in reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// One problem, located as precisely as the source allows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable rule id, e.g. `load.unparseable-number`.
    pub rule: String,
    pub file: Option<String>,
    /// 1-based line in the source file (the header is line 1 for most tables).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub subject: Option<String>,
    /// The subject's site (filled in by the data-quality check).
    #[serde(default)]
    pub site: Option<String>,
    pub sample: Option<String>,
    /// The visit: its date (YYYY-MM-DD), else `day N` or `visit N` (filled in by the
    /// data-quality check from the file and line); part of the finding's review fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    pub value: Option<String>,
    /// What is wrong and what was expected, in plain language.
    pub message: String,
}

impl Finding {
    /// A finding with only a rule and message; locate it with the builder methods.
    pub fn new(severity: Severity, rule: &str, message: impl Into<String>) -> Self {
        Self {
            severity,
            rule: rule.to_owned(),
            file: None,
            row: None,
            column: None,
            subject: None,
            site: None,
            sample: None,
            visit: None,
            value: None,
            message: message.into(),
        }
    }

    #[must_use]
    pub fn file(mut self, file: &str) -> Self {
        self.file = Some(file.to_owned());
        self
    }

    #[must_use]
    pub fn row(mut self, line: usize) -> Self {
        self.row = Some(line);
        self
    }

    #[must_use]
    pub fn column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }

    #[must_use]
    pub fn subject(mut self, subject: &str) -> Self {
        self.subject = Some(subject.to_owned());
        self
    }

    #[must_use]
    pub fn sample(mut self, sample: &str) -> Self {
        self.sample = Some(sample.to_owned());
        self
    }

    #[must_use]
    pub fn visit(mut self, visit: &str) -> Self {
        self.visit = Some(visit.to_owned());
        self
    }

    #[must_use]
    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_owned());
        self
    }

    /// `file:row column` for one-line reports.
    pub fn location(&self) -> String {
        let mut out = self.file.clone().unwrap_or_default();
        if let Some(row) = self.row {
            let _ = write!(out, ":{row}");
        }
        if let Some(column) = &self.column {
            let _ = write!(out, " [{column}]");
        }
        out
    }
}

/// Number of findings at each severity: (errors, warnings, infos).
pub fn severity_counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> (usize, usize, usize) {
    findings.into_iter().fold((0, 0, 0), |(e, w, i), f| match f.severity {
        Severity::Error => (e + 1, w, i),
        Severity::Warning => (e, w + 1, i),
        Severity::Info => (e, w, i + 1),
    })
}
