//! Fuzz target `extract`: see `harness::extract` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::extract(data);
});
