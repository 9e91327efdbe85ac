//! Fuzz target `letter_text`: see `harness::letter_text` for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::letter_text(data);
});
