//! How long `eval` takes on the development corpus (the target is under two
//! seconds for the 130 letters in a release build), and the engine alone on
//! one letter's case.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use imrdesk::engine::analyze;
use imrdesk::eval::{evaluate_dir, letter_files};
use imrdesk::guideline::Library;

fn corpus() -> PathBuf {
    std::env::var_os("IMRDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/dev"))
        })
}

fn bench(c: &mut Criterion) {
    let dir = corpus();
    if !dir.is_dir() {
        eprintln!(
            "corpus folder {} not found: eval benchmark skipped",
            dir.display()
        );
        return;
    }
    let Ok(library) = Library::builtin() else {
        eprintln!("built-in guideline library failed to load: benchmark skipped");
        return;
    };
    let mut group = c.benchmark_group("eval");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("evaluate_dir (dev corpus)", |b| {
        b.iter(|| evaluate_dir(&dir, &library).map(|r| r.items).unwrap_or(0))
    });
    let cases: Vec<_> = letter_files(&dir)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| imrdesk::ingest::load(p).ok())
        .map(|i| i.case.without_reference())
        .collect();
    group.bench_function("analyze (all letters, import excluded)", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| analyze(c, &library).items.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
