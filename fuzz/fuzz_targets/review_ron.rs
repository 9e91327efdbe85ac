//! Fuzz target `review_ron`: see `harness::review_ron` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::review_ron(data);
});
