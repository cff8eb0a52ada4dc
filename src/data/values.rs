//! Cell values: missing codes, numbers with decimal commas, dates in the forms clinics write
//! them (ISO, `dd/mm/yyyy`, `mm/dd/yyyy`, `dd.mm.yyyy`, `2021年3月5日`, Excel serials).

use crate::model::time::days_from_civil;

/// True for the codes that mean "no value": blank, `NA`, `N/A`, `.`, `-`, `-999`, `NULL`, ….
pub fn is_missing(raw: &str) -> bool {
    const CODES: [&str; 11] = [
        "na", "n/a", "nan", ".", "-", "--", "null", "none", "#n/a", "missing", "nd",
    ];
    let s = raw.trim();
    match s.as_bytes().first() {
        None => true,
        // Fast path for the common case, a number: only `-999` among them is a code.
        Some(b) if b.is_ascii_digit() => false,
        Some(_) => s == "-999" || s == "-999.0" || CODES.iter().any(|c| s.eq_ignore_ascii_case(c)),
    }
}

/// What a cell held, read as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Missing,
    Value(f64),
    Invalid,
}

/// Read a number, accepting a decimal comma (`61,5`, `1.234,5`) when the table uses them.
pub fn parse_number(raw: &str, decimal_comma: bool) -> Number {
    let s = raw.trim();
    if is_missing(s) {
        return Number::Missing;
    }
    let parsed = if decimal_comma && s.contains(',') {
        s.replace('.', "").replace(',', ".").parse::<f64>()
    } else if let Some(v) = plain_decimal(s) {
        Ok(v)
    } else {
        s.parse::<f64>()
    };
    match parsed {
        Ok(v) if v.is_finite() => Number::Value(v),
        _ => Number::Invalid,
    }
}

/// Exact powers of ten in an f64.
pub(super) const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A plain decimal, `[-+]digits[.digits]` with at most 15 digits, read without the general
/// parser: the digits and 10^(digits after the point) are exact in an f64, so one division
/// rounds correctly (Clinger's fast path) and gives `str::parse`'s value bit for bit. `None`
/// for anything else, which the general parser reads.
pub(super) fn plain_decimal(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (mut n, mut count, mut frac, mut dot) = (0u64, 0usize, 0usize, None);
    for (i, &byte) in digits.iter().enumerate() {
        if byte.is_ascii_digit() {
            n = n * 10 + u64::from(byte - b'0');
            count += 1;
            frac += usize::from(dot.is_some());
            if count > 15 {
                return None;
            }
        } else if byte == b'.' && dot.is_none() {
            dot = Some(i);
        } else {
            return None;
        }
    }
    // A point needs digits on both sides (`1.` and `.5` are left to the general parser).
    if count == 0 || dot.is_some_and(|d| d == 0 || d + 1 == digits.len()) {
        return None;
    }
    let value = n as f64 / POW10[frac];
    Some(if negative { -value } else { value })
}

/// A date cell split into its parts, before day/month order is decided.
#[derive(Clone, Copy, Debug, PartialEq)]
enum DateParts {
    /// Year first: unambiguous.
    Ymd(i32, u32, u32),
    /// `a/b/yyyy`: day-first or month-first, decided per column.
    Ab { a: u32, b: u32, year: i32, dotted: bool },
    /// A spreadsheet serial day number (days since 1899-12-30).
    Serial(i32),
}

fn split_date(raw: &str) -> Option<DateParts> {
    let s = raw.trim();
    // Drop a time part: `2021-03-05 10:00:00`, `2021-03-05T10:00`.
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return Some(DateParts::Ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && (4..=6).contains(&s.len()) {
        let n: i32 = s.parse().ok()?;
        return (10_000..=80_000).contains(&n).then_some(DateParts::Serial(n));
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        // yyyymmdd
        return Some(DateParts::Ymd(
            s[0..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..8].parse().ok()?,
        ));
    }
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() == 4 {
        return Some(DateParts::Ymd(
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        ));
    }
    let year: i32 = parts[2].parse().ok()?;
    let year = match parts[2].len() {
        4 => year,
        2 => {
            if year > 40 {
                1900 + year
            } else {
                2000 + year
            }
        }
        _ => return None,
    };
    Some(DateParts::Ab {
        a: parts[0].parse().ok()?,
        b: parts[1].parse().ok()?,
        year,
        dotted: sep == '.',
    })
}

/// How one date cell was read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DateCell {
    Missing,
    Invalid,
    /// Days since 1970-01-01; `ambiguous` when day and month could be swapped and nothing in
    /// the column told which is which.
    Date {
        days: i32,
        ambiguous: bool,
    },
}

/// How a date column orders day and month, decided from its unambiguous cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
    /// Both orders are proven by different cells: the column mixes formats.
    Conflicting,
    /// No cell decides; day-first is assumed and every ambiguous cell is flagged.
    Unknown,
}

/// Read a whole date column, deciding day/month order once for the column.
pub fn parse_date_column<'a>(cells: impl Iterator<Item = &'a str> + Clone) -> (Vec<DateCell>, DateOrder) {
    let (mut day_first, mut month_first) = (0usize, 0usize);
    for cell in cells.clone() {
        if let Some(DateParts::Ab { a, b, dotted, .. }) = split_date(cell) {
            if dotted || (a > 12 && b <= 12) {
                day_first += 1;
            } else if b > 12 && a <= 12 {
                month_first += 1;
            }
        }
    }
    let order = match (day_first > 0, month_first > 0) {
        (true, false) => DateOrder::DayFirst,
        (false, true) => DateOrder::MonthFirst,
        (true, true) => DateOrder::Conflicting,
        (false, false) => DateOrder::Unknown,
    };
    let parsed = cells.map(|cell| parse_date_cell(cell, order)).collect();
    (parsed, order)
}

fn parse_date_cell(cell: &str, order: DateOrder) -> DateCell {
    if is_missing(cell) {
        return DateCell::Missing;
    }
    let Some(parts) = split_date(cell) else {
        return DateCell::Invalid;
    };
    let (days, ambiguous) = match parts {
        DateParts::Ymd(y, m, d) => (days_from_civil(y, m, d), false),
        DateParts::Serial(n) => (Some(n - 25_569), false),
        DateParts::Ab { a, b, year, dotted } => {
            let swappable = a <= 12 && b <= 12 && a != b && !dotted;
            let day_first = match order {
                DateOrder::MonthFirst => a > 12 || dotted,
                DateOrder::DayFirst | DateOrder::Unknown | DateOrder::Conflicting => !(b > 12 && a <= 12),
            };
            let (d, m) = if day_first { (a, b) } else { (b, a) };
            let ambiguous = swappable && matches!(order, DateOrder::Unknown | DateOrder::Conflicting);
            (days_from_civil(year, m, d), ambiguous)
        }
    };
    days.map_or(DateCell::Invalid, |days| DateCell::Date { days, ambiguous })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_codes() {
        for s in ["", "  ", "NA", "n/a", ".", "-", "-999", "NULL"] {
            assert!(is_missing(s), "{s:?}");
        }
        assert!(!is_missing("0"));
    }

    #[test]
    fn plain_decimals_are_read_bit_for_bit_as_the_general_parser_reads_them() {
        let mut rng = crate::rng::Rng::new(3);
        for _ in 0..20_000 {
            let digits = 1 + (rng.range(0.0, 17.0) as usize);
            let mut s: String = (0..digits)
                .map(|_| char::from(b'0' + rng.range(0.0, 10.0) as u8))
                .collect();
            if rng.chance(0.7) {
                let at = rng.range(0.0, (digits + 1) as f64) as usize;
                s.insert(at, '.');
            }
            if rng.chance(0.3) {
                s.insert(0, if rng.chance(0.5) { '-' } else { '+' });
            }
            let want = s.parse::<f64>().ok();
            if let Some(got) = plain_decimal(&s) {
                assert_eq!(Some(got.to_bits()), want.map(f64::to_bits), "{s}");
            }
            assert_eq!(
                parse_number(&s, false),
                want.map_or(Number::Invalid, Number::Value),
                "{s}"
            );
        }
        for s in ["1.", ".5", "1e3", "-", "+", "", "1.2.3", "0x1"] {
            assert_eq!(plain_decimal(s), None, "{s}");
        }
        assert_eq!(plain_decimal("-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
        assert_eq!(plain_decimal("62.9"), Some(62.9));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("61,5", true), Number::Value(61.5));
        assert_eq!(parse_number("1.234,5", true), Number::Value(1234.5));
        assert_eq!(parse_number(" 723.0 ", false), Number::Value(723.0));
        assert_eq!(parse_number("-999", false), Number::Missing);
        assert_eq!(parse_number("abc", false), Number::Invalid);
    }

    #[test]
    fn date_columns_decide_order() {
        let (cells, order) = parse_date_column(["05/03/2021", "25/03/2021"].into_iter());
        assert_eq!(order, DateOrder::DayFirst);
        assert_eq!(
            cells[0],
            DateCell::Date {
                days: days_from_civil(2021, 3, 5).unwrap(),
                ambiguous: false
            }
        );
        let (cells, order) = parse_date_column(["05/03/2021", "03/25/2021"].into_iter());
        assert_eq!(order, DateOrder::MonthFirst);
        assert_eq!(
            cells[0],
            DateCell::Date {
                days: days_from_civil(2021, 5, 3).unwrap(),
                ambiguous: false
            }
        );
        let (cells, order) = parse_date_column(["05/03/2021", "07/07/2021"].into_iter());
        assert_eq!(order, DateOrder::Unknown);
        assert!(matches!(cells[0], DateCell::Date { ambiguous: true, .. }));
        assert!(matches!(cells[1], DateCell::Date { ambiguous: false, .. }));
    }

    #[test]
    fn other_date_forms() {
        let d = days_from_civil(2021, 3, 5).unwrap();
        for s in [
            "2021-03-05",
            "2021/3/5",
            "2021年3月5日",
            "05.03.2021",
            "2021-03-05 10:00:00",
            "44260",
            "20210305",
        ] {
            let (cells, _) = parse_date_column(std::iter::once(s));
            assert_eq!(
                cells[0],
                DateCell::Date {
                    days: d,
                    ambiguous: false
                },
                "{s}"
            );
        }
        let (cells, _) = parse_date_column(std::iter::once("2021-02-30"));
        assert_eq!(cells[0], DateCell::Invalid);
    }
}
