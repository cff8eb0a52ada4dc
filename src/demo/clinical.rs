//! Simulated subjects and visits, modelled on the ALS literature summarised in DESIGN.md (and
//! cited in the README's "The demo cohort"): heterogeneous ALSFRS-R decline, faster when
//! hypermetabolic (about half of patients) or bulbar-onset; weight loss that goes with the
//! decline; exercise arms that slow the decline of early-stage patients (baseline ALSFRS-R ≥ 40)
//! only; region-specific item loss, gastrostomy, FVC and 6-minute walk, visits every 3 months
//! with dropout, for patients and healthy controls alike.

use crate::metrics::ree::ReeEquation;
use crate::model::time::days_from_civil;
use crate::rng::Rng;

/// Study sites: (code, name).
pub const SITES: [(&str, &str); 3] = [("BJ", "Beijing"), ("MI", "Milan"), ("BO", "Boston")];
/// Exercise-trial arms for ALS patients.
pub const ARMS: [&str; 4] = ["aerobic", "resistance", "combined", "usual care"];

/// One simulated subject.
#[derive(Clone, Debug)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent yes/no traits of a simulated person"
)]
pub struct SimSubject {
    pub id: String,
    pub site: &'static str,
    pub als: bool,
    pub arm: Option<&'static str>,
    pub male: bool,
    pub age_at_baseline: f64,
    pub birth_year: i32,
    pub height_cm: f64,
    pub premorbid_weight_kg: f64,
    pub onset_date: Option<i32>,
    pub bulbar_onset: bool,
    pub hypermetabolic: bool,
    /// ALSFRS-R points lost per month from baseline on.
    pub decline_per_month: f64,
    /// ALSFRS-R points lost per month between onset and baseline (before any exercise).
    pub decline_before_baseline: f64,
    pub visits: Vec<SimVisit>,
    pub events: SimEvents,
}

/// A subject's milestones and follow-up (days since 1970-01-01).
#[derive(Clone, Debug, Default)]
pub struct SimEvents {
    pub niv: Option<i32>,
    pub gastrostomy: Option<i32>,
    pub tracheostomy: Option<i32>,
    pub death: Option<i32>,
    pub last_contact: Option<i32>,
}

/// The data cut: no event or contact after it.
const DATA_CUT: (i32, u32, u32) = (2026, 6, 30);

/// One simulated visit.
#[derive(Clone, Debug, Default)]
pub struct SimVisit {
    pub date: i32,
    pub label: String,
    /// Items 1–12 (index 4 is item 5, written as 5a or 5b); `None` when not assessed.
    pub items: Option<[u8; 12]>,
    pub gastrostomy: bool,
    pub weight_kg: f64,
    pub ree_kcal: Option<f64>,
    pub fvc_percent: Option<f64>,
    pub six_mwd_m: Option<f64>,
}

impl SimVisit {
    pub fn total(&self) -> Option<u32> {
        self.items.map(|i| i.iter().map(|&v| u32::from(v)).sum())
    }
}

/// Relative chance that the next point lost is on each item, by onset region.
const BULBAR_WEIGHTS: [f64; 12] = [3.0, 2.5, 3.0, 1.0, 1.0, 1.0, 0.6, 0.8, 0.8, 0.5, 0.4, 0.3];
const SPINAL_WEIGHTS: [f64; 12] = [0.6, 0.5, 0.5, 2.0, 2.2, 2.0, 1.5, 2.2, 2.4, 0.6, 0.5, 0.4];

/// Simulate subject `index` of the cohort.
pub fn simulate_subject(rng: &mut Rng, index: usize) -> SimSubject {
    let (code, site) = SITES[index % SITES.len()];
    let als = !rng.chance(0.2);
    let male = rng.chance(if als { 0.6 } else { 0.45 });
    let age = rng.gauss(if als { 58.0 } else { 55.0 }, 10.0).clamp(28.0, 85.0);
    let year = 2019 + rng.below(4) as i32;
    let baseline = days_from_civil(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32).unwrap_or(17_900);
    let height = if male {
        rng.gauss(175.0, 7.0)
    } else {
        rng.gauss(162.0, 6.0)
    };
    let bmi0 = rng.gauss(25.0, 3.2).clamp(18.5, 38.0);
    let premorbid = bmi0 * (height / 100.0).powi(2);
    let bulbar = als && rng.chance(0.3);
    let hyper = als && rng.chance(0.5);
    let arm = als.then(|| ARMS[rng.below(ARMS.len())]);
    // The natural course, before baseline and without exercise.
    let mut natural = (rng.gauss(0.65f64.ln(), 0.45)).exp();
    if hyper {
        natural *= 1.6;
    }
    if bulbar {
        natural *= 1.2;
    }
    let months_onset = rng.range(4.0, 18.0);
    // Exercise slows the decline after baseline of patients still early in the disease (baseline
    // ALSFRS-R ≥ 40), not of later-stage ones.
    let early = 48.0 - natural * 0.9 * months_onset >= 40.0;
    let arm_effect = match arm {
        Some("aerobic") if early => 0.5,
        Some("resistance") if early => 0.55,
        Some("combined") if early => 0.45,
        _ => 1.0,
    };
    let rate = natural * arm_effect;
    let onset_date = als.then(|| baseline - (months_onset * 30.44).round() as i32);
    let mut subject = SimSubject {
        id: format!("{code}-{:04}", index + 1),
        site,
        als,
        arm,
        male,
        age_at_baseline: age,
        birth_year: year - age.round() as i32,
        height_cm: height,
        premorbid_weight_kg: premorbid,
        onset_date,
        bulbar_onset: bulbar,
        hypermetabolic: hyper,
        decline_per_month: if als { rate } else { 0.0 },
        decline_before_baseline: if als { natural } else { 0.0 },
        visits: Vec::new(),
        events: SimEvents::default(),
    };
    subject.visits = simulate_visits(rng, &subject, baseline, months_onset);
    subject
}

fn simulate_visits(rng: &mut Rng, s: &SimSubject, baseline: i32, months_onset: f64) -> Vec<SimVisit> {
    let max_visits = if s.als { 13 } else { 9 };
    let weights = if s.bulbar_onset { BULBAR_WEIGHTS } else { SPINAL_WEIGHTS };
    let mut items = [4u8; 12];
    let mut lost = 0u32;
    let mut gastrostomy = false;
    let ree_ratio = if s.hypermetabolic {
        rng.range(1.12, 1.35)
    } else {
        rng.range(0.88, 1.07)
    };
    let weight0 = s.premorbid_weight_kg
        * (1.0
            - if s.als {
                rng.range(0.0, 0.08)
            } else {
                rng.gauss(0.0, 0.01)
            });
    // Patients lose weight with each ALSFRS-R point lost (and more when hypermetabolic), so a
    // greater BMI loss goes with a faster decline; controls' weight drifts.
    let kg_per_point = rng.range(0.15, 0.3);
    let weight_slope = if s.als {
        -(0.1 * f64::from(u8::from(s.hypermetabolic)) + rng.range(0.0, 0.04))
    } else {
        rng.gauss(0.0, 0.03)
    };
    let mut lost_at_baseline = None;
    let fvc0 = if s.als {
        rng.gauss(88.0, 12.0)
    } else {
        rng.gauss(100.0, 10.0)
    };
    let fvc_slope = if s.als { -(0.8 + 1.2 * s.decline_per_month) } else { 0.0 };
    let walk0 = rng.gauss(if s.als { 400.0 } else { 520.0 }, 70.0).max(80.0);
    let walk_slope = if s.als {
        -(3.0 + if s.bulbar_onset { 4.0 } else { 9.0 } * s.decline_per_month)
    } else {
        0.0
    };
    let mut visits = Vec::new();
    let mut date = baseline;
    for k in 0..max_visits {
        if k > 0 {
            date += 91 + rng.gauss(0.0, 7.0).round() as i32;
        }
        let months = f64::from(date - baseline) / 30.44;
        let mut visit = SimVisit {
            date,
            label: if k == 0 {
                "baseline".to_owned()
            } else {
                format!("month_{}", (months / 3.0).round() as i64 * 3)
            },
            ..SimVisit::default()
        };
        if s.als {
            // Deficit so far: pre-baseline decline plus decline since, with visit-to-visit noise.
            let deficit =
                s.decline_before_baseline * 0.9 * months_onset + s.decline_per_month * months + rng.gauss(0.0, 0.6);
            let target = deficit.max(0.0).floor() as u32;
            while lost < target.min(48) {
                let w: Vec<f64> = weights
                    .iter()
                    .zip(&items)
                    .map(|(w, &v)| if v > 0 { *w } else { 0.0 })
                    .collect();
                let Some(i) = rng.weighted(&w) else { break };
                items[i] -= 1;
                lost += 1;
            }
            if !gastrostomy && items[2] <= 1 && rng.chance(0.5) {
                gastrostomy = true;
            }
            visit.items = Some(items);
            visit.gastrostomy = gastrostomy;
        }
        let since_baseline = f64::from(lost - *lost_at_baseline.get_or_insert(lost));
        visit.weight_kg = weight0 + weight_slope * months - kg_per_point * since_baseline + rng.gauss(0.0, 0.6);
        if k % 2 == 0 {
            let predicted = ReeEquation::HarrisBenedict.predict(
                s.male,
                visit.weight_kg,
                s.height_cm,
                s.age_at_baseline + months / 12.0,
            );
            visit.ree_kcal = Some(predicted * ree_ratio * (1.0 + rng.gauss(0.0, 0.03)));
        }
        visit.fvc_percent = Some((fvc0 + fvc_slope * months + rng.gauss(0.0, 3.0)).clamp(12.0, 135.0));
        let can_walk = visit.items.is_none_or(|i| i[7] >= 2);
        visit.six_mwd_m = can_walk.then(|| (walk0 + walk_slope * months + rng.gauss(0.0, 15.0)).max(10.0));
        let total = visit.total();
        visits.push(visit);
        let too_weak = total.is_some_and(|t| t < 12);
        if too_weak || (k > 0 && rng.chance(if s.als { 0.025 } else { 0.02 })) {
            break;
        }
    }
    visits
}

/// Milestones that follow the simulated ALSFRS-R course, drawn from their own stream `rng` so
/// the visits stay as they were: NIV when breathing items fall (item 10 ≤ 1 or item 12 ≤ 3, the
/// item that scores BiPAP use), tracheostomy when item 12 reaches 0 (invasive ventilation),
/// gastrostomy when item 5b replaces 5a; each between the visit that shows it and the one
/// before. Death follows the last visit, sooner and likelier the weaker the last visit and the
/// faster the decline; the others are last contacted up to six months after their last visit.
pub fn simulate_events(rng: &mut Rng, s: &SimSubject) -> SimEvents {
    let cut = days_from_civil(DATA_CUT.0, DATA_CUT.1, DATA_CUT.2).unwrap_or(i32::MAX);
    let mut ev = SimEvents::default();
    let (Some(first), Some(last)) = (s.visits.first(), s.visits.last()) else {
        return ev;
    };
    // A day between visit k − 1 (or 45 days before the first) and visit k.
    let before = |rng: &mut Rng, k: usize| {
        let from = if k == 0 {
            first.date - 45
        } else {
            s.visits[k - 1].date + 1
        };
        let to = s.visits[k].date;
        from + rng.below((to - from).max(0) as usize + 1) as i32
    };
    if s.als {
        for (k, v) in s.visits.iter().enumerate() {
            let Some(items) = v.items else { continue };
            if ev.niv.is_none() && (items[9] <= 1 || items[11] <= 3) && rng.chance(0.85) {
                ev.niv = Some(before(rng, k));
            }
            if ev.tracheostomy.is_none() && items[11] == 0 && rng.chance(0.7) {
                ev.tracheostomy = Some(before(rng, k));
            }
            if ev.gastrostomy.is_none() && v.gastrostomy {
                ev.gastrostomy = Some(before(rng, k));
            }
        }
        let total = f64::from(last.total().unwrap_or(48));
        let (chance, within) = if total < 12.0 {
            (0.9, 150.0)
        } else if total <= 24.0 {
            (0.65, 270.0)
        } else {
            ((0.2 + 0.3 * s.decline_per_month).min(0.7), 420.0)
        };
        if rng.chance(chance) {
            let death = last.date + 15 + rng.range(0.0, within) as i32;
            if death <= cut {
                ev.death = Some(death);
            }
        }
        // Invasive ventilation late in the course for some of the breathless.
        if ev.tracheostomy.is_none() && last.items.is_some_and(|i| i[11] <= 1) && rng.chance(0.3) {
            let at = last.date + 10 + rng.below(80) as i32;
            if at <= cut && ev.death.is_none_or(|d| at < d) {
                ev.tracheostomy = Some(at);
            }
        }
    }
    if ev.death.is_none() && rng.chance(0.6) {
        ev.last_contact = Some((last.date + 1 + rng.below(180) as i32).min(cut).max(last.date));
    }
    ev
}

/// Format a float with `decimals` places and a decimal point or comma.
pub fn num(v: f64, decimals: usize, comma: bool) -> String {
    let s = format!("{v:.decimals$}");
    if comma { s.replace('.', ",") } else { s }
}
