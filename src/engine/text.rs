//! A light sentence index over the case documents and phrase matching with
//! scoped negation.
//!
//! Guideline criteria name phrases reviewers look for ("straight leg raise",
//! "red flags"). This module finds them sentence by sentence and decides
//! whether the sentence affirms, denies or only plans the finding, so a
//! criterion can quote the sentence as its evidence. It works on any case,
//! with or without the fact extractor's output.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::NaiveDate;
use regex::Regex;

use crate::case::{Case, DocId};
use crate::fact::{FuzzyDate, Span};

/// One sentence of a document, lower-cased with whitespace collapsed for
/// matching; `span` indexes the original document text.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub doc: DocId,
    pub span: Span,
    /// Lower case, single spaces.
    pub norm: String,
    /// The sentence as printed, whitespace collapsed (the evidence quote).
    pub quote: String,
    /// The first full date in the sentence, else the document's date.
    pub date: Option<FuzzyDate>,
}

/// How a sentence speaks of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mention {
    Affirmed,
    Negated,
    /// Requested, planned, recommended or conditional.
    Planned,
}

static DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b").ok());

/// Splits every document of the case into sentences.
pub fn sentences(case: &Case) -> Vec<Sentence> {
    let mut out = Vec::new();
    for doc in &case.documents {
        let doc_date = doc.date.map(FuzzyDate::day);
        for span in split(&doc.text) {
            let raw = span.slice(&doc.text);
            let quote = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if quote.is_empty() {
                continue;
            }
            let norm = quote.to_lowercase();
            let date = first_date(&quote).map(FuzzyDate::day).or(doc_date);
            out.push(Sentence {
                doc: doc.id,
                span,
                norm,
                quote,
                date,
            });
        }
    }
    out
}

fn first_date(s: &str) -> Option<NaiveDate> {
    let re = DATE.as_ref()?;
    for c in re.captures_iter(s) {
        let m: u32 = c.get(1)?.as_str().parse().ok()?;
        let d: u32 = c.get(2)?.as_str().parse().ok()?;
        let y_raw = c.get(3)?.as_str();
        let mut y: i32 = y_raw.parse().ok()?;
        if y_raw.len() == 2 {
            y += 2000;
        }
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            return Some(date);
        }
    }
    None
}

const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "no", "approx", "st", "etc", "fig", "pt", "q",
];

/// Sentence spans of a text: a period, question or exclamation mark followed
/// by white space and a capital letter, digit or bracket ends a sentence
/// unless it closes a known abbreviation; a blank line always does.
pub fn split(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let mut end_here = None;
        if b == b'.' || b == b'?' || b == b'!' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let followed = j > i + 1
                && (j >= bytes.len()
                    || bytes[j].is_ascii_uppercase()
                    || bytes[j].is_ascii_digit()
                    || bytes[j] == b'(');
            if followed && !(b == b'.' && ends_with_abbreviation(&text[start..i])) {
                end_here = Some((i + 1, j));
            }
        } else if b == b'\n' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
                j += 1;
            }
            if j < bytes.len() && (bytes[j] == b'\n' || bytes[j] == 0x0c) {
                end_here = Some((i, j));
            }
        }
        if let Some((end, next)) = end_here {
            if text[start..end].trim().len() > 1 {
                spans.push(trimmed(text, start, end));
            }
            start = next;
            i = next;
            continue;
        }
        i += 1;
    }
    if start < text.len() && text[start..].trim().len() > 1 {
        spans.push(trimmed(text, start, text.len()));
    }
    spans
}

fn trimmed(text: &str, start: usize, end: usize) -> Span {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    Span::new(start + lead, end - trail)
}

fn ends_with_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_lowercase();
    word.len() == 1 || ABBREVIATIONS.contains(&word.as_str())
}

/// Words before a finding that deny it within the clause.
const PRE_NEGATION: &[&str] = &[
    "no",
    "not",
    "denies",
    "denied",
    "without",
    "negative for",
    "absence of",
    "absent",
    "free of",
    "none",
    "never",
    "ruled out",
    "rules out",
    "neither",
    "nor",
    "lack of",
    "lacks",
    "failed to show",
    "did not",
    "does not",
    "has not",
    "have not",
    "had not",
    "was not",
    "were not",
    "unremarkable for",
];

/// Words after a finding that deny it ("straight leg raise was negative").
const POST_NEGATION: &[&str] = &[
    "negative",
    "was negative",
    "were negative",
    "is negative",
    "absent",
    "not present",
    "not noted",
    "not documented",
    "was not",
    "were not",
    "unremarkable",
    "was denied by the patient",
];

/// Words before a finding that make it planned or requested, not present.
const PLANNED: &[&str] = &[
    "request",
    "requested",
    "requesting",
    "requests",
    "recommend",
    "recommended",
    "recommends",
    "recommendation",
    "plan",
    "planned",
    "plans",
    "will",
    "would",
    "consider",
    "considering",
    "if",
    "pending",
    "authorization",
    "authorized",
    "non-certified",
    "noncertified",
    "certified",
    "modified",
    "candidate",
    "scheduled",
    "proposed",
    "to undergo",
    "prescribe",
    "prescribed",
    "awaiting",
    "should",
];

/// Sentences with these words speak of the request or its review.
const REVIEW_LANGUAGE: &[&str] = &[
    "utilization review",
    "non-certified",
    "noncertified",
    "non-certification",
    "request for",
    "was denied",
    "were denied",
    "modified to",
    "not medically necessary",
];

/// Words that end a clause: negation and planning do not reach across them.
const TERMINATORS: &[&str] = &[
    " but ",
    " however",
    " although",
    " except",
    ";",
    " which ",
    " while ",
    " with the exception",
    " aside from",
    " though",
];

/// Finds `term` as a whole word sequence in `norm` (both lower case).
pub fn find_term(norm: &str, term: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = norm.get(from..)?.find(term) {
        let start = from + pos;
        let end = start + term.len();
        let before = norm[..start].chars().next_back();
        let after = norm[end..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if edge(before) && edge(after) {
            return Some(start);
        }
        from = start + term.len().max(1);
        while from < norm.len() && !norm.is_char_boundary(from) {
            from += 1;
        }
        if from >= norm.len() {
            return None;
        }
    }
    None
}

fn contains_word(hay: &str, word: &str) -> bool {
    find_term(hay, word).is_some()
}

/// How the sentence speaks of the term found at `at`.
pub fn classify(norm: &str, at: usize, term_len: usize) -> Mention {
    // Sentences about the request or its review describe paperwork, not the patient.
    if REVIEW_LANGUAGE.iter().any(|r| norm.contains(r)) {
        return Mention::Planned;
    }
    let before_all = &norm[..at];
    let clause_start = TERMINATORS
        .iter()
        .filter_map(|t| before_all.rfind(t).map(|p| p + t.len()))
        .max()
        .unwrap_or(0);
    let before = &before_all[clause_start..];
    // Negation reaches only a few words back.
    let window: Vec<&str> = before.split_whitespace().collect();
    let near = window[window.len().saturating_sub(7)..].join(" ");
    let after_start = (at + term_len).min(norm.len());
    let after_all = &norm[after_start..];
    let clause_end = TERMINATORS
        .iter()
        .filter_map(|t| after_all.find(t))
        .min()
        .unwrap_or(after_all.len());
    let after_words: Vec<&str> = after_all[..clause_end].split_whitespace().take(6).collect();
    let after = after_words.join(" ");
    if PRE_NEGATION.iter().any(|n| contains_word(&near, n))
        || POST_NEGATION.iter().any(|n| contains_word(&after, n))
    {
        return Mention::Negated;
    }
    if PLANNED.iter().any(|p| contains_word(before, p)) {
        return Mention::Planned;
    }
    Mention::Affirmed
}

/// The phrases of one rule, lower-cased once, with an automaton that finds
/// in one pass whether a sentence holds any of them at all. Most sentences
/// of a long record hold none, and are passed over without a search per
/// phrase.
pub struct Phrases {
    lower: Vec<String>,
    any: Option<AhoCorasick>,
}

impl Phrases {
    pub fn new(terms: &[String]) -> Phrases {
        let lower: Vec<String> = terms
            .iter()
            .map(|t| t.to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let any = AhoCorasick::new(&lower).ok();
        Phrases { lower, any }
    }

    /// Whether any phrase occurs in the sentence as a substring: a cheap
    /// test that must hold before the whole-word search is worth doing.
    fn may_occur(&self, sentence: &Sentence) -> bool {
        match &self.any {
            Some(ac) => ac.is_match(&sentence.norm),
            // Without an automaton, let the exact search decide.
            None => !self.lower.is_empty(),
        }
    }

    /// How the sentence speaks of the phrases: the first phrase found
    /// decides, except that an affirmed mention outweighs a denied or
    /// planned one in the same sentence.
    pub fn mention(&self, sentence: &Sentence) -> Option<Mention> {
        if !self.may_occur(sentence) {
            return None;
        }
        let mut best: Option<Mention> = None;
        for t in &self.lower {
            if let Some(at) = find_term(&sentence.norm, t) {
                let m = classify(&sentence.norm, at, t.len());
                let better = match best {
                    None => true,
                    Some(prev) => prev != Mention::Affirmed && m == Mention::Affirmed,
                };
                if better {
                    best = Some(m);
                }
            }
        }
        best
    }

    /// Whether the sentence uses any of the phrases as whole words.
    pub fn any_in(&self, sentence: &Sentence) -> bool {
        self.may_occur(sentence)
            && self
                .lower
                .iter()
                .any(|t| find_term(&sentence.norm, t).is_some())
    }
}

/// Every mention of any of `terms` in a sentence, with how it is meant (see
/// [`Phrases::mention`]; build a [`Phrases`] once when matching many
/// sentences).
pub fn mention(sentence: &Sentence, terms: &[String]) -> Option<Mention> {
    Phrases::new(terms).mention(sentence)
}

/// Whether the sentence uses any of `words`.
pub fn mentions_any(sentence: &Sentence, words: &[String]) -> bool {
    Phrases::new(words).any_in(sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Sentence {
        Sentence {
            doc: DocId(0),
            span: Span::new(0, text.len()),
            norm: text.to_lowercase(),
            quote: text.to_string(),
            date: None,
        }
    }

    fn terms(t: &[&str]) -> Vec<String> {
        t.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn splits_sentences_and_keeps_abbreviations() {
        let text = "Seen by Dr. Lee on 3/4/2016. Pain 7/10.\n\nPlan: rest";
        let spans = split(text);
        let got: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            got,
            vec!["Seen by Dr. Lee on 3/4/2016.", "Pain 7/10.", "Plan: rest"]
        );
    }

    #[test]
    fn negation_and_planning_are_scoped() {
        let t = terms(&["red flags"]);
        assert_eq!(
            mention(&s("There were no red flags."), &t),
            Some(Mention::Negated)
        );
        assert_eq!(
            mention(&s("He denies trauma but red flags were present."), &t),
            Some(Mention::Affirmed)
        );
        let slr = terms(&["straight leg raise"]);
        assert_eq!(
            mention(&s("Straight leg raise was negative on the left."), &slr),
            Some(Mention::Negated)
        );
        let pt = terms(&["physical therapy"]);
        assert_eq!(
            mention(&s("The plan included physical therapy."), &pt),
            Some(Mention::Planned)
        );
        assert_eq!(
            mention(&s("She completed physical therapy."), &pt),
            Some(Mention::Affirmed)
        );
        assert_eq!(mention(&s("Nothing relevant."), &pt), None);
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(find_term("no emg done", "emg"), Some(3));
        assert_eq!(find_term("the demgraph", "emg"), None);
    }

    #[test]
    fn dates_in_sentences() {
        assert_eq!(
            first_date("seen on 10-13-16 for"),
            NaiveDate::from_ymd_opt(2016, 10, 13)
        );
        assert_eq!(first_date("pain 7/10 today"), None);
    }
}
