//! The drug lexicon: one table, read by the extractor (medications a record
//! names) and by request parsing (the drug a disputed item asks for), so a
//! brand name learned once is known everywhere. The table is data, in
//! `assets/lexicon/drugs.ron`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::request::Category;

/// One medication (or a word for a class of them) and every name it goes by.
#[derive(Debug, Clone, Deserialize)]
pub struct Drug {
    /// The stable id a Medication fact carries (`hydrocodone_acetaminophen`).
    pub concept: String,
    /// The pharmacological class the extractor reports (`opioid`, `ppi`, …).
    pub class: String,
    /// The name guideline files select on; `None` for words that name a
    /// class ("NSAIDs"), which records mention but requests never ask for.
    pub generic: Option<String>,
    /// The request category of an item naming this drug, unless the item's
    /// own words (a gel, a suspension) say otherwise.
    pub category: Category,
    /// Every name, generic and brand, lower case.
    pub names: Vec<String>,
}

/// The classes `class` may take; the unit test holds the table to them.
pub const CLASSES: &[&str] = &[
    "opioid",
    "nsaid",
    "ppi",
    "h2_blocker",
    "muscle_relaxant",
    "antiepileptic",
    "antidepressant",
    "sleep_aid",
    "topical",
    "compounded_oral",
    "benzodiazepine",
    "anticoagulant",
    "corticosteroid",
    "other",
];

static DRUGS_RON: &str = include_str!("../assets/lexicon/drugs.ron");

/// Parsed once. The table is a built-in asset checked by the unit tests, so
/// a parse failure is a build defect, not a user error.
static DRUGS: LazyLock<Vec<Drug>> = LazyLock::new(|| ron::from_str(DRUGS_RON).unwrap_or_default());

/// Every drug the program knows, in table order.
pub fn lexicon() -> &'static [Drug] {
    &DRUGS
}

/// The class of a medication concept, so rules can speak of classes while
/// facts keep the drug.
pub fn class_of(concept: &str) -> Option<&'static str> {
    DRUGS
        .iter()
        .find(|d| d.concept == concept)
        .map(|d| d.class.as_str())
}

/// The requestable drug a request's text (lower case) names, by any of its
/// names as a whole word; the longest matching name wins ("voltaren gel"
/// over "voltaren").
pub fn find_in_request(text_lower: &str) -> Option<&'static Drug> {
    let mut best: Option<(&'static Drug, usize)> = None;
    for drug in DRUGS.iter().filter(|d| d.generic.is_some()) {
        for name in &drug.names {
            if contains_word(text_lower, name) && best.is_none_or(|(_, len)| name.len() > len) {
                best = Some((drug, name.len()));
            }
        }
    }
    best.map(|(d, _)| d)
}

/// Whether `needle` occurs in `hay` with no letter or digit on either side:
/// the engine's whole-word search, shared so requests and criteria agree on
/// what a word is.
pub(crate) fn contains_word(hay: &str, needle: &str) -> bool {
    crate::text::find_term(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn table_parses_with_unique_names_and_concepts() {
        let parsed: Vec<Drug> = ron::from_str(DRUGS_RON).expect("drugs.ron parses");
        assert!(parsed.len() > 120, "{} drugs", parsed.len());
        let mut names = HashSet::new();
        let mut concepts = HashSet::new();
        for d in &parsed {
            assert!(
                concepts.insert(d.concept.as_str()),
                "concept twice: {}",
                d.concept
            );
            assert!(
                d.concept
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "concept not snake_case: {}",
                d.concept
            );
            assert!(
                CLASSES.contains(&d.class.as_str()),
                "unknown class {}",
                d.class
            );
            assert!(
                d.category.is_medication(),
                "{} is not a medication",
                d.concept
            );
            assert!(!d.names.is_empty(), "{} has no names", d.concept);
            for n in &d.names {
                assert_eq!(n, &n.to_lowercase(), "names are lower case: {n}");
                assert!(names.insert(n.as_str()), "name listed twice: {n}");
            }
        }
    }

    #[test]
    fn requests_find_the_longest_name_and_skip_class_words() {
        let gel = find_in_request("voltaren gel 1% apply twice daily").map(|d| d.concept.as_str());
        assert_eq!(gel, Some("diclofenac_topical"));
        let oral = find_in_request("voltaren 75mg #60").map(|d| d.concept.as_str());
        assert_eq!(oral, Some("diclofenac"));
        assert!(find_in_request("unspecified nsaids").is_none());
        assert!(find_in_request("norcotic").is_none());
        assert_eq!(class_of("omeprazole"), Some("ppi"));
        assert_eq!(class_of("lorazepam"), Some("benzodiazepine"));
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("norco 10/325", "norco"));
        assert!(!contains_word("norcotic", "norco"));
        assert!(contains_word("x (soma)", "soma"));
        assert!(!contains_word("somatic", "soma"));
    }
}
