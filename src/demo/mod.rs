//! The synthetic demo cohort: deterministic for a seed, written in the recognised layouts
//! (subjects CSV, tidy visits CSV, QIIME 2 sample metadata, BIOM classic TSV, QIIME 2
//! taxonomy). The default-size cohort is embedded in the binary from `assets/demo/`.

mod clinical;
mod messy;
mod microbiome;
mod tables;

use std::path::Path;

use crate::data::Input;
use crate::model::time::iso_from_days;
use crate::rng::Rng;
use clinical::{SimSubject, num, simulate_events, simulate_subject};
pub use messy::Planted;
pub use tables::{Tables, TextTable};

pub const DEFAULT_SUBJECTS: usize = 120;
pub const DEFAULT_SEED: u64 = 20_240_601;
pub const DEFAULT_FEATURES: usize = 300;
/// First RNG stream of the subjects' events (one per subject), apart from their visits'.
const EVENT_STREAMS: u64 = 1 << 40;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub subjects: usize,
    pub seed: u64,
    /// Number of samples; `None` samples every second visit of controls and most patients.
    pub samples: Option<usize>,
    pub features: usize,
    pub messy: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            subjects: DEFAULT_SUBJECTS,
            seed: DEFAULT_SEED,
            samples: None,
            features: DEFAULT_FEATURES,
            messy: false,
        }
    }
}

/// A generated cohort: file names with contents, and (for `--messy`) what was planted.
#[derive(Clone, Debug)]
pub struct DemoCohort {
    pub files: Vec<(String, Vec<u8>)>,
    pub planted: Vec<Planted>,
}

/// The embedded default demo cohort (`demo --out assets/demo` with default options).
pub fn embedded() -> [(&'static str, &'static [u8]); 5] {
    [
        ("subjects.csv", include_bytes!("../../assets/demo/subjects.csv")),
        ("visits.csv", include_bytes!("../../assets/demo/visits.csv")),
        (
            "sample-metadata.tsv",
            include_bytes!("../../assets/demo/sample-metadata.tsv"),
        ),
        (
            "feature-table.tsv",
            include_bytes!("../../assets/demo/feature-table.tsv"),
        ),
        ("taxonomy.tsv", include_bytes!("../../assets/demo/taxonomy.tsv")),
    ]
}

/// The embedded demo cohort as loader inputs (what the window and `--demo` open).
pub fn embedded_inputs() -> Vec<Input> {
    embedded()
        .iter()
        .map(|(name, bytes)| Input {
            name: format!("demo/{name}"),
            bytes: bytes.to_vec(),
            explicit: true,
            parquet_file: None,
        })
        .collect()
}

/// Generate the demo cohort.
pub fn generate(options: &DemoOptions) -> DemoCohort {
    let root = Rng::new(options.seed);
    let subjects: Vec<SimSubject> = (0..options.subjects)
        .map(|i| {
            let mut s = simulate_subject(&mut root.fork(i as u64), i);
            s.events = simulate_events(&mut root.fork(EVENT_STREAMS + i as u64), &s);
            s
        })
        .collect();
    let mut tables = Tables {
        subjects: subjects_table(&subjects),
        visits: visits_table(&subjects),
        metadata: TextTable::default(),
        taxonomy: TextTable::default(),
        features: TextTable::default(),
    };
    microbiome_tables(&mut root.fork(u64::MAX), &subjects, options, &mut tables);
    let planted = if options.messy {
        messy::plant(&mut tables, &subjects, &mut root.fork(u64::MAX - 1))
    } else {
        Vec::new()
    };
    let m = options.messy;
    let files = vec![
        ("subjects.csv".to_owned(), tables.subjects.write(',', m, m, false)),
        (
            "visits.csv".to_owned(),
            tables.visits.write(if m { ';' } else { ',' }, false, false, m),
        ),
        (
            "sample-metadata.tsv".to_owned(),
            tables.metadata.write('\t', false, false, false),
        ),
        ("feature-table.tsv".to_owned(), biom_bytes(&tables.features)),
        (
            "taxonomy.tsv".to_owned(),
            tables.taxonomy.write('\t', false, false, false),
        ),
    ];
    DemoCohort { files, planted }
}

fn biom_bytes(t: &TextTable) -> Vec<u8> {
    let mut out = b"# Constructed from biom file\n".to_vec();
    out.extend(t.write('\t', false, false, false));
    out
}

fn subjects_table(subjects: &[SimSubject]) -> TextTable {
    let mut t = TextTable::new(&[
        "subject_id",
        "site",
        "group",
        "arm",
        "sex",
        "birth_year",
        "onset_date",
        "onset_region",
        "height_cm",
        "premorbid_weight_kg",
        "died",
        "death_date",
        "tracheostomy_date",
        "niv_date",
        "gastrostomy_date",
        "last_contact_date",
    ]);
    let date = |d: Option<i32>| d.map_or_else(|| "NA".to_owned(), iso_from_days);
    for s in subjects {
        t.rows.push(vec![
            s.id.clone(),
            s.site.to_owned(),
            if s.als { "ALS" } else { "control" }.to_owned(),
            s.arm.unwrap_or("NA").to_owned(),
            if s.male { "M" } else { "F" }.to_owned(),
            s.birth_year.to_string(),
            s.onset_date.map_or_else(|| "NA".to_owned(), iso_from_days),
            if !s.als {
                "NA"
            } else if s.bulbar_onset {
                "bulbar"
            } else {
                "spinal"
            }
            .to_owned(),
            num(s.height_cm, 1, false),
            num(s.premorbid_weight_kg, 1, false),
            if s.events.death.is_some() { "yes" } else { "no" }.to_owned(),
            date(s.events.death),
            date(s.events.tracheostomy),
            date(s.events.niv),
            date(s.events.gastrostomy),
            date(s.events.last_contact),
        ]);
    }
    t
}

fn visits_table(subjects: &[SimSubject]) -> TextTable {
    let mut header = vec!["subject_id".to_owned(), "visit".to_owned(), "visit_date".to_owned()];
    header
        .extend(["1", "2", "3", "4", "5a", "5b", "6", "7", "8", "9", "10", "11", "12"].map(|i| format!("alsfrs_q{i}")));
    header.extend(
        [
            "alsfrs_r_total",
            "weight_kg",
            "ree_kcal",
            "fvc_percent",
            "six_minute_walk_m",
        ]
        .map(str::to_owned),
    );
    let mut t = TextTable {
        header,
        ..TextTable::default()
    };
    let na = || "NA".to_owned();
    for s in subjects {
        for v in &s.visits {
            let mut row = vec![s.id.clone(), v.label.clone(), iso_from_days(v.date)];
            match v.items {
                Some(items) => {
                    for (i, score) in items.iter().enumerate() {
                        let cell = score.to_string();
                        if i == 4 {
                            // Item 5: 5a without gastrostomy, 5b with; exactly one is scored.
                            if v.gastrostomy {
                                row.extend([na(), cell]);
                            } else {
                                row.extend([cell, na()]);
                            }
                        } else {
                            row.push(cell);
                        }
                    }
                    row.push(v.total().map_or_else(na, |t| t.to_string()));
                }
                None => row.extend((0..14).map(|_| na())),
            }
            row.push(num(v.weight_kg, 1, false));
            row.push(v.ree_kcal.map_or_else(na, |r| num(r, 0, false)));
            row.push(v.fvc_percent.map_or_else(na, |f| num(f, 1, false)));
            row.push(v.six_mwd_m.map_or_else(na, |w| num(w, 0, false)));
            t.rows.push(row);
        }
    }
    t
}

fn microbiome_tables(rng: &mut Rng, subjects: &[SimSubject], options: &DemoOptions, tables: &mut Tables) {
    let num_genera = (options.features / 2)
        .clamp(50.min(options.features.max(1)), 300)
        .max(1);
    let genera = microbiome::genera(rng, num_genera.min(options.features.max(1)));
    let features = microbiome::features(rng, &genera, options.features.max(1));
    let slots = microbiome::sample_slots(rng, subjects, options.samples);
    let mut meta = TextTable::new(&["sample-id", "subject_id", "collection_date", "visit", "body_site"]);
    meta.preamble
        .push("#q2:types\tcategorical\tcategorical\tcategorical\tcategorical".to_owned());
    let mut header = vec!["#OTU ID".to_owned()];
    header.extend(slots.iter().map(|s| s.id.clone()));
    let mut ft = TextTable {
        header,
        ..TextTable::default()
    };
    let mut columns: Vec<Vec<u64>> = Vec::with_capacity(slots.len());
    let mut profiles: Vec<Option<Vec<f64>>> = vec![None; subjects.len()];
    for slot in &slots {
        let s = &subjects[slot.subject];
        let profile = profiles[slot.subject]
            .get_or_insert_with(|| microbiome::subject_profile(&mut rng.fork(slot.subject as u64), s, &genera));
        let months = f64::from(slot.date - s.visits[0].date) / 30.44;
        columns.push(microbiome::sample_counts(rng, profile, s, months, &genera, &features));
        meta.rows.push(vec![
            slot.id.clone(),
            s.id.clone(),
            iso_from_days(slot.date),
            s.visits[slot.visit].label.clone(),
            "stool".to_owned(),
        ]);
    }
    for (f, (id, _, _)) in features.iter().enumerate() {
        let mut row = Vec::with_capacity(slots.len() + 1);
        row.push(id.clone());
        row.extend(columns.iter().map(|c| format!("{}.0", c[f])));
        ft.rows.push(row);
    }
    let mut tax = TextTable::new(&["Feature ID", "Taxon", "Confidence"]);
    let ranks = ["k__", "p__", "c__", "o__", "f__", "g__"];
    for (id, g, _) in &features {
        let lineage = &genera[*g].lineage;
        let kingdom = if lineage[0] == "Euryarchaeota" {
            "Archaea"
        } else {
            "Bacteria"
        };
        let mut parts = vec![format!("k__{kingdom}")];
        parts.extend(ranks[1..].iter().zip(&lineage[..5]).map(|(p, n)| format!("{p}{n}")));
        tax.rows.push(vec![
            id.clone(),
            parts.join("; "),
            num(0.9 + 0.1 * rng.uniform(), 4, false),
        ]);
    }
    tables.metadata = meta;
    tables.features = ft;
    tables.taxonomy = tax;
}

/// Write the demo cohort's files into `dir` (created if missing).
pub fn write(cohort: &DemoCohort, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in &cohort.files {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
