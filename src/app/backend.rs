//! The real importers and engine behind the window.

use std::path::Path;

use crate::assessment::Analysis;
use crate::case::Case;

use super::files::Backend;

/// Importers from `ingest`, the demo case, and the engine.
pub fn real() -> Backend {
    Backend {
        demo_case: crate::ingest::demo_case_as_of,
        import,
        analyze,
    }
}

fn import(path: &Path) -> Result<(Case, Vec<String>), String> {
    crate::ingest::load(path)
        .map(|i| (i.case, i.warnings))
        .map_err(|e| e.to_string())
}

fn analyze(case: &Case, library: &crate::guideline::Library) -> Analysis {
    let facts = crate::extract::extract_case(case);
    let timeline = crate::timeline::build(case, &facts);
    crate::engine::analyze_with_facts(case, library, facts, timeline)
}
