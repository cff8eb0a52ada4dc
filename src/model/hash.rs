//! Hash maps and sets with a fast hasher (foldhash) for the loader's many short string keys
//! (subject ids, column names): std's SipHash resists flooding attacks, which a cohort's own
//! files do not mount, and was a tenth of a large load. Make them with `default()` or
//! `collect()`; iteration order is arbitrary, as with std's.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
