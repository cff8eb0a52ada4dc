//! Clinical metrics over the visits table.

use polars::prelude::*;

use crate::model::columns as c;

/// Fill `bmi` in kg/m² from `weight_kg` and `height_cm` (Quetelet index) where the file gave no
/// BMI of its own; a BMI that was given is kept as given. `df` needs all three columns.
pub fn fill_bmi(df: &mut DataFrame) -> PolarsResult<()> {
    let values = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.iter().collect())
    };
    let (weight, height, given) = (values(c::WEIGHT_KG)?, values(c::HEIGHT_CM)?, values(c::BMI)?);
    let bmi: Vec<Option<f64>> = given
        .iter()
        .zip(weight.iter().zip(&height))
        .map(|(given, (w, h))| {
            given.or_else(|| {
                // Centimetres to metres as a multiplication by 0.01 (what polars' division by a
                // scalar does), so BMI keeps the bits it had as a polars expression.
                let height_m = (*h)? * (1.0 / 100.0);
                Some((*w)? / (height_m * height_m))
            })
        })
        .collect();
    df.with_column(Column::new(c::BMI.into(), bmi))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmi_fills_only_missing_values() -> PolarsResult<()> {
        let mut df = df![
            c::WEIGHT_KG => [Some(70.0), Some(80.0), None],
            c::HEIGHT_CM => [Some(175.0), Some(180.0), Some(170.0)],
            c::BMI => [None, Some(25.0), None],
        ]?;
        fill_bmi(&mut df)?;
        let bmi: Vec<Option<f64>> = df.column(c::BMI)?.f64()?.iter().collect();
        assert!((bmi[0].unwrap_or_default() - 70.0 / 1.75_f64.powi(2)).abs() < 1e-12);
        assert_eq!(bmi[1], Some(25.0));
        assert_eq!(bmi[2], None);
        Ok(())
    }
}
