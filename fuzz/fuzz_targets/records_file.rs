//! Fuzz target `records_file`: see `harness::records_file` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::records_file(data);
});
