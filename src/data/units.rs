//! Units of the measures we convert on load: weight to kg, height to cm, energy to kcal/day.

use serde::Serialize;

/// A unit named in a header (`Weight (lb)`), a units column (PRO-ACT `Weight_Units`) or a
/// synonym (`weight_kg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Kilogram,
    Pound,
    Centimetre,
    Metre,
    Inch,
    Kcal,
    KiloJoule,
}

/// Pounds to kilograms (exact definition of the avoirdupois pound).
pub const KG_PER_LB: f64 = 0.453_592_37;
/// Inches to centimetres (exact).
pub const CM_PER_INCH: f64 = 2.54;
/// Kilojoules per kilocalorie (thermochemical calorie).
pub const KJ_PER_KCAL: f64 = 4.184;

impl Unit {
    /// Read a unit name as written in headers and PRO-ACT units columns (any case).
    pub fn parse(text: &str) -> Option<Unit> {
        let t: String = text
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let t = t
            .trim_end_matches("/day")
            .trim_end_matches("/d")
            .trim_end_matches("perday");
        Some(match t {
            "kg" | "kgs" | "kilogram" | "kilograms" | "公斤" | "千克" => Unit::Kilogram,
            "lb" | "lbs" | "pound" | "pounds" => Unit::Pound,
            "cm" | "centimeter" | "centimeters" | "centimetre" | "centimetres" | "厘米" => Unit::Centimetre,
            "m" | "meter" | "meters" | "metre" | "metres" | "米" => Unit::Metre,
            "in" | "inch" | "inches" => Unit::Inch,
            "kcal" | "kcals" | "kilocalories" | "cal" | "千卡" => Unit::Kcal,
            "kj" | "kilojoule" | "kilojoules" | "千焦" => Unit::KiloJoule,
            _ => return None,
        })
    }

    /// The value in the app's standard unit for its quantity (kg, cm, kcal/day).
    pub fn to_standard(self, value: f64) -> f64 {
        match self {
            Unit::Kilogram | Unit::Centimetre | Unit::Kcal => value,
            Unit::Pound => value * KG_PER_LB,
            Unit::Metre => value * 100.0,
            Unit::Inch => value * CM_PER_INCH,
            Unit::KiloJoule => value / KJ_PER_KCAL,
        }
    }

    /// True when this unit measures the same quantity as `other`.
    pub fn same_quantity(self, other: Unit) -> bool {
        self.quantity() == other.quantity()
    }

    fn quantity(self) -> u8 {
        match self {
            Unit::Kilogram | Unit::Pound => 0,
            Unit::Centimetre | Unit::Metre | Unit::Inch => 1,
            Unit::Kcal | Unit::KiloJoule => 2,
        }
    }

    /// Short label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Kilogram => "kg",
            Unit::Pound => "lb",
            Unit::Centimetre => "cm",
            Unit::Metre => "m",
            Unit::Inch => "in",
            Unit::Kcal => "kcal/day",
            Unit::KiloJoule => "kJ/day",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_convert() {
        assert_eq!(Unit::parse("Pounds"), Some(Unit::Pound));
        assert_eq!(Unit::parse("kJ/day"), Some(Unit::KiloJoule));
        assert!((Unit::Pound.to_standard(150.0) - 68.038_855_5).abs() < 1e-6);
        assert!((Unit::Inch.to_standard(70.0) - 177.8).abs() < 1e-9);
        assert!((Unit::KiloJoule.to_standard(6276.0) - 1500.0).abs() < 1e-9);
        assert!(Unit::Metre.same_quantity(Unit::Inch));
        assert_eq!(Unit::parse("furlongs"), None);
    }
}
