//! Natural order of identifiers and labels: runs of digits compare as numbers, so `subject-2`
//! comes before `subject-10` and `visits.csv:9` before `visits.csv:10`. Used wherever subjects,
//! groups or findings are listed.

use std::cmp::Ordering;

/// Compare as a person reads: digit runs by value, the rest as text; ties (`007` and `7`) by
/// plain text, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, n) = (digits(&mut x), digits(&mut y));
                // Compare by value: strip leading zeros, then the longer run is larger.
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let by_value = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

fn digits(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut out = String::new();
    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
        out.push(c);
        it.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let mut v = vec![
            "10",
            "2",
            "1",
            "subject-10",
            "subject-2",
            "visits.csv:9x",
            "visits.csv:10",
            "007",
            "7",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "1",
                "2",
                "007",
                "7",
                "10",
                "subject-2",
                "subject-10",
                "visits.csv:9x",
                "visits.csv:10"
            ]
        );
        // Longer than any integer type still compares by value.
        assert_eq!(
            natural_cmp("id99999999999999999999999", "id100000000000000000000000"),
            Ordering::Less
        );
    }
}
