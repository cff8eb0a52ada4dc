//! Numbers in clinical cells: conversion to the standard unit (from the header, a units column,
//! or a guess for heights in metres) and the finding for a cell that is not a number.

use crate::data::parts::FileCtx;
use crate::data::roles::{Role, RoleMatch, find};
use crate::data::table::RawTable;
use crate::data::units::Unit;
use crate::model::{Finding, Severity};

/// How to convert a measure cell to the standard unit.
#[derive(Clone, Copy, Debug)]
pub(super) enum Conv {
    None,
    /// A fixed unit from the header or synonym.
    Fixed(Unit),
    /// A per-row units column (PRO-ACT `Weight_Units`), with the default when blank.
    Column(usize, Option<Unit>),
    /// Height without a unit: values below 3 are metres.
    HeightGuess,
}

impl Conv {
    /// The converted value and whether a metres guess was applied.
    pub(super) fn apply(self, v: f64, table: &RawTable, r: usize) -> (f64, bool) {
        // Nobody is under 3 cm tall: such a height is in metres.
        let metres = v > 0.0 && v < 3.0;
        match self {
            Conv::Fixed(Unit::Centimetre) | Conv::HeightGuess if metres => (v * 100.0, true),
            Conv::Fixed(u) => (u.to_standard(v), false),
            Conv::Column(c, default) => match Unit::parse(table.cell(r, c)).or(default) {
                Some(u) => (u.to_standard(v), false),
                None if metres && is_height_units(table, c) => (v * 100.0, true),
                None => (v, false),
            },
            Conv::None | Conv::HeightGuess => (v, false),
        }
    }
}

pub(super) fn is_height_units(table: &RawTable, c: usize) -> bool {
    table.headers[c].to_lowercase().contains("height")
}

pub(super) fn conv_for(m: &RoleMatch, _table: &RawTable, matches: &[RoleMatch]) -> Conv {
    let units_role = match m.role {
        Role::Weight | Role::PremorbidWeight => Some(Role::WeightUnits),
        Role::Height => Some(Role::HeightUnits),
        Role::Ree => Some(Role::ReeUnits),
        _ => None,
    };
    if let Some(u) = m.unit {
        return Conv::Fixed(u);
    }
    if let Some(units) = units_role.and_then(|r| find(matches, r)) {
        return Conv::Column(units.col, None);
    }
    if m.role == Role::Height {
        Conv::HeightGuess
    } else {
        Conv::None
    }
}

pub(super) fn not_a_number(ctx: &FileCtx, line: usize, header: &str, raw: &str, subject: &str, name: &str) -> Finding {
    Finding::new(
        Severity::Warning,
        "schema.unparseable-number",
        crate::i18n::trf(
            "`{p1}` is not a number; {name} left empty",
            &[("p1", &(raw.trim())), ("name", &name)],
        ),
    )
    .file(ctx.name)
    .row(line)
    .column(header)
    .subject(subject)
    .value(raw.trim())
}
