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
    if g.decision.certify.is_empty() && !g.decision.not_recommended {
        return Err(invalid(
            file,
            text,
            "decision",
            format!(
                "guideline {} has a decision rule with no branch to a decision",
                g.id
            ),
        ));
    }
    check_traceability(file, text, g)
}

/// The clauses of a statement: its parts separated by ';', trimmed.
pub fn statement_clauses(statement: &str) -> Vec<&str> {
    statement
        .split(';')
        .map(|c| c.trim().trim_end_matches('.').trim())
        .filter(|c| !c.is_empty())
        .collect()
}

/// Every certifying branch cites a clause of the statement from one of the
/// guideline's sources, and every clause of the statement is cited by some
/// branch: the rules encode the guideline, nothing more and nothing less.
fn check_traceability(file: &Path, text: &str, g: &Guideline) -> Result<(), GuidelineError> {
    let clauses = statement_clauses(&g.statement);
    for (n, b) in g.decision.certify.iter().enumerate() {
        let line = nth_line_of(text, "when:", n + 1);
        let at = |cause: String| GuidelineError::Invalid {
            file: file.to_path_buf(),
            line,
            cause,
        };
        if b.cites.is_empty() {
            return Err(at(format!(
                "guideline {}: decision branch {} cites nothing; name the guideline sentence it encodes",
                g.id,
                n + 1
            )));
        }
        if matches!(&b.when, super::schema::Node::All(xs) | super::schema::Node::Any(xs) | super::schema::Node::AtLeast(_, xs) if xs.is_empty())
        {
            return Err(at(format!(
                "guideline {}: decision branch {} is an empty list",
                g.id,
                n + 1
            )));
        }
        for c in &b.cites {
            if !g.sources.iter().any(|s| s.volume == c.volume) {
                return Err(invalid(
                    file,
                    text,
                    &c.volume,
                    format!(
                        "guideline {}: branch {} cites {:?}, which is not one of its sources",
                        g.id,
                        n + 1,
                        c.volume
                    ),
                ));
            }
            let says = c.says.trim().trim_end_matches('.').trim();
            if !clauses.contains(&says) {
                return Err(invalid(
                    file,
                    text,
                    &c.says,
                    format!(
                        "guideline {}: branch {} cites \"{}\", which is not a clause of the statement \
                         (clauses are separated by ';')",
                        g.id,
                        n + 1,
                        c.says
                    ),
                ));
            }
        }
    }
    if g.decision.not_recommended {
        return Ok(());
    }
    for clause in &clauses {
        let cited = g.decision.certify.iter().any(|b| {
            b.cites
                .iter()
                .any(|c| c.says.trim().trim_end_matches('.').trim() == *clause)
        });
        if !cited {
            return Err(invalid(
                file,
                text,
                "statement",
                format!(
                    "guideline {}: the statement clause \"{clause}\" has no decision branch that cites it",
                    g.id
                ),
            ));
        }
    }
    Ok(())
}

/// Word endings that only a truncated stem has ("deteriorat", "radiculopath"):
/// phrases match whole words, so such a term can never match.
const STEM_ENDINGS: &[&str] = &[
    "iorat", "erat", "ulat", "iat", "ivat", "opath", "iz", "ifi", "ificat", "mmat", "ulopat",
];

/// Words that end like a stem but are words.
const STEM_WORDS: &[&str] = &["neuropath", "habitat", "thermostat", "flat", "fiat", "ziz"];

/// Why a phrase term can never match, if it cannot.
pub fn unmatchable(term: &str) -> Option<String> {
    let t = term.trim().to_lowercase();
    for word in t.split(|c: char| !c.is_alphanumeric()) {
        if word.len() >= 5
            && STEM_ENDINGS.iter().any(|e| word.ends_with(e))
            && !STEM_WORDS.contains(&word)
        {
            return Some(format!(
                "the phrase \"{term}\" uses the word stem \"{word}\"; phrases match whole words \
                 only, so it can never match: write the words in full"
            ));
        }
    }
    None
}

/// Checks the definitions file on its own: unique names, valid rules.
pub(super) fn check_definitions(
    file: &Path,
    text: &str,
    d: &super::schema::Definitions,
) -> Result<(), GuidelineError> {
    let mut names = HashSet::new();
    for def in &d.definitions {
        let quoted = format!("\"{}\"", def.name);
        if def.name.trim().is_empty() || def.means.trim().is_empty() {
            return Err(invalid(
                file,
                text,
                &quoted,
                "a definition has an empty name or meaning".into(),
            ));
        }
        if !names.insert(def.name.as_str()) {
            return Err(GuidelineError::Invalid {
                file: file.to_path_buf(),
                line: nth_line_of(text, &quoted, 2),
                cause: format!("definition {} appears twice", def.name),
            });
        }
        if contains_uses(&def.rule) {
            return Err(invalid(
                file,
                text,
                &quoted,
                format!("definition {}: a definition cannot use another", def.name),
            ));
        }
        check_rule(file, text, &def.name, &def.rule)?;
    }
    Ok(())
}

fn contains_uses(rule: &Rule) -> bool {
    match rule {
        Rule::Uses(_) => true,
        Rule::AnyOf(rs) => rs.iter().any(contains_uses),
        _ => false,
    }
}

/// Replaces every `Uses(name)` by the named definition's rule. Fails when a
/// guideline uses a name that is not defined, or a definition is never used.
pub(super) fn resolve_definitions(
    parsed: &mut [(PathBuf, &str, Guideline)],
    definitions: Option<&(PathBuf, &str, super::schema::Definitions)>,
) -> Result<(), GuidelineError> {
    let mut used: HashSet<String> = HashSet::new();
    for (file, text, g) in parsed.iter_mut() {
        for c in &mut g.criteria {
            substitute(file, text, &mut c.rule, definitions, &mut used)?;
        }
    }
    if let Some((file, text, d)) = definitions
        && let Some(unused) = d.definitions.iter().find(|d| !used.contains(&d.name))
    {
        {
            return Err(invalid(
                file,
                text,
                &format!("\"{}\"", unused.name),
                format!(
                    "definition {} is used by no guideline; remove it or use it",
                    unused.name
                ),
            ));
        }
    }
    Ok(())
}

fn substitute(
    file: &Path,
    text: &str,
    rule: &mut Rule,
    definitions: Option<&(PathBuf, &str, super::schema::Definitions)>,
    used: &mut HashSet<String>,
) -> Result<(), GuidelineError> {
    match rule {
        Rule::Uses(name) => {
            let def = definitions
                .and_then(|(_, _, d)| d.definitions.iter().find(|d| &d.name == name))
                .ok_or_else(|| {
                    invalid(
                        file,
                        text,
                        &format!("Uses(\"{name}\")"),
                        format!(
                            "Uses names the definition {name}, which the definitions file \
                             ({}) does not define",
                            super::DEFINITIONS_FILE
                        ),
                    )
                })?;
            used.insert(name.clone());
            *rule = def.rule.clone();
        }
        Rule::AnyOf(rules) => {
            for r in rules {
                substitute(file, text, r, definitions, used)?;
            }
        }
        _ => {}
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
        Rule::Phrase { terms, near, .. } => {
            if let Some(why) = terms.iter().chain(near).find_map(|t| unmatchable(t)) {
                return Err(invalid(
                    file,
                    text,
                    &format!("\"{criterion}\""),
                    format!("criterion {criterion}: {why}"),
                ));
            }
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
