//! AFL++ target: see `entry.rs`.

mod entry;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        entry::run(data);
    });
}
