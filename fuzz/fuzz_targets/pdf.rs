//! Fuzz target `pdf`: see `harness::pdf` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::pdf(data);
});
