//! `export`: write a cohort table with stable snake_case column names (see README).

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

mod longitudinal;
mod survival;

use super::input::InputArgs;
use crate::data::write::{write_distance_matrix, write_table};
use crate::metrics::distance::BetaMetric;
use crate::metrics::microbiome::{rank_index, with_relative_abundance};
use crate::metrics::ree::ReeEquation;
use crate::metrics::tables::{MetricOptions, ordination_table};

/// Tables `export` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// One row per subject, with slopes, ΔFS, baseline and last values.
    Subjects,
    /// One row per subject × visit, units converted, with per-visit metrics.
    Visits,
    /// One row per microbiome sample: diversity, F/B ratio, relative abundances at `--rank`.
    Samples,
    /// Sample × sample distance matrix (TSV, as QIIME 2 writes it).
    Distances,
    /// PCoA coordinates of the samples.
    Ordination,
    /// One row per observation of `--measure`, with its change from the previous (or first).
    Changes,
    /// REML fit of `--measure ~ time * group` with a random intercept per subject.
    MixedModel,
    /// One row per taxon at `--rank`: prevalence, mean abundance, CLR trend over time with q.
    TaxonTrends,
    /// Kaplan–Meier curve of `--endpoint` per group, with its 95% band.
    Survival,
    /// Per group: n, events, median survival with CI, RMST, hazard ratio, log-rank test.
    SurvivalSummary,
    /// Every table from one load into the folder `--out` (`visits.csv`, `subjects.csv`, …).
    All,
}

/// Metric choices shared by the export tables.
#[derive(Debug, Args, Clone)]
pub struct MetricArgs {
    /// Taxonomic rank of the abundance columns in `--table samples` (or `feature`).
    #[arg(long, default_value = "genus")]
    pub rank: String,
    /// Rank at which diversity, distances and ordination are computed (default: features).
    #[arg(long)]
    pub beta_rank: Option<String>,
    /// Beta-diversity metric: bray-curtis (default), jaccard or aitchison. Given explicitly,
    /// `--table ordination` computes it even when the inputs give a distance matrix or PCoA.
    #[arg(long)]
    pub metric: Option<BetaMetric>,
    /// Predicted-REE equation: harris-benedict, roza-shizgal or mifflin-st-jeor.
    #[arg(long, default_value = "harris-benedict")]
    pub ree_equation: ReeEquation,
    /// Measured/predicted REE ratio above which a visit is hypermetabolic.
    #[arg(long, default_value_t = crate::metrics::ree::DEFAULT_HYPERMETABOLIC_RATIO)]
    pub hypermetabolic_ratio: f64,
    /// Number of PCoA axes.
    #[arg(long, default_value_t = 5)]
    pub dims: usize,
    /// The measure of `changes` and `mixed-model`: a visit column (`alsfrs_r_total`), a sample
    /// column (`shannon`), or `taxon:NAME` / `clr:NAME` at `--rank`.
    #[arg(long)]
    pub measure: Option<String>,
    /// What `changes` measures from: the previous observation or the first.
    #[arg(long, value_enum, default_value = "previous")]
    pub baseline: longitudinal::Baseline,
    /// Add a random slope on time per subject to `mixed-model`.
    #[arg(long)]
    pub random_slope: bool,
    /// The event of `survival` and `survival-summary`: death, tracheostomy, niv, gastrostomy,
    /// death-or-tracheostomy, kings-4, mitos-N, alsfrs-drop:N or alsfrs-below:N.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Where survival time starts: baseline (the first visit; PRO-ACT's delta 0) or onset.
    #[arg(long, default_value = "baseline")]
    pub origin: String,
    /// A subject column added to the Cox model of `survival-summary` (numeric, or categorical
    /// with its first level as reference). Repeat for several.
    #[arg(long = "covariate")]
    pub covariates: Vec<String>,
    /// Months up to which `survival-summary` gives the restricted mean survival time (default:
    /// the shortest of the groups' follow-ups).
    #[arg(long)]
    pub horizon: Option<f64>,
}

pub(super) fn parse_rank(name: &str) -> Result<Option<usize>> {
    match name.trim().to_lowercase().as_str() {
        "feature" | "asv" | "otu" => Ok(None),
        other => match rank_index(other) {
            Some(i) => Ok(Some(i)),
            None => {
                bail!(
                    "{}",
                    trf(
                        "unknown rank `{other}` (use kingdom, phylum, class, order, family, genus, species or feature)",
                        &[("other", &other)]
                    )
                )
            }
        },
    }
}

/// Every table, for `--table all`: those that need no further flag, plus the survival tables
/// with `--endpoint` and the longitudinal ones with `--measure`; those the cohort cannot give
/// (no microbiome: no samples' distances, ordination or taxon trends) are skipped, and said.
fn expand(tables: &[Table], metric: &MetricArgs) -> Vec<Table> {
    if !tables.contains(&Table::All) {
        let mut out = tables.to_vec();
        out.dedup();
        return out;
    }
    let mut out = vec![
        Table::Visits,
        Table::Subjects,
        Table::Samples,
        Table::Distances,
        Table::Ordination,
        Table::TaxonTrends,
    ];
    if metric.endpoint.is_some() {
        out.extend([Table::Survival, Table::SurvivalSummary]);
    }
    if metric.measure.is_some() {
        out.extend([Table::Changes, Table::MixedModel]);
    }
    out
}

/// The file a table is written to inside `--out DIR` when several are asked for.
fn file_name(table: Table) -> String {
    let name = table
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned());
    let ext = if table == Table::Distances { "tsv" } else { "csv" };
    format!("{name}.{ext}")
}

/// Time spent in each stage of an export (`--timings`, for `benches/scale.sh`).
#[derive(Debug, Default)]
struct Stages {
    read: Duration,
    derive: Duration,
    alpha: Duration,
    distances: Duration,
    pcoa: Duration,
    write: Duration,
    /// The distances ran on another thread, beside the other tables.
    overlapped: bool,
}

/// Run `work`, adding its time to `stage`.
fn timed<T>(stage: &mut Duration, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    *stage += started.elapsed();
    out
}

/// Distances being computed on another thread, and how long they took.
type PendingDistances = std::thread::JoinHandle<(Option<crate::metrics::distance::DistanceMatrix>, Duration)>;

/// Compute distances on another thread, in a thread pool of its own: in the shared one, the
/// other tables' parallel steps would queue behind every tile of the distances instead of
/// running beside them.
fn spawn_distances(
    compute: impl FnOnce() -> Option<crate::metrics::distance::DistanceMatrix> + Send + 'static,
) -> PendingDistances {
    std::thread::spawn(move || {
        let started = Instant::now();
        let dm = match rayon::ThreadPoolBuilder::new().build() {
            Ok(pool) => pool.install(compute),
            Err(_) => compute(),
        };
        (dm, started.elapsed())
    })
}

/// The distances of the cohort's abundances at the options' rank by their metric.
fn compute_distances(
    cohort: &crate::model::Cohort,
    options: &MetricOptions,
) -> Option<crate::metrics::distance::DistanceMatrix> {
    let abundances = cohort.abundances()?;
    let ranked = crate::metrics::microbiome::at_rank(abundances, cohort.taxonomy(), options.rank);
    Some(crate::metrics::distance::distance_matrix(&ranked, options.beta_metric))
}

/// One load, shared by every table asked for: the derived tables and the distance matrix are
/// computed once.
struct Run<'a> {
    input: &'a InputArgs,
    metric: &'a MetricArgs,
    options: MetricOptions,
    rank: Option<usize>,
    cohort: std::sync::Arc<crate::model::Cohort>,
    inputs: Vec<String>,
    tables: Option<crate::pipeline::Tables>,
    distances: Option<crate::metrics::distance::DistanceMatrix>,
    /// The distances being computed on another thread (see [`Run::start_distances`]), and
    /// how long that took.
    pending: Option<PendingDistances>,
    stages: Stages,
    survival: Option<crate::cohort::Survival>,
}

impl Run<'_> {
    /// The derived tables, once, with their times in the stages.
    fn tables(&mut self) -> Result<&crate::pipeline::Tables> {
        if self.tables.is_none() {
            let (tables, took) = crate::pipeline::tables_timed(&self.cohort, &self.options)?;
            self.stages.derive += took.derive;
            self.stages.alpha += took.alpha;
            self.tables = Some(tables);
        }
        Ok(self.tables.as_ref().expect("just computed"))
    }

    /// The distances of the abundance table at `--beta-rank` by `--metric`, once.
    fn distances(&mut self) -> Option<&crate::metrics::distance::DistanceMatrix> {
        if let Some(pending) = self.pending.take() {
            // A thread that panicked computes them again here (and panics the same way).
            if let Ok((dm, took)) = pending.join() {
                self.distances = dm;
                self.stages.distances += took;
            }
        }
        if self.distances.is_none() {
            let (cohort, options) = (&self.cohort, &self.options);
            self.distances = timed(&mut self.stages.distances, || compute_distances(cohort, options));
        }
        self.distances.as_ref()
    }

    /// True when the ordination is to keep only the triangle above the diagonal (more samples
    /// than `ordination::full_matrix_max`) and no table needs the full matrix.
    fn triangle_only(&self) -> bool {
        self.distances.is_none()
            && self.pending.is_none()
            && self
                .cohort
                .abundances()
                .is_some_and(|a| a.num_samples() > crate::metrics::ordination::full_matrix_max())
    }

    /// Start computing the distances on another thread when `tables` will need them, so the
    /// derived tables are written meanwhile (their work is mostly on one core; the distances
    /// keep both busy).
    fn start_distances(&mut self, tables: &[Table]) {
        let ordination_computed = tables.contains(&Table::Ordination)
            && (self.metric.metric.is_some()
                || self.metric.beta_rank.is_some()
                || crate::metrics::ordination::given_ordination(&self.cohort, self.options.pcoa_dims).is_none());
        let needed = tables.contains(&Table::Distances) || (ordination_computed && !self.triangle_only());
        if needed && tables.len() > 1 && self.cohort.abundances().is_some() {
            let (cohort, options) = (std::sync::Arc::clone(&self.cohort), self.options.clone());
            self.pending = Some(spawn_distances(move || compute_distances(&cohort, &options)));
            self.stages.overlapped = true;
        }
    }

    /// Write one table to `out`; `Ok(false)` when the cohort cannot give it.
    fn write(&mut self, table: Table, out: &Path) -> Result<bool> {
        let options = self.options.clone();
        if table == Table::TaxonTrends && self.cohort.abundances().is_none() {
            return Ok(false);
        }
        let mut df = match table {
            Table::All => bail!("`all` is expanded before writing"),
            Table::Visits => self.tables()?.visits.clone(),
            Table::Subjects => self.tables()?.subjects.clone(),
            Table::Samples => {
                if self
                    .cohort
                    .abundances()
                    .is_some_and(|a| a.kind == crate::model::AbundanceKind::Relative)
                {
                    eprintln!("chao1 left empty: {}", crate::metrics::diversity::CHAO1_NEEDS_COUNTS);
                }
                let samples = self.tables()?.samples.clone();
                with_relative_abundance(&samples, &self.cohort, self.rank)?
            }
            Table::Changes | Table::MixedModel | Table::TaxonTrends | Table::Survival | Table::SurvivalSummary => {
                let (input, metric, rank) = (self.input, self.metric, self.rank);
                let tables = self.tables()?.clone();
                let frames = tables.frames(&self.cohort);
                let choices = input.choices(frames)?;
                match table {
                    Table::Changes => {
                        longitudinal::changes(frames, &choices, metric.measure.as_deref(), metric.baseline, rank)?
                    }
                    Table::MixedModel => longitudinal::mixed_model(
                        frames,
                        &choices,
                        metric.measure.as_deref(),
                        metric.random_slope,
                        rank,
                    )?,
                    Table::TaxonTrends => longitudinal::taxon_trends(frames, &choices, rank)?,
                    _ => {
                        // Both survival tables come from one analysis.
                        if self.survival.is_none() {
                            self.survival = Some(survival::analyse(
                                frames,
                                &choices,
                                metric.endpoint.as_deref(),
                                &metric.origin,
                                &metric.covariates,
                                metric.horizon,
                            )?);
                        }
                        let result = self.survival.as_ref().expect("just analysed");
                        if table == Table::Survival {
                            survival::curves(result)?
                        } else {
                            eprintln!("RMST up to {:.2} months", result.horizon);
                            survival::summary(result)?
                        }
                    }
                }
            }
            Table::Distances => {
                let inputs = self.inputs.clone();
                let Some(dm) = self.distances() else {
                    return Ok(false);
                };
                let (ids, data) = (&dm.ids, &dm.data);
                let (len, started) = (dm.len(), Instant::now());
                write_distance_matrix(ids, data, out, &inputs)?;
                self.stages.write += started.elapsed();
                eprintln!(
                    "wrote {len} x {len} {} distances to {}",
                    options.beta_metric,
                    out.display()
                );
                return Ok(true);
            }
            Table::Ordination => {
                // A PCoA or distance matrix the inputs give is used as given, unless a metric or
                // rank is asked for explicitly.
                let use_given = self.metric.metric.is_none() && self.metric.beta_rank.is_none();
                let given = if use_given {
                    crate::metrics::ordination::given_ordination(&self.cohort, options.pcoa_dims)
                } else {
                    None
                };
                let (ord, basis) = if let Some(found) = given {
                    found
                } else if self.triangle_only() {
                    let Some(abundances) = self.cohort.abundances() else {
                        return Ok(false);
                    };
                    eprintln!(
                        "{} samples: the ordination keeps only the distances above the diagonal (more than COHORT_EXPLORER_FULL_MATRIX_MAX = {})",
                        abundances.num_samples(),
                        crate::metrics::ordination::full_matrix_max()
                    );
                    let stop = std::sync::atomic::AtomicBool::new(false);
                    let tri = timed(&mut self.stages.distances, || {
                        let ranked =
                            crate::metrics::microbiome::at_rank(abundances, self.cohort.taxonomy(), options.rank);
                        crate::metrics::distance::distance_triangle_unless(&ranked, options.beta_metric, &stop)
                    });
                    let Some(tri) = tri else {
                        return Ok(false);
                    };
                    (
                        timed(&mut self.stages.pcoa, || {
                            crate::metrics::ordination::pcoa_of_triangle(&tri, options.pcoa_dims)
                        }),
                        crate::metrics::ordination::Basis::Computed(options.beta_metric),
                    )
                } else {
                    if self.distances().is_none() {
                        return Ok(false);
                    }
                    let dm = self.distances.as_ref().expect("just computed");
                    (
                        timed(&mut self.stages.pcoa, || {
                            crate::metrics::ordination::pcoa(dm, options.pcoa_dims)
                        }),
                        crate::metrics::ordination::Basis::Computed(options.beta_metric),
                    )
                };
                let explained: Vec<String> = ord
                    .proportion_explained
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("pc{} {:.1}%", i + 1, p * 100.0))
                    .collect();
                let how = match basis {
                    crate::metrics::ordination::Basis::Computed(_) if !ord.exact => {
                        " (truncated eigensolver; proportions of the trace)"
                    }
                    _ => "",
                };
                eprintln!("{}{how}: {}", basis.label(), explained.join(", "));
                ordination_table(&self.cohort, &ord)?
            }
        };
        timed(&mut self.stages.write, || write_table(&mut df, out, &self.inputs))?;
        eprintln!(
            "wrote {} rows x {} columns to {}",
            df.height(),
            df.width(),
            out.display()
        );
        Ok(true)
    }
}

pub fn run(input: &InputArgs, tables: &[Table], out: &Path, metric: &MetricArgs, timings: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let rank = parse_rank(&metric.rank)?;
    if metric.hypermetabolic_ratio.is_nan() || metric.hypermetabolic_ratio <= 0.0 {
        bail!("{}", tr("--hypermetabolic-ratio must be a positive ratio, e.g. 1.10"));
    }
    // A session's options, unless the flags say otherwise.
    let session = input.opened_session()?.map(|s| s.metrics);
    let ree_equation = match &session {
        Some(s) if metric.ree_equation == ReeEquation::default() => s.ree_equation,
        _ => metric.ree_equation,
    };
    let hypermetabolic_ratio = match &session {
        Some(s) if metric.hypermetabolic_ratio == crate::metrics::ree::DEFAULT_HYPERMETABOLIC_RATIO => {
            s.hypermetabolic_ratio
        }
        _ => metric.hypermetabolic_ratio,
    };
    let options = MetricOptions {
        ree_equation,
        hypermetabolic_ratio,
        rank: parse_rank(metric.beta_rank.as_deref().unwrap_or("feature"))?,
        beta_metric: metric.metric.unwrap_or_default(),
        pcoa_dims: metric.dims.max(1),
    };
    let tables = expand(tables, metric);
    let several = tables.len() > 1;
    if several && out.is_file() {
        bail!(
            "{}",
            trf(
                "--out {path}: several tables go into a folder, and this is a file",
                &[("path", &out.display())]
            )
        );
    }
    let mut stages = Stages::default();
    let cohort = timed(&mut stages.read, || input.load())?;
    let inputs: Vec<String> = cohort.sources.iter().map(|s| s.path.clone()).collect();
    let mut run = Run {
        input,
        metric,
        options,
        rank,
        cohort: std::sync::Arc::new(cohort),
        inputs,
        tables: None,
        distances: None,
        pending: None,
        stages,
        survival: None,
    };
    let longitudinal = tables.iter().all(|t| {
        matches!(
            t,
            Table::Changes | Table::MixedModel | Table::TaxonTrends | Table::Survival | Table::SurvivalSummary
        )
    });
    if input.has_choices() && !longitudinal {
        // Checked here too, so a wrong column is named whatever the table.
        let tables = run.tables()?.clone();
        input.choices(tables.frames(&run.cohort))?;
    }
    eprintln!(
        "{}",
        trf(
            "REE: {equation} (hypermetabolic when measured/predicted > {ratio}); beta diversity: {metric}",
            &[
                ("equation", &run.options.ree_equation),
                ("ratio", &run.options.hypermetabolic_ratio),
                ("metric", &run.options.beta_metric)
            ]
        )
    );
    if several {
        std::fs::create_dir_all(out).with_context(|| {
            trf(
                "--out {path}: the folder could not be created",
                &[("path", &out.display())],
            )
        })?;
    }
    run.start_distances(&tables);
    for table in tables {
        let path = if several {
            out.join(file_name(table))
        } else {
            out.to_path_buf()
        };
        let started = std::time::Instant::now();
        if !run.write(table, &path)? {
            let why = tr("the inputs give no microbiome abundances, distance matrix or PCoA");
            if several {
                eprintln!(
                    "{}",
                    trf("skipped {file}: {why}", &[("file", &file_name(table)), ("why", &why)])
                );
            } else {
                let file = file_name(table);
                let name = file.trim_end_matches(".csv").trim_end_matches(".tsv");
                bail!("{}", trf("no {name} table: {why}", &[("name", &name), ("why", &why)]));
            }
        } else if several {
            eprintln!("  ({:.2} s)", started.elapsed().as_secs_f64());
        }
    }
    if timings {
        let Stages {
            read,
            derive,
            alpha,
            distances,
            pcoa,
            write,
            overlapped,
        } = run.stages;
        let secs = |d: Duration| d.as_secs_f64();
        eprintln!(
            "stages: read {:.2} s, derive {:.2} s, alpha {:.2} s, distances {:.2} s, PCoA {:.2} s, write {:.2} s; total {:.2} s{}",
            secs(read),
            secs(derive),
            secs(alpha),
            secs(distances),
            secs(pcoa),
            secs(write),
            secs(started.elapsed()),
            if overlapped {
                " (the distances on another thread while the other tables are written)"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
