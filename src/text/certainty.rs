//! Certainty and subject of a fact: a scoped, ConText-style reading of the
//! words around it.
//!
//! A trigger ("no", "history of", "was requested", "family history") governs
//! the words after it (pre-triggers) or before it (post-triggers) up to a
//! terminator ("but", "however", ";") or a distance cap. Utilization-review and
//! record-keeping language ("the request for X was non-certified", "no
//! documentation of X") is recognised *first*, as longer matches, so that it
//! is never read as a clinical negation: it describes the review or the
//! record, not the patient.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::fact::Certainty;

/// Trigger roles (bit flags; one phrase may play several).
pub mod role {
    pub const NEG_PRE: u32 = 1;
    pub const NEG_POST: u32 = 1 << 1;
    /// Planned / recommended / requested: applies to treatments.
    pub const HYP_TREAT_PRE: u32 = 1 << 2;
    pub const HYP_TREAT_POST: u32 = 1 << 3;
    /// Conditional or uncertain: applies to every kind ("if", "rule out").
    pub const HYP_PRE: u32 = 1 << 4;
    /// Short-range modal ("would", "may").
    pub const MODAL_PRE: u32 = 1 << 5;
    pub const HIST_PRE: u32 = 1 << 6;
    pub const HIST_POST: u32 = 1 << 7;
    pub const OTHER_PRE: u32 = 1 << 8;
    /// "no documentation of": the record is silent, the patient is not negated.
    pub const DOC_PRE: u32 = 1 << 9;
    pub const DOC_POST: u32 = 1 << 10;
    /// Utilization review or request language.
    pub const UR: u32 = 1 << 11;
    pub const TERM: u32 = 1 << 12;
    /// Ends a negation scope only ("with", "from"...).
    pub const NEG_TERM: u32 = 1 << 13;
    /// Raises a finding without establishing it ("rule out", "suspected").
    pub const HEDGE_PRE: u32 = 1 << 18;
    pub const HEDGE_POST: u32 = 1 << 19;
    /// Looks like a trigger but is not ("no change").
    pub const PSEUDO: u32 = 1 << 14;
    /// Explicitly positive: stops a post-negation from reaching back.
    pub const POSITIVE: u32 = 1 << 15;
    /// "denied": the patient's denial, or a UR denial in a UR sentence.
    pub const DENIED: u32 = 1 << 16;
    /// A comma: ends a post-trigger's reach back ("spasm, range of motion
    /// within normal limits" does not deny the spasm).
    pub const COMMA: u32 = 1 << 17;
}

use role::*;

const TRIGGERS: &[(u32, &str)] = &[
    (
        NEG_PRE,
        "no, not, denies, denying, without, negative for, absence of, free of, no evidence of, no evidence for, no signs of, no sign of, no history of, no complaints of, no complaint of, never, neither, nor, none, did not have, does not have, did not report, does not report, did not exhibit, did not demonstrate, does not demonstrate, not have, lack of, lacks, lacking, no longer, resolution of, no further, absent, no reports of, no report of, no reported, no clinical, no objective, no significant, denied any, denies any, not experiencing, no findings of, no findings, not exhibit",
    ),
    (NEG_PRE | NEG_POST, "negative, ruled out"),
    (
        NEG_POST,
        "was negative, were negative, is negative, are negative, negative bilaterally, was unremarkable, were unremarkable, unremarkable, resolved, has resolved, had resolved, have resolved, were ruled out, was ruled out, not present, was absent, were absent, is absent, are absent, not noted, were not noted, was not noted, was not present, were not present, was not elicited, were not elicited, not elicited, within normal limits, was normal, were normal, is normal, are normal",
    ),
    (
        POSITIVE,
        "positive, present, revealed, demonstrated, showed, noted",
    ),
    (DENIED, "denied"),
    (UR, "denial, denials, prior denial"),
    (
        UR | HYP_TREAT_PRE,
        "request, requests, requested, requesting, request for, the request for, requests for, a request for, authorization for, authorization, rfa, re-request, appeal, appealed, prospective request, retrospective request, retrospective review, ur, utilization review, certification, non-certification, noncertification",
    ),
    (
        UR | HYP_TREAT_POST,
        "non-certified, noncertified, non certified, not certified, was non-certified, were non-certified, was noncertified, was not certified, were not certified, was certified, were certified, certified, was modified, were modified, modified to, was denied, were denied, is not medically necessary, was not medically necessary, are not medically necessary, were not medically necessary, not medically necessary, medically necessary, is medically necessary, not medically indicated, not recommended, is not recommended, was not recommended, not supported, not authorized, not approved, not indicated, not warranted, is not warranted, was authorized, was approved, is being requested, being requested, was requested, were requested, is requested, are requested, has been requested, have been requested, was recommended, were recommended, is recommended, was planned, is planned, was ordered, were ordered, was scheduled, is scheduled, is pending, was pending, to be scheduled, partially certified, denied the request, denied the requests, the request was denied, upheld, was the original request, the original request, original request, was authorized, were authorized, was partially certified",
    ),
    (
        UR | HYP_TREAT_PRE,
        "was requested, were requested, is requested, are requested, has been requested, have been requested, is being requested, was recommended, were recommended, is recommended, the original request, original request, remaining imr eligible portion, imr eligible portion, authorized, approved, certified, non-certified, noncertified, modified, partially certified, authorize, certify",
    ),
    (
        HYP_TREAT_PRE,
        "plan, plans, planned, planning, plan of care, treatment plan, plan is, plan was, plan included, plan includes, recommend, recommended, recommends, recommending, recommendation, recommendations, consider, considering, will consider, considered, would benefit, may benefit, candidate for, candidate, scheduled, scheduled for, pending, awaiting, await, to undergo, to begin, to start, to continue, to proceed, proceed with, continue, continued, continuing, continuation, refer, referral, referred, order, ordered, ordering, prescribe, desires, wishes to, wants, would like, to receive, to try, trial of, additional, further, more, refill, refills, renewal, future, upcoming, due for, will need, needs, need for, requires",
    ),
    (
        HYP_PRE,
        "if, unless, should, risk of, risk for, at risk for, at risk of, in case of, prevent, prevention of, prophylaxis, prophylactic, to avoid, protect against, to protect, in the event of",
    ),
    (MODAL_PRE, "would, will, may, might, could, can"),
    (
        HEDGE_PRE,
        "rule out, r/o, possible, possibly, suspected, suspect, suspicion of, suspicious for, probable, probably, questionable, question of, concern for, concerning for, potential, potentially, presumed, presumptive, cannot exclude, cannot rule out, can not exclude, not excluded, differential diagnosis, consistent with possible, versus, vs",
    ),
    (
        HEDGE_POST,
        "is suspected, was suspected, are suspected, were suspected, cannot be excluded, could not be excluded, cannot be ruled out, could not be ruled out, can not be ruled out, is not excluded, was not excluded, is possible, was possible, is questioned, is in question, was questioned, versus, vs",
    ),
    (
        HIST_PRE,
        "history of, hx of, h/o, status post, s/p, prior, previous, previously, past, underwent, had undergone, has undergone, had had, former, formerly, remote, completed, has completed, had completed, had previously, has previously, had tried, has tried, tried, had attempted, attempted, failed",
    ),
    (
        HIST_POST,
        "in the past, previously, before, prior, earlier, years ago",
    ),
    (
        OTHER_PRE,
        "family history, family history of, mother, father, brother, sister, sibling, siblings, son, daughter, wife, husband, spouse, co-worker, coworker, family member, relative, grandmother, grandfather, aunt, uncle, mother's, father's",
    ),
    (
        DOC_PRE,
        "no documentation, no documentation of, lack of documentation, lack of documentation of, lack of documented, absence of documentation, without documentation, without documented, without documentation of, no documented, undocumented, no evidence of documentation, did not document, does not document, failed to document, not document, no mention of, no record of, no records of, insufficient documentation, inadequate documentation, no clear documentation, no objective documentation, lack of objective documentation, no quantified, not clearly documented, no clear evidence, not clearly, there is no documentation, there was no documentation, limited documentation, minimal documentation, no indication, not specify, did not specify, not specified, not provided, were not provided, was not provided, no detailed, not discussed, no discussion of, lacks documentation, lacked documentation, insufficient evidence of, without evidence of, no clinical documentation, unclear, not clear, does not indicate, did not indicate, not indicate",
    ),
    (
        DOC_POST,
        "not documented, was not documented, were not documented, has not been documented, have not been documented, was not provided, were not provided, not provided, not mentioned, was not mentioned, not objectively documented, not quantified, was not quantified, not specified, was not specified, not clearly documented, not been documented, were not specified, not discussed",
    ),
    (
        TERM,
        "but, however, although, though, except, apart from, aside from, other than, whereas, while, yet, which, who, since, because, due to, secondary to, as well as, after which, then, at which time, thereafter, subsequently, and then, currently, now, presently",
    ),
    (
        NEG_TERM,
        "with, from, after, following, despite, in, on, at, to, for, during, and had, and has, and was, and is, and he, and she, and the, and there, and reported, reports, reported, complains, complained, has, had",
    ),
    (
        PSEUDO,
        "or was not, or not, was or was not, without contrast, with and without contrast, with or without contrast, with contrast, without dye, no change, no changes, no significant change, no significant changes, no increase, not only, not necessarily, not certain, not sure, no new, without change, not been able, not able, unable, gram negative, whether or not, if not, not improve, not improved, no acute distress, negative impact, not otherwise specified, nos, no more than, not more than, not exceed, not to exceed, no less than, not less than, not limited to, no cost, not just, did not want, not want, no other, not all, no other options, non-surgical, nonsurgical, non-operative, nonoperative, non-steroidal, nonsteroidal, non-opioid, non-narcotic, non-pharmacologic",
    ),
];

pub struct Triggers {
    pub automaton: AhoCorasick,
    pub roles: Vec<u32>,
}

pub static TRIGGER_SET: LazyLock<Option<Triggers>> = LazyLock::new(|| {
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut roles: Vec<u32> = Vec::new();
    for (r, list) in TRIGGERS {
        for phrase in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let i = *index.entry(phrase).or_insert_with(|| {
                patterns.push(phrase);
                roles.push(0);
                roles.len() - 1
            });
            if let Some(slot) = roles.get_mut(i) {
                *slot |= r;
            }
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .ok()?;
    Some(Triggers { automaton, roles })
});

/// One trigger occurrence in the de-wrapped text.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    pub start: usize,
    pub end: usize,
    pub roles: u32,
}

/// Every trigger in `lower` (the lower-cased de-wrapped text), whole words
/// only, plus the punctuation that ends a scope.
pub fn find_triggers(lower: &str) -> Vec<Trigger> {
    let bytes = lower.as_bytes();
    let mut out = Vec::with_capacity(lower.len() / 30);
    if let Some(set) = TRIGGER_SET.as_ref() {
        let mut punct = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b';' | b':' | b'(' | b')' | b','))
            .map(|(i, _)| i)
            .peekable();
        for (start, end, pattern) in super::phrase::word_matches(&set.automaton, lower) {
            while let Some(&p) = punct.peek() {
                if p >= start {
                    break;
                }
                out.push(Trigger {
                    start: p,
                    end: p + 1,
                    roles: punct_role(bytes[p]),
                });
                punct.next();
            }
            let roles = set.roles.get(pattern).copied().unwrap_or(0);
            out.push(Trigger { start, end, roles });
        }
        for p in punct {
            out.push(Trigger {
                start: p,
                end: p + 1,
                roles: punct_role(bytes[p]),
            });
        }
    }
    out
}

/// A comma only limits post-triggers. A colon introduces a list ("were requested: an MRI and acupuncture"), so
/// it ends negation but not a plan; the other marks end every scope.
fn punct_role(b: u8) -> u32 {
    match b {
        b':' => NEG_TERM,
        b',' => COMMA,
        _ => TERM,
    }
}

/// The certainty decision for one fact, before kind-specific policy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reading {
    /// Under "no documentation of": the record is silent about it.
    pub undocumented: bool,
    /// Negated by a trigger before the fact ("no numbness").
    pub negated_pre: bool,
    /// Negated by a trigger after the fact ("SLR was negative").
    pub negated_post: bool,
    /// Negated by a trigger that follows utilization-review language in
    /// the same sentence (the reviewer's reasoning, not an exam).
    pub negated_in_review: bool,
    pub conditional: bool,
    /// Raised but not established ("rule out radiculopathy").
    pub hedged: bool,
    pub planned: bool,
    pub historical: bool,
    pub other_subject: bool,
}

/// Walks `candidates` outward from the fact (nearest first) and returns the
/// first trigger with `flag`, unless the scope ends first: a gap over `cap`
/// bytes or a trigger with a role in `stops`. Pseudo-triggers ("no change")
/// neither match nor stop.
fn nearest<'a>(
    candidates: impl Iterator<Item = &'a Trigger>,
    gap: impl Fn(&Trigger) -> usize,
    flag: u32,
    cap: usize,
    stops: u32,
) -> Option<&'a Trigger> {
    for t in candidates {
        if gap(t) > cap {
            return None;
        }
        if t.roles & PSEUDO != 0 {
            continue;
        }
        if t.roles & flag != 0 {
            return Some(t);
        }
        if t.roles & stops != 0 {
            return None;
        }
    }
    None
}

/// Where the utilization-review triggers of one sentence sit in its trigger
/// slice. Found once per sentence, so reading each fact does not scan the
/// whole sentence again (a long sentence with many facts stays linear).
pub fn review_triggers(triggers: &[Trigger]) -> Vec<usize> {
    triggers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.roles & UR != 0)
        .map(|(i, _)| i)
        .collect()
}

/// Reads the triggers of one sentence around the fact `fs..fe`. `triggers`
/// are sorted by start (as [`find_triggers`] returns them); `review` is
/// [`review_triggers`] of the same slice. Only triggers near the fact are
/// visited, so the cost does not grow with the sentence.
pub fn read(
    triggers: &[Trigger],
    review: &[usize],
    fs: usize,
    fe: usize,
    treatment: bool,
) -> Reading {
    let mut r = Reading::default();
    let outside = |t: &Trigger| t.end <= fs || t.start >= fe;
    // Only a review trigger overlapping the fact itself is skipped.
    let first_review = review
        .iter()
        .filter_map(|&i| triggers.get(i))
        .find(|t| outside(t))
        .map(|t| t.start);
    let review_sentence = first_review.is_some();
    // Every trigger ending by `fs` starts before it, and every one starting
    // from `fe` on lies after the triggers that start before `fe`.
    let before = triggers
        .get(..triggers.partition_point(|t| t.start < fs))
        .unwrap_or(&[]);
    let after = triggers
        .get(triggers.partition_point(|t| t.start < fe)..)
        .unwrap_or(&[]);

    // The nearest trigger before (`pre`) or after (`post`) the fact with
    // `flag` within `cap` bytes, scope ended by any trigger with a role in
    // `stops`.
    let pre = |flag: u32, cap: usize, stops: u32| {
        // A trigger may also reach into the phrase it governs ("no history
        // of" before the phrase "history of peptic ulcer").
        let candidates = before.iter().rev().filter(|t| t.end <= fe);
        nearest(candidates, |t| fs.saturating_sub(t.end), flag, cap, stops)
    };
    let post = |flag: u32, cap: usize, stops: u32| {
        nearest(after.iter(), |t| t.start - fe, flag, cap, stops)
    };

    r.undocumented =
        pre(DOC_PRE, 70, TERM | NEG_TERM).is_some() || post(DOC_POST, 40, TERM).is_some();

    // "denied" is the patient's denial, unless the sentence speaks of a review.
    let patient_denial = if review_sentence { 0 } else { DENIED };
    let neg_pre = pre(NEG_PRE | patient_denial, 60, TERM | NEG_TERM | POSITIVE);
    // "a positive straight leg raise on the left and negative on the right":
    // the word right before the finding decides it.
    let positive_before = pre(POSITIVE, 12, TERM | COMMA).is_some();
    let neg_post =
        post(NEG_POST, 35, TERM | POSITIVE | NEG_PRE | COMMA).filter(|_| !positive_before);
    r.negated_pre = neg_pre.is_some();
    r.negated_post = neg_post.is_some();
    if let Some(t) = neg_pre.or(neg_post) {
        r.negated_in_review = first_review.is_some_and(|u| u < t.start);
    }

    r.conditional = pre(HYP_PRE, 100, TERM).is_some() || pre(MODAL_PRE, 40, TERM).is_some();
    r.hedged = pre(HEDGE_PRE, 50, TERM).is_some() || post(HEDGE_POST, 40, TERM | COMMA).is_some();
    if treatment {
        let review_denial = if review_sentence { DENIED } else { 0 };
        r.planned = pre(HYP_TREAT_PRE, 150, TERM).is_some()
            || post(HYP_TREAT_POST | review_denial, 80, TERM).is_some();
    }
    r.historical = pre(HIST_PRE, 60, TERM).is_some() || post(HIST_POST, 40, TERM).is_some();
    r.other_subject = pre(OTHER_PRE, 60, TERM).is_some();
    r
}

/// What a phrase or fact is, for the certainty policy: a treatment can be
/// planned, an examination finding found normal, and a term may itself state
/// the absence ("full range of motion").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facet {
    pub treatment: bool,
    pub finding: bool,
    pub inherent_negation: bool,
}

/// The one certainty policy: from a [`Reading`] of the words around a fact
/// or phrase to its [`Certainty`], or `None` where the text only says the
/// record is silent ("no documentation of …") or a negation belongs to a
/// review's reasoning rather than to the patient. The extractor and the
/// engine's phrase rules both settle through here.
pub fn settle(r: &Reading, facet: Facet) -> Option<Certainty> {
    if r.undocumented {
        return None;
    }
    // A result ("MRI was negative", "urine drug screen negative") says the
    // study happened; only a negation before it ("no MRI") denies it.
    let negated = facet.inherent_negation || r.negated_pre || (r.negated_post && !facet.treatment);
    if negated && r.negated_in_review && !facet.inherent_negation {
        return None;
    }
    let absent = if facet.finding {
        Certainty::Normal
    } else {
        Certainty::Negated
    };
    Some(if r.hedged && !negated {
        Certainty::Hedged
    } else if r.conditional && !facet.inherent_negation {
        Certainty::Hypothetical
    } else if negated {
        absent
    } else if r.planned {
        Certainty::Hypothetical
    } else if r.historical {
        Certainty::Historical
    } else {
        Certainty::Affirmed
    })
}

/// Reads and settles the certainty of `start..end` in one sentence's
/// normalized text, finding the triggers there: the entry point for callers
/// that hold a sentence rather than a whole document's triggers.
pub fn of_span(norm: &str, start: usize, end: usize, facet: Facet) -> Option<Certainty> {
    let triggers = find_triggers(norm);
    let review = review_triggers(&triggers);
    settle(
        &read(&triggers, &review, start, end, facet.treatment),
        facet,
    )
}

impl Reading {
    /// Whether any negation reaches the fact.
    #[cfg(test)]
    pub fn negated(&self) -> bool {
        self.negated_pre || self.negated_post
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(sentence: &str, concept: &str, treatment: bool) -> Reading {
        let lower = sentence.to_ascii_lowercase();
        let at = lower.find(concept).unwrap_or(0);
        let triggers = find_triggers(&lower);
        read(
            &triggers,
            &review_triggers(&triggers),
            at,
            at + concept.len(),
            treatment,
        )
    }

    #[test]
    fn plain_negation() {
        assert!(reading("He denies numbness and tingling.", "numbness", false).negated());
        assert!(
            reading(
                "Spurling's test was negative on the left.",
                "spurling's test",
                false
            )
            .negated()
        );
        assert!(
            !reading(
                "Spurling's test was positive and negative otherwise.",
                "spurling's test",
                false
            )
            .negated()
        );
        assert!(
            reading(
                "There was no tenderness over the spine.",
                "tenderness",
                false
            )
            .negated()
        );
    }

    #[test]
    fn negation_stops_at_terminators() {
        assert!(!reading("No fever, but numbness persists.", "numbness", false).negated());
        assert!(
            !reading(
                "No improvement with physical therapy.",
                "physical therapy",
                true
            )
            .negated()
        );
    }

    #[test]
    fn review_language_is_not_clinical_negation() {
        let r = reading(
            "The request for physical therapy was denied by utilization review.",
            "physical therapy",
            true,
        );
        assert!(!r.negated());
        assert!(r.planned);
        let r = reading("Acupuncture was non-certified.", "acupuncture", true);
        assert!(!r.negated() && r.planned);
        let r = reading(
            "There was no documentation of radiculopathy.",
            "radiculopathy",
            false,
        );
        assert!(r.undocumented);
        let r = reading(
            "UR denied the MRI, citing lack of radicular findings.",
            "radicular",
            false,
        );
        assert!(r.negated_in_review);
    }

    #[test]
    fn patient_denial_outside_review() {
        assert!(
            reading(
                "She denied bowel or bladder changes.",
                "bowel or bladder",
                false
            )
            .negated()
        );
    }

    #[test]
    fn plans_history_and_others() {
        assert!(reading("The plan is to start acupuncture.", "acupuncture", true).planned);
        assert!(
            reading(
                "If symptoms persist, consider an injection.",
                "injection",
                true
            )
            .conditional
        );
        assert!(
            reading(
                "She is status post carpal tunnel release.",
                "carpal tunnel release",
                true
            )
            .historical
        );
        assert!(reading("Family history of diabetes.", "diabetes", false).other_subject);
        assert!(!reading("Pain is rated 6/10.", "pain", false).negated());
    }

    fn certainty(sentence: &str, concept: &str, finding: bool) -> Option<Certainty> {
        let norm = crate::text::phrase::normalize(sentence);
        let at = norm.find(concept)?;
        let facet = Facet {
            finding,
            ..Facet::default()
        };
        of_span(&norm, at, at + concept.len(), facet)
    }

    #[test]
    fn hedges_are_their_own_certainty() {
        for s in [
            "Rule out lumbar radiculopathy.",
            "Suspected medial meniscus tear.",
            "Possible carpal tunnel syndrome.",
            "The examiner cannot exclude a scaphoid fracture.",
            "A scaphoid fracture cannot be ruled out.",
        ] {
            let concept = [
                "radiculopathy",
                "meniscus tear",
                "carpal tunnel",
                "fracture",
            ]
            .into_iter()
            .find(|c| s.to_lowercase().contains(c))
            .unwrap_or_default();
            assert_eq!(certainty(s, concept, false), Some(Certainty::Hedged), "{s}");
        }
        assert_eq!(
            certainty("A fracture was ruled out.", "fracture", false),
            Some(Certainty::Negated)
        );
        assert_eq!(
            certainty("There is a fracture of the radius.", "fracture", false),
            Some(Certainty::Affirmed)
        );
    }

    #[test]
    fn normal_findings_are_not_negated_symptoms() {
        assert_eq!(
            certainty(
                "Straight leg raise was negative.",
                "straight leg raise",
                true
            ),
            Some(Certainty::Normal)
        );
        assert_eq!(
            certainty("She denies numbness.", "numbness", false),
            Some(Certainty::Negated)
        );
        assert_eq!(
            certainty("There is no documentation of numbness.", "numbness", false),
            None,
            "the record's silence is not the patient's denial"
        );
    }
}
