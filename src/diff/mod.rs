//! Two data freezes compared: subjects, visits and samples added and removed, every changed
//! value with its column and the old and new values, each sample's abundances summarised as the
//! Bray–Curtis distance between the versions, and the findings that are new or fixed.
//!
//! Rows are matched by what they are, never by where they are: subjects by ID, visits by subject
//! and date (else day since baseline, else visit label or number), samples by ID. Values are
//! compared as values: `47.0` and `47` are one number, a date is its day, text is trimmed. So a
//! re-export (rows shuffled, CRLF, a BOM, numbers written differently) shows no change.

mod compare;
mod report;

pub use compare::{
    AbundanceChange, Change, DEFAULT_ABUNDANCE_THRESHOLD, Freeze, FreezeDiff, SampleRef, Table, VisitRef, compare,
};
pub use report::{Format, render, totals};

#[cfg(test)]
mod tests;
