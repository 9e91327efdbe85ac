//! Where a text names the patient: the values of labelled identifier fields
//! ("Patient name: …", "DOB: …", "Claim number: …") and every occurrence of
//! identifiers the case already knows (its case number). Presentation mode
//! masks these spans so a room sees the clinical record, not who it is.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A label that introduces an identifier, then its value to the end of the
/// line (or to the next wide gap, where a form puts two fields on a line).
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)\b(?:patient(?:'s)?\s+name|patient|name|injured\s+worker|employee|applicant|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|claim\s*(?:number|no\.?|#)|claim|case\s*(?:number|no\.?|#)|ssn|social\s+security(?:\s+number)?|address|phone|telephone|employee\s+id|member\s+id|medical\s+record\s+number|mrn)[ \t]*[:#][ \t]*(?P<value>[^\r\n]*?)(?:[ \t]{3,}|[\r\n]|$)",
    )
    .expect("the identifier pattern is valid")
});

/// The byte ranges of `text` that identify the patient: labelled values and
/// each occurrence of a `known` identifier (empty ones are ignored). The
/// ranges are sorted and do not overlap.
pub fn identifier_spans(text: &str, known: &[&str]) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = LABELLED
        .captures_iter(text)
        .filter_map(|c| c.name("value"))
        .filter(|v| !v.as_str().trim().is_empty())
        .map(|v| {
            let trimmed = v.as_str().trim_end();
            v.start()..v.start() + trimmed.len()
        })
        .collect();
    for k in known.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        spans.extend(text.match_indices(k).map(|(i, m)| i..i + m.len()));
    }
    merge(spans)
}

/// `text` with every identifier span replaced by as many "•" as it has
/// characters, so the layout of a letter or a line stays the same.
pub fn masked(text: &str, known: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in identifier_spans(text, known) {
        out.push_str(&text[at..r.start]);
        out.extend(std::iter::repeat_n('•', text[r.clone()].chars().count()));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_values_and_known_numbers_are_masked() {
        let text = "Patient name: Rosa Q. Example\nDOB: 04/01/1970    Claim #: 55-XY-1\n\
                    Case number: IMR-TEST-9\nShe was seen for IMR-TEST-9 follow-up.\n\
                    Diagnosis: lumbar strain";
        let out = masked(text, &["IMR-TEST-9"]);
        assert!(!out.contains("Rosa"), "{out}");
        assert!(!out.contains("04/01/1970"), "{out}");
        assert!(!out.contains("55-XY-1"), "{out}");
        assert!(!out.contains("IMR-TEST-9"), "{out}");
        assert!(out.contains("Diagnosis: lumbar strain"), "{out}");
        assert!(out.contains("Patient name: ••••"), "{out}");
        assert_eq!(out.lines().count(), text.lines().count());
    }

    #[test]
    fn clinical_text_without_identifiers_is_unchanged() {
        let text = "The patient reports low back pain. Name of the test: EMG.";
        // "Name of the test:" is not "Name:"; "patient reports" has no colon.
        assert_eq!(masked(text, &[""]), text);
    }

    #[test]
    fn spans_are_sorted_and_disjoint() {
        let spans = identifier_spans("Case number: A-1 A-1\nclaim: A-1", &["A-1"]);
        assert!(
            spans.windows(2).all(|w| w[0].end <= w[1].start),
            "{spans:?}"
        );
    }
}
