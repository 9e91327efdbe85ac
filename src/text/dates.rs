//! Dates as records write them, normalised with their precision.
//!
//! Records mix numeric forms (11/07/14, 10-13-16, 02-26-2016), month names
//! ("October 10, 2015", "March 2015"), month-year ("(12-2016)"), bare years
//! ("in 2011") and relative phrases ("3 years ago"), plus obvious typing slips
//! (0719/12). All arithmetic is chrono's.

use std::sync::LazyLock;

use chrono::{Datelike, Months, NaiveDate};
use regex::{Captures, Regex};

use crate::fact::{DatePrecision, FuzzyDate, Span};

fn re(pattern: &str) -> Regex {
    // Built-in literals, exercised by the unit tests below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in date pattern: {e}"))
}

const MONTH_NAMES: &str = r"(?i:(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))";

static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b"));
/// A slipped separator: "0719/12" for 07/19/12.
static SLIPPED: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{2})(\d{2})[/-](\d{4}|\d{2})\b"));
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{MONTH_NAMES}\.?(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?)?,?\s+(?:of\s+)?(\d{{4}})\b"
    ))
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(\d{{1,2}})\s+{MONTH_NAMES}\.?,?\s+(\d{{4}})\b"
    ))
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2})[/-](\d{4})\b"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:in|since|during|circa|around|until|through|from|by|year|of|to)\s+(?:the\s+year\s+)?(?:early\s+|late\s+|mid-?\s*)?((?:19|20)\d{2})\b",
    )
});
static AGO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(day|week|month|year)s?\s+ago\b",
    )
});

fn month_from_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let m = match lower.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// Counts in relative dates: "a year ago" as well as "three months ago".
fn number_word(word: &str) -> Option<u32> {
    if word.eq_ignore_ascii_case("a") || word.eq_ignore_ascii_case("an") {
        return Some(1);
    }
    super::number_word(word)
}

/// Expands a year as written: four digits as is; two digits pivot on the
/// current year plus one (so in 2026 "27" is 1927 and "16" is 2016).
fn expand_year(digits: &str) -> Option<i32> {
    let y: i32 = digits.parse().ok()?;
    if digits.len() == 4 {
        return (1900..=2100).contains(&y).then_some(y);
    }
    let pivot = (chrono::Utc::now().year() + 1) % 100;
    Some(if y <= pivot { 2000 + y } else { 1900 + y })
}

fn num(c: &Captures<'_>, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn month_date(year: i32, month: u32) -> Option<FuzzyDate> {
    Some(FuzzyDate {
        date: ymd(year, month, 1)?,
        precision: DatePrecision::Month,
    })
}

fn year_date(year: i32) -> Option<FuzzyDate> {
    Some(FuzzyDate {
        date: ymd(year, 1, 1)?,
        precision: DatePrecision::Year,
    })
}

/// Resolves "N units ago" against the reference date.
fn ago(reference: NaiveDate, n: u32, unit: &str) -> Option<FuzzyDate> {
    match unit.to_ascii_lowercase().as_str() {
        "day" => Some(FuzzyDate::day(
            reference.checked_sub_days(chrono::Days::new(u64::from(n)))?,
        )),
        "week" => Some(FuzzyDate::day(
            reference.checked_sub_days(chrono::Days::new(7 * u64::from(n)))?,
        )),
        "month" => {
            let d = reference.checked_sub_months(Months::new(n))?;
            month_date(d.year(), d.month())
        }
        "year" => {
            let d = reference.checked_sub_months(Months::new(n.checked_mul(12)?))?;
            year_date(d.year())
        }
        _ => None,
    }
}

/// Every date in `text` with its span (byte range of `text`), in order.
///
/// `reference` (the document date) resolves relative phrases; without it they
/// are skipped. Overlapping readings keep the earliest, then the longest, so
/// "10-13-2016" is one day and not also a month "13-2016".
pub fn find_dates(text: &str, reference: Option<NaiveDate>) -> Vec<(Span, FuzzyDate)> {
    let mut found: Vec<(Span, FuzzyDate)> = Vec::new();
    let mut add = |start: usize, end: usize, d: Option<FuzzyDate>| {
        if let Some(d) = d {
            found.push((Span::new(start, end), d));
        }
    };
    // Slipped forms ("0719/12") capture month, day and year like the plain numeric ones.
    for c in NUMERIC
        .captures_iter(text)
        .chain(SLIPPED.captures_iter(text))
    {
        let Some(m) = c.get(0) else { continue };
        let d = (|| {
            let month = num(&c, 1)?;
            let day = num(&c, 2)?;
            let year = expand_year(c.get(3)?.as_str())?;
            ymd(year, month, day).map(FuzzyDate::day)
        })();
        add(m.start(), m.end(), d);
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let d = (|| {
            let month = month_from_name(c.get(1)?.as_str())?;
            let year: i32 = c.get(3)?.as_str().parse().ok()?;
            if !(1900..=2100).contains(&year) {
                return None;
            }
            match num(&c, 2) {
                Some(day) => ymd(year, month, day).map(FuzzyDate::day),
                None => month_date(year, month),
            }
        })();
        add(m.start(), m.end(), d);
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let d = (|| {
            let day = num(&c, 1)?;
            let month = month_from_name(c.get(2)?.as_str())?;
            let year: i32 = c.get(3)?.as_str().parse().ok()?;
            ymd(year, month, day).map(FuzzyDate::day)
        })();
        add(m.start(), m.end(), d);
    }
    for c in MONTH_YEAR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let d = (|| {
            let month = num(&c, 1)?;
            let year: i32 = c.get(2)?.as_str().parse().ok()?;
            if !(1900..=2100).contains(&year) {
                return None;
            }
            month_date(year, month)
        })();
        add(m.start(), m.end(), d);
    }
    for c in YEAR.captures_iter(text) {
        let Some(y) = c.get(1) else { continue };
        let d = y.as_str().parse().ok().and_then(year_date);
        add(y.start(), y.end(), d);
    }
    if let Some(reference) = reference {
        for c in AGO.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let d = (|| {
                let n = number_word(c.get(1)?.as_str())?;
                ago(reference, n, c.get(2)?.as_str())
            })();
            add(m.start(), m.end(), d);
        }
    }
    found.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then(b.0.end.cmp(&a.0.end))
            .then(a.1.precision.cmp(&b.1.precision))
    });
    let mut out: Vec<(Span, FuzzyDate)> = Vec::with_capacity(found.len());
    for (span, date) in found {
        if out.last().is_some_and(|(last, _)| span.start < last.end) {
            continue;
        }
        out.push((span, date));
    }
    out
}

/// The dates of a text that can date an event, as `(start, end, date)`:
/// a date that belongs to an injury or birth phrase ("DOI 03/04/2015", "date
/// of birth") dates nothing else. `lower` is the lower-cased text the dates
/// were found in.
pub fn event_dates(lower: &str, dates: &[(Span, FuzzyDate)]) -> Vec<(usize, usize, FuzzyDate)> {
    let special = |span: Span| -> bool {
        let mut from = span.start.saturating_sub(45);
        while from > 0 && !lower.is_char_boundary(from) {
            from -= 1;
        }
        let before = lower.get(from..span.start).unwrap_or("");
        // Only the words of the date's own clause: "injured on 10-27-2016.
        // On 10-28-2016 …" makes the second date no injury date.
        let before = before
            .rfind(['.', ';'])
            .map_or(before, |i| before.get(i + 1..).unwrap_or(""));
        before.contains("injur")
            || before.contains("doi")
            || before.contains("birth")
            || before.contains("dob")
    };
    dates
        .iter()
        .filter(|(s, _)| !special(*s))
        .map(|(s, d)| (s.start, s.end, *d))
        .collect()
}

/// The governing date of each sentence: a date phrase near a sentence's
/// start ("In a progress report dated …", "On 10/12/2016, …") dates it and
/// carries on to the following sentences of the paragraph, until another
/// opening date or a paragraph break. `sentences` index `lower`; `dated`
/// is [`event_dates`] of the same text.
pub fn governing(
    lower: &str,
    sentences: &[Span],
    dated: &[(usize, usize, FuzzyDate)],
) -> Vec<Option<FuzzyDate>> {
    let bytes = lower.as_bytes();
    let mut out = Vec::with_capacity(sentences.len());
    let mut carry: Option<FuzzyDate> = None;
    for s in sentences {
        if s.start == 0 || bytes.get(s.start.saturating_sub(1)) == Some(&b'\n') {
            carry = None;
        }
        let lo = dated.partition_point(|d| d.0 < s.start);
        if let Some(&(ds, _, d)) = dated.get(lo)
            && ds < s.end
            && ds - s.start <= 60
            && opens_sentence(lower.get(s.start..ds).unwrap_or(""))
        {
            carry = Some(d);
        }
        out.push(carry);
    }
    out
}

/// Whether the words before a date make it an opening date phrase ("On",
/// "In a progress report dated", "Per the note of"), which dates what follows.
fn opens_sentence(prefix: &str) -> bool {
    let p = prefix.trim_start();
    // "A physician progress note dated …", "Subjective complaints (…)",
    // "She was seen on …": a short lead-in that ends by pointing at the date.
    let words = p.split_whitespace().count();
    // "The original utilization review (12-01-2016) …": a date in
    // apposition to a short subject dates the sentence.
    let apposition = words <= 5 && p.trim_end().ends_with('(');
    let short_lead = apposition
        || words <= 7
            && ["dated", "of", "on", "from", "(", "dos", "service", ":"]
                .iter()
                .any(|w| p.trim_end().ends_with(w));
    short_lead
        || p.is_empty()
        || [
            "on ",
            "in ",
            "at ",
            "per ",
            "according to ",
            "during ",
            "as of ",
            "from ",
            "dated ",
            "by ",
            "since ",
            "beginning ",
            "starting ",
        ]
        .iter()
        .any(|w| p.starts_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn governing_of(text: &str) -> Vec<Option<FuzzyDate>> {
        let lower = text.to_ascii_lowercase();
        let found = find_dates(text, None);
        let dated = event_dates(&lower, &found);
        let spans = crate::text::wrap::sentences(text);
        governing(&lower, &spans, &dated)
    }

    #[test]
    fn short_lead_ins_date_their_sentence_and_injury_dates_stay_in_their_clause() {
        let day = |m, d| Some(FuzzyDate::day(NaiveDate::from_ymd_opt(2016, m, d).unwrap()));
        let g = governing_of(
            "She was injured on 10-27-2016. On 10-28-2016 the provider noted pain. A progress note dated 12-12-2016 documents spasm. Subjective complaints (12-20-2016) included numbness.",
        );
        assert_eq!(g, vec![None, day(10, 28), day(12, 12), day(12, 20)]);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn one(text: &str, reference: Option<NaiveDate>) -> (String, FuzzyDate) {
        let found = find_dates(text, reference);
        assert_eq!(found.len(), 1, "{text:?} gave {found:?}");
        let (span, date) = found[0];
        (span.slice(text).to_string(), date)
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(
            one("seen 11/07/14 again", None),
            ("11/07/14".into(), FuzzyDate::day(d(2014, 11, 7)))
        );
        assert_eq!(one("on 10-13-16.", None).1, FuzzyDate::day(d(2016, 10, 13)));
        assert_eq!(
            one("dated 02-26-2016", None).1,
            FuzzyDate::day(d(2016, 2, 26))
        );
        assert_eq!(one("11/09/2016", None).1, FuzzyDate::day(d(2016, 11, 9)));
        assert_eq!(one("born 03/04/65", None).1, FuzzyDate::day(d(1965, 3, 4)));
    }

    #[test]
    fn slipped_separator_is_repaired() {
        assert_eq!(
            one("injured 0719/12 at work", None),
            ("0719/12".into(), FuzzyDate::day(d(2012, 7, 19)))
        );
    }

    #[test]
    fn month_names() {
        assert_eq!(
            one("on October 10, 2015 he", None).1,
            FuzzyDate::day(d(2015, 10, 10))
        );
        assert_eq!(
            one("Sept. 3rd, 2014", None).1,
            FuzzyDate::day(d(2014, 9, 3))
        );
        let (text, date) = one("an MRI in March 2015 showed", None);
        assert_eq!(text, "March 2015");
        assert_eq!(date.precision, DatePrecision::Month);
        assert_eq!(date.date, d(2015, 3, 1));
        assert_eq!(one("4 May 2013", None).1, FuzzyDate::day(d(2013, 5, 4)));
        assert!(find_dates("he may 20 times", None).is_empty());
    }

    #[test]
    fn month_year_and_year() {
        let (text, date) = one("a study (12-2016) showed", None);
        assert_eq!(text, "12-2016");
        assert_eq!(date.precision, DatePrecision::Month);
        let (text, date) = one("surgery in 2011 helped", None);
        assert_eq!(text, "2011");
        assert_eq!(date.precision, DatePrecision::Year);
        assert_eq!(date.date, d(2011, 1, 1));
    }

    #[test]
    fn relative_dates_need_a_reference() {
        let reference = Some(d(2016, 10, 10));
        let (text, date) = one("fell 3 years ago at work", reference);
        assert_eq!(text, "3 years ago");
        assert_eq!(date.precision, DatePrecision::Year);
        assert_eq!(date.date.year(), 2013);
        let (_, date) = one("started three months ago", reference);
        assert_eq!(date.date, d(2016, 7, 1));
        assert_eq!(date.precision, DatePrecision::Month);
        assert_eq!(
            one("two weeks ago", reference).1,
            FuzzyDate::day(d(2016, 9, 26))
        );
        assert!(find_dates("3 years ago", None).is_empty());
    }

    #[test]
    fn non_dates_are_ignored() {
        assert!(find_dates("L4-5 and 5/5 strength, pain 7/10, 13/45/2016", None).is_empty());
        assert!(find_dates("on 02/30/2016", None).is_empty());
    }

    #[test]
    fn several_dates_in_order() {
        let text = "From 01/02/2015 to March 3, 2016 and since 2017.";
        let found = find_dates(text, None);
        let got: Vec<&str> = found.iter().map(|(s, _)| s.slice(text)).collect();
        assert_eq!(got, vec!["01/02/2015", "March 3, 2016", "2017"]);
    }
}
