//! The FHIR R4 export checked against the resource rules it relies on:
//! required elements and their code sets, id syntax, linkIds that match the
//! questionnaire, answers of the item's type and among its options, the
//! extension rule (a value or sub-extensions, never both), and the Da Vinci
//! DTR information-origin rule (an author for overrides, none for
//! automatic answers).

mod export_support;

use std::collections::HashMap;

use export_support::*;
use imrdesk::assessment::Answer;
use imrdesk::export::{AnswerOrigin, Format, LetterContent, export, fhir};
use serde_json::Value;

fn str_of<'a>(v: &'a Value, key: &str, ctx: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("{ctx}: {key} is required and must be a non-empty string"))
}

fn assert_id(id: &str, ctx: &str) {
    assert!(
        (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
        "{ctx}: id {id:?} breaks the FHIR id syntax"
    );
}

fn check_extensions(v: &Value, ctx: &str) {
    if let Some(exts) = v.get("extension") {
        for e in exts.as_array().expect("extension is an array") {
            str_of(e, "url", ctx);
            let values = e
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| k.starts_with("value"))
                .count();
            let nested = e.get("extension").is_some();
            assert!(
                (values == 1) != nested,
                "{ctx}: ext-1 (a value or sub-extensions, not both): {e}"
            );
            check_extensions(e, ctx);
        }
    }
}

/// Validates the bundle and returns the questionnaires by canonical URL.
fn validate(bundle: &Value) -> HashMap<String, Value> {
    assert_eq!(bundle["resourceType"], "Bundle");
    let btype = str_of(bundle, "type", "Bundle");
    assert!(
        [
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection"
        ]
        .contains(&btype)
    );
    let entries = bundle["entry"].as_array().expect("entries");
    let mut questionnaires = HashMap::new();
    for e in entries {
        let r = &e["resource"];
        if r["resourceType"] == "Questionnaire" {
            assert_id(str_of(r, "id", "Questionnaire"), "Questionnaire");
            let status = str_of(r, "status", "Questionnaire");
            assert!(["draft", "active", "retired", "unknown"].contains(&status));
            let mut links = Vec::new();
            for item in r["item"].as_array().expect("questionnaire items") {
                let link = str_of(item, "linkId", "Questionnaire.item");
                assert!(!links.contains(&link), "que-2: linkId {link} repeated");
                links.push(link);
                let t = str_of(item, "type", "Questionnaire.item");
                assert!(
                    [
                        "group",
                        "display",
                        "boolean",
                        "decimal",
                        "integer",
                        "date",
                        "dateTime",
                        "time",
                        "string",
                        "text",
                        "url",
                        "choice",
                        "open-choice",
                        "attachment",
                        "reference",
                        "quantity"
                    ]
                    .contains(&t)
                );
                if t == "choice" {
                    assert!(
                        item["answerOption"]
                            .as_array()
                            .is_some_and(|a| !a.is_empty())
                    );
                } else {
                    assert!(item.get("answerOption").is_none(), "que-5");
                }
            }
            questionnaires.insert(str_of(r, "url", "Questionnaire").to_string(), r.clone());
        }
    }
    for e in entries {
        let r = &e["resource"];
        if r["resourceType"] != "QuestionnaireResponse" {
            continue;
        }
        let ctx = format!("QuestionnaireResponse/{}", str_of(r, "id", "QR"));
        assert_id(str_of(r, "id", &ctx), &ctx);
        let status = str_of(r, "status", &ctx);
        assert!(
            [
                "in-progress",
                "completed",
                "amended",
                "entered-in-error",
                "stopped"
            ]
            .contains(&status),
            "{ctx}: status {status}"
        );
        let q = questionnaires
            .get(str_of(r, "questionnaire", &ctx))
            .unwrap_or_else(|| panic!("{ctx}: questionnaire not in the bundle"));
        let q_items = q["item"].as_array().unwrap();
        for item in r["item"].as_array().expect("response items") {
            let link = str_of(item, "linkId", &ctx);
            let qi = q_items
                .iter()
                .find(|qi| qi["linkId"] == link)
                .unwrap_or_else(|| panic!("{ctx}: linkId {link} not in the questionnaire"));
            assert_eq!(
                item.get("text"),
                qi.get("text"),
                "{ctx}: text of {link} differs"
            );
            // qrs-1: an item carries answers or nested items, never neither.
            assert!(
                item["answer"].as_array().is_some_and(|a| !a.is_empty())
                    || item["item"].as_array().is_some_and(|a| !a.is_empty()),
                "{ctx}: qrs-1 on {link}"
            );
            for answer in item["answer"].as_array().expect("answers") {
                check_extensions(answer, &ctx);
                match qi["type"].as_str() {
                    Some("choice") => {
                        let coding = &answer["valueCoding"];
                        assert!(
                            qi["answerOption"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|o| o["valueCoding"]["code"] == coding["code"]
                                    && o["valueCoding"]["system"] == coding["system"]),
                            "{ctx}: {link} answer {coding} is not an option"
                        );
                    }
                    Some("text") => assert!(answer["valueString"].is_string()),
                    other => panic!("unexpected type {other:?}"),
                }
                if let Some(origin) = answer["extension"]
                    .as_array()
                    .and_then(|x| x.iter().find(|e| e["url"] == fhir::INFORMATION_ORIGIN))
                {
                    let subs = origin["extension"].as_array().unwrap();
                    let source = subs
                        .iter()
                        .find(|s| s["url"] == "source")
                        .and_then(|s| s["valueCode"].as_str())
                        .expect("source");
                    assert!(["auto-client", "auto-server", "override", "manual"].contains(&source));
                    let has_author = subs.iter().any(|s| s["url"] == "author");
                    assert_eq!(
                        has_author,
                        source == "override" || source == "manual",
                        "{ctx}: dtrx-1 author rule"
                    );
                }
            }
        }
    }
    questionnaires
}

fn bundle_of(c: &LetterContent) -> Value {
    serde_json::from_slice(&export(c, Format::Fhir).unwrap()).unwrap()
}

fn responses(b: &Value) -> Vec<Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .filter(|r| r["resourceType"] == "QuestionnaireResponse")
        .collect()
}

#[test]
fn draft_bundle_is_valid_and_in_progress() {
    let b = bundle_of(&draft());
    let qs = validate(&b);
    assert_eq!(qs.len(), 3, "one questionnaire per guideline");
    let rs = responses(&b);
    assert_eq!(rs.len(), 3, "one response per disputed item");
    assert!(rs.iter().all(|r| r["status"] == "in-progress"));
    assert!(rs.iter().all(|r| r.get("authored").is_none()));
    // The engine's answers keep their origin.
    let first = &rs[0]["item"][0]["answer"][0];
    assert_eq!(first["valueCoding"]["code"], "not-met");
    assert_eq!(
        first["extension"][0]["extension"][0]["valueCode"],
        "auto-client"
    );
}

#[test]
fn overrides_say_so_with_author_and_reason() {
    let mut c = signed();
    let a = &mut c.items[0].checklist[1];
    a.answer = Answer::Met;
    a.origin = AnswerOrigin::Override;
    a.override_reason = Some("The 09/02/2016 report mentions a new foot drop.".into());
    let b = bundle_of(&c);
    validate(&b);
    let rs = responses(&b);
    assert!(
        rs.iter()
            .all(|r| r["status"] == "completed" && r["authored"].is_string())
    );
    let answer = &rs[0]["item"][1]["answer"][0];
    assert_eq!(answer["valueCoding"]["code"], "met");
    let exts = answer["extension"].as_array().unwrap();
    assert_eq!(exts[0]["extension"][0]["valueCode"], "override");
    assert_eq!(exts[0]["extension"][1]["url"], "author");
    assert_eq!(exts[1]["url"], fhir::OVERRIDE_REASON);
    assert!(
        exts[1]["valueString"]
            .as_str()
            .unwrap()
            .contains("foot drop")
    );
    // Decision and rationale travel with the answers.
    let decision = rs[0]["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == fhir::DECISION_LINK)
        .unwrap();
    assert_eq!(
        decision["answer"][0]["valueCoding"]["code"],
        "not-medically-necessary"
    );
}

#[test]
fn items_without_guideline_or_odd_ids_stay_valid() {
    let mut c = draft();
    c.items[2].guideline = None;
    c.items[2].checklist.clear();
    c.items[2].rationale.clear();
    c.items[1].guideline.as_mut().unwrap().id = "odg knee/brace: v2 (2016)".into();
    let b = bundle_of(&c);
    let qs = validate(&b);
    assert!(qs.contains_key("urn:imrdesk:questionnaire:imrdesk-no-guideline"));
    assert!(qs.contains_key("urn:imrdesk:questionnaire:odg-knee-brace--v2--2016-"));
    assert_eq!(fhir::fhir_id(""), "unnamed");
    assert_eq!(fhir::fhir_id(&"x".repeat(80)).len(), 64);
}

#[test]
fn the_validator_catches_broken_bundles() {
    // The checks above could pass vacuously; break a bundle and see them fail.
    let mut b = bundle_of(&draft());
    b["entry"][3]["resource"]["item"][0]["linkId"] = "no-such-criterion".into();
    assert!(std::panic::catch_unwind(|| validate(&b)).is_err());
    let mut b = bundle_of(&draft());
    b["entry"][3]["resource"]["status"] = "final".into();
    assert!(std::panic::catch_unwind(|| validate(&b)).is_err());
}
