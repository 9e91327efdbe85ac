//! FHIR R4: the checklist answers as `QuestionnaireResponse`s, each with the
//! guideline as its `Questionnaire`, in one `collection` Bundle.
//!
//! This is the shape prior-authorization systems exchange (HL7 Da Vinci
//! Documentation Templates and Rules). Every answer carries the DTR
//! information-origin extension: answers the engine filled and the reviewer
//! left alone are `auto-client`, answers the reviewer changed are `override`
//! with the reviewer as author, and answers a trainee gave without seeing a
//! suggestion are `manual` (DTR requires an author for overrides and manual
//! answers and forbids one for automatic answers). The override reason travels in an
//! extension of ours. No patient identity is included: the exports stay
//! de-identified like the rest of the review.

use serde_json::{Value, json};

use super::ExportError;
use super::content::{AnswerOrigin, ChecklistAnswer, LetterContent, LetterItem};
use crate::assessment::{Answer, Decision};

/// The DTR extension that records where an answer came from.
pub const INFORMATION_ORIGIN: &str =
    "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin";
/// Our extension holding the reviewer's reason for an override.
pub const OVERRIDE_REASON: &str = "urn:imrdesk:fhir:override-reason";
/// The code system of criterion answers.
pub const ANSWER_SYSTEM: &str = "urn:imrdesk:fhir:criterion-answer";
/// The code system of the item decision.
pub const DECISION_SYSTEM: &str = "urn:imrdesk:fhir:imr-decision";
/// Prefix of the questionnaires' canonical URLs.
pub const QUESTIONNAIRE_BASE: &str = "urn:imrdesk:questionnaire:";
/// linkIds of the two items every questionnaire ends with.
pub const DECISION_LINK: &str = "decision";
pub const RATIONALE_LINK: &str = "rationale";

const ANSWER_CODES: [(Answer, &str, &str); 3] = [
    (Answer::Met, "met", "Met"),
    (Answer::NotMet, "not-met", "Not met"),
    (Answer::NotDocumented, "not-documented", "Not documented"),
];

const DECISION_CODES: [(Decision, &str, &str); 2] = [
    (
        Decision::MedicallyNecessary,
        "medically-necessary",
        "Medically necessary (overturned)",
    ),
    (
        Decision::NotMedicallyNecessary,
        "not-medically-necessary",
        "Not medically necessary (upheld)",
    ),
];

fn answer_coding(a: Answer) -> Value {
    let (_, code, display) = ANSWER_CODES
        .iter()
        .find(|(x, _, _)| *x == a)
        .copied()
        .unwrap_or((a, "not-documented", "Not documented"));
    json!({ "system": ANSWER_SYSTEM, "code": code, "display": display })
}

fn decision_coding(d: Decision) -> Value {
    // IMR decides only the two outcomes; a partial certification is upheld.
    let d = match d {
        Decision::PartiallyCertified => Decision::NotMedicallyNecessary,
        other => other,
    };
    let (_, code, display) = DECISION_CODES
        .iter()
        .find(|(x, _, _)| *x == d)
        .copied()
        .unwrap_or((
            d,
            "not-medically-necessary",
            "Not medically necessary (upheld)",
        ));
    json!({ "system": DECISION_SYSTEM, "code": code, "display": display })
}

/// A FHIR id: letters, digits, '-' and '.', at most 64 characters.
pub fn fhir_id(raw: &str) -> String {
    let mut id: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if id.is_empty() {
        id.push_str("unnamed");
    }
    id
}

/// The questionnaire an item is answered against: its guideline, or a
/// generic one when no guideline applied.
fn questionnaire_id(item: &LetterItem) -> String {
    match &item.guideline {
        Some(g) if !g.id.trim().is_empty() => fhir_id(&g.id),
        _ => "imrdesk-no-guideline".to_string(),
    }
}

fn questionnaire(item: &LetterItem) -> Value {
    let id = questionnaire_id(item);
    let mut items: Vec<Value> = item
        .checklist
        .iter()
        .map(|c| {
            json!({
                "linkId": c.id,
                "text": c.question,
                "type": "choice",
                "required": true,
                "answerOption": ANSWER_CODES.iter().map(|(a, _, _)| json!({ "valueCoding": answer_coding(*a) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    items.push(json!({
        "linkId": DECISION_LINK,
        "text": "Decision on the disputed item as requested",
        "type": "choice",
        "required": true,
        "answerOption": DECISION_CODES.iter().map(|(d, _, _)| json!({ "valueCoding": decision_coding(*d) })).collect::<Vec<_>>(),
    }));
    items.push(json!({
        "linkId": RATIONALE_LINK,
        "text": "Decision rationale",
        "type": "text",
        "required": true,
    }));
    let (title, description) = match &item.guideline {
        Some(g) => (g.title.clone(), g.citation.clone()),
        None => (
            "Disputed item without a guideline".to_string(),
            "No guideline in the library applied to this item.".to_string(),
        ),
    };
    json!({
        "resourceType": "Questionnaire",
        "id": id,
        "url": format!("{QUESTIONNAIRE_BASE}{id}"),
        "title": title,
        "status": "active",
        "description": description,
        "item": items,
    })
}

fn answer_item(c: &ChecklistAnswer, author: &Value) -> Value {
    let mut origin = vec![json!({
        "url": "source",
        "valueCode": match c.origin {
            AnswerOrigin::Engine => "auto-client",
            AnswerOrigin::Override => "override",
            AnswerOrigin::Manual => "manual",
        },
    })];
    if c.origin != AnswerOrigin::Engine {
        origin.push(json!({ "url": "author", "valueReference": author }));
    }
    let mut extensions = vec![json!({ "url": INFORMATION_ORIGIN, "extension": origin })];
    if let Some(reason) = c
        .override_reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        extensions.push(json!({ "url": OVERRIDE_REASON, "valueString": reason }));
    }
    json!({
        "linkId": c.id,
        "text": c.question,
        "answer": [{
            "extension": extensions,
            "valueCoding": answer_coding(c.answer),
        }],
    })
}

fn response(content: &LetterContent, index: usize, item: &LetterItem) -> Value {
    let author = json!({ "display": "Independent physician reviewer" });
    let mut items: Vec<Value> = item
        .checklist
        .iter()
        .map(|c| answer_item(c, &author))
        .collect();
    items.push(json!({
        "linkId": DECISION_LINK,
        "text": "Decision on the disputed item as requested",
        "answer": [{ "valueCoding": decision_coding(item.decision) }],
    }));
    let rationale = item.rationale.trim();
    if !rationale.is_empty() {
        items.push(json!({
            "linkId": RATIONALE_LINK,
            "text": "Decision rationale",
            "answer": [{ "valueString": rationale }],
        }));
    }
    let mut r = json!({
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(&format!("item-{}", index + 1)),
        "identifier": {
            "system": "urn:imrdesk:imr-case-item",
            "value": format!("{} item {}", content.case_label(), index + 1),
        },
        "questionnaire": format!("{QUESTIONNAIRE_BASE}{}", questionnaire_id(item)),
        "status": if content.draft { "in-progress" } else { "completed" },
        "item": items,
    });
    if let (Some(sig), false) = (&content.signature, content.draft) {
        r["authored"] = json!(sig.signed_at.to_rfc3339());
        r["author"] = author;
    }
    r
}

/// The Bundle as a JSON value.
pub fn bundle(content: &LetterContent) -> Value {
    let mut entries: Vec<Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for item in &content.items {
        let id = questionnaire_id(item);
        if !seen.contains(&id) {
            seen.push(id);
            entries.push(json!({ "resource": questionnaire(item) }));
        }
    }
    for (i, item) in content.items.iter().enumerate() {
        entries.push(json!({ "resource": response(content, i, item) }));
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entries,
    })
}

/// Renders the Bundle as pretty JSON.
pub fn render(content: &LetterContent) -> Result<Vec<u8>, ExportError> {
    serde_json::to_vec_pretty(&bundle(content)).map_err(|e| ExportError::Serialize {
        format: "FHIR JSON",
        cause: e.to_string(),
    })
}
