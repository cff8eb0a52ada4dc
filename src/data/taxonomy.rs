//! Lineage strings and taxonomy tables: Greengenes (`k__; p__`), SILVA (`d__`, `D_0__`),
//! GTDB (`p__Firmicutes_A`), `MetaPhlAn` (`k__…|p__…`), QIIME 2 `Feature ID / Taxon` tables and
//! DADA2-style per-rank tables.

use super::parts::Parts;
use super::roles::normalize;
use super::table::RawTable;
use super::values::is_missing;
use crate::model::{Finding, Lineage, Severity};

/// Rank index of a prefix (`k`/`d` → 0 … `s` → 6); `None` for strains (`t__`) and unknown ones.
fn rank_of_prefix(prefix: &str) -> Option<usize> {
    let p = prefix.to_ascii_lowercase();
    if let Some(n) = p.strip_prefix("d_") {
        // SILVA `D_0__` … `D_6__`.
        return n.parse::<usize>().ok().filter(|&n| n < 7);
    }
    Some(match p.as_str() {
        "k" | "d" => 0,
        "p" => 1,
        "c" => 2,
        "o" => 3,
        "f" => 4,
        "g" => 5,
        "s" => 6,
        _ => return None,
    })
}

/// Phylum names used without rank prefixes, so plain-named tables at phylum level still work.
const KNOWN_PHYLA: [&str; 16] = [
    "firmicutes",
    "bacillota",
    "bacteroidetes",
    "bacteroidota",
    "proteobacteria",
    "pseudomonadota",
    "actinobacteria",
    "actinomycetota",
    "actinobacteriota",
    "verrucomicrobia",
    "verrucomicrobiota",
    "euryarchaeota",
    "methanobacteriota",
    "fusobacteria",
    "fusobacteriota",
    "tenericutes",
];

/// Parse one lineage string. Empty ranks (`g__`) are unassigned; `Unassigned` is unassigned at
/// every rank. A name without any prefix or separator is taken as a genus (or a phylum when it
/// is a known phylum name).
pub fn parse_lineage(text: &str) -> Lineage {
    let mut lineage = Lineage::default();
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("unassigned") || is_missing(t) {
        return lineage;
    }
    let parts: Vec<&str> = t.split([';', '|']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let prefixed = parts.iter().any(|p| p.contains("__"));
    if !prefixed && parts.len() == 1 {
        let name = parts[0].to_owned();
        let rank = if KNOWN_PHYLA.contains(&name.to_lowercase().as_str()) {
            1
        } else {
            5
        };
        lineage.ranks[rank] = Some(name);
        return lineage;
    }
    for (i, part) in parts.iter().enumerate() {
        let (rank, name) = match part.split_once("__") {
            Some((prefix, name)) => match rank_of_prefix(prefix) {
                Some(rank) => (rank, name),
                None => continue,
            },
            None if !prefixed && i < 7 => (i, *part),
            None => continue,
        };
        let name = name.trim();
        if !name.is_empty() && !name.eq_ignore_ascii_case("unassigned") {
            lineage.ranks[rank] = Some(name.to_owned());
        }
    }
    lineage
}

/// QIIME 2 taxonomy TSV: `Feature ID`, `Taxon`, `Confidence`.
pub fn read_qiime_taxonomy(table: &RawTable, file: &str, parts: &mut Parts) {
    let taxon_col = table
        .headers
        .iter()
        .position(|h| normalize(h).0 == "taxon")
        .unwrap_or(1);
    for r in 0..table.num_rows() {
        let feature = table.cell(r, 0).trim();
        if feature.is_empty() {
            continue;
        }
        insert(
            parts,
            feature,
            parse_lineage(table.cell(r, taxon_col)),
            file,
            table.line(r),
        );
    }
}

/// Keep the lineage a table's own metadata gives for `feature` (its ranks joined with `;`),
/// unless one was already given: BIOM tables carry their taxonomy beside the counts.
pub fn keep_table_lineage<'a>(parts: &mut Parts, feature: &str, ranks: impl IntoIterator<Item = &'a str>) {
    let text = ranks
        .into_iter()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect::<Vec<_>>()
        .join(";");
    if !text.is_empty() && !parts.taxonomy.contains_key(feature) {
        parts.taxonomy.insert(feature.to_owned(), parse_lineage(&text));
    }
}

/// The lineage a feature's own name gives, or `None` when the name is an identifier that says
/// nothing about the taxon: a DNA sequence (DADA2's ASVs), a hash (QIIME 2's MD5/SHA ids) or
/// a numbered `ASV_12` / `OTU12` / `SV3`.
pub fn lineage_from_id(id: &str) -> Option<Lineage> {
    let t = id.trim();
    let sequence = t.len() >= 20 && t.bytes().all(|b| b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv-.".contains(&b));
    let hash = matches!(t.len(), 32 | 40 | 64) && t.bytes().all(|b| b.is_ascii_hexdigit());
    let lower = t.to_ascii_lowercase();
    let numbered = ["asv", "otu", "sv", "zotu", "esv"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .map(|rest| rest.trim_start_matches(['_', '-', '.', ' ']))
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    });
    (!sequence && !hash && !numbered).then(|| parse_lineage(t))
}

/// Per-rank table (DADA2 `assignTaxonomy`): feature id, then Kingdom … Species; `NA` = missing.
pub fn read_rank_taxonomy(table: &RawTable, file: &str, parts: &mut Parts) {
    let rank_cols: Vec<(usize, usize)> = table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(c, h)| {
            let n = normalize(h).0;
            let rank = match n.as_str() {
                "domain" | "kingdom" => 0,
                "phylum" => 1,
                "class" => 2,
                "order" => 3,
                "family" => 4,
                "genus" => 5,
                "species" => 6,
                _ => return None,
            };
            Some((c, rank))
        })
        .collect();
    let id_col = (0..table.num_cols())
        .find(|c| !rank_cols.iter().any(|(rc, _)| rc == c))
        .unwrap_or(0);
    for r in 0..table.num_rows() {
        let feature = table.cell(r, id_col).trim();
        if feature.is_empty() {
            continue;
        }
        let mut lineage = Lineage::default();
        for &(c, rank) in &rank_cols {
            let v = table.cell(r, c).trim();
            if !is_missing(v) {
                // Some tools keep the prefix in per-rank columns (`g__Bacteroides`).
                let v = v.split_once("__").map_or(v, |(_, n)| n).trim();
                if !v.is_empty() {
                    lineage.ranks[rank] = Some(v.to_owned());
                }
            }
        }
        insert(parts, feature, lineage, file, table.line(r));
    }
}

fn insert(parts: &mut Parts, feature: &str, lineage: Lineage, file: &str, line: usize) {
    if let Some(previous) = parts.taxonomy.get(feature) {
        if *previous != lineage {
            parts.findings.push(
                Finding::new(
                    Severity::Warning,
                    "composition.conflicting-taxonomy",
                    crate::i18n::tr("feature has two different lineages; the first is kept"),
                )
                .file(file)
                .row(line)
                .value(feature),
            );
        }
        return;
    }
    parts.taxonomy.insert(feature.to_owned(), lineage);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(l: &Lineage) -> Vec<&str> {
        l.ranks.iter().map(|r| r.as_deref().unwrap_or("-")).collect()
    }

    #[test]
    fn identifiers_are_not_taxon_names() {
        assert!(lineage_from_id("TACGTAGGGGGCAAGCGTTATCCGGATTTACTGGG").is_none());
        assert!(lineage_from_id("4b5eeb300368260019c1fbc7a3c718fc").is_none());
        for id in ["ASV_12", "OTU12", "sv3", "Zotu-7"] {
            assert!(lineage_from_id(id).is_none(), "{id}");
        }
        let genus = lineage_from_id("Bacteroides").expect("a name");
        assert_eq!(genus.ranks[5].as_deref(), Some("Bacteroides"));
        let prefixed = lineage_from_id("k__Bacteria;p__Firmicutes").expect("a lineage");
        assert_eq!(prefixed.ranks[1].as_deref(), Some("Firmicutes"));
        // A short run of capitals is a name, not a sequence.
        assert!(lineage_from_id("CAG-56").is_some());
    }

    #[test]
    fn greengenes_with_empty_ranks() {
        let l = parse_lineage(
            "k__Bacteria; p__Bacteroidetes; c__Bacteroidia; o__Bacteroidales; f__Bacteroidaceae; g__Bacteroides; s__",
        );
        assert_eq!(
            names(&l),
            [
                "Bacteria",
                "Bacteroidetes",
                "Bacteroidia",
                "Bacteroidales",
                "Bacteroidaceae",
                "Bacteroides",
                "-"
            ]
        );
    }

    #[test]
    fn silva_gtdb_metaphlan() {
        let l = parse_lineage("D_0__Bacteria;D_1__Firmicutes;D_2__Clostridia");
        assert_eq!(l.ranks[1].as_deref(), Some("Firmicutes"));
        let l = parse_lineage(
            "d__Bacteria;p__Firmicutes_A;c__Clostridia;o__Oscillospirales;f__Ruminococcaceae;g__Faecalibacterium",
        );
        assert_eq!(l.ranks[1].as_deref(), Some("Firmicutes_A"));
        assert_eq!(l.ranks[5].as_deref(), Some("Faecalibacterium"));
        let l = parse_lineage(
            "k__Archaea|p__Euryarchaeota|c__Methanobacteria|o__Methanobacteriales|f__Methanobacteriaceae|g__Methanobrevibacter|s__Methanobrevibacter_smithii|t__SGB714",
        );
        assert_eq!(l.ranks[6].as_deref(), Some("Methanobrevibacter_smithii"));
    }

    #[test]
    fn plain_and_unassigned() {
        assert_eq!(parse_lineage("Unassigned"), Lineage::default());
        assert_eq!(
            parse_lineage("Faecalibacterium").ranks[5].as_deref(),
            Some("Faecalibacterium")
        );
        assert_eq!(parse_lineage("Bacteroidota").ranks[1].as_deref(), Some("Bacteroidota"));
        let l = parse_lineage("Bacteria;Firmicutes;Clostridia");
        assert_eq!(l.ranks[2].as_deref(), Some("Clostridia"));
    }
}
