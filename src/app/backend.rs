//! TEMPORARY until engine lands
use std::path::Path;

use crate::assessment::{Analysis, ItemAssessment, Suggestion, Decision};
use crate::case::Case;

use super::files::Backend;

pub fn real() -> Backend {
    Backend {
        demo_case: Case::new,
        import,
        analyze,
    }
}

fn import(path: &Path) -> Result<(Case, Vec<String>), String> {
    crate::ingest::load(path)
        .map(|i| (i.case, i.warnings))
        .map_err(|e| e.to_string())
}

fn analyze(case: &Case) -> Analysis {
    Analysis {
        facts: vec![],
        timeline: Default::default(),
        items: case.items.iter().map(|i| ItemAssessment {
            item: i.id,
            request: crate::request::parse(i),
            guideline: None,
            criteria: vec![],
            suggestion: Suggestion { decision: Decision::NotMedicallyNecessary, reasons: vec![], alternative: None },
            rationale_draft: String::new(),
        }).collect(),
        warnings: vec![],
    }
}
