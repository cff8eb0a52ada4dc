//! Alpha diversity per sample and the Firmicutes/Bacteroidetes ratio, matching scikit-bio's
//! `skbio.diversity.alpha` functions.

use rayon::prelude::*;

use crate::model::{AbundanceKind, AbundanceTable, Taxonomy};

/// Alpha diversity of one sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Alpha {
    pub observed_features: f64,
    /// Shannon entropy, natural log (`skbio` `shannon(base=None)`).
    pub shannon: f64,
    /// Shannon entropy in bits (QIIME 2's `shannon_entropy`).
    pub shannon_log2: f64,
    /// Gini–Simpson 1 − Σp² (`skbio` `simpson`).
    pub simpson: f64,
    /// Pielou's evenness H / ln S; NaN when S < 2 (`skbio` `pielou_e`).
    pub pielou_evenness: f64,
    /// Bias-corrected Chao1; `None` for relative abundances, which carry no singletons.
    pub chao1: Option<f64>,
}

/// Alpha diversity of one sample's abundances (counts or relative).
pub fn alpha(values: &[f64], kind: AbundanceKind) -> Alpha {
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let mut observed = 0.0;
    let (mut h, mut sum_p2) = (0.0, 0.0);
    let (mut singles, mut doubles) = (0.0, 0.0);
    for &v in values.iter().filter(|v| **v > 0.0) {
        observed += 1.0;
        let p = v / total;
        h -= p * p.ln();
        sum_p2 += p * p;
        if v == 1.0 {
            singles += 1.0;
        } else if v == 2.0 {
            doubles += 1.0;
        }
    }
    let empty = observed == 0.0;
    Alpha {
        observed_features: observed,
        shannon: if empty { f64::NAN } else { h },
        shannon_log2: if empty { f64::NAN } else { h / std::f64::consts::LN_2 },
        simpson: if empty { f64::NAN } else { 1.0 - sum_p2 },
        pielou_evenness: if observed < 2.0 { f64::NAN } else { h / observed.ln() },
        chao1: (kind == AbundanceKind::Counts).then(|| observed + singles * (singles - 1.0) / (2.0 * (doubles + 1.0))),
    }
}

/// Why Chao1 cannot be computed, for the message shown instead of a number.
pub const CHAO1_NEEDS_COUNTS: &str = "Chao1 needs integer read counts (it estimates unseen features from singletons and doubletons); \
     these are relative abundances";

/// Canonical phylum name: GTDB suffixes stripped (`Firmicutes_A` → `Firmicutes`) and new
/// names mapped to the classic ones (Bacillota → Firmicutes, Bacteroidota → Bacteroidetes, …).
pub fn canonical_phylum(name: &str) -> String {
    let base = name.trim();
    let base = match base.rsplit_once('_') {
        Some((stem, suffix)) if suffix.len() == 1 && suffix.chars().all(|c| c.is_ascii_uppercase()) => stem,
        _ => base,
    };
    let canonical = match base.to_lowercase().as_str() {
        "firmicutes" | "bacillota" => "Firmicutes",
        "bacteroidetes" | "bacteroidota" => "Bacteroidetes",
        "proteobacteria" | "pseudomonadota" => "Proteobacteria",
        "actinobacteria" | "actinomycetota" | "actinobacteriota" => "Actinobacteria",
        "verrucomicrobia" | "verrucomicrobiota" => "Verrucomicrobia",
        _ => return base.to_owned(),
    };
    canonical.to_owned()
}

/// Firmicutes / Bacteroidetes ratio per sample (in table order); `None` when a sample has no
/// Bacteroidetes (the ratio is undefined, not infinite).
pub fn fb_ratio(table: &AbundanceTable, taxonomy: &Taxonomy) -> Vec<Option<f64>> {
    // Each feature's phylum named once (1 Firmicutes, 2 Bacteroidetes, 0 other or unknown), not
    // compared as text in every sample.
    let phylum: Vec<u8> = table
        .feature_ids
        .iter()
        .map(|f| {
            match taxonomy
                .get(f)
                .and_then(|l| l.ranks[1].as_deref())
                .map(canonical_phylum)
                .as_deref()
            {
                Some("Firmicutes") => 1,
                Some("Bacteroidetes") => 2,
                _ => 0,
            }
        })
        .collect();
    (0..table.num_samples())
        .into_par_iter()
        .map(|s| {
            let (mut firmicutes, mut bacteroidetes) = (0.0, 0.0);
            let (features, values) = table.row(s);
            for (&f, v) in features.iter().zip(values) {
                match phylum[f as usize] {
                    1 => firmicutes += v,
                    2 => bacteroidetes += v,
                    _ => {}
                }
            }
            (bacteroidetes > 0.0).then(|| firmicutes / bacteroidetes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phylum_synonyms() {
        assert_eq!(canonical_phylum("Bacillota"), "Firmicutes");
        assert_eq!(canonical_phylum("Firmicutes_A"), "Firmicutes");
        assert_eq!(canonical_phylum("Bacteroidota"), "Bacteroidetes");
        assert_eq!(canonical_phylum("Actinobacteriota"), "Actinobacteria");
        assert_eq!(canonical_phylum("Euryarchaeota"), "Euryarchaeota");
    }

    #[test]
    fn empty_and_single_feature_samples() {
        let a = alpha(&[0.0, 0.0], AbundanceKind::Counts);
        assert_eq!(a.observed_features, 0.0);
        assert!(a.shannon.is_nan());
        let a = alpha(&[5.0, 0.0], AbundanceKind::Counts);
        assert_eq!(a.shannon, 0.0);
        assert!(a.pielou_evenness.is_nan());
        assert_eq!(alpha(&[0.5, 0.5], AbundanceKind::Relative).chao1, None);
    }
}
