//! Fuzz target `coin_tables`: see `tests/fuzzing.rs` for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dti_tests::fuzzing::coin_tables(data));
