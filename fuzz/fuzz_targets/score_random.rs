//! Fuzz target `score_random`: see `tests/fuzzing.rs` for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dti_tests::fuzzing::score_random(data));
