//! The shape of a guideline file. The field names are what a clinical lead
//! writes in RON, so they favour plain words over brevity.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::fact::{BodyRegion, FactKind};
use crate::request::Category;
use crate::text::Phrases;

/// Where a guideline stands in the MTUS strength-of-evidence order
/// (Labor Code 4610.5(c)(2)). Lower ranks win when several guidelines fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rank {
    /// The Medical Treatment Utilization Schedule itself.
    Mtus,
    /// Official Disability Guidelines: cited where the MTUS is silent.
    Odg,
    /// Other peer-reviewed or nationally recognised evidence.
    OtherEvidence,
}

impl Rank {
    /// How a reviewer names the rank.
    pub fn label(self) -> &'static str {
        match self {
            Rank::Mtus => "MTUS",
            Rank::Odg => "ODG (outside the MTUS)",
            Rank::OtherEvidence => "other medical evidence (outside the MTUS)",
        }
    }
}

/// One guideline: what it covers, its criteria, how they decide, and the
/// phrases the rationale draft is built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guideline {
    /// Stable id, unique in the library ("mtus-low-back-imaging").
    pub id: String,
    pub title: String,
    pub rank: Rank,
    /// The sources cited, first the one that decides. Rendered by
    /// [`Guideline::citation`] in the form letters print.
    pub sources: Vec<CitationSource>,
    /// Which requests the guideline speaks to.
    pub applies: Applies,
    /// Request fields without which no decision can be made ("a request for
    /// physical therapy that gives no number of visits").
    #[serde(default)]
    pub requires: Vec<RequestField>,
    pub criteria: Vec<Criterion>,
    pub decision: DecisionRule,
    /// What the guideline says, in the project's own words, for the rationale.
    pub statement: String,
    /// What the guideline would support instead, when the request exceeds it.
    #[serde(default)]
    pub alternative: Option<String>,
    /// Related guidelines a reviewer may want beside this one (ids).
    #[serde(default)]
    pub see_also: Vec<String>,
    /// A catch-all for its category, used only when no specific guideline
    /// applies; a specific ODG topic beats a general MTUS fallback because
    /// the MTUS is then silent on the request itself.
    #[serde(default)]
    pub fallback: bool,
}

/// One cited source: a volume and its sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitationSource {
    /// The volume as letters name it: "MTUS Low Back Complaints 2004", or for
    /// sources outside the MTUS the title after "Non-MTUS Citation", e.g.
    /// "Official Disability Guidelines (ODG) Low Back".
    pub volume: String,
    /// Sections (MTUS) or topics (ODG), as letters print them.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Page where known.
    #[serde(default)]
    pub page: Option<String>,
}

impl CitationSource {
    /// Whether the source is part of the MTUS (letters cite those by section).
    pub fn is_mtus(&self) -> bool {
        self.volume.starts_with("MTUS ")
    }
}

impl Guideline {
    /// The citation exactly as a letter prints it after "Decision based on":
    /// MTUS volumes joined with ", and", sources outside the MTUS as
    /// "Non-MTUS Citation …" in a following "Decision based on" sentence.
    pub fn citation(&self) -> String {
        let mut mtus: Vec<String> = Vec::new();
        let mut other: Vec<String> = Vec::new();
        for s in &self.sources {
            if s.is_mtus() {
                let volume = if mtus.is_empty() {
                    s.volume.clone()
                } else {
                    s.volume.trim_start_matches("MTUS ").to_string()
                };
                let mut part = volume;
                if !s.sections.is_empty() {
                    part.push_str(", Section(s): ");
                    part.push_str(&s.sections.join(", "));
                }
                if let Some(page) = &s.page {
                    part.push_str(&format!(", page {page}"));
                }
                mtus.push(part);
            } else {
                let mut part = format!("Non-MTUS Citation {}", s.volume);
                if !s.sections.is_empty() {
                    part.push_str(", ");
                    part.push_str(&s.sections.join(", "));
                }
                if let Some(page) = &s.page {
                    part.push_str(&format!(", page {page}"));
                }
                other.push(part);
            }
        }
        let mut sentences = Vec::new();
        if !mtus.is_empty() {
            sentences.push(mtus.join(", and "));
        }
        sentences.extend(other);
        sentences.join(". Decision based on ")
    }

    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }
}

/// What requests a guideline covers. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applies {
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Request modalities ("mri", "x-ray", "emg"), as request parsing names them.
    #[serde(default)]
    pub modalities: Vec<String>,
    #[serde(default)]
    pub regions: Vec<BodyRegion>,
    /// Generic drug names (lower case).
    #[serde(default)]
    pub drugs: Vec<String>,
    /// Words of the request text, any of which makes the guideline apply
    /// ("ultrasound", "infrared"): finer than the category.
    #[serde(default)]
    pub words: Vec<String>,
    /// Words that rule the guideline out for a request.
    #[serde(default)]
    pub exclude_words: Vec<String>,
}

/// A request field a decision may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestField {
    Region,
    Quantity,
    Visits,
    Duration,
    Strength,
}

impl RequestField {
    pub fn label(self) -> &'static str {
        match self {
            RequestField::Region => "the body part",
            RequestField::Quantity => "the quantity",
            RequestField::Visits => "the number of visits",
            RequestField::Duration => "the duration",
            RequestField::Strength => "the strength",
        }
    }
}

/// One checklist question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Unique within the guideline; the decision rule names criteria by id.
    pub id: String,
    /// The question in the project's own words.
    pub question: String,
    /// What counts as evidence, for the reviewer.
    pub evidence: String,
    /// The guideline asks for examination, imaging or electrodiagnostic
    /// findings ("objective findings of nerve compromise"): a diagnosis
    /// label alone does not answer it.
    #[serde(default)]
    pub findings_only: bool,
    pub rule: Rule,
}

/// Whether a criterion asks for a finding to be present or absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expect {
    /// Met when the records affirm the finding; not met when they deny it.
    #[default]
    Present,
    /// Met when the records deny the finding ("no red flags"); not met when
    /// they affirm it.
    Absent,
}

/// Which facts a rule counts by body region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegionScope {
    /// Any region.
    #[default]
    Any,
    /// Only facts of the request's region (facts without a region count too).
    Request,
}

/// How a criterion is answered from the records and the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Rule {
    /// Extracted facts of this kind and one of these concepts.
    Fact {
        kind: FactKind,
        concepts: Vec<String>,
        #[serde(default)]
        expect: Expect,
        #[serde(default)]
        region: RegionScope,
    },
    /// Sentences of the records that use one of these phrases (whole words,
    /// case-insensitive). Negation in the sentence ("no", "denies",
    /// "negative for", "without") makes a mention a denial. `near`, when not
    /// empty, requires one of its words in the same sentence too. With
    /// `planned`, a planned or requested mention counts as present (for
    /// criteria about plans, such as "surgery is being considered").
    Phrase {
        terms: Vec<String>,
        #[serde(default)]
        expect: Expect,
        #[serde(default)]
        near: Vec<String>,
        #[serde(default)]
        planned: bool,
        /// The phrases compiled once for the life of the library; never in
        /// the file.
        #[serde(skip)]
        compiled: CompiledPhrases,
    },
    /// Met when any of the rules is met; not met when one is not met and none
    /// is met; otherwise not documented.
    AnyOf(Vec<Rule>),
    /// The request asks for at most this many visits.
    VisitsAtMost(u32),
    /// The request asks for at most this quantity (tablets, grams, units).
    QuantityAtMost(u32),
    /// The request covers at most this many days.
    DurationAtMost(u32),
    /// The request states this field.
    Given(RequestField),
    /// The request text uses one of these words ("additional", "compound"):
    /// met when it does; otherwise not documented, since a request's silence
    /// is no evidence.
    RequestMentions(Vec<String>),
    /// The patient is at least this old.
    AgeAtLeast(u32),
    /// Utilization review already certified part of this request: the
    /// certified part is the course the patient will have had before the
    /// disputed remainder, so the remainder needs what continuing care needs.
    PartlyCertified,
    /// The request is for one of these body regions (guidelines that
    /// recommend a treatment only for some regions, e.g. manipulation).
    RegionIn(Vec<BodyRegion>),
    /// Post-operative therapy within the initial course for the operation:
    /// half the general course the guideline sets for it. The operation is
    /// read from the surgery the service belongs to (or the request's own
    /// words); when none of `operations` is named, `otherwise` is the
    /// general course.
    InitialPostoperativeCourse {
        operations: Vec<Operation>,
        otherwise: u32,
    },
    /// A named definition (value set) from the library's definitions file,
    /// written once and used by every guideline that needs it; replaced by
    /// the definition's rule when the library loads.
    Uses(String),
}

/// One operation's general course of post-operative therapy.
/// A phrase rule's terms and "near" words as matchers, built on first use
/// and shared by every clone of the library, so a criterion's phrases are
/// compiled once rather than per item and per case.
#[derive(Clone, Default)]
pub struct CompiledPhrases(Arc<OnceLock<(Phrases, Phrases)>>);

impl CompiledPhrases {
    /// The matchers for `terms` and `near` (the rule's own fields).
    pub fn get(&self, terms: &[String], near: &[String]) -> &(Phrases, Phrases) {
        self.0
            .get_or_init(|| (Phrases::new(terms), Phrases::new(near)))
    }
}

impl PartialEq for CompiledPhrases {
    /// A cache, not content: two rules with the same terms are equal.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for CompiledPhrases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "compiled"
        } else {
            "not compiled"
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// What the operation is called in a report ("meniscectomy").
    pub name: String,
    /// Words that name it in a request (whole words, case-insensitive).
    pub terms: Vec<String>,
    /// Visits in the general course.
    pub visits: u32,
    /// Over how many weeks.
    pub weeks: u32,
}

/// How the answers decide: the branches that certify, each a three-valued
/// tree over the criteria and each naming the guideline sentence it encodes;
/// a `not_recommended` guideline never supports the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// The request is medically necessary when one branch is met.
    #[serde(default)]
    pub certify: Vec<Branch>,
    /// The guideline does not recommend the treatment at all.
    #[serde(default)]
    pub not_recommended: bool,
}

/// One way the guideline supports a request, with what it encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    /// The condition, over the criteria's three-valued answers.
    pub when: Node,
    /// The guideline sentences the branch encodes; the validator requires
    /// at least one, so every certification is traceable to its source.
    #[serde(default)]
    pub cites: Vec<Cite>,
}

/// A guideline passage a branch encodes: where it is and what it says, in
/// the project's own words (a clause of the guideline's `statement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cite {
    /// One of the guideline's source volumes.
    pub volume: String,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    /// The clause of the statement this branch encodes.
    pub says: String,
}

/// A decision tree node, evaluated with Kleene's three-valued logic (as
/// CQL's null logic): "not documented" propagates and is never read as "no".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    /// The criterion's own answer.
    Is(String),
    /// The criterion is not shown: met when the records deny it, and also
    /// when they are silent, then as an explicit assumption that makes the
    /// suggestion borderline (an exclusion such as "no red flags" that
    /// letters rarely state). Not met when the records affirm it.
    NotShown(String),
    /// Kleene negation: met ↔ not met; not documented stays not documented.
    Not(Box<Node>),
    /// Met when all are met; not met when one is not met; otherwise not documented.
    All(Vec<Node>),
    /// Met when one is met; not met when all are not met; otherwise not documented.
    Any(Vec<Node>),
    /// At least `n` of the nodes met; not met when even the undocumented
    /// ones could not reach `n`.
    AtLeast(u32, Vec<Node>),
}

impl Node {
    /// Every criterion id the node names, with whether it is named through
    /// a negation (`NotShown` or an odd number of `Not`).
    pub fn leaves(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        self.collect(false, &mut out);
        out
    }

    fn collect<'a>(&'a self, negated: bool, out: &mut Vec<(&'a str, bool)>) {
        match self {
            Node::Is(id) => out.push((id, negated)),
            Node::NotShown(id) => out.push((id, !negated)),
            Node::Not(inner) => inner.collect(!negated, out),
            Node::All(xs) | Node::Any(xs) | Node::AtLeast(_, xs) => {
                xs.iter().for_each(|x| x.collect(negated, out))
            }
        }
    }
}

impl DecisionRule {
    /// Every criterion id the rule names.
    pub fn referenced_ids(&self) -> Vec<&str> {
        self.certify
            .iter()
            .flat_map(|b| b.when.leaves())
            .map(|(id, _)| id)
            .collect()
    }
}

impl Rule {
    /// Whether the rule is a limit on the request's size (visits, quantity,
    /// duration): failing one means "over the limit", where IMR must decline
    /// the whole request and the rationale names what would be supported.
    pub fn is_request_limit(&self) -> bool {
        matches!(
            self,
            Rule::VisitsAtMost(_)
                | Rule::QuantityAtMost(_)
                | Rule::DurationAtMost(_)
                | Rule::InitialPostoperativeCourse { .. }
        )
    }
}

/// The library's named definitions (value sets): a concept such as
/// "conservative care tried and failed" written once, in general clinical
/// words, and used by every guideline through [`Rule::Uses`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Definitions {
    pub definitions: Vec<Definition>,
}

/// One named definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// The name guidelines use (`Uses("red_flag")`).
    pub name: String,
    /// What it means, for the reader of the file.
    pub means: String,
    /// How it is answered from the records.
    pub rule: Rule,
}
