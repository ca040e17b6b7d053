//! Fuzzes carebook::fuzzing::site (see src/fuzzing.rs): a whole small site
//! built in memory from the input. Run with -timeout and -rss_limit_mb
//! (scripts/fuzz.sh does) so hangs and memory blow-ups are found, not only
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        carebook::fuzzing::site(text);
    }
});
