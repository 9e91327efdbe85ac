//! Fuzz target `request`: see `harness::request` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::request(data);
});
