//! Fuzzes carebook::fuzzing::markdown (see src/fuzzing.rs): no input may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        carebook::fuzzing::markdown(text);
    }
});
