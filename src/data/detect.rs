//! Recognising what a table is from its content: header row, comment lines, first values.

use serde::Serialize;

use super::roles::{self, Role, RoleMatch, normalize};
use super::table::RawTable;
use super::values::{Number, parse_number};

/// The recognised layouts of DESIGN.md §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// One row per visit: subject + time + measures.
    ClinicalVisits,
    /// One row per subject: group, site, sex, onset, ….
    Subjects,
    /// `REDCap` export: `record_id` + `redcap_event_name`.
    Redcap,
    /// A PRO-ACT form with visits (`ALSFRS.csv`, `Vitals.csv`, `Fvc.csv`).
    ProActVisits,
    /// A PRO-ACT form about subjects (`Demographics.csv`, `AlsHistory.csv`, `Treatment.csv`,
    /// `DeathData.csv`).
    ProActSubjects,
    /// QIIME 2 / BIOM classic TSV feature table (features × samples).
    BiomTsv,
    QiimeTaxonomy,
    /// DADA2 `assignTaxonomy` style: feature + Kingdom…Species columns.
    RankTaxonomy,
    SampleMetadata,
    /// Samples as rows, taxa as columns.
    SampleTaxonMatrix,
    MetaPhlAn,
    /// `sample_id, taxon, abundance`.
    LongAbundance,
    /// A square sample × sample matrix (QIIME 2 distance output): recognised, not loaded.
    DistanceMatrix,
    /// `subject_id, event, date | day`: one row per subject and event (death, NIV, …).
    Events,
}

impl Layout {
    /// Every layout, for the catalogue's test of their names.
    pub const ALL: [Layout; 14] = [
        Layout::ClinicalVisits,
        Layout::Subjects,
        Layout::Redcap,
        Layout::ProActVisits,
        Layout::ProActSubjects,
        Layout::BiomTsv,
        Layout::QiimeTaxonomy,
        Layout::RankTaxonomy,
        Layout::SampleMetadata,
        Layout::SampleTaxonMatrix,
        Layout::MetaPhlAn,
        Layout::LongAbundance,
        Layout::DistanceMatrix,
        Layout::Events,
    ];

    /// Human name for reports.
    pub fn label(self) -> &'static str {
        match self {
            Layout::ClinicalVisits => "tidy clinical visits",
            Layout::Subjects => "subjects table",
            Layout::Redcap => "REDCap export",
            Layout::ProActVisits => "PRO-ACT visit form",
            Layout::ProActSubjects => "PRO-ACT subject form",
            Layout::BiomTsv => "BIOM classic TSV feature table",
            Layout::QiimeTaxonomy => "QIIME 2 taxonomy",
            Layout::RankTaxonomy => "per-rank taxonomy table",
            Layout::SampleMetadata => "QIIME 2 sample metadata",
            Layout::SampleTaxonMatrix => "sample x taxon matrix",
            Layout::MetaPhlAn => "MetaPhlAn merged table",
            Layout::LongAbundance => "long abundance table",
            Layout::DistanceMatrix => "distance matrix",
            Layout::Events => "events table",
        }
    }
}

const RANK_HEADERS: [&str; 8] = [
    "domain", "kingdom", "phylum", "class", "order", "family", "genus", "species",
];

/// Markers of PRO-ACT forms (normalised headers).
const PROACT_VISIT_MARKERS: [&str; 4] = [
    "alsfrsdelta",
    "vitalsignsdelta",
    "forcedvitalcapacitydelta",
    "slowvitalcapacitydelta",
];
const PROACT_SUBJECT_MARKERS: [&str; 6] = [
    "demographicsdelta",
    "subjectalshistorydelta",
    "treatmentgroupdelta",
    "deathdays",
    "subjectdied",
    "onsetdelta",
];

/// Decide a table's layout, or `None` when it is not one we know.
pub fn detect(table: &RawTable, matches: &[RoleMatch]) -> Option<Layout> {
    let norm: Vec<String> = table.headers.iter().map(|h| normalize(h).0).collect();
    let has = |name: &str| norm.iter().any(|n| n == name);
    let first = norm.first().map_or("", String::as_str);
    let role = |r: Role| roles::find(matches, r).is_some();

    if (first == "featureid" || first == "otuid") && has("taxon") {
        return Some(Layout::QiimeTaxonomy);
    }
    if norm.iter().filter(|n| RANK_HEADERS.contains(&n.as_str())).count() >= 4 {
        return Some(Layout::RankTaxonomy);
    }
    if first == "cladename" || looks_like_metaphlan(table) {
        return Some(Layout::MetaPhlAn);
    }
    let biom_comment = table
        .comments
        .iter()
        .any(|c| c.to_lowercase().contains("constructed from biom"));
    if biom_comment || first == "otuid" || (first == "featureid" && numeric_share(table, 1) > 0.9) {
        return Some(Layout::BiomTsv);
    }
    if is_distance_matrix(table) {
        return Some(Layout::DistanceMatrix);
    }
    if role(Role::Sample) && role(Role::Taxon) && role(Role::Abundance) && table.num_cols() <= 8 {
        return Some(Layout::LongAbundance);
    }
    let q2_types = table.comments.iter().any(|c| c.to_lowercase().starts_with("#q2:"));
    let metadata_id = matches!(first, "sampleid" | "samplename" | "sampleidentifier")
        || (first == "id"
            && table.headers.len() > 1
            && roles::find(matches, Role::Subject).is_some_and(|m| m.col != 0));
    if q2_types || metadata_id {
        // A sample-keyed table of mostly numbers with taxon-like headers is a matrix instead.
        if !q2_types && taxon_like_headers(table) {
            return Some(Layout::SampleTaxonMatrix);
        }
        return Some(Layout::SampleMetadata);
    }
    if super::events::event_column(table, matches).is_some() {
        return Some(Layout::Events);
    }
    if has("recordid") && has("redcapeventname") {
        return Some(Layout::Redcap);
    }
    let clinical_roles = matches
        .iter()
        .any(|m| m.role.is_visit_measure() || m.role.is_subject_attribute());
    let rowname_first = first.is_empty() || first == "rownames" || first == "x" || role(Role::Sample);
    if taxon_like_headers(table)
        || (rowname_first && !clinical_roles && numeric_share(table, 1) > 0.9 && table.num_cols() >= 3)
    {
        return Some(Layout::SampleTaxonMatrix);
    }
    if role(Role::Subject) {
        let time = matches.iter().any(|m| m.role.is_time());
        if PROACT_VISIT_MARKERS.iter().any(|m| has(m)) {
            return Some(Layout::ProActVisits);
        }
        if PROACT_SUBJECT_MARKERS.iter().any(|m| has(m)) && has("subjectid") {
            return Some(Layout::ProActSubjects);
        }
        return Some(if time { Layout::ClinicalVisits } else { Layout::Subjects });
    }
    None
}

/// Share of non-missing cells from column `from` on that are numbers (first 200 rows).
pub fn numeric_share(table: &RawTable, from: usize) -> f64 {
    let (mut num, mut all) = (0usize, 0usize);
    for r in 0..table.num_rows().min(200) {
        for c in from..table.num_cols() {
            match parse_number(table.cell(r, c), table.decimal_comma) {
                Number::Value(_) => {
                    num += 1;
                    all += 1;
                }
                Number::Invalid => all += 1,
                Number::Missing => {}
            }
        }
    }
    if all == 0 { 0.0 } else { num as f64 / all as f64 }
}

/// Headers after the first that are mostly taxa: with taxonomy prefixes (`g__`, `k__…;p__…`)
/// anywhere, or — when every cell is a non-negative number, as counts and abundances are —
/// bare taxon names (`Bacteroides`, `Ruminococcaceae_UCG-014`, `Bacteria;Firmicutes`).
fn taxon_like_headers(table: &RawTable) -> bool {
    let rest = &table.headers[1.min(table.headers.len())..];
    if rest.is_empty() {
        return false;
    }
    let prefixed = rest.iter().filter(|h| prefixed_taxon(h)).count();
    if prefixed * 2 > rest.len() {
        return true;
    }
    let named = rest.iter().filter(|h| prefixed_taxon(h) || bare_taxon_name(h)).count();
    rest.len() >= 3 && named * 2 > rest.len() && counts_like(table)
}

fn prefixed_taxon(header: &str) -> bool {
    let h = header.trim();
    h.contains("__") && (h.contains(';') || h.contains('|') || h.split("__").next().is_some_and(|p| p.len() <= 4))
}

/// Latin endings of bacterial and archaeal taxon names at genus rank and above.
const TAXON_SUFFIXES: [&str; 24] = [
    "aceae",
    "ales",
    "bacter",
    "bacterium",
    "bacteria",
    "bacteriota",
    "coccus",
    "cocci",
    "bacillus",
    "monas",
    "ella",
    "ides",
    "spira",
    "spirillum",
    "plasma",
    "vibrio",
    "myces",
    "ota",
    "etes",
    "archaeota",
    "stipes",
    "sphaera",
    "sarcina",
    "clostridium",
];

/// Common gut genera whose names have none of the endings above.
const GENERA: [&str; 22] = [
    "akkermansia",
    "blautia",
    "roseburia",
    "dorea",
    "dialister",
    "subdoligranulum",
    "escherichia",
    "shigella",
    "haemophilus",
    "romboutsia",
    "holdemania",
    "megasphaera",
    "anaerotruncus",
    "flavonifractor",
    "eisenbergiella",
    "tyzzerella",
    "hungatella",
    "catenibacterium",
    "slackia",
    "adlercreutzia",
    "klebsiella",
    "enterobacter",
];

/// A header that names a taxon without prefixes: a lineage of capitalised names, a Latin
/// genus or family, or the placeholders SILVA and GTDB use (`UCG-014`, `CAG-56`, `uncultured`).
fn bare_taxon_name(header: &str) -> bool {
    let h = header.trim();
    let parts: Vec<&str> = h.split([';', '|']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() >= 2 {
        return parts
            .iter()
            .all(|p| p.chars().next().is_some_and(|c| c.is_uppercase() || c == '['));
    }
    let lower = h.to_lowercase();
    if [
        "uncultured",
        "unclassified",
        "incertae",
        "ucg-",
        "ucg_",
        "_group",
        " group",
        "cag-",
    ]
    .iter()
    .any(|m| lower.contains(m))
    {
        return true;
    }
    let first = lower
        .trim_start_matches('[')
        .split([' ', '_', ']', '-', '/', '.'])
        .next()
        .unwrap_or_default();
    first.len() >= 4
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && (GENERA.contains(&first) || TAXON_SUFFIXES.iter().any(|s| first.ends_with(s)))
}

/// Every cell after the first column is a number, and none is negative (first 200 rows).
fn counts_like(table: &RawTable) -> bool {
    if numeric_share(table, 1) < 0.99 {
        return false;
    }
    (0..table.num_rows().min(200)).all(|r| {
        (1..table.num_cols()).all(|c| match parse_number(table.cell(r, c), table.decimal_comma) {
            Number::Value(v) => v >= 0.0,
            _ => true,
        })
    })
}

fn looks_like_metaphlan(table: &RawTable) -> bool {
    let n = table.num_rows().min(20);
    n > 0
        && (0..n)
            .filter(|&r| {
                let c = table.cell(r, 0);
                (c.starts_with("k__") || c.starts_with("d__")) && (c.contains('|') || !c.contains(';'))
            })
            .count()
            * 2
            > n
        && (0..n).any(|r| table.cell(r, 0).contains('|'))
}

fn is_distance_matrix(table: &RawTable) -> bool {
    let n = table.num_rows();
    n >= 2 && table.num_cols() == n + 1 && (0..n).all(|r| table.cell(r, 0).trim() == table.headers[r + 1].trim())
}
