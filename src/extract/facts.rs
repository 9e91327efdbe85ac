//! The fact finder: lexicon and pattern matches become [`Fact`]s with
//! certainty, subject, date, region, side, value and detail.
//!
//! Everything runs once over the de-wrapped text (one automaton pass per
//! table, one pass per pattern) and facts find their sentence, triggers,
//! dates and places by binary search, so the cost grows linearly with the
//! document.

use std::sync::LazyLock;

use regex::Regex;

use super::ExtractContext;
use super::lexicon::{LEXICON, Meaning};
use crate::case::DocId;
use crate::fact::{BodyRegion, Certainty, Fact, FactKind, FuzzyDate, Side, Span, Subject};
use crate::text::anatomy::{PLACES, Place};
use crate::text::certainty::{self as context, Trigger};
use crate::text::dates::find_dates;
use crate::text::phrase::word_matches;
use crate::text::wrap::{dewrap, sentence_index, sentences_in};

fn re(pattern: &str) -> Regex {
    // Built-in literals, exercised by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
}

static AGE_SEX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,3})[- ]years?[- ]old\b(?:[ ,]+(?:[a-z-]+ ){0,2}?(male|female|man|woman|gentleman|lady|men|women)\b)?",
    )
});
static PAIN_SCORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?))?\s*(?:/\s*10|out of (?:a possible )?10|on a (?:pain )?scale of (?:0|1|zero|one)\s*(?:-|to)\s*10)\b",
    )
});
static INJURY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:date of (?:the )?(?:industrial |work[- ]related |reported )?injury|(?:industrial )?injury date|\bDOI\b|injured (?:at work |on the job |while working )?on|injury (?:on|of|dated)|injuries (?:on|of))",
    )
});
static UR_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)utilization review|\bUR\b|non-?certif|noncertif|claims administrator|\brequest(?:ed)?\b[^.]*\b(?:was|were) (?:denied|modified)",
    )
});
static UR_DECISION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:partially certified|partial certification|non-?certified|noncertified|not certified|non-?certification|noncertification|denied|denial|modified|modification|certified|approved|authorized)\b",
    )
});
static SPINAL_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b([CTL])\s?(\d{1,2})(?:\s*(?:-|/|to|through)\s*([CTLS])?\s?(\d{1,2}))?\b|\b(S1)\b")
});
static MOTOR_GRADE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([0-5])([+-])?\s*(?:/|of|out of)\s*5\b"));
static ROM_LIMITED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:decreased|limited|restricted|reduced|diminished)\s+(?:[a-z]+\s+){0,2}?(?:range of motion|rom|motion)\b|\b(?:range of motion|rom|flexion|extension|abduction|rotation)\s+(?:is|was|were|are)?\s*(?:[a-z]+\s+)?(?:decreased|limited|restricted|reduced|diminished)\b|\brange of motion restrictions?\b",
    )
});
static VISITS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|eighteen|twenty|twenty-four)\s+(?:[a-z-]+\s+){0,3}?(?:sessions?|visits?|treatments?)\b|\b(\d{1,2})\s*x\s*(\d{1,2})\b|\bx\s?(\d{1,2})\b",
    )
});
static RELIEF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,3})\s*(?:%|percent)\s+(?:[a-z-]+\s+){0,3}?(?:relief|improvement|reduction|decrease|better|benefit)|(?:relief|improvement|reduction)\s+(?:of\s+|by\s+)?(?:about\s+|approximately\s+)?(\d{1,3})\s*(?:%|percent)",
    )
});
static STRENGTH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,:(]*(?:to\s+|at\s+|of\s+)?(?:(?:er|sr|xr|cr|hcl|tablets?|capsules?|cream|gel|patch(?:es)?|ointment|solution|sodium|tab|cap)[\s,)]+)*(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*)\s*(mg|mcg|%|g|ml|gm)\b",
    )
});
static FREQUENCY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:once|twice|three times|four times|\d+ times)\s+(?:a|per)\s+day|(?:once|twice)\s+daily|daily|nightly|at bedtime|every night|b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?i\.?d\.?|q\.?h\.?s\.?|q\.?d\.?|q\s?\d+\s?h(?:ours|rs|r)?|every \d+(?:\s*(?:-|to)\s*\d+)? hours|as needed|p\.?r\.?n\.?|#\s?\d+)",
    )
});

/// A match before its context is read.
struct Candidate {
    kind: FactKind,
    concept: &'static str,
    start: usize,
    end: usize,
    inherent_negation: bool,
    region: Option<BodyRegion>,
    value: Option<f64>,
    detail: Option<String>,
    date: Option<FuzzyDate>,
    /// Facts whose certainty does not depend on context (age, a pain score).
    fixed: bool,
    /// A strength grade: its own number says whether it is a deficit.
    fixed_grade: bool,
}

impl Candidate {
    fn new(kind: FactKind, concept: &'static str, start: usize, end: usize) -> Self {
        Candidate {
            kind,
            concept,
            start,
            end,
            inherent_negation: false,
            region: None,
            value: None,
            detail: None,
            date: None,
            fixed: false,
            fixed_grade: false,
        }
    }
}

fn is_treatment(kind: FactKind) -> bool {
    matches!(
        kind,
        FactKind::Imaging
            | FactKind::Electrodiagnostic
            | FactKind::Surgery
            | FactKind::Procedure
            | FactKind::Therapy
            | FactKind::Medication
            | FactKind::Injection
            | FactKind::DrugMonitoring
    )
}

/// A count or measure in digits (decimals kept) or words.
fn number_word(w: &str) -> Option<f64> {
    w.parse::<f64>()
        .ok()
        .or_else(|| crate::text::number_word(w).map(f64::from))
}

/// How far (bytes) a date in the sentence may sit from a fact of this kind
/// and still date it: events carry their dates ("MRI of 03/18/2016",
/// "surgery on …"); observations belong to the report that makes them, so
/// only a date right beside one dates it. Demographics take none.
fn date_reach(kind: FactKind) -> Option<usize> {
    match kind {
        FactKind::Demographics => None,
        FactKind::Imaging
        | FactKind::Electrodiagnostic
        | FactKind::Surgery
        | FactKind::Procedure
        | FactKind::Therapy
        | FactKind::Medication
        | FactKind::Injection
        | FactKind::Request
        | FactKind::UtilizationReview
        | FactKind::InjuryDate
        | FactKind::InjuryMechanism
        | FactKind::DrugMonitoring
        | FactKind::WorkStatus => Some(60),
        FactKind::Diagnosis
        | FactKind::Symptom
        | FactKind::ExamFinding
        | FactKind::FunctionalImprovement
        | FactKind::PainScore
        | FactKind::RedFlag => Some(12),
    }
}

fn nearest<T: Copy>(
    items: &[(usize, usize, T)],
    sentence: Span,
    start: usize,
    end: usize,
    cap: usize,
) -> Option<T> {
    let lo = items.partition_point(|i| i.0 < sentence.start);
    let hi = items.partition_point(|i| i.0 < sentence.end);
    // Items are sorted by start: the nearest ones sit around the fact's own
    // position, so look at a few neighbours only. Scanning the whole sentence
    // made a record without full stops quadratic.
    const NEIGHBOURS: usize = 4;
    let at = items.partition_point(|i| i.0 < start).clamp(lo, hi);
    let from = at.saturating_sub(NEIGHBOURS).max(lo);
    let to = (at + NEIGHBOURS).min(hi);
    items
        .get(from..to)?
        .iter()
        .filter_map(|&(s, e, v)| {
            let gap = if e <= start {
                start - e
            } else {
                s.saturating_sub(end)
            };
            (gap <= cap).then_some((gap, v))
        })
        .min_by_key(|(gap, _)| *gap)
        .map(|(_, v)| v)
}

/// Extracts every fact of one document text.
pub(crate) fn extract(text: &str, doc: DocId, ctx: &ExtractContext) -> Vec<Fact> {
    let (flat, map) = dewrap(text);
    let lower = flat.to_ascii_lowercase();
    let sentences = sentences_in(&flat);
    let dates = find_dates(&flat, ctx.document_date);
    let triggers = context::find_triggers(&lower);

    let dated = crate::text::dates::event_dates(&lower, &dates);
    let governing = crate::text::dates::governing(&lower, &sentences, &dated);
    let headed = crate::text::index::sections(&flat, &sentences);

    // Places, levels and numbers, each found once.
    let mut places: Vec<(usize, usize, PlaceHit)> = Vec::new();
    if let Some((automaton, kinds)) = PLACES.as_ref() {
        for (start, end, pattern) in word_matches(automaton, &lower) {
            let hit = match kinds.get(pattern) {
                Some(Place::Region(r)) => PlaceHit::Region(*r),
                Some(Place::Side(s)) => PlaceHit::Side(*s),
                None => continue,
            };
            places.push((start, end, hit));
        }
    }
    let regions: Vec<(usize, usize, BodyRegion)> = places
        .iter()
        .filter_map(|&(s, e, h)| match h {
            PlaceHit::Region(r) => Some((s, e, r)),
            PlaceHit::Side(_) => None,
        })
        .collect();
    let sides: Vec<(usize, usize, Side)> = places
        .iter()
        .filter_map(|&(s, e, h)| match h {
            PlaceHit::Side(side) => Some((s, e, side)),
            PlaceHit::Region(_) => None,
        })
        .collect();
    let levels: Vec<(usize, usize, usize)> = SPINAL_LEVEL
        .find_iter(&flat)
        .enumerate()
        .map(|(i, m)| (m.start(), m.end(), i))
        .collect();
    let level_text: Vec<(String, BodyRegion)> = SPINAL_LEVEL
        .captures_iter(&flat)
        .map(|c| normalise_level(&c))
        .collect();
    let visits: Vec<(usize, usize, f64)> = VISITS
        .captures_iter(&flat)
        .filter_map(|c| {
            let m = c.get(0)?;
            let v = if let Some(n) = c.get(1) {
                number_word(n.as_str())?
            } else if let (Some(a), Some(b)) = (c.get(2), c.get(3)) {
                a.as_str().parse::<f64>().ok()? * b.as_str().parse::<f64>().ok()?
            } else {
                c.get(4)?.as_str().parse().ok()?
            };
            (v > 0.0 && v <= 200.0).then_some((m.start(), m.end(), v))
        })
        .collect();
    let relief: Vec<(usize, usize, f64)> = RELIEF
        .captures_iter(&flat)
        .filter_map(|c| {
            let m = c.get(0)?;
            let v: f64 = c.get(1).or(c.get(2))?.as_str().parse().ok()?;
            (v <= 100.0).then_some((m.start(), m.end(), v))
        })
        .collect();

    let mut cands: Vec<Candidate> = Vec::new();
    lexicon_candidates(&flat, &lower, &mut cands);
    pattern_candidates(&flat, &lower, &sentences, &dates, ctx, &mut cands);

    cands.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
    for c in cands {
        let duplicate = kept.iter().rev().take(8).any(|k| {
            k.kind == c.kind && k.concept == c.concept && c.start < k.end && k.start < c.end
        });
        if !duplicate {
            kept.push(c);
        }
    }

    let mut facts = Vec::with_capacity(kept.len());
    // What is read once per sentence (its review triggers, whether it speaks
    // of an injury), kept for the sentence last read: facts come in text
    // order, so a long sentence with many facts is not rescanned per fact.
    let mut current: Option<(usize, Vec<usize>, bool)> = None;
    for c in kept {
        let Some(si) = sentence_index(&sentences, c.start) else {
            continue;
        };
        let Some(&sentence) = sentences.get(si) else {
            continue;
        };
        let t_lo = triggers.partition_point(|t| t.start < sentence.start);
        let t_hi = triggers.partition_point(|t| t.start < sentence.end);
        let sentence_triggers: &[Trigger] = triggers.get(t_lo..t_hi).unwrap_or(&[]);
        if current.as_ref().map(|(i, _, _)| *i) != Some(si) {
            let words = lower.get(sentence.start..sentence.end).unwrap_or("");
            current = Some((
                si,
                context::review_triggers(sentence_triggers),
                speaks_of_injury(words),
            ));
        }
        let (review, injury_context) = current
            .as_ref()
            .map_or((&[][..], false), |(_, r, i)| (r.as_slice(), *i));
        let Some((mut certainty, subject)) =
            certainty_of(&c, sentence_triggers, review, injury_context)
        else {
            continue;
        };
        // A treatment listed under a plan or requests heading is proposed.
        if certainty == Certainty::Affirmed
            && is_treatment(c.kind)
            && headed.get(si).is_some_and(|h| h.plan)
        {
            certainty = Certainty::Hypothetical;
        }

        // Date: the fact's own; else a date in the sentence that belongs to
        // it (near an event such as a study, operation or course of
        // treatment; right beside an observation); else the sentence's
        // governing date; else the document's. "Worse since the MRI of
        // 03/18/2016" dates the MRI, not the worsening the report observes.
        let reach = date_reach(c.kind);
        let date = c
            .date
            .or_else(|| nearest(&dated, sentence, c.start, c.end, reach?))
            .or_else(|| governing.get(si).copied().flatten())
            .or(ctx
                .document_date
                .filter(|_| ctx.observed_on_document_date)
                .map(FuzzyDate::day));

        let region_near = region_after(&regions, &lower, c.end)
            .or_else(|| nearest(&regions, sentence, c.start, c.end, 60));
        let level = if matches!(
            c.kind,
            FactKind::Diagnosis
                | FactKind::Imaging
                | FactKind::Surgery
                | FactKind::Injection
                | FactKind::Procedure
                | FactKind::Symptom
                | FactKind::ExamFinding
                | FactKind::Electrodiagnostic
        ) {
            nearest(&levels, sentence, c.start, c.end, 60).and_then(|i| level_text.get(i))
        } else {
            None
        };
        let region = c
            .region
            .or(region_near)
            .or(level.map(|(_, r)| *r))
            .filter(|_| {
                !matches!(
                    c.kind,
                    FactKind::Demographics
                        | FactKind::InjuryDate
                        | FactKind::Medication
                        | FactKind::UtilizationReview
                        | FactKind::Request
                        | FactKind::DrugMonitoring
                        | FactKind::FunctionalImprovement
                        | FactKind::WorkStatus
                        | FactKind::InjuryMechanism
                )
            });
        let side =
            if region.is_some() || matches!(c.kind, FactKind::ExamFinding | FactKind::Symptom) {
                nearest(&sides, sentence, c.start, c.end, 30)
            } else {
                None
            };
        let mut value = c.value;
        let mut detail = c.detail.clone();
        match c.kind {
            FactKind::Therapy => {
                value = value.or_else(|| nearest(&visits, sentence, c.start, c.end, 50));
            }
            FactKind::Injection => {
                value = value.or_else(|| nearest(&relief, sentence, c.start, c.end, 200));
            }
            _ => {}
        }
        if detail.is_none()
            && let Some((lvl, _)) = level
            && region.is_none_or(BodyRegion::is_spine)
        {
            detail = Some(lvl.clone());
        }
        // "Degenerative changes" of a hip or knee are arthritis, not disc disease.
        let concept = if c.concept == "disc_degeneration" && region.is_some_and(|r| !r.is_spine()) {
            "osteoarthritis"
        } else {
            c.concept
        };
        facts.push(Fact {
            kind: c.kind,
            concept: concept.to_string(),
            doc,
            span: map.span_to_original(Span::new(c.start, c.end)),
            sentence: map.span_to_original(sentence),
            certainty,
            subject,
            date,
            region,
            side,
            value,
            detail,
        });
    }
    facts
}

/// A region named right after the fact through a preposition ("contusion of
/// the right shoulder", "pain in the left knee"): it beats a nearer region
/// that belongs to the previous phrase.
fn region_after(
    regions: &[(usize, usize, BodyRegion)],
    lower: &str,
    end: usize,
) -> Option<BodyRegion> {
    let lo = regions.partition_point(|r| r.0 < end);
    let &(start, _, region) = regions.get(lo)?;
    if start - end > 40 {
        return None;
    }
    let between = lower.get(end..start)?.trim();
    let mut words = between.split_whitespace().peekable();
    let first = words.next()?;
    if !matches!(
        first,
        "of" | "in" | "to" | "over" | "at" | "on" | "involving" | "into"
    ) {
        return None;
    }
    words
        .all(|w| {
            matches!(
                w,
                "the" | "left" | "right" | "bilateral" | "both" | "his" | "her" | "a"
            )
        })
        .then_some(region)
}

#[derive(Debug, Clone, Copy)]
enum PlaceHit {
    Region(BodyRegion),
    Side(Side),
}

fn normalise_level(c: &regex::Captures<'_>) -> (String, BodyRegion) {
    if c.get(5).is_some() {
        return ("S1".to_string(), BodyRegion::Lumbar);
    }
    let first = c.get(1).map_or("L", |m| m.as_str());
    let n1 = c.get(2).map_or("", |m| m.as_str());
    let region = match first {
        "C" => BodyRegion::Cervical,
        "T" => BodyRegion::Thoracic,
        _ => BodyRegion::Lumbar,
    };
    let text = match c.get(4) {
        Some(n2) => {
            let second = c.get(3).map_or(first, |m| m.as_str());
            if second == first {
                format!("{first}{n1}-{}", n2.as_str())
            } else {
                format!("{first}{n1}-{second}{}", n2.as_str())
            }
        }
        None => format!("{first}{n1}"),
    };
    (text, region)
}

/// Certainty and subject, or `None` when the mention must not become a fact
/// (the record is said to be silent on it, or a review's reasoning denies it).
fn certainty_of(
    c: &Candidate,
    triggers: &[Trigger],
    review: &[usize],
    injury_context: bool,
) -> Option<(Certainty, Subject)> {
    if c.fixed {
        return Some((Certainty::Affirmed, Subject::Patient));
    }
    if c.fixed_grade {
        let certainty = if c.inherent_negation {
            Certainty::Normal
        } else {
            Certainty::Affirmed
        };
        return Some((certainty, Subject::Patient));
    }
    let treatment = is_treatment(c.kind);
    let r = context::read(triggers, review, c.start, c.end, treatment);
    let subject = if r.other_subject {
        Subject::Other
    } else {
        Subject::Patient
    };
    if c.kind == FactKind::InjuryMechanism && !injury_context {
        return None;
    }
    let facet = context::Facet {
        treatment,
        finding: c.kind == FactKind::ExamFinding,
        inherent_negation: c.inherent_negation,
    };
    let certainty = context::settle(&r, facet)?;
    Some((certainty, subject))
}

/// Whether a (lower-case) sentence speaks of how an injury happened: only
/// then is "fell" or "lifting" an injury mechanism.
fn speaks_of_injury(sentence: &str) -> bool {
    [
        "injur",
        "accident",
        "mechanism",
        "occurred",
        "sustained",
        "at work",
        "while working",
        "on the job",
    ]
    .iter()
    .any(|w| sentence.contains(w))
}

fn lexicon_candidates(flat: &str, lower: &str, out: &mut Vec<Candidate>) {
    let Some(lex) = LEXICON.as_ref() else { return };
    for (start, end, pattern) in word_matches(&lex.automaton, lower) {
        let Some(term) = lex.terms.get(pattern) else {
            continue;
        };
        let lowercase_where_capitals_needed = term.upper_words.iter().any(|&(a, b)| {
            flat.get(start + a..start + b).is_none_or(|w| {
                // A plural "s" may follow capitals ("MRIs").
                let w = if w.len() > 2 {
                    w.strip_suffix('s').unwrap_or(w)
                } else {
                    w
                };
                w.chars().any(|ch| ch.is_ascii_lowercase())
            })
        });
        if lowercase_where_capitals_needed {
            continue;
        }
        for meaning in &term.meanings {
            match *meaning {
                Meaning::Nothing => {}
                Meaning::Concept {
                    kind,
                    concept,
                    region,
                    negated,
                } => {
                    if names_a_place(lower, start, end, concept) {
                        continue;
                    }
                    let mut c = Candidate::new(kind, concept, start, end);
                    c.region = region;
                    c.inherent_negation = negated;
                    out.push(c);
                }
                Meaning::Drug(i) => {
                    let Some(drug) = crate::drug::lexicon().get(i) else {
                        continue;
                    };
                    let concept = drug.concept.as_str();
                    let mut c = Candidate::new(FactKind::Medication, concept, start, end);
                    medication_detail(flat, end, &mut c);
                    out.push(c);
                }
            }
        }
    }
}

/// "Tenderness over the cubital tunnel" names a place, not the syndrome.
fn names_a_place(lower: &str, start: usize, end: usize, concept: &str) -> bool {
    if !matches!(concept, "carpal_tunnel" | "cubital_tunnel") {
        return false;
    }
    let term = lower.get(start..end).unwrap_or("");
    if term.contains("syndrome") {
        return false;
    }
    let before = lower.get(start.saturating_sub(30)..start).unwrap_or("");
    let words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    words
        .iter()
        .skip_while(|w| matches!(**w, "the" | "left" | "right" | "bilateral"))
        .take(1)
        .any(|w| matches!(*w, "over" | "at" | "along" | "about" | "across"))
}

/// Strength and frequency written after a drug name ("Norco 10/325 mg every
/// 6 hours", "tramadol ER 150mg #30").
fn medication_detail(flat: &str, end: usize, c: &mut Candidate) {
    let mut window_end = (end + 70).min(flat.len());
    while !flat.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let after = flat.get(end..window_end).unwrap_or("");
    let stop = after.find(['.', ';']).filter(|&i| {
        // A decimal point inside a strength is not a stop.
        !after[i + 1..].starts_with(|ch: char| ch.is_ascii_digit())
    });
    let after = &after[..stop.unwrap_or(after.len())];
    let mut parts = Vec::new();
    let mut freq_from = 0;
    if let Some(s) = STRENGTH.captures(after)
        && let (Some(n), Some(u), Some(all)) = (s.get(1), s.get(2), s.get(0))
    {
        let amount: String = n
            .as_str()
            .chars()
            .filter(|ch| !ch.is_whitespace())
            .collect();
        parts.push(format!("{amount} {}", u.as_str().to_ascii_lowercase()));
        c.value = amount.split('/').next().and_then(|v| v.parse().ok());
        freq_from = all.end();
    }
    if let Some(f) = FREQUENCY.find(&after[freq_from..]) {
        // Only when it follows closely (not a frequency of another drug).
        if f.start() <= 25 {
            parts.push(f.as_str().to_string());
        }
    }
    if !parts.is_empty() {
        c.detail = Some(parts.join(" "));
    }
}

fn pattern_candidates(
    flat: &str,
    lower: &str,
    sentences: &[Span],
    dates: &[(Span, FuzzyDate)],
    ctx: &ExtractContext,
    out: &mut Vec<Candidate>,
) {
    for c in AGE_SEX.captures_iter(flat) {
        let (Some(all), Some(age)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Ok(years) = age.as_str().parse::<u32>() else {
            continue;
        };
        if !(10..=110).contains(&years) {
            continue;
        }
        let mut a = Candidate::new(
            FactKind::Demographics,
            "age",
            age.start(),
            all.end().min(age.end() + 10),
        );
        a.value = Some(f64::from(years));
        a.fixed = true;
        a.end = flat
            .get(age.start()..all.end())
            .and_then(|s| s.to_ascii_lowercase().find("old"))
            .map_or(age.end(), |i| age.start() + i + 3);
        out.push(a);
        if let Some(sex) = c.get(2) {
            let word = sex.as_str().to_ascii_lowercase();
            let female = matches!(word.as_str(), "female" | "woman" | "lady" | "women");
            let mut s = Candidate::new(FactKind::Demographics, "sex", sex.start(), sex.end());
            s.detail = Some(if female { "female" } else { "male" }.to_string());
            s.fixed = true;
            out.push(s);
        }
    }
    for c in PAIN_SCORE.captures_iter(flat) {
        let Some(all) = c.get(0) else { continue };
        let next = flat.as_bytes().get(all.end()).copied();
        if matches!(next, Some(b'/') | Some(b'-')) {
            continue;
        }
        // Dates are sorted and disjoint: only the one starting last before
        // the match end can overlap it (binary search keeps this linear).
        let lo = dates.partition_point(|(s, _)| s.start < all.end());
        if lo
            .checked_sub(1)
            .and_then(|i| dates.get(i))
            .is_some_and(|(s, _)| all.start() < s.end)
        {
            continue;
        }
        let low: Option<f64> = c.get(1).and_then(|m| m.as_str().parse().ok());
        let high: Option<f64> = c.get(2).and_then(|m| m.as_str().parse().ok());
        let Some(v) = high.or(low) else { continue };
        if v > 10.0 {
            continue;
        }
        // Only a pain scale: the sentence must speak of pain.
        let Some(si) = sentence_index(sentences, all.start()) else {
            continue;
        };
        let Some(sentence) = sentences.get(si) else {
            continue;
        };
        let s = lower.get(sentence.start..sentence.end).unwrap_or("");
        if !(s.contains("pain") || s.contains("vas")) {
            continue;
        }
        let mut p = Candidate::new(FactKind::PainScore, "pain_score", all.start(), all.end());
        p.value = Some(v);
        p.fixed = true;
        out.push(p);
    }
    for c in MOTOR_GRADE.captures_iter(flat) {
        let (Some(all), Some(grade)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if matches!(flat.as_bytes().get(all.end()), Some(b'/') | Some(b'-')) {
            continue;
        }
        let Some(sentence) = sentence_index(sentences, all.start()).and_then(|i| sentences.get(i))
        else {
            continue;
        };
        let s = lower.get(sentence.start..sentence.end).unwrap_or("");
        if !(s.contains("strength") || s.contains("motor") || s.contains("weak")) {
            continue;
        }
        let Ok(g) = grade.as_str().parse::<f64>() else {
            continue;
        };
        let minus = c.get(2).is_some_and(|m| m.as_str() == "-");
        let mut m = Candidate::new(
            FactKind::ExamFinding,
            "motor_weakness",
            all.start(),
            all.end(),
        );
        m.value = Some(g);
        // 5/5 is full strength: the grade itself denies weakness.
        m.inherent_negation = g >= 5.0 && !minus;
        m.fixed_grade = true;
        out.push(m);
    }
    for m in ROM_LIMITED.find_iter(flat) {
        out.push(Candidate::new(
            FactKind::ExamFinding,
            "range_of_motion_limited",
            m.start(),
            m.end(),
        ));
    }
    for m in INJURY_DATE.find_iter(flat) {
        let lo = dates.partition_point(|(s, _)| s.start < m.end());
        let date = dates.get(lo).filter(|(s, _)| s.start - m.end() <= 25);
        match date {
            Some((s, d)) => {
                let mut c = Candidate::new(FactKind::InjuryDate, "injury_date", m.start(), s.end);
                c.date = Some(*d);
                c.fixed = true;
                out.push(c);
            }
            None => {
                if let Some(d) = ctx.injury_date {
                    let mut c =
                        Candidate::new(FactKind::InjuryDate, "injury_date", m.start(), m.end());
                    c.date = Some(FuzzyDate::day(d));
                    c.fixed = true;
                    out.push(c);
                }
            }
        }
    }
    for sentence in sentences {
        let Some(s) = flat.get(sentence.start..sentence.end) else {
            continue;
        };
        if !UR_SENTENCE.is_match(s) {
            continue;
        }
        let Some(d) = UR_DECISION.find(s) else {
            continue;
        };
        let word = d.as_str().to_ascii_lowercase();
        let detail = if word.starts_with("partial") || word.starts_with("modif") {
            "modified"
        } else if word.starts_with("non") || word.starts_with("not") || word.starts_with("deni") {
            "non-certified"
        } else if s.to_ascii_lowercase().contains("claims administrator") {
            // The administrator authorizing part of a request is a modification.
            "modified"
        } else {
            "certified"
        };
        let mut c = Candidate::new(
            FactKind::UtilizationReview,
            "ur_decision",
            sentence.start + d.start(),
            sentence.start + d.end(),
        );
        c.detail = Some(detail.to_string());
        c.fixed = true;
        out.push(c);
    }
}
