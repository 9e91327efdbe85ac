//! Runs `eval` on the development corpus and holds the metrics at or above
//! the figures reached, so a rule change cannot silently make them worse.
//! Set `IMRDESK_EVAL_DETAIL=1` to print every disagreement.

mod common;

use imrdesk::eval::{evaluate_dir, render_table};
use imrdesk::guideline::Library;

#[test]
fn eval_on_dev_corpus_meets_floors() {
    let Some(dir) = common::corpus_dir("eval corpus test") else {
        return;
    };
    let library = Library::builtin().expect("built-in library loads");
    let report = evaluate_dir(&dir, &library).expect("eval runs");
    println!("{}", render_table(&report));
    if std::env::var_os("IMRDESK_EVAL_DETAIL").is_some() {
        for d in &report.disagreements {
            println!(
                "{} | {} | {} | {:?} | engine {} expert {}",
                d.letter, d.item, d.category, d.guideline, d.engine, d.expert
            );
        }
    }
    assert!(
        report.failures.is_empty(),
        "unreadable letters: {:?}",
        report.failures
    );
    assert!(report.letters >= 100, "letters {}", report.letters);
    assert!(report.items >= 250, "items {}", report.items);
    // Floors at the figures reached with general rules (raise them as rules improve).
    assert!(report.accuracy >= 0.95, "accuracy {:.3}", report.accuracy);
    assert!(
        report.balanced_accuracy >= 0.82,
        "balanced accuracy {:.3}",
        report.balanced_accuracy
    );
    assert!(report.kappa >= 0.69, "kappa {:.3}", report.kappa);
    assert!(
        report.citation_agreement >= 0.74,
        "citation agreement {:.3}",
        report.citation_agreement
    );
    assert!(report.coverage >= 0.95, "coverage {:.3}", report.coverage);
}
