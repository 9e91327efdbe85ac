//! The fuzz targets' inputs, replayed in `cargo test`.
//!
//! 1. Every input kept under `tests/fuzz_regressions/<target>/` (each one
//!    crashed, hung or blew up a target before its fix) goes through the same
//!    body the fuzz target runs (`fuzz/harness.rs`) and must come back
//!    accepted or refused with an error naming the file: a panic fails the
//!    test, a hang never returns.
//! 2. A short in-process smoke: for each target, deterministic pseudo-random
//!    mutations (bit flips, interesting bytes, truncation, splicing,
//!    duplicated or deleted chunks, inserted keywords) of the seeds under
//!    `fuzz/seeds/<target>/` and of the regression inputs. It is what CI runs
//!    instead of libFuzzer (see `scripts/fuzz.sh` for the real fuzzing).

#[path = "../fuzz/harness.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use harness::{Outcome, TARGETS};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir`, sorted by name; none when the folder is absent.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// Runs one input, turning a panic into a failure that names the input.
fn run(target: &str, data: &[u8], what: &str) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| harness::run(target, data))) {
        Ok(Some(outcome)) => {
            if let Outcome::Refused(message) = &outcome {
                assert!(
                    !message.trim().is_empty(),
                    "{what}: refused without a reason"
                );
            }
            outcome
        }
        Ok(None) => panic!("{what}: no fuzz target named {target}"),
        Err(_) => {
            let dump = root().join("target/fuzz-smoke-failures");
            let _ = std::fs::create_dir_all(&dump);
            let file = dump.join(format!("{target}-{}.bin", what.replace(['/', ' '], "_")));
            let _ = std::fs::write(&file, data);
            panic!(
                "{what}: target {target} panicked; input saved to {}",
                file.display()
            );
        }
    }
}

#[test]
fn regression_inputs_replay_without_panic() {
    let dir = root().join("tests/fuzz_regressions");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()));
    // A misspelt folder would be skipped silently: every folder must be a target.
    for path in entries.filter(|p| p.is_dir()) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            TARGETS.contains(&name),
            "{}: not a fuzz target folder (targets: {TARGETS:?})",
            path.display()
        );
    }
    let mut replayed = 0;
    for target in TARGETS {
        for (path, bytes) in files(&dir.join(target)) {
            run(target, &bytes, &path.display().to_string());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression inputs under {}", dir.display());
    eprintln!("replayed {replayed} fuzz regression inputs");
}

#[test]
fn every_target_accepts_its_seeds() {
    for target in TARGETS {
        let seeds = files(&root().join("fuzz/seeds").join(target));
        assert!(!seeds.is_empty(), "fuzz/seeds/{target} holds no seed");
        for (path, bytes) in seeds {
            let outcome = run(target, &bytes, &path.display().to_string());
            assert!(
                matches!(outcome, Outcome::Accepted { parts } if parts > 0),
                "{}: a seed should reach the deep code, got {outcome:?}",
                path.display()
            );
        }
    }
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes and words the parsers branch on.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\x0c",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe2\x80\x99",
    b":",
    b"/",
    b"|",
    b"\x1e",
    b"12/31/2020",
    b"02/30/19",
    b"9999",
    b"/10",
    b" mg",
    b"#90",
    b"L4-5",
    b"Case Number:",
    b"CLINICAL CASE SUMMARY",
    b"IMR ISSUES, DECISIONS AND RATIONALES",
    b": Upheld",
    b": Overturned",
    b"Date of service:",
    b"UTILIZATION REVIEW",
    b"REQUEST FOR AUTHORIZATION",
    b"not ",
    b"year-old",
    b"obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b" 0 R",
    b"<<",
    b">>",
    b"/Length 99999",
    b"xref",
    b"(",
    b")",
    b"[",
    b"]",
    b"\"",
    b"Some(",
    b"format_version: 99",
];

/// Bytes a flipped position becomes.
const INTERESTING: &[u8] = b"\0\xff\n\x0c :/09()<>\\\"";

/// Largest input the smoke builds for `target`. Small inputs keep the smoke
/// to seconds in a debug build (the large regression inputs are replayed
/// whole above); a review file needs room for its seed's whole structure.
fn max_len(target: &str) -> usize {
    if target == "review_ron" {
        48 * 1024
    } else {
        8 * 1024
    }
}

fn mutate(rng: &mut Rng, base: &[u8], other: &[u8], max_len: usize) -> Vec<u8> {
    let mut data = base.to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => data.truncate(rng.below(len + 1)),
            3 => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below(len - start) + 1;
                let chunk = data[start..end].to_vec();
                for _ in 0..1 + rng.below(4) {
                    data.splice(end..end, chunk.iter().copied());
                }
            }
            5 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below(len - start) + 1;
                data.drain(start..end);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                data.splice(at..at, token.iter().copied());
            }
        }
    }
    data.truncate(max_len);
    data
}

/// Mutations per target: about 4,500 in all, a few seconds in a debug build.
fn rounds(target: &str) -> usize {
    match target {
        // Whole analyses and PDF parsing cost the most per input.
        "engine" | "extract" => 300,
        "review_ron" => 150,
        "letter_text" => 400,
        _ => 1200,
    }
}

#[test]
fn mutation_smoke_over_every_target() {
    let mut rng = Rng(0x1D_E5C0_FFEE_0042);
    let mut total = 0;
    for target in TARGETS {
        let mut bases: Vec<Vec<u8>> = files(&root().join("fuzz/seeds").join(target))
            .into_iter()
            .chain(files(&root().join("tests/fuzz_regressions").join(target)))
            .map(|(_, mut bytes)| {
                bytes.truncate(max_len(target) / 2);
                bytes
            })
            .collect();
        bases.push(Vec::new());
        let started = std::time::Instant::now();
        let mut accepted = 0;
        for round in 0..rounds(target) {
            let base = &bases[rng.below(bases.len())];
            let other = &bases[rng.below(bases.len())];
            let input = mutate(&mut rng, base, other, max_len(target));
            if let Outcome::Accepted { .. } = run(target, &input, &format!("smoke {round}")) {
                accepted += 1;
            }
            total += 1;
        }
        eprintln!(
            "{target}: {} mutations, {accepted} accepted, {:?}",
            rounds(target),
            started.elapsed()
        );
        // Mutations that never get past the first check would test nothing.
        assert!(accepted > 0, "{target}: no mutated input was accepted");
    }
    eprintln!("mutation smoke: {total} inputs");
}
