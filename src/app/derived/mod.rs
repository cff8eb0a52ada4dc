//! Geometry and rows the views draw, prepared once per loaded cohort (on the loader thread),
//! never inside a frame. One builder per view, each in its own file, each returning `Result`:
//! a view whose geometry cannot be built shows why (and the shell a notification) instead of
//! an empty plot. Everything that depends on the grouping is built in one place,
//! [`Derived::regrouped`], which loading and regrouping both go through.

pub mod changes;
mod composition;
mod ordination;
mod subjects;
pub mod survival;
mod taxa;
mod trajectories;

use std::collections::HashMap;

use rayon::prelude::*;
use std::sync::Arc;

use super::findings::Findings;
use super::state::XAxis;
use crate::cohort::group_columns;
use crate::model::Cohort;
use crate::model::frame::ColumnError;
use crate::pipeline::{Analysis, Tables};
pub use composition::{Composition, CompositionSample, TOP_TAXA, composition_at};
pub use ordination::{Ordination, OrdinationPoint};
pub use subjects::{ALL, SUBJECT_METRICS, SubjectInfo, metric_label};
pub use taxa::Taxa;
pub use trajectories::{GroupMean, Measure, Series, bin_width, label_of};

/// A view's geometry that could not be built, and why (e.g. a column of the wrong type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The view's name as its tab shows it.
    pub view: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.view, self.message)
    }
}

/// Everything the views draw.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    pub subjects: Vec<SubjectInfo>,
    pub groups: Vec<String>,
    pub measures: Vec<Measure>,
    pub ordination: Vec<OrdinationPoint>,
    /// The ordination is still to be built ([`Derived::microbiome`], after the first screen).
    pub ordination_pending: bool,
    /// The taxa's trends and the taxon picker's lists are still to be built (as the ordination).
    pub taxa_pending: bool,
    /// Percent explained by the two plotted axes.
    pub ordination_explained: [f64; 2],
    /// Where the ordination comes from (`PCoA as given in beta.qza`, `PCoA of Bray-Curtis …`).
    pub ordination_basis: String,
    /// Shared x range of every trajectory plot, per x-axis (see `XAxis::index`).
    pub x_range: [(f64, f64); XAxis::COUNT],
    pub composition: Arc<Composition>,
    /// Data-quality findings, located for the views.
    pub findings: Arc<Findings>,
    /// Views whose geometry could not be built.
    pub problems: Vec<Problem>,
    /// The derived tables the geometry came from (groupings and measures picked later read them).
    pub tables: Arc<Tables>,
    /// The loaded cohort (abundances and taxonomy for taxa picked later).
    pub cohort: Arc<Cohort>,
    /// Subject columns the views can be grouped by.
    pub group_columns: Vec<String>,
    /// Categorical subject columns the filters list (site, sex, onset region first).
    pub categories: Vec<Category>,
    /// Every measure a trajectory can follow (numeric visit and sample columns).
    pub measure_choices: Vec<crate::cohort::MeasureRef>,
    /// Taxa per rank (`RANKS` order, then features), most abundant first, for the taxon picker.
    pub taxa: Vec<Vec<String>>,
    /// Which taxa change over time and which go with the clinical course (the Taxa view).
    pub taxa_trends: Arc<Taxa>,
    /// The study's own numeric columns that can be the time axis (`month`, `day_of_life`, …),
    /// and the one plotted on `XAxis::Column`, if chosen.
    pub time_columns: Vec<String>,
    pub time_column: Option<String>,
}

impl Derived {
    /// Prepare the views' data from an analysed cohort, grouped by its arm (or group) column,
    /// all but the slow microbiome geometry: a cohort with samples is left
    /// [`Derived::ordination_pending`] and [`Derived::taxa_pending`] for [`Derived::microbiome`],
    /// so the clinical views can show first. Fails only when the subjects
    /// themselves cannot be read; a view whose own geometry fails is left empty and listed in
    /// [`Derived::problems`].
    pub fn new(analysis: Analysis, rules_file: Option<String>) -> Result<Self, Problem> {
        // The cohort and its frames are kept with the geometry (moved, not copied).
        let Analysis {
            cohort,
            tables,
            findings,
        } = analysis;
        let tables = &tables;
        let core = |e: ColumnError| Problem {
            view: "Cohort table",
            message: e.to_string(),
        };
        let (subjects, arms) = subjects::subjects(&tables.subjects).map_err(core)?;
        let mut base = Self {
            subjects,
            ..Self::default()
        };
        let index = base.subject_index();
        let num_subjects = base.subjects.len();
        let mut problems = Vec::new();
        let mut keep = |view: &'static str, e: &dyn std::fmt::Display| {
            problems.push(Problem {
                view,
                message: e.to_string(),
            });
        };
        // The trajectories beside the composition and the located findings (each reads only
        // the cohort and its frames).
        let (measures, (composition, findings)) = rayon::join(
            || trajectories::trajectories(tables.frames(&cohort), num_subjects),
            || {
                rayon::join(
                    || composition::composition(&cohort, &index),
                    || Findings::new(&cohort, &index, findings, rules_file),
                )
            },
        );
        let measures = measures.unwrap_or_else(|e| {
            keep("Trajectories", &e);
            Vec::new()
        });
        let composition = composition.unwrap_or_else(|e| {
            keep("Composition", &e);
            Composition::default()
        });
        let findings = findings.unwrap_or_else(|e| {
            keep("Data quality", &e);
            Findings::default()
        });
        drop(index);
        base.x_range = trajectories::x_range(&measures);
        base.measures = measures;
        base.ordination_pending = cohort.abundances().is_some()
            || !cohort.given_ordinations().is_empty()
            || !cohort.given_distances().is_empty();
        base.taxa_pending = cohort.abundances().is_some();
        base.composition = Arc::new(composition);
        base.findings = Arc::new(findings);
        base.problems = problems;
        base.group_columns = group_columns(&tables.subjects);
        base.categories = categories(&tables.subjects, &base.group_columns);
        base.measure_choices = crate::cohort::measure_choices(tables.frames(&cohort));
        base.time_columns = crate::cohort::time_columns(tables.frames(&cohort));
        base.tables = Arc::new(tables.clone());
        base.cohort = Arc::new(cohort);
        let (groups, group_of) = arm_grouping(&arms);
        Ok(base.into_regrouped(groups, &group_of))
    }

    /// The slow microbiome geometry of [`Derived::new`]'s cohort, built after the first screen:
    /// the ordination plane (distances and PCoA; empty when `stop` was set on the way), the
    /// taxa's trends by this geometry's groups, and the taxon lists.
    pub fn microbiome(&self, stop: &std::sync::atomic::AtomicBool) -> Microbiome {
        let frames = self.tables.frames(&self.cohort);
        let problem = |view: &'static str| {
            move |e: &dyn std::fmt::Display| Problem {
                view,
                message: e.to_string(),
            }
        };
        let ordination = ordination::ordination(&self.cohort, &self.tables.samples, &self.subject_index(), stop)
            .map_err(|e| problem("Ordination")(&e));
        let stopped = stop.load(std::sync::atomic::Ordering::Relaxed);
        let taxa = if self.cohort.abundances().is_none() || stopped {
            Ok(Taxa::default())
        } else {
            // By this geometry's groups, as `regrouped` would.
            let group_of: Vec<usize> = self.subjects.iter().map(|s| s.group).collect();
            taxa::taxa(frames)
                .and_then(|mut taxa| {
                    taxa.trends = taxa::grouped_trends(frames, &group_of, self.groups.len())?;
                    Ok(taxa)
                })
                .map_err(|e| problem("Taxa")(&e))
        };
        Microbiome {
            ordination,
            taxa,
            taxa_by_rank: if stopped {
                Vec::new()
            } else {
                taxa_by_rank(&self.cohort)
            },
        }
    }

    /// The same geometry with the microbiome's built for its grouping (what failed is left empty
    /// and listed as a problem).
    #[must_use]
    pub fn with_microbiome(&self, built: &Microbiome) -> Self {
        let mut out = self.clone();
        out.ordination_pending = false;
        out.taxa_pending = false;
        match &built.ordination {
            Ok(ord) => {
                out.ordination.clone_from(&ord.points);
                out.ordination_explained = ord.explained;
                out.ordination_basis.clone_from(&ord.basis);
            }
            Err(problem) => out.problems.push(problem.clone()),
        }
        match &built.taxa {
            Ok(taxa) => out.taxa_trends = Arc::new(taxa.clone()),
            Err(problem) => out.problems.push(problem.clone()),
        }
        out.taxa.clone_from(&built.taxa_by_rank);
        out
    }

    /// The same geometry with one more trajectory measure (picked in a view); regroup after.
    pub fn with_measure(&self, spec: &crate::cohort::MeasureRef, rank: Option<usize>) -> Result<Self, String> {
        let frames = self.tables.frames(&self.cohort);
        let mut m = trajectories::measure(frames, spec, rank, self.subjects.len(), self.time_column.as_deref())
            .map_err(|e| e.to_string())?;
        if m.series.is_empty() {
            return Err(format!("{} has no values with a subject and a time", m.label));
        }
        m.means = trajectories::group_means(&m, &self.subjects, self.groups.len());
        let mut out = self.clone();
        out.measures.push(m);
        out.x_range = trajectories::x_range(&out.measures);
        Ok(out)
    }

    /// The same geometry with every measure's points also on the study's column `name`
    /// (`XAxis::Column`); regroup after.
    pub fn with_time_column(&self, name: &str) -> Result<Self, String> {
        let frames = self.tables.frames(&self.cohort);
        crate::cohort::TimeAxis::Column(name.to_owned())
            .check(frames)
            .map_err(|e| format!("Time axis: {e}"))?;
        let mut out = self.clone();
        out.time_column = Some(name.to_owned());
        for m in &mut out.measures {
            let spec = crate::cohort::MeasureRef::parse(&m.column, frames).map_err(|e| e.to_string())?;
            let rebuilt = trajectories::measure(frames, &spec, m.rank, self.subjects.len(), Some(name))
                .map_err(|e| e.to_string())?;
            m.series = rebuilt.series;
            m.series_of = rebuilt.series_of;
            m.bin_widths = rebuilt.bin_widths;
            m.means = trajectories::group_means(m, &out.subjects, out.groups.len());
        }
        out.x_range = trajectories::x_range(&out.measures);
        Ok(out)
    }

    /// Row of each subject id in [`Derived::subjects`].
    pub fn subject_index(&self) -> HashMap<&str, usize> {
        self.subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect()
    }

    /// The same cohort grouped differently: this is where everything that depends on the
    /// grouping is built (each subject's group, the group means), at load and on every
    /// regrouping; the rest is shared geometry.
    #[must_use]
    pub fn regrouped(&self, groups: Vec<String>, group_of: &[usize]) -> Self {
        self.clone().into_regrouped(groups, group_of)
    }

    /// [`Derived::regrouped`], taking the geometry (no copy of every series on the way to the
    /// first screen).
    fn into_regrouped(mut self, groups: Vec<String>, group_of: &[usize]) -> Self {
        for (s, g) in self.subjects.iter_mut().zip(group_of) {
            s.group = *g;
        }
        let subjects = &self.subjects;
        self.measures.par_iter_mut().for_each(|m| {
            m.means = trajectories::group_means(m, subjects, groups.len());
        });
        // Which taxa change, by group when grouped (the correlations stay); not before the
        // microbiome geometry is built.
        if self.cohort.abundances().is_some() && !self.taxa_pending {
            let frames = self.tables.frames(&self.cohort);
            let mut taxa = (*self.taxa_trends).clone();
            match taxa::grouped_trends(frames, group_of, groups.len()) {
                Ok(trends) => taxa.trends = trends,
                Err(e) => self.problems.push(Problem {
                    view: "Taxa",
                    message: e.to_string(),
                }),
            }
            self.taxa_trends = Arc::new(taxa);
        }
        self.groups = groups;
        self
    }
}

/// The microbiome geometry [`Derived::microbiome`] builds after the first screen.
#[derive(Clone, Debug)]
pub struct Microbiome {
    pub ordination: Result<Ordination, Problem>,
    pub taxa: Result<Taxa, Problem>,
    pub taxa_by_rank: Vec<Vec<String>>,
}

/// A categorical subject column the filters list.
#[derive(Clone, Debug, Default)]
pub struct Category {
    pub column: String,
    /// Its values in natural order (`(not recorded)` last when some subjects lack one).
    pub levels: Vec<String>,
    /// Each subject's value.
    pub values: Vec<String>,
}

/// The filterable categorical columns: site, sex and onset region first, then the other
/// groupable columns but the arm and group (the group filter covers those).
fn categories(subjects: &polars::prelude::DataFrame, groupable: &[String]) -> Vec<Category> {
    use crate::model::columns as c;
    let first = [c::SITE, c::SEX, c::ONSET_REGION];
    let mut columns: Vec<&str> = first
        .iter()
        .copied()
        .filter(|n| groupable.iter().any(|g| g == n))
        .collect();
    columns.extend(
        groupable
            .iter()
            .map(String::as_str)
            // The ΔFS band filter covers the ΔFS category; the group filter covers the arm (or,
            // without an arm, the group column). With both, the group column (patients and
            // controls) is a filter of its own.
            .filter(|g| {
                let arm_groups = groupable.iter().any(|x| x == c::ARM);
                !first.contains(g) && ![c::ARM, c::DELTA_FS_CATEGORY].contains(g) && (arm_groups || *g != c::GROUP)
            }),
    );
    columns
        .into_iter()
        .filter_map(|column| {
            let g = crate::cohort::group_by(subjects, column).ok()?;
            Some(Category {
                column: column.to_owned(),
                values: g.of_subject.iter().map(|k| g.levels[*k].clone()).collect(),
                levels: g.levels,
            })
        })
        .collect()
}

/// Each rank's taxa (then the features), most abundant on average first.
fn taxa_by_rank(cohort: &Cohort) -> Vec<Vec<String>> {
    let Some(table) = cohort.abundances() else {
        return Vec::new();
    };
    (0..=crate::model::RANKS.len())
        .map(|r| {
            let rank = (r < crate::model::RANKS.len()).then_some(r);
            let rel = crate::metrics::microbiome::at_rank(table, cohort.taxonomy(), rank).relative();
            let nf = rel.num_features();
            let mean = rel.feature_totals();
            let mut order: Vec<usize> = (0..nf).collect();
            order.sort_by(|a, b| mean[*b].total_cmp(&mean[*a]));
            order.into_iter().map(|f| rel.feature_ids[f].clone()).collect()
        })
        .collect()
}

/// Group names (sorted) and each subject's group, from each subject's arm or group label.
fn arm_grouping(arms: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut groups: Vec<String> = arms.to_vec();
    groups.sort();
    groups.dedup();
    let group_of = arms.iter().map(|a| groups.binary_search(a).unwrap_or(0)).collect();
    (groups, group_of)
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, DataFrame};

    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::model::columns as c;
    use crate::pipeline::{Options, Source, analyse};

    fn demo() -> Analysis {
        analyse(&Source::Demo, &Options::default(), &(), 1.0).expect("demo")
    }

    /// `df` with column `name` replaced by text.
    fn as_text(df: &DataFrame, name: &str) -> DataFrame {
        let mut df = df.clone();
        let text: Vec<String> = (0..df.height()).map(|i| format!("v{i}")).collect();
        df.with_column(Column::new(name.into(), text)).expect("same height");
        df
    }

    #[test]
    fn a_column_of_the_wrong_type_is_a_problem_naming_the_view_and_the_column() {
        let mut analysis = demo();
        analysis.tables.visits = as_text(&analysis.tables.visits, c::BMI);
        let derived = Derived::new(analysis.clone(), None).expect("subjects still read");
        assert_eq!(
            derived.problems,
            [Problem {
                view: "Trajectories",
                message: "column `bmi` holds str, not numbers".to_owned()
            }]
        );
        assert!(derived.measures.is_empty());
        // The other views are built as usual (the ordination after the first screen).
        assert!(derived.ordination_pending && derived.ordination.is_empty());
        assert!(derived.taxa_pending && derived.taxa_trends.trends.taxa.is_empty());
        let built = derived.with_microbiome(&derived.microbiome(&AtomicBool::new(false)));
        assert!(!built.ordination_pending && !built.taxa_pending);
        assert_eq!(built.ordination.len(), analysis.cohort.ordination_samples().len());
        assert!(!built.taxa_trends.trends.taxa.is_empty() && !built.taxa.is_empty());
        assert_eq!(derived.subjects.len(), analysis.cohort.num_subjects());
    }

    #[test]
    fn an_ordination_stopped_on_the_way_is_empty() {
        let derived = Derived::new(demo(), None).expect("demo");
        let built = derived.microbiome(&AtomicBool::new(true));
        assert!(built.ordination.expect("no problem").points.is_empty());
        assert!(built.taxa.expect("no problem").trends.taxa.is_empty());
    }

    #[test]
    fn a_missing_subject_column_fails_the_whole_load_with_its_name() {
        let mut analysis = demo();
        analysis.tables.subjects = analysis.tables.subjects.drop(c::NUM_VISITS).expect("column");
        let e = Derived::new(analysis, None).expect_err("no subjects");
        assert_eq!(e.to_string(), "Cohort table: column `num_visits` is missing");
    }

    #[test]
    fn loading_and_regrouping_build_the_group_means_the_same_way() {
        let derived = Derived::new(demo(), None).expect("demo");
        let group_of: Vec<usize> = derived.subjects.iter().map(|s| s.group).collect();
        let again = derived.regrouped(derived.groups.clone(), &group_of);
        for (a, b) in derived.measures.iter().zip(&again.measures) {
            for (ma, mb) in a.means.iter().zip(&b.means) {
                assert_eq!(ma.points, mb.points);
            }
        }
        assert!(derived.measures.iter().all(|m| m.means.len() == derived.groups.len()));
    }
}
