//! Text preparation: de-wrapping pdftotext line breaks and splitting sentences.
//!
//! Extraction runs on a de-wrapped copy of a document (one space where the
//! layout broke a line, hyphenated dates joined again), because patterns such
//! as "straight leg\nraise" or "10-\n13-2016" must match across line ends. The
//! GUI highlights the *original* text, so every span found in the copy is
//! mapped back through an [`OffsetMap`].

use crate::fact::Span;

/// One piece of the de-wrapped text: either copied verbatim from the original
/// (so offsets shift by a constant) or a replacement for a whitespace run.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Offset of the piece in the de-wrapped text.
    new: usize,
    /// Offset in the original text where the piece comes from.
    orig: usize,
    /// Whether the bytes were copied one to one.
    copied: bool,
}

/// Maps offsets in de-wrapped text back to the original text.
///
/// Stored as pieces (one per copied run and per replaced whitespace run), so
/// it costs a few bytes per line rather than per byte, and a lookup is a
/// binary search.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
    orig_len: usize,
    new_len: usize,
}

impl OffsetMap {
    fn piece_at(&self, pos: usize) -> Option<&Piece> {
        let idx = self.pieces.partition_point(|p| p.new <= pos);
        idx.checked_sub(1).and_then(|i| self.pieces.get(i))
    }

    /// The original offset of the byte at `pos` of the de-wrapped text.
    pub fn to_original(&self, pos: usize) -> usize {
        if pos >= self.new_len {
            return self.orig_len;
        }
        match self.piece_at(pos) {
            Some(p) if p.copied => p.orig + (pos - p.new),
            Some(p) => p.orig,
            None => pos.min(self.orig_len),
        }
    }

    /// The original offset just after the byte before `pos`: where a span
    /// that ends at `pos` in the de-wrapped text ends in the original.
    pub fn to_original_end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.to_original(0);
        }
        match self.piece_at(pos - 1) {
            Some(p) if p.copied => (p.orig + (pos - 1 - p.new) + 1).min(self.orig_len),
            _ => self.to_original(pos),
        }
    }

    /// Maps a span of the de-wrapped text to the original text.
    pub fn span_to_original(&self, span: Span) -> Span {
        let start = self.to_original(span.start);
        let end = self.to_original_end(span.end).max(start);
        Span::new(start, end)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c | 0x0b)
}

/// Whether the original line ending at `end` (exclusive) reads as a heading
/// or a lead-in ("DIAGNOSES:", "CLINICAL CASE SUMMARY"), after which a line
/// break separates rather than wraps.
fn line_is_heading(text: &[u8], end: usize) -> bool {
    let start = text[..end]
        .iter()
        .rposition(|&b| b == b'\n' || b == 0x0c)
        .map_or(0, |i| i + 1);
    let trimmed = text[start..end].trim_ascii();
    if trimmed.is_empty() {
        return false;
    }
    if trimmed.ends_with(b":") {
        return true;
    }
    trimmed.len() <= 60
        && trimmed.iter().any(|b| b.is_ascii_uppercase())
        && !trimmed.iter().any(|b| b.is_ascii_lowercase())
        && !trimmed.ends_with(b",")
}

/// Whether the next line starts like a list entry ("1.", "-", "•").
fn line_is_list_entry(text: &[u8], start: usize) -> bool {
    let rest = &text[start..text.len().min(start + 4)];
    match rest.first() {
        Some(b'-') | Some(b'*') => true,
        Some(b) if b.is_ascii_digit() => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(rest.get(digits), Some(b'.') | Some(b')'))
                && matches!(rest.get(digits + 1), Some(b' '))
        }
        _ => text[start..].starts_with("•".as_bytes()),
    }
}

/// Whether a list entry may begin after the line ending at `end`: after
/// punctuation or after another entry. "rated 7 out of" + "10. The pain…"
/// is a wrapped sentence, not a list.
fn list_can_start(text: &[u8], end: usize) -> bool {
    if matches!(
        text.get(end.wrapping_sub(1)),
        Some(b'.' | b':' | b';' | b'!' | b'?')
    ) {
        return true;
    }
    let start = text[..end]
        .iter()
        .rposition(|&b| b == b'\n' || b == 0x0c)
        .map_or(0, |i| i + 1);
    let first = text[start..end]
        .iter()
        .position(|b| !is_ws(*b))
        .map_or(end, |k| start + k);
    line_is_list_entry(text, first)
}

/// De-wraps pdftotext output.
///
/// Single line breaks inside a paragraph become one space; a blank line (or a
/// break after a heading or before a list entry) becomes `'\n'`, which the
/// sentence splitter treats as a boundary; runs of spaces collapse to one. A
/// line ending in a hyphen right after a letter or digit joins the next line
/// without a space and keeps the hyphen ("10-" + "13-2016" → "10-13-2016",
/// "follow-" + "up" → "follow-up"). Leading and trailing whitespace is dropped.
pub fn dewrap(text: &str) -> (String, OffsetMap) {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = String::with_capacity(n);
    let mut pieces: Vec<Piece> = Vec::with_capacity(n / 40 + 4);
    let mut copy_start = 0usize;
    let mut i = 0usize;
    while i < n {
        if !is_ws(b[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && is_ws(b[j]) {
            j += 1;
        }
        if j - i == 1 && b[i] == b' ' {
            i = j;
            continue;
        }
        // Flush the copied run before the whitespace.
        if copy_start < i {
            pieces.push(Piece {
                new: out.len(),
                orig: copy_start,
                copied: true,
            });
            out.push_str(&text[copy_start..i]);
        }
        let run = &b[i..j];
        let mut newlines = 0;
        let mut k = 0;
        while k < run.len() {
            match run[k] {
                b'\n' => newlines += 1,
                b'\r' if run.get(k + 1) != Some(&b'\n') => newlines += 1,
                _ => {}
            }
            k += 1;
        }
        let replacement = if i == 0 || j == n {
            ""
        } else if newlines >= 2 {
            "\n"
        } else if newlines == 1 {
            let prev = b[i - 1];
            let before_prev = if i >= 2 { b[i - 2] } else { b' ' };
            if prev == b'-' && before_prev.is_ascii_alphanumeric() && b[j].is_ascii_alphanumeric() {
                ""
            } else if line_is_heading(b, i) || (line_is_list_entry(b, j) && list_can_start(b, i)) {
                "\n"
            } else {
                " "
            }
        } else {
            " "
        };
        pieces.push(Piece {
            new: out.len(),
            orig: i,
            copied: false,
        });
        out.push_str(replacement);
        i = j;
        copy_start = j;
    }
    if copy_start < n {
        pieces.push(Piece {
            new: out.len(),
            orig: copy_start,
            copied: true,
        });
        out.push_str(&text[copy_start..n]);
    }
    let new_len = out.len();
    (
        out,
        OffsetMap {
            pieces,
            orig_len: n,
            new_len,
        },
    )
}

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "st", "jr", "sr", "fig", "p.o", "b.i.d",
    "t.i.d", "q.i.d", "q.d", "p.r.n", "a.m", "p.m", "q.h.s", "u.s", "inc", "etc.,", "cf", "al",
    "dept", "wk", "wks", "yr", "yrs", "hr", "hrs", "min", "sec", "pt", "pts", "ext", "esq",
];

fn is_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(')
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    // Single letters are initials or list markers ("J. Doe", "a.").
    if word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    let lower = word.to_ascii_lowercase();
    if lower == "no" {
        // "No. 3" is a number; "no." at the end of a sentence is a word.
        return text[dot + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Sentence spans of a de-wrapped text (offsets into that text).
pub(crate) fn sentences_in(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 80 + 1);
    let mut start = 0usize;
    let push = |s: usize, e: usize, out: &mut Vec<Span>| {
        let slice = &text[s..e];
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        if s + lead < e - trail {
            out.push(Span::new(s + lead, e - trail));
        }
    };
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                push(start, i, &mut out);
                start = i + 1;
            }
            b'.' | b'?' | b'!' => {
                // Include closing quotes/brackets right after the mark.
                let mut end = i + 1;
                while end < b.len() && matches!(b[end], b'"' | b'\'' | b')') {
                    end += 1;
                }
                let next_is_space = end >= b.len() || b[end] == b' ';
                let after = text[end..].trim_start_matches(' ');
                let next_starts = after.is_empty()
                    || after.starts_with(|c: char| {
                        c.is_uppercase() || c.is_ascii_digit() || c == '(' || c == '"'
                    });
                if next_is_space && next_starts && !(b[i] == b'.' && is_abbreviation(text, i)) {
                    push(start, end, &mut out);
                    start = end;
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    push(start, b.len(), &mut out);
    out
}

/// Sentence spans of a document text, as byte ranges of the *original* text
/// (the text is de-wrapped first so wrapped lines do not break sentences).
pub fn sentences(text: &str) -> Vec<Span> {
    let (flat, map) = dewrap(text);
    sentences_in(&flat)
        .into_iter()
        .map(|s| map.span_to_original(s))
        .collect()
}

/// Index of the sentence containing `pos` in a sorted, non-overlapping list.
pub(crate) fn sentence_index(sentences: &[Span], pos: usize) -> Option<usize> {
    let idx = sentences.partition_point(|s| s.start <= pos);
    let i = idx.checked_sub(1)?;
    let s = sentences.get(i)?;
    (pos < s.end.max(s.start + 1)).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dewrap_joins_lines_and_maps_back() {
        let text =
            "The worker had a straight leg\n   raise that was positive.\n\nNext   paragraph.";
        let (flat, map) = dewrap(text);
        assert_eq!(
            flat,
            "The worker had a straight leg raise that was positive.\nNext paragraph."
        );
        let at = flat.find("leg raise").unwrap_or(0);
        let span = map.span_to_original(Span::new(at, at + "leg raise".len()));
        assert_eq!(span.slice(text), "leg\n   raise");
        let p = flat.find("paragraph").unwrap_or(0);
        let span = map.span_to_original(Span::new(p, p + 9));
        assert_eq!(span.slice(text), "paragraph");
    }

    #[test]
    fn dewrap_joins_dates_broken_at_a_hyphen() {
        let text = "seen on 10-\n13-2016 for follow-\nup and a well-\n known plan";
        let (flat, map) = dewrap(text);
        assert_eq!(
            flat,
            "seen on 10-13-2016 for follow-up and a well-known plan"
        );
        let at = flat.find("10-13-2016").unwrap_or(0);
        let span = map.span_to_original(Span::new(at, at + 10));
        assert_eq!(span.slice(text), "10-\n13-2016");
    }

    #[test]
    fn dewrap_keeps_dash_separators_and_headings() {
        let (flat, _) = dewrap("pain level 7 -\nworse at night");
        assert_eq!(flat, "pain level 7 - worse at night");
        let (flat, _) = dewrap("DIAGNOSES:\n1. Lumbar strain\n2. Knee pain");
        assert_eq!(flat, "DIAGNOSES:\n1. Lumbar strain\n2. Knee pain");
        let (flat, _) = dewrap("pain rated 7 out of\n10. The plan");
        assert_eq!(flat, "pain rated 7 out of 10. The plan");
    }

    #[test]
    fn sentences_respect_abbreviations_and_decimals() {
        let text = "Dr. Roe saw him on 1.5 mg daily. He is better! Pain is 4/10 vs. 6/10 before. No. 3 item";
        let spans = sentences(text);
        let got: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            got,
            vec![
                "Dr. Roe saw him on 1.5 mg daily.",
                "He is better!",
                "Pain is 4/10 vs. 6/10 before.",
                "No. 3 item"
            ]
        );
    }

    #[test]
    fn sentence_spans_index_the_original_text() {
        let text = "  First line wraps\n  here. Second\n\n\x0cThird.";
        let spans = sentences(text);
        let got: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
        assert_eq!(got, vec!["First line wraps\n  here.", "Second", "Third."]);
    }

    #[test]
    fn sentence_index_finds_the_container() {
        let s = vec![Span::new(0, 5), Span::new(6, 10)];
        assert_eq!(sentence_index(&s, 3), Some(0));
        assert_eq!(sentence_index(&s, 7), Some(1));
        assert_eq!(sentence_index(&s, 12), None);
    }
}
