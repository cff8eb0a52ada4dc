//! Natural order of identifiers and labels: runs of digits compare as numbers, so `subject-2`
//! comes before `subject-10` and `visits.csv:9` before `visits.csv:10`. Used wherever subjects,
//! groups or findings are listed.

use std::cmp::Ordering;

/// Compare as a person reads: digit runs by value, the rest as text; ties (`007` and `7`) by
/// plain text, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    // Byte positions: digits are ASCII, so a digit run starts and ends on character boundaries,
    // and comparing UTF-8 bytes orders characters as comparing the characters does.
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        match (x.get(i), y.get(j)) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, next_i) = digit_run(x, i);
                let (n, next_j) = digit_run(y, j);
                // Compare by value: strip leading zeros, then the longer run is larger.
                let (m, n) = (trim_zeros(m), trim_zeros(n));
                let by_value = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (i, j) = (next_i, next_j);
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                i += 1;
                j += 1;
            }
        }
    }
}

/// The digits from `start`, and where they end.
fn digit_run(bytes: &[u8], start: usize) -> (&[u8], usize) {
    let end = bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(bytes.len(), |k| start + k);
    (&bytes[start..end], end)
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let k = digits.iter().position(|b| *b != b'0').unwrap_or(digits.len());
    &digits[k..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition by characters (what the byte-wise version must agree with).
    fn by_chars(a: &str, b: &str) -> Ordering {
        let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
        let digits = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut out = String::new();
            while let Some(c) = it.next_if(char::is_ascii_digit) {
                out.push(c);
            }
            out
        };
        loop {
            match (x.peek().copied(), y.peek().copied()) {
                (None, None) => return a.cmp(b),
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                    let (m, n) = (digits(&mut x), digits(&mut y));
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

    #[test]
    fn bytes_order_as_characters_do() {
        // A small linear congruential generator (the model layer sits below `rng`).
        let mut state = 3u64;
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % below
        };
        let alphabet = ["0", "1", "9", "00", "a", "B", "-", "é", "患", "者", "😀", "_"];
        let mut word = || -> String { (0..next(6)).map(|_| alphabet[next(alphabet.len())]).collect() };
        for _ in 0..5000 {
            let (a, b) = (word(), word());
            assert_eq!(natural_cmp(&a, &b), by_chars(&a, &b), "{a:?} vs {b:?}");
        }
    }

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
