//! Calendar arithmetic on day counts since 1970-01-01, the one time unit of every table, and
//! the month length every "months since" column is derived with.

/// Days per month, used everywhere months are derived from days (DESIGN.md §1).
pub const DAYS_PER_MONTH: f64 = 30.44;

/// Days since 1970-01-01 of a civil date, or `None` when the date does not exist.
/// (Howard Hinnant's `days_from_civil`.)
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i32::try_from(month).ok()?;
    let d = i32::try_from(day).ok()?;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    // Both are small positive numbers by construction.
    (y, m.unsigned_abs(), d.unsigned_abs())
}

/// ISO text of a day count, for reports and exports.
pub fn iso_from_days(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    iso_from_days((secs / 86_400) as i32)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (empty when not finite or outside ±8000 years), for
/// axes and tooltips that hold days as floats.
pub fn format_day(day: f64) -> String {
    if !day.is_finite() || day.abs() > 3.0e6 {
        return String::new();
    }
    iso_from_days(day.round() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(2021, 2, 29), None);
        for d in [-800_000, -1, 0, 59, 11_017, 20_000, 60_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), Some(d));
        }
    }

    #[test]
    fn float_days_format_as_dates() {
        assert_eq!(
            format_day(f64::from(days_from_civil(2021, 2, 28).unwrap())),
            "2021-02-28"
        );
        assert_eq!(format_day(f64::NAN), "");
    }
}
