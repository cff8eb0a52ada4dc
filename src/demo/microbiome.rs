//! Simulated 16S counts: ASVs over ~150–300 genera with the shifts reported in ALS (README, "The
//! demo cohort"): lower diversity (patients carry fewer of the rarer genera, and their
//! compositions are less even), a lower F/B ratio (fewer butyrate-producing Firmicutes —
//! Faecalibacterium, Roseburia, Lachnospira, Oscillibacter — and more Bacteroides), more
//! Methanobrevibacter and Dorea; the faster a patient declines, the further the shift (so a
//! lower baseline F/B ratio goes with a faster decline); Faecalibacterium falls further over a
//! patient's follow-up, while controls stay stable. Read depths of 5k–50k.

use super::clinical::SimSubject;
use crate::rng::Rng;

/// A genus with its lineage, typical log-abundance and fold change in ALS.
#[derive(Clone, Debug)]
pub struct Genus {
    pub lineage: [String; 6],
    pub log_abundance: f64,
    pub als_fold: f64,
    /// Chance a subject carries it at all.
    pub prevalence: f64,
}

const F: &str = "Firmicutes";
const B: &str = "Bacteroidetes";

/// Named genera: (phylum, class, order, family, genus, log-abundance, ALS fold change, prevalence).
/// (phylum, class, order, family, genus, log-abundance, ALS fold change, prevalence).
type NamedGenus = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
);

#[rustfmt::skip]
const NAMED: &[NamedGenus] = &[
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Faecalibacterium", -2.2, 0.35, 0.98),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Ruminococcus", -3.2, 1.0, 0.9),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Oscillibacter", -4.0, 0.55, 0.85),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Subdoligranulum", -3.5, 0.9, 0.85),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Butyricicoccus", -4.8, 0.8, 0.7),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Anaerotruncus", -5.5, 1.0, 0.6),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Flavonifractor", -5.2, 1.2, 0.7),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Roseburia", -3.3, 0.65, 0.95),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Lachnospira", -4.0, 0.55, 0.85),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Blautia", -2.9, 1.1, 0.98),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Dorea", -4.2, 1.9, 0.9),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Coprococcus", -4.0, 0.8, 0.9),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Anaerostipes", -4.5, 0.9, 0.85),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Fusicatenibacter", -4.3, 1.0, 0.8),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Agathobacter", -3.6, 0.8, 0.85),
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Tyzzerella", -5.5, 1.3, 0.5),
    (F, "Clostridia", "Clostridiales", "Clostridiaceae", "Clostridium", -4.6, 1.1, 0.8),
    (F, "Clostridia", "Clostridiales", "Peptostreptococcaceae", "Romboutsia", -4.7, 1.0, 0.7),
    (F, "Clostridia", "Clostridiales", "Christensenellaceae", "Christensenella", -5.3, 0.8, 0.5),
    (F, "Clostridia", "Clostridiales", "Eubacteriaceae", "Eubacterium", -3.9, 0.8, 0.9),
    (F, "Erysipelotrichi", "Erysipelotrichales", "Erysipelotrichaceae", "Holdemanella", -5.4, 1.0, 0.5),
    (F, "Erysipelotrichi", "Erysipelotrichales", "Erysipelotrichaceae", "Turicibacter", -6.0, 1.0, 0.4),
    (F, "Negativicutes", "Selenomonadales", "Veillonellaceae", "Veillonella", -5.5, 1.3, 0.6),
    (F, "Negativicutes", "Selenomonadales", "Veillonellaceae", "Dialister", -4.6, 1.0, 0.6),
    (F, "Negativicutes", "Selenomonadales", "Veillonellaceae", "Megasphaera", -5.6, 1.0, 0.4),
    (F, "Negativicutes", "Selenomonadales", "Acidaminococcaceae", "Phascolarctobacterium", -4.6, 1.0, 0.6),
    (F, "Bacilli", "Lactobacillales", "Streptococcaceae", "Streptococcus", -4.8, 1.4, 0.9),
    (F, "Bacilli", "Lactobacillales", "Lactobacillaceae", "Lactobacillus", -6.0, 1.2, 0.5),
    (F, "Bacilli", "Lactobacillales", "Enterococcaceae", "Enterococcus", -6.5, 1.3, 0.4),
    (B, "Bacteroidia", "Bacteroidales", "Bacteroidaceae", "Bacteroides", -1.6, 2.1, 0.99),
    (B, "Bacteroidia", "Bacteroidales", "Prevotellaceae", "Prevotella", -3.5, 0.8, 0.5),
    (B, "Bacteroidia", "Bacteroidales", "Porphyromonadaceae", "Parabacteroides", -3.6, 0.8, 0.95),
    (B, "Bacteroidia", "Bacteroidales", "Porphyromonadaceae", "Barnesiella", -4.8, 0.8, 0.7),
    (B, "Bacteroidia", "Bacteroidales", "Porphyromonadaceae", "Odoribacter", -5.0, 0.8, 0.75),
    (B, "Bacteroidia", "Bacteroidales", "Rikenellaceae", "Alistipes", -3.2, 0.9, 0.95),
    ("Actinobacteria", "Actinobacteria", "Bifidobacteriales", "Bifidobacteriaceae", "Bifidobacterium", -3.5, 0.5, 0.9),
    ("Actinobacteria", "Coriobacteriia", "Coriobacteriales", "Coriobacteriaceae", "Collinsella", -4.4, 1.0, 0.8),
    ("Actinobacteria", "Coriobacteriia", "Coriobacteriales", "Coriobacteriaceae", "Eggerthella", -6.0, 1.3, 0.5),
    ("Actinobacteria", "Coriobacteriia", "Coriobacteriales", "Coriobacteriaceae", "Adlercreutzia", -6.0, 0.9, 0.5),
    ("Proteobacteria", "Gammaproteobacteria", "Enterobacteriales", "Enterobacteriaceae", "Escherichia", -4.8, 1.6, 0.8),
    ("Proteobacteria", "Gammaproteobacteria", "Enterobacteriales", "Enterobacteriaceae", "Klebsiella", -6.2, 1.4, 0.3),
    ("Proteobacteria", "Gammaproteobacteria", "Pasteurellales", "Pasteurellaceae", "Haemophilus", -6.0, 1.0, 0.5),
    ("Proteobacteria", "Betaproteobacteria", "Burkholderiales", "Alcaligenaceae", "Sutterella", -4.8, 1.0, 0.7),
    ("Proteobacteria", "Betaproteobacteria", "Burkholderiales", "Alcaligenaceae", "Parasutterella", -5.3, 1.0, 0.6),
    ("Proteobacteria", "Deltaproteobacteria", "Desulfovibrionales", "Desulfovibrionaceae", "Bilophila", -5.5, 1.2, 0.7),
    ("Proteobacteria", "Deltaproteobacteria", "Desulfovibrionales", "Desulfovibrionaceae", "Desulfovibrio", -5.6, 1.2, 0.6),
    ("Verrucomicrobia", "Verrucomicrobiae", "Verrucomicrobiales", "Verrucomicrobiaceae", "Akkermansia", -4.2, 1.2, 0.6),
    ("Euryarchaeota", "Methanobacteria", "Methanobacteriales", "Methanobacteriaceae", "Methanobrevibacter", -5.2, 4.0, 0.35),
    ("Fusobacteria", "Fusobacteriia", "Fusobacteriales", "Fusobacteriaceae", "Fusobacterium", -6.5, 1.2, 0.3),
];

/// Families that carry numbered, unnamed genera (as SILVA's `Lachnospiraceae_UCG-004`).
#[rustfmt::skip]
const UNNAMED: &[(&str, &str, &str, &str, &str)] = &[
    (F, "Clostridia", "Clostridiales", "Lachnospiraceae", "Lachnospiraceae_UCG"),
    (F, "Clostridia", "Clostridiales", "Ruminococcaceae", "Ruminococcaceae_UCG"),
    (B, "Bacteroidia", "Bacteroidales", "Prevotellaceae", "Prevotellaceae_UCG"),
    (F, "Clostridia", "Clostridiales", "Christensenellaceae", "Christensenellaceae_R"),
    (F, "Erysipelotrichi", "Erysipelotrichales", "Erysipelotrichaceae", "Erysipelotrichaceae_UCG"),
    (B, "Bacteroidia", "Bacteroidales", "Muribaculaceae", "Muribaculaceae_UCG"),
];

/// The genera of the demo: the named ones, then numbered ones up to `num_genera`.
pub fn genera(rng: &mut Rng, num_genera: usize) -> Vec<Genus> {
    let mut out: Vec<Genus> = NAMED
        .iter()
        .map(|&(p, c, o, f, g, la, fold, prev)| Genus {
            lineage: [p, c, o, f, g, ""].map(str::to_owned),
            log_abundance: la,
            als_fold: fold,
            prevalence: prev,
        })
        .collect();
    let mut k = 0;
    while out.len() < num_genera {
        let (p, c, o, f, stem) = UNNAMED[k % UNNAMED.len()];
        let name = format!("{stem}-{:03}", k / UNNAMED.len() + 1);
        out.push(Genus {
            lineage: [p, c, o, f, &name, ""].map(str::to_owned),
            log_abundance: rng.gauss(-7.0, 1.3),
            als_fold: (rng.gauss(0.0, 0.15)).exp(),
            prevalence: rng.range(0.2, 0.8),
        });
        k += 1;
    }
    out.truncate(num_genera.max(1));
    out
}

/// ASV features: (id, genus index, share of the genus).
pub fn features(rng: &mut Rng, genera: &[Genus], num_features: usize) -> Vec<(String, usize, f64)> {
    // Every genus gets one ASV; the rest go to abundant genera first.
    let mut counts = vec![1usize; genera.len().min(num_features)];
    let weights: Vec<f64> = genera
        .iter()
        .take(counts.len())
        .map(|g| g.log_abundance.exp().sqrt())
        .collect();
    for _ in counts.len()..num_features {
        if let Some(i) = rng.weighted(&weights) {
            counts[i] += 1;
        }
    }
    let mut out = Vec::with_capacity(num_features);
    for (g, &n) in counts.iter().enumerate() {
        let shares: Vec<f64> = (0..n).map(|i| 0.5f64.powi(i as i32) * rng.range(0.6, 1.4)).collect();
        let total: f64 = shares.iter().sum();
        for share in shares {
            let id = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
            out.push((id, g, share / total));
        }
    }
    out
}

/// A planned sample: subject index, visit index, collection date.
#[derive(Clone, Debug)]
pub struct SampleSlot {
    pub subject: usize,
    pub visit: usize,
    pub date: i32,
    pub id: String,
}

/// Which visits get a stool sample: every second visit of controls and of 65% of patients;
/// with `wanted`, that many slots in a seeded order.
pub fn sample_slots(rng: &mut Rng, subjects: &[SimSubject], wanted: Option<usize>) -> Vec<SampleSlot> {
    let mut slots = Vec::new();
    for (si, s) in subjects.iter().enumerate() {
        let sampled = !s.als || rng.chance(0.65);
        for (vi, v) in s.visits.iter().enumerate() {
            if (sampled || wanted.is_some()) && vi % 2 == 0 {
                let date = v.date + rng.gauss(0.0, 4.0).round() as i32;
                slots.push(SampleSlot {
                    subject: si,
                    visit: vi,
                    date,
                    id: format!("{}-M{}", s.id, vi / 2 + 1),
                });
            }
        }
    }
    if let Some(n) = wanted {
        // A seeded shuffle, then the first n, back in cohort order.
        let mut order: Vec<usize> = (0..slots.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        order.truncate(n);
        order.sort_unstable();
        slots = order.into_iter().map(|i| slots[i].clone()).collect();
    }
    slots
}

/// Counts of one sample over `features`, sample-level noise on subject-level composition.
pub fn sample_counts(
    rng: &mut Rng,
    subject_profile: &[f64],
    subject: &SimSubject,
    months: f64,
    genera: &[Genus],
    features: &[(String, usize, f64)],
) -> Vec<u64> {
    let mut logp: Vec<f64> = genera
        .iter()
        .zip(subject_profile)
        .map(|(g, &base)| {
            if base == f64::NEG_INFINITY {
                return f64::NEG_INFINITY;
            }
            let mut l = base + rng.gauss(0.0, 0.35);
            if subject.als && g.lineage[4] == "Faecalibacterium" {
                l += (0.85f64).ln() * months / 12.0;
            }
            l
        })
        .collect();
    let max = logp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for l in &mut logp {
        *l = (*l - max).exp();
        total += *l;
    }
    let depth = rng.range(5000f64.ln(), 50_000f64.ln()).exp();
    features
        .iter()
        .map(|(_, g, share)| rng.poisson(depth * logp[*g] / total * share))
        .collect()
}

/// A subject's stable composition: log-abundance per genus (−∞ when not carried).
pub fn subject_profile(rng: &mut Rng, subject: &SimSubject, genera: &[Genus]) -> Vec<f64> {
    genera
        .iter()
        .map(|g| {
            let mut prevalence = g.prevalence;
            if subject.als && g.als_fold > 2.0 {
                prevalence = (prevalence * 1.6).min(0.95);
            }
            // Patients carry fewer of the rarer genera: lower richness and Shannon diversity.
            if subject.als && g.log_abundance < -5.0 && g.als_fold <= 2.0 {
                prevalence *= 0.6;
            }
            if !rng.chance(prevalence) {
                return f64::NEG_INFINITY;
            }
            let mut fold = if subject.als { g.als_fold.ln() } else { 0.0 };
            // The faster a patient declines, the further the shift: more Bacteroides and fewer
            // Faecalibacterium (a lower F/B ratio goes with a faster decline).
            if subject.als {
                let severity = (subject.decline_per_month.max(0.05) / 0.65).ln().clamp(-1.5, 1.5);
                match g.lineage[4].as_str() {
                    "Bacteroides" => fold += 0.6 * severity,
                    "Faecalibacterium" | "Roseburia" => fold -= 0.5 * severity,
                    _ => {}
                }
            }
            // ... and less even compositions (a wider spread of log-abundances).
            let spread = if subject.als { 1.1 } else { 0.8 };
            g.log_abundance + fold + rng.gauss(0.0, spread)
        })
        .collect()
}
