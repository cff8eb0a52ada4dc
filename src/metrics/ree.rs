//! Resting energy expenditure: predicted REE by the classic equations, and the measured /
//! predicted ratio that defines hypermetabolism in ALS (Desport 2001; Bouteloup 2009).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Default hypermetabolism threshold on measured / predicted REE.
pub const DEFAULT_HYPERMETABOLIC_RATIO: f64 = 1.10;

/// Equation for predicted REE (kcal/day) from weight (kg), height (cm), age (years) and sex.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReeEquation {
    /// Harris & Benedict 1919, the original coefficients.
    #[default]
    HarrisBenedict,
    /// Roza & Shizgal 1984 re-estimation of Harris–Benedict.
    RozaShizgal,
    /// Mifflin, St Jeor et al. 1990.
    MifflinStJeor,
}

impl ReeEquation {
    /// Predicted REE in kcal/day.
    pub fn predict(self, male: bool, weight_kg: f64, height_cm: f64, age_years: f64) -> f64 {
        let (w, h, a) = (weight_kg, height_cm, age_years);
        match (self, male) {
            (ReeEquation::HarrisBenedict, true) => 66.4730 + 13.7516 * w + 5.0033 * h - 6.7550 * a,
            (ReeEquation::HarrisBenedict, false) => 655.0955 + 9.5634 * w + 1.8496 * h - 4.6756 * a,
            (ReeEquation::RozaShizgal, true) => 88.362 + 13.397 * w + 4.799 * h - 5.677 * a,
            (ReeEquation::RozaShizgal, false) => 447.593 + 9.247 * w + 3.098 * h - 4.330 * a,
            (ReeEquation::MifflinStJeor, true) => 10.0 * w + 6.25 * h - 5.0 * a + 5.0,
            (ReeEquation::MifflinStJeor, false) => 10.0 * w + 6.25 * h - 5.0 * a - 161.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReeEquation::HarrisBenedict => "Harris-Benedict 1919",
            ReeEquation::RozaShizgal => "Roza-Shizgal 1984",
            ReeEquation::MifflinStJeor => "Mifflin-St Jeor 1990",
        }
    }
}

impl fmt::Display for ReeEquation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ReeEquation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: String = s.to_lowercase().chars().filter(char::is_ascii_alphabetic).collect();
        match n.as_str() {
            "harrisbenedict" | "hb" => Ok(ReeEquation::HarrisBenedict),
            "rozashizgal" | "rs" => Ok(ReeEquation::RozaShizgal),
            "mifflinstjeor" | "mifflin" | "msj" => Ok(ReeEquation::MifflinStJeor),
            _ => Err(crate::i18n::trf(
                "unknown REE equation `{s}` (harris-benedict, roza-shizgal, mifflin-st-jeor)",
                &[("s", &s)],
            )),
        }
    }
}

/// Measured vs predicted REE: ratio, ΔREE % and the hypermetabolic flag at `threshold`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReeComparison {
    pub predicted_kcal: f64,
    pub ratio: f64,
    /// (measured − predicted) / predicted × 100.
    pub delta_pct: f64,
    pub hypermetabolic: bool,
}

/// Compare a measured REE with the equation's prediction.
pub fn compare(measured_kcal: f64, predicted_kcal: f64, threshold: f64) -> Option<ReeComparison> {
    (predicted_kcal > 0.0).then(|| {
        let ratio = measured_kcal / predicted_kcal;
        ReeComparison {
            predicted_kcal,
            ratio,
            delta_pct: (ratio - 1.0) * 100.0,
            hypermetabolic: ratio > threshold,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equations_by_hand() {
        // 70 kg, 175 cm, 30 years.
        let hb = ReeEquation::HarrisBenedict.predict(true, 70.0, 175.0, 30.0);
        assert!((hb - (66.4730 + 962.612 + 875.5775 - 202.65)).abs() < 1e-9);
        let hbf = ReeEquation::HarrisBenedict.predict(false, 60.0, 165.0, 50.0);
        assert!((hbf - (655.0955 + 573.804 + 305.184 - 233.78)).abs() < 1e-9);
        let rs = ReeEquation::RozaShizgal.predict(true, 70.0, 175.0, 30.0);
        assert!((rs - (88.362 + 937.79 + 839.825 - 170.31)).abs() < 1e-9);
        let msj = ReeEquation::MifflinStJeor.predict(false, 60.0, 165.0, 50.0);
        assert!((msj - (600.0 + 1031.25 - 250.0 - 161.0)).abs() < 1e-9);
        assert_eq!("Mifflin-St Jeor".parse::<ReeEquation>(), Ok(ReeEquation::MifflinStJeor));
        assert!("kleiber".parse::<ReeEquation>().is_err());
    }

    #[test]
    fn hypermetabolism_threshold_is_strict() {
        let c = compare(1650.0, 1500.0, 1.10).expect("comparison");
        assert!((c.ratio - 1.1).abs() < 1e-12);
        assert!((c.delta_pct - 10.0).abs() < 1e-9);
        assert!(!compare(1650.0, 1500.0, 1.10 + 1e-9).expect("c").hypermetabolic);
        assert!(compare(1800.0, 1500.0, 1.10).expect("c").hypermetabolic);
        assert!(!compare(1800.0, 1500.0, 1.20).expect("c").hypermetabolic);
        assert_eq!(compare(1800.0, 0.0, 1.1), None);
    }
}
