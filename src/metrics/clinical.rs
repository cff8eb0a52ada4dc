//! Clinical metrics as polars expressions over the visits table.

use polars::prelude::*;

use crate::model::columns as c;

/// BMI in kg/m² from `weight_kg` and `height_cm` (Quetelet index), used where the file gave
/// no BMI of its own; a BMI that was given is kept as given.
pub fn bmi_filled() -> Expr {
    let height_m = col(c::HEIGHT_CM) / lit(100.0);
    let computed = col(c::WEIGHT_KG) / (height_m.clone() * height_m);
    when(col(c::BMI).is_null())
        .then(computed)
        .otherwise(col(c::BMI))
        .alias(c::BMI)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmi_fills_only_missing_values() -> PolarsResult<()> {
        let df = df![
            c::WEIGHT_KG => [Some(70.0), Some(80.0), None],
            c::HEIGHT_CM => [Some(175.0), Some(180.0), Some(170.0)],
            c::BMI => [None, Some(25.0), None],
        ]?;
        let out = df.lazy().with_column(bmi_filled()).collect()?;
        let bmi: Vec<Option<f64>> = out.column(c::BMI)?.f64()?.iter().collect();
        assert!((bmi[0].unwrap_or_default() - 70.0 / 1.75_f64.powi(2)).abs() < 1e-12);
        assert_eq!(bmi[1], Some(25.0));
        assert_eq!(bmi[2], None);
        Ok(())
    }
}
