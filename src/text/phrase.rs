//! Whole-word and phrase matching.
//!
//! Two matchers, one module: [`find_term`] finds an exact whole-word
//! sequence (drug names, request words, where the form matters), and
//! [`Phrases`] finds a guideline's phrases word by word with simple
//! inflection, so "deteriorating" and "deterioration", "rule out" and "ruled
//! out", "O'Brien" and "Obrien" are one phrase. Which certainty a match has is
//! read by [`super::certainty`] on the same sentence.

use aho_corasick::AhoCorasick;

/// Finds `term` as a whole word sequence in `norm` (both lower case): no
/// letter or digit touches either end.
pub fn find_term(norm: &str, term: &str) -> Option<usize> {
    if term.is_empty() {
        return None;
    }
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
        from = start + 1;
        while from < norm.len() && !norm.is_char_boundary(from) {
            from += 1;
        }
        if from >= norm.len() {
            return None;
        }
    }
    None
}

/// Whole-word matches of `automaton` (built with the standard match kind) in
/// `lower`, leftmost first and longest at each start, without overlaps.
///
/// A leftmost-longest search would let "neer test" (rejected before "tests")
/// hide "neer"; taking overlapping matches and filtering word boundaries
/// first keeps the longest *whole-word* term.
pub fn word_matches(automaton: &AhoCorasick, lower: &str) -> Vec<(usize, usize, usize)> {
    let bytes = lower.as_bytes();
    let mut all: Vec<(usize, usize, usize)> = automaton
        .find_overlapping_iter(lower)
        .filter(|m| is_word(bytes, m.start(), m.end()))
        .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize, usize)> = Vec::with_capacity(all.len());
    for m in all {
        if out.last().is_some_and(|last| m.0 < last.1) {
            continue;
        }
        out.push(m);
    }
    out
}

/// Whether `start..end` of `text` is a whole word (no letter or digit
/// touching either end).
pub fn is_word(text: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || !text[start - 1].is_ascii_alphanumeric();
    let after_ok = end >= text.len() || !text[end].is_ascii_alphanumeric();
    before_ok && after_ok
}

/// The text prepared for matching: lower case, one space between words, and
/// the apostrophe inside a word dropped ("o'brien" → "obrien", "patient's" →
/// "patients"), so phrases and certainty triggers read the same string.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            if !out.is_empty() && prev != Some(' ') {
                out.push(' ');
                prev = Some(' ');
            }
            continue;
        }
        let apostrophe = matches!(c, '\'' | '\u{2019}');
        let next_alpha = chars.peek().is_some_and(|n| n.is_alphabetic());
        if apostrophe && prev.is_some_and(char::is_alphabetic) && next_alpha {
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
        prev = Some(c);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Inflectional endings, longest first. Only these are stripped: the aim is
/// "the same word in another form", not a linguistic stem.
const ENDINGS: &[&str] = &[
    "ings", "ing", "ions", "ion", "ies", "ied", "ed", "es", "e", "s", "y",
];

/// The stem of one lower-case word for inflection-insensitive matching: an
/// inflectional ending removed when at least three letters remain, so the
/// stem is always a prefix of the word ("deteriorating", "deterioration" →
/// "deteriorat"; "ruled", "rule" → "rul"). Words with digits or other marks
/// ("4/5", "l4-5", "s/p") are kept whole.
pub fn stem(word: &str) -> &str {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word;
    }
    for e in ENDINGS {
        if let Some(base) = word.strip_suffix(e)
            && base.len() >= 3
        {
            return base;
        }
    }
    word
}

/// The words of a normalized text with their byte ranges: runs between
/// spaces, with leading and trailing punctuation trimmed, and a hyphen
/// between letters splitting ("follow-up" → "follow", "up").
pub fn words(norm: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = norm.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b' ' {
            i += 1;
        }
        push_word(norm, start, i, &mut out);
    }
    out
}

fn push_word(norm: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let token = &norm[start..end];
    let trim = |c: char| !c.is_alphanumeric() && !matches!(c, '/' | '+' | '%');
    let lead = token.len() - token.trim_start_matches(trim).len();
    let body = token.trim_matches(trim);
    if body.is_empty() {
        return;
    }
    let s = start + lead;
    let b = body.as_bytes();
    let mut piece = 0;
    for k in 0..b.len() {
        let splits = b[k] == b'-'
            && k > 0
            && k + 1 < b.len()
            && b[k - 1].is_ascii_alphabetic()
            && b[k + 1].is_ascii_alphabetic();
        if splits {
            out.push((s + piece, s + k));
            piece = k + 1;
        }
    }
    out.push((s + piece, s + b.len()));
}

/// One phrase as words to match, each word's stem precomputed.
#[derive(Debug, Clone)]
struct Phrase {
    stems: Vec<String>,
}

/// Where a phrase was found in a sentence's normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    pub start: usize,
    pub end: usize,
    /// Which phrase of the set.
    pub phrase: usize,
}

/// The phrases of one rule, compiled once: each phrase as word stems, and an
/// automaton over the first stems that tells in one pass whether a sentence
/// can hold any of them at all (stems are prefixes of their words, so a
/// sentence without any first stem as a substring holds no phrase). Most
/// sentences of a long record hold none and are passed over at that cost.
#[derive(Debug, Clone)]
pub struct Phrases {
    phrases: Vec<Phrase>,
    any: Option<AhoCorasick>,
}

impl Phrases {
    pub fn new(terms: &[String]) -> Phrases {
        let phrases: Vec<Phrase> = terms
            .iter()
            .filter_map(|t| {
                let norm = normalize(t);
                let stems: Vec<String> = words(&norm)
                    .into_iter()
                    .map(|(s, e)| stem(&norm[s..e]).to_string())
                    .collect();
                (!stems.is_empty()).then_some(Phrase { stems })
            })
            .collect();
        let firsts: Vec<&str> = phrases
            .iter()
            .filter_map(|p| p.stems.first().map(String::as_str))
            .collect();
        let any = AhoCorasick::new(&firsts).ok();
        Phrases { phrases, any }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// A cheap test that must hold before the word-by-word search is worth
    /// doing.
    fn may_occur(&self, norm: &str) -> bool {
        match &self.any {
            Some(ac) => ac.is_match(norm),
            None => !self.phrases.is_empty(),
        }
    }

    /// Every phrase occurrence in `norm` (a [`normalize`]d text), in text
    /// order, longest phrase first where two start at the same word.
    pub fn find_all(&self, norm: &str) -> Vec<PhraseMatch> {
        if !self.may_occur(norm) {
            return Vec::new();
        }
        let spans = words(norm);
        let stems: Vec<&str> = spans.iter().map(|&(s, e)| stem(&norm[s..e])).collect();
        let mut out = Vec::new();
        for i in 0..stems.len() {
            let mut best: Option<(usize, usize)> = None;
            for (pi, p) in self.phrases.iter().enumerate() {
                let n = p.stems.len();
                let fits = stems
                    .get(i..i + n)
                    .is_some_and(|w| w.iter().zip(&p.stems).all(|(a, b)| *a == b.as_str()));
                if fits && best.is_none_or(|(_, len)| n > len) {
                    best = Some((pi, n));
                }
            }
            if let Some((pi, n)) = best
                && let (Some(first), Some(last)) = (spans.get(i), spans.get(i + n - 1))
            {
                out.push(PhraseMatch {
                    start: first.0,
                    end: last.1,
                    phrase: pi,
                });
            }
        }
        out
    }

    /// Whether `norm` holds any of the phrases.
    pub fn any_in(&self, norm: &str) -> bool {
        !self.find_all(norm).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(t: &[&str]) -> Phrases {
        Phrases::new(&t.iter().map(|x| x.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(find_term("no emg done", "emg"), Some(3));
        assert_eq!(find_term("the demgraph", "emg"), None);
        assert_eq!(find_term("anything", ""), None);
    }

    #[test]
    fn inflections_match_one_phrase() {
        let p = phrases(&["deterioration"]);
        assert!(p.any_in(&normalize("Her gait is deteriorating.")));
        assert!(p.any_in(&normalize("Symptoms deteriorated since May.")));
        let r = phrases(&["rule out"]);
        assert!(r.any_in(&normalize("A fracture was ruled out.")));
        let n = phrases(&["obrien test"]);
        assert!(n.any_in(&normalize("O'Brien test was positive.")));
        let f = phrases(&["follow up"]);
        assert!(f.any_in(&normalize("Follow-up in four weeks.")));
    }

    #[test]
    fn phrases_are_whole_words_and_keep_marks() {
        let p = phrases(&["4/5"]);
        assert!(p.any_in(&normalize("Strength 4/5 in the quadriceps.")));
        assert!(!p.any_in(&normalize("Strength 4 of 5.")));
        let emg = phrases(&["emg"]);
        assert!(!emg.any_in(&normalize("A demgraph was read.")));
        let pain = phrases(&["pain"]);
        assert!(
            !pain.any_in(&normalize("She painted the wall.")),
            "painted is another word"
        );
    }

    #[test]
    fn longest_phrase_at_a_word_wins_and_offsets_are_exact() {
        let p = phrases(&["straight leg", "straight leg raise"]);
        let norm = normalize("Positive straight leg raise on the left.");
        let m = p.find_all(&norm);
        assert_eq!(m.len(), 1);
        assert_eq!(&norm[m[0].start..m[0].end], "straight leg raise");
        assert_eq!(m[0].phrase, 1);
    }

    #[test]
    fn stems_are_prefixes() {
        for w in [
            "deteriorating",
            "deterioration",
            "ruled",
            "injections",
            "studies",
            "worse",
        ] {
            assert!(w.starts_with(stem(w)), "{w} -> {}", stem(w));
        }
        assert_eq!(stem("deteriorating"), stem("deterioration"));
        assert_eq!(stem("injection"), stem("injections"));
        assert_eq!(stem("l4-5"), "l4-5");
    }
}
