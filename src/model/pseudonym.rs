//! Pseudonymised IDs: every subject and sample ID of a loaded cohort replaced, before anything
//! reads it, by a keyed hash of itself (HMAC-SHA-256, RFC 2104), so views, tooltips, tables,
//! figures, exports and reports never see an original ID, and a subject keeps its pseudonym
//! wherever the same key is used (the key is kept in the session). Optionally every date of a
//! subject moves by one offset of its own (from the same key), which keeps every interval.
//!
//! IDs are replaced in the ID columns, in any other text column whose values are all IDs
//! (QIIME 2's `host_subject_id`), in the abundance table, in given distance matrices and PCoAs,
//! and in load findings: their subject, sample and value, and each ID (and, with shifted dates,
//! each ISO date) quoted in their message. Nothing else changes.

use std::collections::HashMap;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::{Cohort, Finding, columns};

/// The secret a cohort's pseudonyms come from: 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey([u8; 32]);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never printed: whoever has the key can test a guessed ID against a pseudonym.
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    /// A fresh key from the operating system's random source.
    pub fn random() -> Result<Self, String> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| crate::i18n::trf("no random source for a pseudonym key: {e}", &[("e", &e)]))?;
        Ok(Self(key))
    }

    /// The key as 64 hexadecimal digits (how a session file keeps it).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// A key from 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return Err(crate::i18n::tr("a pseudonym key is 64 hexadecimal digits").to_owned());
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16)
                .map_err(|_| crate::i18n::tr("a pseudonym key is 64 hexadecimal digits").to_owned())?;
        }
        Ok(Self(key))
    }

    /// HMAC-SHA-256 of `message` under this key (RFC 2104).
    fn mac(&self, message: &[&[u8]]) -> [u8; 32] {
        const BLOCK: usize = 64;
        let mut inner_pad = [0x36u8; BLOCK];
        let mut outer_pad = [0x5cu8; BLOCK];
        for (i, k) in self.0.iter().enumerate() {
            inner_pad[i] ^= k;
            outer_pad[i] ^= k;
        }
        let mut inner = Sha256::new();
        inner.update(inner_pad);
        for part in message {
            inner.update(part);
        }
        let mut outer = Sha256::new();
        outer.update(outer_pad);
        outer.update(inner.finalize());
        outer.finalize().into()
    }
}

/// How a loaded cohort is pseudonymised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pseudonyms {
    pub key: PseudonymKey,
    /// Move each subject's dates by an offset of its own (±1 to 365 days).
    pub shift_dates: bool,
}

/// Crockford's base 32: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Pseudonyms {
    /// The pseudonym of a subject ID: `S-` and ten characters (50 bits) of its keyed hash.
    pub fn subject(&self, id: &str) -> String {
        format!("S-{}", self.code(b"subject", id))
    }

    /// The pseudonym of a sample ID: `X-` and ten characters of its keyed hash.
    pub fn sample(&self, id: &str) -> String {
        format!("X-{}", self.code(b"sample", id))
    }

    fn code(&self, kind: &[u8], id: &str) -> String {
        let mac = self.key.mac(&[kind, b"\0", id.as_bytes()]);
        let bits = u64::from_be_bytes([mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mac[6], mac[7]]);
        (0..10)
            .map(|i| char::from(ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize]))
            .collect()
    }

    /// The days a subject's dates move by: 1 to 365, earlier or later, never 0.
    pub fn day_shift(&self, subject: &str) -> i32 {
        let mac = self.key.mac(&[b"shift\0", subject.as_bytes()]);
        let magnitude = i32::from(u16::from_be_bytes([mac[0], mac[1]]) % 365) + 1;
        if mac[2] & 1 == 0 { magnitude } else { -magnitude }
    }

    /// Replace every subject and sample ID of `cohort` (and shift its dates when asked).
    pub fn apply(&self, cohort: &mut Cohort) -> PolarsResult<()> {
        let ids = Ids::of(cohort, self);
        if self.shift_dates {
            for frame in [&mut cohort.subjects, &mut cohort.visits, &mut cohort.samples] {
                self.shift_frame(frame)?;
            }
        }
        for frame in [&mut cohort.subjects, &mut cohort.visits, &mut cohort.samples] {
            ids.rename_frame(frame)?;
        }
        if let Some(table) = &mut cohort.abundances {
            for id in &mut table.sample_ids {
                *id = ids.sample(id);
            }
        }
        for given in &mut cohort.distances {
            for id in &mut given.value.ids {
                *id = ids.sample(id);
            }
        }
        for given in &mut cohort.ordinations {
            for id in &mut given.value.ids {
                *id = ids.sample(id);
            }
        }
        for finding in &mut cohort.findings {
            self.finding(finding, &ids);
        }
        Ok(())
    }

    /// Every date column of a frame with subject IDs moved by its subject's offset.
    fn shift_frame(&self, frame: &mut DataFrame) -> PolarsResult<()> {
        let Ok(subjects) = frame.column(columns::SUBJECT_ID).and_then(|c| c.str().cloned()) else {
            return Ok(());
        };
        let offsets: Vec<Option<i32>> = subjects.iter().map(|s| s.map(|s| self.day_shift(s))).collect();
        for name in columns_of(frame, &DataType::Date) {
            let days = frame.column(&name)?.to_physical_repr();
            let days = days.i32()?;
            let shifted: Int32Chunked = days
                .iter()
                .zip(&offsets)
                .map(|(d, o)| d.map(|d| d + o.unwrap_or(0)))
                .collect();
            let column = shifted
                .into_series()
                .cast(&DataType::Date)?
                .with_name(name.as_str().into());
            frame.replace(&name, column.into_column())?;
        }
        Ok(())
    }

    /// A load finding with its IDs (and dates) replaced.
    fn finding(&self, finding: &mut Finding, ids: &Ids) {
        let shift = if self.shift_dates {
            finding.subject.as_deref().map(|s| self.day_shift(s))
        } else {
            None
        };
        finding.message = ids.replace_in(&finding.message, shift);
        if let Some(value) = &mut finding.value {
            *value = ids.replace_in(value, shift);
        }
        if let Some(subject) = &mut finding.subject {
            *subject = ids.subject(subject);
        }
        if let Some(sample) = &mut finding.sample {
            *sample = ids.sample(sample);
        }
    }
}

/// Every ID of a cohort with its pseudonym.
struct Ids {
    subjects: HashMap<String, String>,
    samples: HashMap<String, String>,
    pseudonyms: Pseudonyms,
}

impl Ids {
    fn of(cohort: &Cohort, pseudonyms: &Pseudonyms) -> Self {
        let mut ids = Ids {
            subjects: HashMap::new(),
            samples: HashMap::new(),
            pseudonyms: pseudonyms.clone(),
        };
        for frame in [&cohort.subjects, &cohort.visits, &cohort.samples] {
            for (column, subject) in [(columns::SUBJECT_ID, true), (columns::SAMPLE_ID, false)] {
                if let Ok(values) = frame.column(column).and_then(|c| c.str().cloned()) {
                    for id in values.iter().flatten() {
                        ids.add(id, subject);
                    }
                }
            }
        }
        for id in cohort.abundances.iter().flat_map(|t| &t.sample_ids) {
            ids.add(id, false);
        }
        for id in cohort.distances.iter().flat_map(|g| &g.value.ids) {
            ids.add(id, false);
        }
        for id in cohort.ordinations.iter().flat_map(|g| &g.value.ids) {
            ids.add(id, false);
        }
        for f in &cohort.findings {
            if let Some(s) = &f.subject {
                ids.add(s, true);
            }
            if let Some(s) = &f.sample {
                ids.add(s, false);
            }
        }
        ids
    }

    fn add(&mut self, id: &str, subject: bool) {
        let (map, made) = if subject {
            (&mut self.subjects, self.pseudonyms.subject(id))
        } else {
            (&mut self.samples, self.pseudonyms.sample(id))
        };
        map.entry(id.to_owned()).or_insert(made);
    }

    fn subject(&self, id: &str) -> String {
        self.subjects
            .get(id)
            .cloned()
            .unwrap_or_else(|| self.pseudonyms.subject(id))
    }

    fn sample(&self, id: &str) -> String {
        self.samples
            .get(id)
            .cloned()
            .unwrap_or_else(|| self.pseudonyms.sample(id))
    }

    /// The pseudonym of a known ID (subjects first).
    fn known(&self, id: &str) -> Option<&String> {
        self.subjects.get(id).or_else(|| self.samples.get(id))
    }

    /// The ID columns, and every other text column holding only IDs, replaced.
    fn rename_frame(&self, frame: &mut DataFrame) -> PolarsResult<()> {
        for name in columns_of(frame, &DataType::String) {
            let values = frame.column(&name)?.str()?.clone();
            let renamed: StringChunked = if name == columns::SUBJECT_ID {
                values.iter().map(|v| v.map(|v| self.subject(v))).collect()
            } else if name == columns::SAMPLE_ID {
                values.iter().map(|v| v.map(|v| self.sample(v))).collect()
            } else if values.iter().flatten().next().is_some()
                && values.iter().flatten().all(|v| self.subjects.contains_key(v))
            {
                values.iter().map(|v| v.map(|v| self.subject(v))).collect()
            } else if values.iter().flatten().next().is_some()
                && values.iter().flatten().all(|v| self.samples.contains_key(v))
            {
                values.iter().map(|v| v.map(|v| self.sample(v))).collect()
            } else {
                continue;
            };
            frame.replace(
                &name,
                renamed.into_series().with_name(name.as_str().into()).into_column(),
            )?;
        }
        Ok(())
    }

    /// `text` with each known ID replaced by its pseudonym, and each ISO date moved by `shift`
    /// days. IDs are matched as whole words of letters, digits and `_.-`, with a sentence's
    /// final full stop or a quote around them.
    fn replace_in(&self, text: &str, shift: Option<i32>) -> String {
        let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-');
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let start = rest.find(is_word).unwrap_or(rest.len());
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
            let word = &rest[..end];
            rest = &rest[end..];
            out.push_str(&self.replace_word(word, shift));
        }
        out
    }

    fn replace_word(&self, word: &str, shift: Option<i32>) -> String {
        // The word as a whole, then without trailing full stops (end of a sentence).
        let trimmed = word.trim_end_matches('.');
        for candidate in [word, trimmed] {
            if let Some(p) = self.known(candidate) {
                return format!("{p}{}", &word[candidate.len()..]);
            }
        }
        if let Some(shift) = shift
            && let Some(day) = iso_day(trimmed)
        {
            return format!(
                "{}{}",
                super::time::format_day(f64::from(day + shift)),
                &word[trimmed.len()..]
            );
        }
        word.to_owned()
    }
}

/// The names of `frame`'s columns of type `dtype`.
fn columns_of(frame: &DataFrame, dtype: &DataType) -> Vec<String> {
    frame
        .columns()
        .iter()
        .filter(|c| c.dtype() == dtype)
        .map(|c| c.name().to_string())
        .collect()
}

/// Bytes as lower-case hexadecimal digits (keys, checksums).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn iso_day(word: &str) -> Option<i32> {
    let b = word.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| word.get(r)?.parse::<i32>().ok();
    let month = u32::try_from(number(5..7)?).ok()?;
    let day = u32::try_from(number(8..10)?).ok()?;
    super::time::days_from_civil(number(0..4)?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PseudonymKey {
        PseudonymKey::from_hex(&"0b".repeat(32)).expect("hex")
    }

    #[test]
    fn the_keyed_hash_is_hmac_sha256() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?" — our keys are
        // 32 bytes, so "Jefe" zero-padded to 32 bytes (HMAC pads keys with zeros to the block).
        let mut padded = [0u8; 32];
        padded[..4].copy_from_slice(b"Jefe");
        let mac = PseudonymKey(padded).mac(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pseudonyms_are_stable_per_key_and_differ_between_keys_and_kinds() {
        let p = Pseudonyms {
            key: key(),
            shift_dates: false,
        };
        let other = Pseudonyms {
            key: PseudonymKey::from_hex(&"0c".repeat(32)).expect("hex"),
            shift_dates: false,
        };
        assert_eq!(p.subject("P001"), p.subject("P001"));
        assert_ne!(p.subject("P001"), p.subject("P002"));
        assert_ne!(p.subject("P001"), other.subject("P001"));
        assert_eq!(&p.sample("P001")[2..].len(), &10);
        assert!(p.subject("P001").starts_with("S-") && p.sample("P001").starts_with("X-"));
        assert_ne!(p.subject("P001")[2..], p.sample("P001")[2..]);
        for s in ["P001", "P002", "受试者-7"] {
            let shift = p.day_shift(s);
            assert!(shift != 0 && shift.abs() <= 365, "{shift}");
        }
        assert_eq!(PseudonymKey::from_hex(&key().to_hex()), Ok(key()));
        assert!(PseudonymKey::from_hex("abc").is_err());
        assert!(!format!("{:?}", key()).contains("0b0b"));
    }

    #[test]
    fn ids_in_messages_are_replaced_as_whole_words_and_dates_shift() {
        let p = Pseudonyms {
            key: key(),
            shift_dates: true,
        };
        let mut ids = Ids {
            subjects: HashMap::new(),
            samples: HashMap::new(),
            pseudonyms: p.clone(),
        };
        ids.add("P01", true);
        ids.add("P01.s1", false);
        let text = ids.replace_in("subject P01 (not P010) has sample P01.s1 on 2021-03-04.", Some(10));
        assert_eq!(
            text,
            format!(
                "subject {} (not P010) has sample {} on 2021-03-14.",
                p.subject("P01"),
                p.sample("P01.s1")
            )
        );
    }
}
