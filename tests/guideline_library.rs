//! The guideline library: the built-in files load, cover every request
//! category, and a broken file is reported with its name and line.

use std::path::Path;

use imrdesk::case::ItemId;
use imrdesk::engine::choose;
use imrdesk::guideline::{GuidelineError, Library, builtin_file_names};
use imrdesk::request::{Category, Request};

const VALID: &str = r#"Guideline(
    id: "test-one",
    title: "A test guideline",
    rank: Mtus,
    sources: [(volume: "MTUS Chronic Pain Medical Treatment 2016", sections: ["Office visits"])],
    applies: (categories: [OfficeVisit]),
    criteria: [
        (
            id: "need",
            question: "Is a need documented?",
            evidence: "A need.",
            rule: Phrase(terms: ["need"]),
        ),
    ],
    decision: (certify: [(
        when: Is("need"),
        cites: [(volume: "MTUS Chronic Pain Medical Treatment 2016", says: "Visits follow need")],
    )]),
    statement: "Visits follow need",
)
"#;

fn load(text: &str) -> Result<Library, GuidelineError> {
    Library::from_sources([(Path::new("dir/test.ron"), text)])
}

#[test]
fn builtin_library_loads_and_lists_every_file() {
    let lib = Library::builtin().expect("built-in library is valid");
    // Every file but the definitions file is a guideline.
    assert_eq!(lib.len(), builtin_file_names().len() - 1);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/guidelines");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/guidelines exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = builtin_file_names().iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every guideline file is embedded");
    let from_dir = Library::load_dir(Path::new(dir)).expect("folder loads");
    assert_eq!(from_dir.len(), lib.len());
}

#[test]
fn every_category_has_a_guideline() {
    let lib = Library::builtin().expect("built-in library is valid");
    for cat in Category::ALL {
        let req = Request::bare(ItemId(0), "request", cat);
        assert!(choose(&lib, &req).is_some(), "no guideline for {cat:?}");
    }
}

#[test]
fn citations_read_as_letters_print_them() {
    let lib = Library::builtin().expect("built-in library is valid");
    let g = lib.get("mtus-low-back-imaging").expect("present");
    assert_eq!(
        g.citation(),
        "MTUS Low Back Complaints 2004, Section(s): Special Studies"
    );
    let odg = lib.get("odg-platelet-rich-plasma").expect("present");
    assert_eq!(
        odg.citation(),
        "Non-MTUS Citation Official Disability Guidelines (ODG) Knee & Leg, Platelet-rich plasma (PRP)"
    );
}

#[test]
fn a_valid_file_loads() {
    let lib = load(VALID).expect("valid");
    assert_eq!(lib.len(), 1);
}

#[test]
fn bad_ron_names_file_and_line() {
    let broken = VALID.replace(
        "title: \"A test guideline\",",
        "title: \"A test guideline\"",
    );
    let err = load(&broken).expect_err("missing comma");
    assert_eq!(err.file(), Path::new("dir/test.ron"));
    assert_eq!(err.line(), Some(4), "{err}");
    assert!(err.to_string().starts_with("dir/test.ron:4:"), "{err}");
}

#[test]
fn unknown_concept_names_file_and_line() {
    let bad = VALID.replace(
        "rule: Phrase(terms: [\"need\"]),",
        "rule: Fact(kind: ExamFinding, concepts: [\"third_eye_sign\"]),",
    );
    let err = load(&bad).expect_err("unknown concept");
    assert_eq!(err.line(), Some(12), "{err}");
    assert!(err.to_string().contains("third_eye_sign"), "{err}");
    assert!(err.to_string().contains("dir/test.ron"), "{err}");
}

#[test]
fn dangling_criterion_id_names_file_and_line() {
    let bad = VALID.replace(
        "when: Is(\"need\"),",
        "when: All([Is(\"need\"), NotShown(\"missing\")]),",
    );
    let err = load(&bad).expect_err("dangling id");
    assert_eq!(err.line(), Some(16), "{err}");
    assert!(err.to_string().contains("missing"), "{err}");
}

#[test]
fn dangling_see_also_and_empty_criteria_are_errors() {
    let bad = VALID.replace(
        "statement:",
        "see_also: [\"no-such-guideline\"],\n    statement:",
    );
    let err = load(&bad).expect_err("dangling see_also");
    assert!(err.to_string().contains("no-such-guideline"), "{err}");
    assert_eq!(err.line(), Some(19), "{err}");

    let start = VALID.find("criteria: [").expect("criteria");
    let end = VALID.find("    decision").expect("decision");
    let empty = format!("{}criteria: [],\n{}", &VALID[..start], &VALID[end..]);
    let err = load(&empty).expect_err("empty criteria");
    assert!(err.to_string().contains("no criteria"), "{err}");
    assert_eq!(err.line(), Some(7), "{err}");
}

#[test]
fn duplicate_ids_across_files_are_errors() {
    let err = Library::from_sources([(Path::new("a.ron"), VALID), (Path::new("b.ron"), VALID)])
        .expect_err("duplicate id");
    assert_eq!(err.file(), Path::new("b.ron"));
}

#[test]
fn empty_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Library::load_dir(dir.path()).expect_err("empty");
    assert!(matches!(err, GuidelineError::EmptyFolder { .. }));
}

#[test]
fn the_concepts_rules_rely_on_are_in_the_extractor_vocabulary() {
    let vocabulary = imrdesk::extract::vocabulary();
    for (kind, concept) in imrdesk::guideline::known_concepts() {
        assert!(
            vocabulary.iter().any(|(k, c)| k == kind && c == concept),
            "{kind:?}/{concept} is not emitted by the extractor"
        );
    }
}

#[test]
fn a_library_knows_its_origin_and_content_hash() {
    let a = Library::builtin().expect("built-in");
    let b = Library::builtin().expect("built-in");
    assert_eq!(a.name(), "built-in");
    assert_eq!(a.content_hash().len(), 64);
    assert_eq!(
        a.content_hash(),
        b.content_hash(),
        "the same files hash the same"
    );
    let one = load(VALID).expect("valid file loads");
    assert_ne!(one.content_hash(), a.content_hash());
}

const DEFINITIONS: &str = r#"Definitions(
    definitions: [
        (
            name: "need_shown",
            means: "A documented need for the service.",
            rule: Phrase(terms: ["need"]),
        ),
    ],
)
"#;

fn with_definitions(guideline: &str, definitions: &str) -> Result<Library, GuidelineError> {
    Library::from_sources([
        (Path::new("dir/definitions.ron"), definitions),
        (Path::new("dir/test.ron"), guideline),
    ])
}

#[test]
fn a_branch_that_cites_nothing_is_an_error() {
    let bad = VALID.replace(
        "cites: [(volume: \"MTUS Chronic Pain Medical Treatment 2016\", says: \"Visits follow need\")],",
        "cites: [],",
    );
    let err = load(&bad).expect_err("uncited branch");
    assert!(err.to_string().contains("cites nothing"), "{err}");
    assert_eq!(err.line(), Some(16), "{err}");
}

#[test]
fn a_statement_clause_without_a_branch_is_an_error() {
    let bad = VALID.replace(
        "statement: \"Visits follow need\"",
        "statement: \"Visits follow need; a second visit needs a reason\"",
    );
    let err = load(&bad).expect_err("uncited clause");
    let msg = err.to_string();
    assert!(msg.contains("a second visit needs a reason"), "{err}");
    assert!(msg.contains("no decision branch"), "{err}");
    assert_eq!(err.line(), Some(19), "{err}");
}

#[test]
fn a_cite_must_quote_a_clause_of_the_statement_from_a_source() {
    let bad = VALID.replace("says: \"Visits follow need\"", "says: \"Something else\"");
    let err = load(&bad).expect_err("cite not in statement");
    assert!(err.to_string().contains("not a clause"), "{err}");
    let bad = VALID.replace(
        "cites: [(volume: \"MTUS Chronic Pain Medical Treatment 2016\"",
        "cites: [(volume: \"MTUS Imaginary 2020\"",
    );
    let err = load(&bad).expect_err("cite not a source");
    assert!(err.to_string().contains("not one of its sources"), "{err}");
}

#[test]
fn a_word_stem_that_can_never_match_is_an_error() {
    let bad = VALID.replace("terms: [\"need\"]", "terms: [\"need\", \"deteriorat\"]");
    let err = load(&bad).expect_err("stem");
    let msg = err.to_string();
    assert!(
        msg.contains("deteriorat") && msg.contains("whole words"),
        "{err}"
    );
    assert_eq!(err.line(), Some(9), "{err}");
    assert!(imrdesk::guideline::unmatchable("deteriorating").is_none());
    assert!(imrdesk::guideline::unmatchable("radiculopath").is_some());
}

#[test]
fn definitions_are_used_by_name_and_must_exist_and_be_used() {
    let uses = VALID.replace(
        "rule: Phrase(terms: [\"need\"]),",
        "rule: Uses(\"need_shown\"),",
    );
    let lib = with_definitions(&uses, DEFINITIONS).expect("a used definition loads");
    let g = lib.get("test-one").expect("present");
    assert!(
        matches!(&g.criteria[0].rule, imrdesk::guideline::Rule::Phrase { terms, .. } if terms == &["need"]),
        "Uses is replaced by the definition: {:?}",
        g.criteria[0].rule
    );

    let undefined = VALID.replace(
        "rule: Phrase(terms: [\"need\"]),",
        "rule: Uses(\"no_such_set\"),",
    );
    let err = with_definitions(&undefined, DEFINITIONS).expect_err("undefined");
    assert!(err.to_string().contains("no_such_set"), "{err}");
    assert_eq!(err.file(), Path::new("dir/test.ron"));
    assert_eq!(err.line(), Some(12), "{err}");

    let err = with_definitions(VALID, DEFINITIONS).expect_err("unused");
    assert!(
        err.to_string().contains("need_shown") && err.to_string().contains("used by no guideline"),
        "{err}"
    );
    assert_eq!(err.file(), Path::new("dir/definitions.ron"));
    assert_eq!(err.line(), Some(4), "{err}");
}
