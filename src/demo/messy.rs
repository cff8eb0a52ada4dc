//! `demo --messy`: plant the data problems real cohorts have, one or more of each kind, and
//! remember where, so tests can check that every one is reported.

use serde::Serialize;

use super::clinical::SimSubject;
use super::{Tables, TextTable};
use crate::model::time::iso_from_days;
use crate::rng::Rng;

/// One planted problem.
#[derive(Clone, Debug, Serialize)]
pub struct Planted {
    /// The data-quality rule that should report it.
    pub rule: &'static str,
    pub file: &'static str,
    pub subject: Option<String>,
    pub sample: Option<String>,
    pub detail: String,
}

fn planted(rule: &'static str, file: &'static str, subject: Option<&str>, detail: impl Into<String>) -> Planted {
    Planted {
        rule,
        file,
        subject: subject.map(str::to_owned),
        sample: None,
        detail: detail.into(),
    }
}

/// Rows of `t` whose first cell is `subject`.
fn rows_of(t: &TextTable, subject: &str) -> Vec<usize> {
    (0..t.rows.len()).filter(|&r| t.rows[r][0] == subject).collect()
}

/// Plant every kind of problem into the tables; returns what was planted.
pub fn plant(t: &mut Tables, subjects: &[SimSubject], rng: &mut Rng) -> Vec<Planted> {
    let mut out = Vec::new();
    // Patients with enough visits to carry a problem each, in a seeded order.
    let mut pool: Vec<&SimSubject> = subjects.iter().filter(|s| s.als && s.visits.len() >= 5).collect();
    for i in (1..pool.len()).rev() {
        pool.swap(i, rng.below(i + 1));
    }
    let mut next = pool.into_iter();
    let mut take = || next.next().map(|s| s.id.clone());
    let v = &mut t.visits;
    let (q7, q5a, q5b, total, weight, ree, date) = (
        v.col("alsfrs_q7"),
        v.col("alsfrs_q5a"),
        v.col("alsfrs_q5b"),
        v.col("alsfrs_r_total"),
        v.col("weight_kg"),
        v.col("ree_kcal"),
        v.col("visit_date"),
    );

    if let Some(s) = take() {
        let r = rows_of(v, &s)[1];
        v.rows[r][q7] = "5".to_owned();
        out.push(planted(
            "range.alsfrs-item",
            "visits.csv",
            Some(&s),
            "item 7 scored 5 (items are 0–4)",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[2];
        let t0: i64 = v.rows[r][total].parse().unwrap_or(40);
        v.rows[r][total] = (t0 - 3).to_string();
        out.push(planted(
            "alsfrs.total-mismatch",
            "visits.csv",
            Some(&s),
            "ALSFRS-R total is 3 below the sum of its items",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[1];
        let a = v.rows[r][q5a].clone();
        v.rows[r][q5b] = if a == "NA" { "2".to_owned() } else { a };
        if v.rows[r][q5a] == "NA" {
            v.rows[r][q5a] = "2".to_owned();
        }
        out.push(planted(
            "alsfrs.both-5a-5b",
            "visits.csv",
            Some(&s),
            "items 5a and 5b both scored",
        ));
    }
    if let Some(s) = take() {
        for r in rows_of(v, &s) {
            let kg: f64 = v.rows[r][weight].parse().unwrap_or(70.0);
            v.rows[r][weight] = format!("{:.1}", kg / crate::data::units::KG_PER_LB);
        }
        out.push(planted(
            "units.weight-lb",
            "visits.csv",
            Some(&s),
            "all weights of this subject written in pounds",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[0];
        let kcal: f64 = v.rows[r][ree].parse().unwrap_or(1500.0);
        v.rows[r][ree] = format!("{:.0}", kcal * crate::data::units::KJ_PER_KCAL);
        out.push(planted(
            "units.ree-kj",
            "visits.csv",
            Some(&s),
            "baseline REE written in kJ/day",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[1];
        let mut dup = v.rows[r].clone();
        let kg: f64 = dup[weight].parse().unwrap_or(70.0);
        dup[weight] = format!("{:.1}", kg + 4.0);
        v.rows.insert(r + 1, dup);
        out.push(planted(
            "identity.duplicate-visit",
            "visits.csv",
            Some(&s),
            "second visit entered twice with different weights",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[0];
        v.rows[r][date] = "2009-06-15".to_owned();
        out.push(planted(
            "time.before-onset",
            "visits.csv",
            Some(&s),
            "baseline dated years before symptom onset",
        ));
    }
    if let Some(s) = take() {
        let r = *rows_of(v, &s).last().unwrap_or(&0);
        v.rows[r][date] = "2031-01-15".to_owned();
        out.push(planted(
            "time.future-date",
            "visits.csv",
            Some(&s),
            "last visit dated in the future",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[1];
        let iso = v.rows[r][date].clone();
        let parts: Vec<&str> = iso.split('-').collect();
        if parts.len() == 3 {
            let (y, m, d) = (parts[0], parts[1], parts[2]);
            // Make the day ≤ 12 so day and month can be swapped.
            let d: u32 = d.parse::<u32>().unwrap_or(5).clamp(1, 12);
            let d = if format!("{d:02}") == m { d % 12 + 1 } else { d };
            v.rows[r][date] = format!("{d:02}/{m}/{y}");
        }
        out.push(planted(
            "time.ambiguous-date",
            "visits.csv",
            Some(&s),
            "a visit date written dd/mm/yyyy with day ≤ 12",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[2];
        v.rows[r][date] = "2021-02-30".to_owned();
        out.push(planted(
            "schema.unparseable-date",
            "visits.csv",
            Some(&s),
            "visit dated 30 February",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[1];
        v.rows[r][weight] = "7O.2".to_owned();
        out.push(planted(
            "schema.unparseable-number",
            "visits.csv",
            Some(&s),
            "weight typed with a letter O",
        ));
    }
    if let Some(s) = take() {
        let rows = rows_of(v, &s);
        // Drop visits 2–4 so there is a gap of about a year.
        for r in rows[1..4].iter().rev() {
            v.rows.remove(*r);
        }
        out.push(planted(
            "time.long-gap",
            "visits.csv",
            Some(&s),
            "three consecutive visits missing (gap of ~1 year)",
        ));
    }
    if let Some(s) = take() {
        let rows = rows_of(v, &s);
        let r = rows[3];
        let t0: i64 = v.rows[rows[2]][total].parse().unwrap_or(30);
        v.rows[r][total] = (t0 + 8).min(48).to_string();
        out.push(planted(
            "time.alsfrs-rise",
            "visits.csv",
            Some(&s),
            "ALSFRS-R total rises by 8 points between visits",
        ));
        out.push(planted(
            "alsfrs.total-mismatch",
            "visits.csv",
            Some(&s),
            "the raised total no longer matches its items",
        ));
    }
    if let Some(s) = take() {
        let r = rows_of(v, &s)[2];
        v.rows[r][weight] = "250.0".to_owned();
        out.push(planted(
            "range.bmi",
            "visits.csv",
            Some(&s),
            "weight 250 kg gives an implausible BMI and weight change",
        ));
    }
    // A subject with visits but no row in subjects.csv.
    let ghost = "ZZ-9999";
    let mut row = v.rows[0].clone();
    row[0] = ghost.to_owned();
    v.rows.push(row);
    out.push(planted(
        "identity.subject-not-in-subjects",
        "visits.csv",
        Some(ghost),
        "visits for a subject missing from subjects.csv",
    ));
    // Missing codes of every kind (not problems: they must read as missing).
    let fvc = v.col("fvc_percent");
    for (k, code) in ["-999", ".", "N/A", " "].iter().enumerate() {
        if let Some(row) = v.rows.get_mut(10 + k * 7) {
            row[fvc] = (*code).to_owned();
        }
    }

    // subjects.csv: height in metres, padded ids.
    let st = &mut t.subjects;
    let h = st.col("height_cm");
    if let Some(s) = take()
        && let Some(r) = rows_of(st, &s).first().copied()
    {
        let cm: f64 = st.rows[r][h].parse().unwrap_or(170.0);
        st.rows[r][h] = format!("{:.2}", cm / 100.0);
        out.push(planted(
            "units.height-m",
            "subjects.csv",
            Some(&s),
            "height written in metres",
        ));
    }
    if let Some(row) = st.rows.get_mut(3) {
        row[0] = format!(" {} ", row[0]);
    }
    plant_events(st, subjects, &mut take, &mut out);

    plant_samples(t, &mut out);
    out
}

/// Events that contradict the record: a death before the last visit, `died` without a date and
/// a date with `died = no`, a gastrostomy before onset.
fn plant_events(
    st: &mut TextTable,
    subjects: &[SimSubject],
    take: &mut dyn FnMut() -> Option<String>,
    out: &mut Vec<Planted>,
) {
    let (died, death, gastrostomy, onset) = (
        st.col("died"),
        st.col("death_date"),
        st.col("gastrostomy_date"),
        st.col("onset_date"),
    );
    let row = |st: &TextTable, id: &str| rows_of(st, id).first().copied();
    if let Some(s) = take()
        && let Some(sim) = subjects.iter().find(|x| x.id == s)
        && let Some(r) = row(st, &s)
    {
        let n = sim.visits.len();
        let between = i32::midpoint(sim.visits[n - 2].date, sim.visits[n - 1].date);
        st.rows[r][died] = "yes".to_owned();
        st.rows[r][death] = iso_from_days(between);
        out.push(planted(
            "events.visit-after-death",
            "subjects.csv",
            Some(&s),
            "death dated before the subject's last visit",
        ));
    }
    if let Some(s) = take()
        && let Some(r) = row(st, &s)
    {
        st.rows[r][died] = "yes".to_owned();
        st.rows[r][death] = "NA".to_owned();
        out.push(planted(
            "events.died-without-date",
            "subjects.csv",
            Some(&s),
            "died = yes with no date of death",
        ));
    }
    if let Some(s) = take()
        && let Some(sim) = subjects.iter().find(|x| x.id == s)
        && let Some(r) = row(st, &s)
    {
        st.rows[r][died] = "no".to_owned();
        st.rows[r][death] = iso_from_days(sim.visits[sim.visits.len() - 1].date + 60);
        out.push(planted(
            "events.death-but-alive",
            "subjects.csv",
            Some(&s),
            "a date of death with died = no",
        ));
    }
    if let Some(s) = take()
        && let Some(sim) = subjects.iter().find(|x| x.id == s)
        && let (Some(r), Some(o)) = (row(st, &s), sim.onset_date)
    {
        st.rows[r][gastrostomy] = iso_from_days(o - 90);
        st.rows[r][onset] = iso_from_days(o);
        out.push(planted(
            "events.before-onset",
            "subjects.csv",
            Some(&s),
            "gastrostomy dated three months before symptom onset",
        ));
    }
}

fn plant_samples(t: &mut Tables, out: &mut Vec<Planted>) {
    let meta = &mut t.metadata;
    let ft = &mut t.features;
    if meta.rows.len() < 6 || ft.rows.len() < 3 {
        return;
    }
    let sample = |p: Planted, id: &str| Planted {
        sample: Some(id.to_owned()),
        ..p
    };
    // A sample whose subject is blank.
    let id = meta.rows[1][0].clone();
    meta.rows[1][1] = String::new();
    out.push(sample(
        planted(
            "identity.sample-without-subject",
            "sample-metadata.tsv",
            None,
            "subject id left blank",
        ),
        &id,
    ));
    // A sample taken far from any visit: a baseline sample moved 60 days before the baseline
    // visit (after it, visits every 3 months would leave it near the next one). Rows 3 and 4 are
    // planted below.
    let date_col = meta.col("collection_date");
    let row = (5..meta.rows.len())
        .find(|&i| meta.rows[i][0].ends_with("-M1"))
        .unwrap_or(2);
    let id = meta.rows[row][0].clone();
    let subject = meta.rows[row][1].clone();
    if let Some(d) = crate::data::values::parse_date_column(std::iter::once(meta.rows[row][date_col].as_str()))
        .0
        .first()
        && let crate::data::values::DateCell::Date { days, .. } = d
    {
        meta.rows[row][date_col] = crate::model::time::iso_from_days(days - 60);
    }
    out.push(sample(
        planted(
            "identity.unlinked-sample",
            "sample-metadata.tsv",
            Some(&subject),
            "collected 60 days away from any visit",
        ),
        &id,
    ));
    // Metadata for a sample that was never sequenced.
    let mut extra = meta.rows[3].clone();
    extra[0] = format!("{}-X", extra[0]);
    let id = extra[0].clone();
    meta.rows.push(extra);
    out.push(sample(
        planted(
            "identity.sample-without-abundances",
            "sample-metadata.tsv",
            None,
            "metadata row with no abundances",
        ),
        &id,
    ));
    // A sequenced sample with no metadata row.
    let id = meta.rows[4][0].clone();
    meta.rows.remove(4);
    out.push(sample(
        planted(
            "identity.sample-without-metadata",
            "feature-table.tsv",
            None,
            "abundances with no metadata row",
        ),
        &id,
    ));
    // An all-zero sample and a low-depth sample (columns of the feature table).
    let zero_col = 6.min(ft.header.len() - 1);
    let low_col = 7.min(ft.header.len() - 1);
    let mut kept = 0;
    for (i, row) in ft.rows.iter_mut().enumerate() {
        row[zero_col] = "0.0".to_owned();
        let v: f64 = row[low_col].parse().unwrap_or(0.0);
        // Keep about 1 read in 40: a depth of a few hundred.
        let low = if i % 40 == 0 { v } else { 0.0 };
        kept += low as u64;
        row[low_col] = format!("{low:.1}");
    }
    out.push(sample(
        planted("composition.all-zero", "feature-table.tsv", None, "every count zero"),
        &ft.header[zero_col],
    ));
    out.push(sample(
        planted(
            "composition.low-depth",
            "feature-table.tsv",
            None,
            format!("read depth {kept}"),
        ),
        &ft.header[low_col],
    ));
    // A negative count.
    ft.rows[0][1] = "-3.0".to_owned();
    out.push(sample(
        planted("range.negative-abundance", "feature-table.tsv", None, "count of -3"),
        &ft.header[1],
    ));
    // Features missing from the taxonomy.
    let missing = t.taxonomy.rows.remove(1);
    out.push(Planted {
        detail: format!("feature {} has no taxonomy", missing[0]),
        ..planted("composition.missing-taxonomy", "taxonomy.tsv", None, "")
    });
}
