//! Load-time checks of guideline files. A mistake in a guideline changes
//! decisions silently, so every check fails loudly with the file and line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::fact::FactKind;

use super::GuidelineError;
use super::schema::{Guideline, Rule};

/// The (kind, concept) pairs the guideline rules were written against, from
/// the extractor's brief. Validation checks rules against the extractor's own
/// `extract::vocabulary()`; this list lets a test show that every concept the
/// rules rely on is one the extractor emits. Medication facts use the generic
/// drug name as concept, so any concept is accepted for that kind.
pub fn known_concepts() -> &'static [(FactKind, &'static str)] {
    use FactKind::*;
    &[
        (ExamFinding, "straight_leg_raise"),
        (ExamFinding, "spurling"),
        (ExamFinding, "hawkins"),
        (ExamFinding, "neer"),
        (ExamFinding, "tinel"),
        (ExamFinding, "phalen"),
        (ExamFinding, "mcmurray"),
        (ExamFinding, "drawer"),
        (ExamFinding, "sensory_deficit"),
        (ExamFinding, "motor_weakness"),
        (ExamFinding, "reflex_change"),
        (ExamFinding, "range_of_motion_limited"),
        (ExamFinding, "tenderness"),
        (ExamFinding, "spasm"),
        (ExamFinding, "antalgic_gait"),
        (Symptom, "pain"),
        (Symptom, "radiating_pain"),
        (Symptom, "numbness"),
        (Symptom, "tingling"),
        (Symptom, "weakness"),
        (Symptom, "instability"),
        (Symptom, "locking"),
        (Diagnosis, "radiculopathy"),
        (Diagnosis, "disc_herniation"),
        (Diagnosis, "stenosis"),
        (Diagnosis, "sprain_strain"),
        (Diagnosis, "meniscus_tear"),
        (Diagnosis, "rotator_cuff_tear"),
        (Diagnosis, "impingement"),
        (Diagnosis, "carpal_tunnel"),
        (Diagnosis, "osteoarthritis"),
        (Diagnosis, "neuropathy"),
        (Diagnosis, "fracture"),
        (Diagnosis, "crps"),
        (Diagnosis, "myofascial_pain"),
        (Diagnosis, "depression"),
        (Diagnosis, "insomnia"),
        (Diagnosis, "gi_disorder"),
        (Imaging, "mri"),
        (Imaging, "ct"),
        (Imaging, "x_ray"),
        (Imaging, "ultrasound"),
        (Imaging, "bone_scan"),
        (Electrodiagnostic, "emg"),
        (Electrodiagnostic, "ncs"),
        (Therapy, "physical_therapy"),
        (Therapy, "chiropractic"),
        (Therapy, "acupuncture"),
        (Therapy, "home_exercise"),
        (Therapy, "tens"),
        (Therapy, "massage"),
        (Therapy, "aquatic_therapy"),
        (Injection, "epidural_steroid"),
        (Injection, "facet"),
        (Injection, "trigger_point"),
        (Injection, "cortisone"),
        (Injection, "prp"),
        (Surgery, "surgery"),
        (Surgery, "fusion"),
        (Surgery, "arthroscopy"),
        (Surgery, "discectomy"),
        (Surgery, "laminectomy"),
        (Surgery, "rotator_cuff_repair"),
        (Surgery, "carpal_tunnel_release"),
        (Surgery, "meniscectomy"),
        (Surgery, "arthroplasty"),
        (FunctionalImprovement, "functional_improvement"),
        (Therapy, "failed_conservative_care"),
        (PainScore, "pain_score"),
        (WorkStatus, "ttd"),
        (WorkStatus, "modified_duty"),
        (WorkStatus, "full_duty"),
        (WorkStatus, "permanent_stationary"),
        (RedFlag, "red_flag"),
        (RedFlag, "cauda_equina"),
        (RedFlag, "infection"),
        (RedFlag, "tumor"),
        (RedFlag, "progressive_neuro_deficit"),
        (RedFlag, "bowel_bladder"),
        (DrugMonitoring, "urine_drug_screen"),
        (DrugMonitoring, "cures"),
        (DrugMonitoring, "opioid_agreement"),
        (DrugMonitoring, "aberrant_behavior"),
        (Demographics, "age"),
        (Demographics, "sex"),
        (InjuryDate, "injury_date"),
        (InjuryMechanism, "fall"),
        (InjuryMechanism, "lifting"),
        (InjuryMechanism, "motor_vehicle"),
        (InjuryMechanism, "repetitive"),
        (InjuryMechanism, "struck"),
        (InjuryMechanism, "other"),
        (Request, "rfa"),
        (UtilizationReview, "ur_decision"),
    ]
}

fn concept_known(kind: FactKind, concept: &str) -> bool {
    kind == FactKind::Medication
        || crate::extract::vocabulary()
            .iter()
            .any(|(k, c)| *k == kind && *c == concept)
}

/// The 1-based line of the first occurrence of `needle` in `text` (line 1 if absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|pos| text[..pos].matches('\n').count() + 1)
        .unwrap_or(1)
}

fn invalid(file: &Path, text: &str, needle: &str, cause: String) -> GuidelineError {
    GuidelineError::Invalid {
        file: file.to_path_buf(),
        line: line_of(text, needle),
        cause,
    }
}

/// Checks one parsed guideline against its own text.
pub(super) fn check_guideline(
    file: &Path,
    text: &str,
    g: &Guideline,
) -> Result<(), GuidelineError> {
    if g.id.trim().is_empty() {
        return Err(invalid(
            file,
            text,
            "id",
            "the guideline id is empty".into(),
        ));
    }
    if g.sources.is_empty() {
        return Err(invalid(
            file,
            text,
            "sources",
            format!("guideline {} cites no source", g.id),
        ));
    }
    if g.statement.trim().is_empty() {
        return Err(invalid(
            file,
            text,
            "statement",
            format!("guideline {} has an empty statement", g.id),
        ));
    }
    if g.criteria.is_empty() {
        return Err(invalid(
            file,
            text,
            "criteria",
            format!("guideline {} has no criteria", g.id),
        ));
    }
    let mut seen = HashSet::new();
    for c in &g.criteria {
        let quoted = format!("\"{}\"", c.id);
        if c.id.trim().is_empty() || c.question.trim().is_empty() {
            return Err(invalid(
                file,
                text,
                &quoted,
                format!("a criterion of {} has an empty id or question", g.id),
            ));
        }
        if !seen.insert(c.id.as_str()) {
            return Err(GuidelineError::Invalid {
                file: file.to_path_buf(),
                line: nth_line_of(text, &quoted, 2),
                cause: format!("criterion id {} appears twice", c.id),
            });
        }
        check_rule(file, text, &c.id, &c.rule)?;
    }
    for id in g.decision.referenced_ids() {
        if g.criterion(id).is_none() {
            return Err(invalid(
                file,
                text,
                &format!("{id}\""),
                format!(
                    "the decision rule names criterion {id}, which {} does not define",
                    g.id
                ),
            ));
        }
    }
    if g.decision.paths.is_empty() && g.decision.at_least.is_none() && !g.decision.not_recommended {
        return Err(invalid(
            file,
            text,
            "decision",
            format!(
                "guideline {} has a decision rule with no path to a decision",
                g.id
            ),
        ));
    }
    if g.decision.paths.iter().any(|p| p.is_empty()) {
        return Err(invalid(
            file,
            text,
            "paths",
            format!("guideline {} has an empty decision path", g.id),
        ));
    }
    Ok(())
}

fn nth_line_of(text: &str, needle: &str, n: usize) -> usize {
    let mut from = 0;
    let mut found = None;
    for _ in 0..n {
        match text[from..].find(needle) {
            Some(pos) => {
                found = Some(from + pos);
                from += pos + needle.len();
            }
            None => break,
        }
    }
    found
        .map(|pos| text[..pos].matches('\n').count() + 1)
        .unwrap_or(1)
}

fn check_rule(file: &Path, text: &str, criterion: &str, rule: &Rule) -> Result<(), GuidelineError> {
    match rule {
        Rule::Fact { kind, concepts, .. } => {
            if concepts.is_empty() {
                return Err(invalid(
                    file,
                    text,
                    &format!("\"{criterion}\""),
                    format!("criterion {criterion}: a Fact rule needs at least one concept"),
                ));
            }
            for c in concepts {
                if !concept_known(*kind, c) {
                    return Err(invalid(
                        file,
                        text,
                        &format!("\"{c}\""),
                        format!(
                            "criterion {criterion}: unknown concept {c:?} for fact kind {kind:?}"
                        ),
                    ));
                }
            }
        }
        Rule::Phrase { terms, .. }
            if terms.is_empty() || terms.iter().any(|t| t.trim().is_empty()) =>
        {
            return Err(invalid(
                file,
                text,
                &format!("\"{criterion}\""),
                format!("criterion {criterion}: a Phrase rule needs non-empty terms"),
            ));
        }
        Rule::AnyOf(rules) => {
            if rules.is_empty() {
                return Err(invalid(
                    file,
                    text,
                    &format!("\"{criterion}\""),
                    format!("criterion {criterion}: AnyOf needs at least one rule"),
                ));
            }
            for r in rules {
                check_rule(file, text, criterion, r)?;
            }
        }
        Rule::InitialPostoperativeCourse {
            operations,
            otherwise,
        } => {
            let bad = operations.iter().find(|o| {
                o.visits == 0 || o.weeks == 0 || o.terms.iter().all(|t| t.trim().is_empty())
            });
            if operations.is_empty() || *otherwise == 0 || bad.is_some() {
                let what = bad.map_or(String::new(), |o| format!(" ({})", o.name));
                return Err(invalid(
                    file,
                    text,
                    &format!("\"{criterion}\""),
                    format!(
                        "criterion {criterion}: InitialPostoperativeCourse needs operations, each \
                         with terms and non-zero visits and weeks, and a non-zero otherwise{what}"
                    ),
                ));
            }
        }
        Rule::RequestMentions(words) if words.is_empty() => {
            return Err(invalid(
                file,
                text,
                &format!("\"{criterion}\""),
                format!("criterion {criterion}: RequestMentions needs at least one word"),
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Checks across files: unique ids and `see_also` ids that exist.
pub(super) fn check_library(parsed: &[(PathBuf, &str, Guideline)]) -> Result<(), GuidelineError> {
    let mut ids: HashSet<&str> = HashSet::new();
    for (file, text, g) in parsed {
        if !ids.insert(g.id.as_str()) {
            return Err(invalid(
                file,
                text,
                &format!("\"{}\"", g.id),
                format!("guideline id {} is used by another file too", g.id),
            ));
        }
    }
    for (file, text, g) in parsed {
        for other in &g.see_also {
            if !ids.contains(other.as_str()) {
                return Err(invalid(
                    file,
                    text,
                    &format!("\"{other}\""),
                    format!("see_also names guideline {other}, which is not in the library"),
                ));
            }
        }
    }
    Ok(())
}
