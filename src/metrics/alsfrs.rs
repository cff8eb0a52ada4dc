//! ALSFRS-R items, domain subscores and clinical staging (King's, MiToS).
//!
//! Item numbering follows the ALSFRS-R (Cedarbaum 1999): 1 speech, 2 salivation, 3 swallowing,
//! 4 handwriting, 5a/5b cutting food without/with gastrostomy, 6 dressing and hygiene,
//! 7 turning in bed, 8 walking, 9 climbing stairs, 10 dyspnoea, 11 orthopnoea,
//! 12 respiratory insufficiency. Each item scores 0–4; the total is 0–48.

use serde::Serialize;

/// One visit's ALSFRS-R items. `items[i]` is item `i + 1`; item 5 is whichever of 5a/5b was
/// scored (none when both were, which the data-quality rules report).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AlsfrsItems {
    pub items: [Option<f64>; 12],
    /// True when item 5b (with gastrostomy) was scored.
    pub gastrostomy: bool,
}

impl AlsfrsItems {
    /// Items from the 13 visit columns: q1…q4, q5a, q5b, q6…q12.
    pub fn from_columns(q: [Option<f64>; 13]) -> Self {
        let mut items = [None; 12];
        items[..4].copy_from_slice(&q[..4]);
        items[5..].copy_from_slice(&q[6..]);
        let (a, b) = (q[4], q[5]);
        items[4] = match (a, b) {
            (Some(v), None) | (None, Some(v)) => Some(v),
            _ => None,
        };
        Self {
            items,
            gastrostomy: a.is_none() && b.is_some(),
        }
    }

    fn item(&self, n: usize) -> Option<f64> {
        self.items[n - 1]
    }

    fn sum(&self, numbers: &[usize]) -> Option<f64> {
        numbers.iter().map(|&n| self.item(n)).sum()
    }

    /// Sum of all 12 items, when all are present.
    pub fn total(&self) -> Option<f64> {
        self.items.iter().copied().sum()
    }

    /// Bulbar domain: items 1–3 (0–12).
    pub fn bulbar(&self) -> Option<f64> {
        self.sum(&[1, 2, 3])
    }

    /// Fine motor domain: items 4–6 (0–12).
    pub fn fine_motor(&self) -> Option<f64> {
        self.sum(&[4, 5, 6])
    }

    /// Gross motor domain: items 7–9 (0–12).
    pub fn gross_motor(&self) -> Option<f64> {
        self.sum(&[7, 8, 9])
    }

    /// Respiratory domain: items 10–12 (0–12).
    pub fn respiratory(&self) -> Option<f64> {
        self.sum(&[10, 11, 12])
    }
}

/// King's clinical stage estimated from ALSFRS-R (Balendra et al. 2014).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum KingsStage {
    /// Number of regions involved (0–3).
    Regions(u8),
    /// 4A: gastrostomy (item 5b scored).
    Gastrostomy,
    /// 4B: non-invasive ventilation (item 10 = 0 or item 12 < 4).
    Ventilation,
}

impl KingsStage {
    pub fn label(self) -> String {
        match self {
            KingsStage::Regions(n) => n.to_string(),
            KingsStage::Gastrostomy => "4A".to_owned(),
            KingsStage::Ventilation => "4B".to_owned(),
        }
    }

    /// Stage as a number for plots: 4A and 4B are both 4.
    pub fn number(self) -> u8 {
        match self {
            KingsStage::Regions(n) => n,
            KingsStage::Gastrostomy | KingsStage::Ventilation => 4,
        }
    }
}

/// King's stage: 4B when ventilated (item 10 = 0 or item 12 < 4), else 4A when item 5b is
/// scored, else the number of regions involved — bulbar (any of items 1–3 < 4), upper limb
/// (item 4 or 5 < 4), lower limb (item 8 < 4). `None` when an item needed is missing.
pub fn kings_stage(a: &AlsfrsItems) -> Option<KingsStage> {
    let (i10, i12) = (a.item(10), a.item(12));
    if i10 == Some(0.0) || i12.is_some_and(|v| v < 4.0) {
        return Some(KingsStage::Ventilation);
    }
    if a.gastrostomy {
        return Some(KingsStage::Gastrostomy);
    }
    // Without ventilation evidence both items must be known to rule it out.
    i10?;
    i12?;
    let below = |numbers: &[usize]| -> Option<bool> {
        let mut any = false;
        for &n in numbers {
            any |= a.item(n)? < 4.0;
        }
        Some(any)
    };
    let regions = u8::from(below(&[1, 2, 3])?) + u8::from(below(&[4, 5])?) + u8::from(below(&[8])?);
    Some(KingsStage::Regions(regions))
}

/// MiToS stage (Chiò et al. 2015): the number of functional domains lost — walking/self-care
/// (item 8 ≤ 1 or item 6 ≤ 1), swallowing (item 3 ≤ 1), communicating (items 1 ≤ 1 and 4 ≤ 1),
/// breathing (item 10 ≤ 1 or item 12 ≤ 2). 0–4 (5 is death, not derivable from a visit).
pub fn mitos_stage(a: &AlsfrsItems) -> Option<u8> {
    let le = |n: usize, limit: f64| a.item(n).map(|v| v <= limit);
    let walking = le(8, 1.0)? || le(6, 1.0)?;
    let swallowing = le(3, 1.0)?;
    let communicating = le(1, 1.0)? && le(4, 1.0)?;
    let breathing = le(10, 1.0)? || le(12, 2.0)?;
    Some(
        [walking, swallowing, communicating, breathing]
            .iter()
            .map(|&d| u8::from(d))
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: [u8; 12], gastrostomy: bool) -> AlsfrsItems {
        let mut q = [None; 13];
        for (i, s) in v.iter().enumerate() {
            let s = Some(f64::from(*s));
            match i {
                0..4 => q[i] = s,
                4 if gastrostomy => q[5] = s,
                4 => q[4] = s,
                _ => q[i + 1] = s,
            }
        }
        AlsfrsItems::from_columns(q)
    }

    #[test]
    fn domains_and_total() {
        let a = items([4, 3, 2, 4, 3, 2, 4, 3, 2, 4, 4, 4], false);
        assert_eq!(a.total(), Some(39.0));
        assert_eq!(
            (a.bulbar(), a.fine_motor(), a.gross_motor(), a.respiratory()),
            (Some(9.0), Some(9.0), Some(9.0), Some(12.0))
        );
        let mut missing = a;
        missing.items[6] = None;
        assert_eq!(missing.total(), None);
        assert_eq!(missing.gross_motor(), None);
        assert_eq!(missing.bulbar(), Some(9.0));
    }

    #[test]
    fn both_5a_and_5b_leave_item_5_unknown() {
        let mut q = [Some(4.0); 13];
        q[4] = Some(3.0);
        q[5] = Some(2.0);
        let a = AlsfrsItems::from_columns(q);
        assert_eq!(a.items[4], None);
        assert!(!a.gastrostomy);
    }

    #[test]
    fn kings_hand_worked_cases() {
        // No region involved.
        assert_eq!(kings_stage(&items([4; 12], false)), Some(KingsStage::Regions(0)));
        // Bulbar only.
        assert_eq!(
            kings_stage(&items([3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], false)),
            Some(KingsStage::Regions(1))
        );
        // Upper limb via item 5, lower limb via item 8; item 7 and 9 do not count.
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 3, 4, 2, 3, 1, 4, 4, 4], false)),
            Some(KingsStage::Regions(2))
        );
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 4, 4, 0, 4, 0, 4, 4, 4], false)),
            Some(KingsStage::Regions(0))
        );
        // All three regions.
        assert_eq!(
            kings_stage(&items([2, 4, 4, 3, 4, 4, 4, 3, 4, 4, 4, 4], false)),
            Some(KingsStage::Regions(3))
        );
        // 5b scored: 4A, whatever the regions.
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], true)),
            Some(KingsStage::Gastrostomy)
        );
        // Item 12 < 4: 4B, even with gastrostomy.
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3], true)),
            Some(KingsStage::Ventilation)
        );
        // Item 10 = 0: 4B; item 10 = 1 alone is not.
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 4, 4], false)),
            Some(KingsStage::Ventilation)
        );
        assert_eq!(
            kings_stage(&items([4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 4, 4], false)),
            Some(KingsStage::Regions(0))
        );
        assert_eq!(KingsStage::Ventilation.label(), "4B");
    }

    #[test]
    fn mitos_hand_worked_cases() {
        assert_eq!(mitos_stage(&items([4; 12], false)), Some(0));
        // Walking lost via item 6 (dressing) ≤ 1.
        assert_eq!(
            mitos_stage(&items([4, 4, 4, 4, 4, 1, 4, 4, 4, 4, 4, 4], false)),
            Some(1)
        );
        // Communicating needs both items 1 and 4 ≤ 1.
        assert_eq!(
            mitos_stage(&items([1, 4, 4, 2, 4, 4, 4, 4, 4, 4, 4, 4], false)),
            Some(0)
        );
        assert_eq!(
            mitos_stage(&items([1, 4, 4, 1, 4, 4, 4, 4, 4, 4, 4, 4], false)),
            Some(1)
        );
        // Breathing via item 12 ≤ 2 (but not 3); all four domains.
        assert_eq!(
            mitos_stage(&items([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3], false)),
            Some(0)
        );
        assert_eq!(
            mitos_stage(&items([0, 4, 1, 0, 4, 4, 4, 1, 4, 4, 4, 2], false)),
            Some(4)
        );
    }
}
