//! Evaluation of the engine against published expert decisions.
//!
//! For every published letter in a folder the engine sees only what a
//! reviewer has before deciding (`Case::without_reference`: header dates, the
//! clinical case summary and the item names); its suggestion per item is then
//! compared with the expert's outcome and the guideline the expert cited.
//! The figures are what tell us whether a rule change helped in general or
//! only for one letter, so the report keeps the per-item disagreements too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assessment::Decision;
use crate::case::ExpertOutcome;
use crate::engine;
use crate::guideline::{CitationSource, Library};

/// Why a folder could not be evaluated at all (single unreadable letters are
/// reported in [`EvalReport::failures`] instead).
#[derive(Debug, Error)]
pub enum EvalError {
    #[error("{}: cannot read the folder: {cause}", .dir.display())]
    Unreadable { dir: PathBuf, cause: String },
    #[error("{}: no published letters (*.txt or *.pdf) in the folder", .dir.display())]
    NoLetters { dir: PathBuf },
}

/// The 2×2 table of engine suggestion against expert outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// Engine: medically necessary; expert: overturned.
    pub engine_necessary_expert_overturned: usize,
    /// Engine: medically necessary; expert: upheld.
    pub engine_necessary_expert_upheld: usize,
    /// Engine: not medically necessary; expert: overturned.
    pub engine_not_necessary_expert_overturned: usize,
    /// Engine: not medically necessary; expert: upheld.
    pub engine_not_necessary_expert_upheld: usize,
}

impl Confusion {
    fn add(&mut self, engine_necessary: bool, expert_necessary: bool) {
        match (engine_necessary, expert_necessary) {
            (true, true) => self.engine_necessary_expert_overturned += 1,
            (true, false) => self.engine_necessary_expert_upheld += 1,
            (false, true) => self.engine_not_necessary_expert_overturned += 1,
            (false, false) => self.engine_not_necessary_expert_upheld += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.engine_necessary_expert_overturned
            + self.engine_necessary_expert_upheld
            + self.engine_not_necessary_expert_overturned
            + self.engine_not_necessary_expert_upheld
    }

    pub fn accuracy(&self) -> f64 {
        ratio(
            self.engine_necessary_expert_overturned + self.engine_not_necessary_expert_upheld,
            self.total(),
        )
    }

    /// Mean of the recall on overturned and on upheld items (classes the
    /// expert never used are left out).
    pub fn balanced_accuracy(&self) -> f64 {
        let over =
            self.engine_necessary_expert_overturned + self.engine_not_necessary_expert_overturned;
        let up = self.engine_necessary_expert_upheld + self.engine_not_necessary_expert_upheld;
        let mut parts = Vec::new();
        if over > 0 {
            parts.push(ratio(self.engine_necessary_expert_overturned, over));
        }
        if up > 0 {
            parts.push(ratio(self.engine_not_necessary_expert_upheld, up));
        }
        if parts.is_empty() {
            0.0
        } else {
            parts.iter().sum::<f64>() / parts.len() as f64
        }
    }

    /// Cohen's kappa between engine and expert.
    pub fn kappa(&self) -> f64 {
        let n = self.total() as f64;
        if n == 0.0 {
            return 0.0;
        }
        let po = self.accuracy();
        let engine_yes = (self.engine_necessary_expert_overturned
            + self.engine_necessary_expert_upheld) as f64
            / n;
        let expert_yes = (self.engine_necessary_expert_overturned
            + self.engine_not_necessary_expert_overturned) as f64
            / n;
        let pe = engine_yes * expert_yes + (1.0 - engine_yes) * (1.0 - expert_yes);
        if (1.0 - pe).abs() < f64::EPSILON {
            if po >= 1.0 { 1.0 } else { 0.0 }
        } else {
            (po - pe) / (1.0 - pe)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Agreement within one request category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryStats {
    pub items: usize,
    pub agree: usize,
    pub accuracy: f64,
    /// 95% Wilson score interval of `accuracy`: most categories have a few
    /// items, and a bare 1.000 over 3 items says little.
    #[serde(default)]
    pub accuracy_interval: (f64, f64),
    pub expert_overturned: usize,
    pub engine_necessary: usize,
    /// Items of the category where the expert cited a guideline.
    pub cited: usize,
    pub citation_agree: usize,
}

/// One item where the engine and the expert differ, for study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub letter: String,
    pub item: String,
    pub category: String,
    pub guideline: Option<String>,
    pub engine: String,
    pub expert: String,
}

/// The evaluation summary (`imrdesk eval DIR --json FILE` writes it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub letters: usize,
    pub items: usize,
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub kappa: f64,
    /// Share of cited items where the engine's deciding volume and section are
    /// among those the letter's "MAXIMUS guideline" line cites.
    pub citation_agreement: f64,
    /// Items whose letter cites a guideline (the citation denominator).
    pub citation_items: usize,
    /// Items whose letter cites nothing (excluded from citation agreement).
    pub citation_uncited: usize,
    /// Share of items with a recognised category and a guideline.
    pub coverage: f64,
    pub confusion: Confusion,
    /// The items whose suggestion is clear (a limit exceeded, a required
    /// finding absent, or every carrying criterion met on evidence), against
    /// the expert: how far the engine can be trusted when it is sure.
    #[serde(default)]
    pub clear: Confusion,
    pub per_category: BTreeMap<String, CategoryStats>,
    /// Letters that could not be read, with the reason.
    pub failures: Vec<String>,
    /// Disagreements of the *tune* half only: the *check* half is read in
    /// aggregate, so rules are never fitted to its letters.
    pub disagreements: Vec<Disagreement>,
    /// The two fixed halves of the folder, by the last digit of the case
    /// number (even: tune, odd: check), each with 95% intervals.
    pub halves: BTreeMap<String, HalfStats>,
}

/// Which fixed half of a corpus a letter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Half {
    /// Even last digit of the case number: disagreements may be read.
    Tune,
    /// Odd last digit: figures only.
    Check,
}

impl Half {
    /// The half of a letter by the last digit in its file stem; a name
    /// without digits goes to *check*, which is never read in detail.
    pub fn of(name: &str) -> Half {
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        match stem.chars().rev().find(char::is_ascii_digit) {
            Some(d) if (d as u8 - b'0').is_multiple_of(2) => Half::Tune,
            _ => Half::Check,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Half::Tune => "tune",
            Half::Check => "check",
        }
    }
}

/// The 95% Wilson score interval of a proportion `k` of `n`; (0, 1) when
/// `n` is 0. Unlike the normal approximation it stays inside [0, 1] and is
/// honest for the small counts of most categories.
pub fn wilson_interval(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Agreement on one half, with a 95% percentile interval from a bootstrap
/// over letters (items of one letter are resampled together, since they
/// share a record).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HalfStats {
    pub letters: usize,
    pub items: usize,
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub balanced_accuracy_ci: (f64, f64),
    pub kappa: f64,
    pub kappa_ci: (f64, f64),
    pub confusion: Confusion,
}

/// Bootstrap resamples for the intervals: enough for stable 2.5/97.5
/// percentiles at this corpus size.
const BOOTSTRAP_RESAMPLES: usize = 2000;

/// A small deterministic generator (SplitMix64) so the intervals are the
/// same on every run and machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The figures of one half from its letters' (engine, expert) pairs.
pub fn half_stats(letters: &[Vec<(bool, bool)>]) -> HalfStats {
    let table = |picks: &mut dyn Iterator<Item = &Vec<(bool, bool)>>| {
        let mut c = Confusion::default();
        for pairs in picks {
            for &(engine, expert) in pairs {
                c.add(engine, expert);
            }
        }
        c
    };
    let confusion = table(&mut letters.iter());
    let mut rng = SplitMix(0x1D5E_ED00_0000_0001);
    let mut kappas = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut balanced = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    if !letters.is_empty() {
        for _ in 0..BOOTSTRAP_RESAMPLES {
            let picks: Vec<usize> = (0..letters.len())
                .map(|_| rng.below(letters.len()))
                .collect();
            let c = table(&mut picks.iter().filter_map(|&i| letters.get(i)));
            kappas.push(c.kappa());
            balanced.push(c.balanced_accuracy());
        }
    }
    kappas.sort_by(f64::total_cmp);
    balanced.sort_by(f64::total_cmp);
    HalfStats {
        letters: letters.len(),
        items: confusion.total(),
        accuracy: confusion.accuracy(),
        balanced_accuracy: confusion.balanced_accuracy(),
        balanced_accuracy_ci: (percentile(&balanced, 0.025), percentile(&balanced, 0.975)),
        kappa: confusion.kappa(),
        kappa_ci: (percentile(&kappas, 0.025), percentile(&kappas, 0.975)),
        confusion,
    }
}

/// The letters of a folder: one path per stem, the `.txt` preferred over
/// the `.pdf` of the same letter.
pub fn letter_files(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EvalError::Unreadable {
        dir: dir.to_path_buf(),
        cause: e.to_string(),
    })?;
    let mut by_stem: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        let Some(ext) = ext.filter(|e| e == "txt" || e == "pdf") else {
            continue;
        };
        let Some(stem) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let keep_existing = by_stem
            .get(&stem)
            .is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")));
        if !keep_existing || ext == "txt" {
            by_stem.insert(stem, path);
        }
    }
    if by_stem.is_empty() {
        return Err(EvalError::NoLetters {
            dir: dir.to_path_buf(),
        });
    }
    Ok(by_stem.into_values().collect())
}

/// Evaluates the engine on every published letter in `dir`.
pub fn evaluate_dir(dir: &Path, library: &Library) -> Result<EvalReport, EvalError> {
    let files = letter_files(dir)?;
    let mut report = EvalReport::default();
    let mut covered = 0usize;
    let mut cited_agree = 0usize;
    let mut by_half: BTreeMap<Half, Vec<Vec<(bool, bool)>>> = BTreeMap::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case = match crate::ingest::load(path) {
            Ok(imported) => imported.case,
            Err(e) => {
                report.failures.push(e.to_string());
                continue;
            }
        };
        let Some(reference) = case.reference.clone() else {
            report.failures.push(format!(
                "{}: the letter carries no expert decisions",
                path.display()
            ));
            continue;
        };
        report.letters += 1;
        // The engine sees only what a reviewer has before deciding.
        let analysis = engine::analyze(&case.without_reference(), library);
        let half = Half::of(&name);
        let mut pairs = Vec::new();
        for a in &analysis.items {
            let Some(expert) = reference.for_item(a.item) else {
                continue;
            };
            report.items += 1;
            let engine_yes = a.suggestion.decision == Decision::MedicallyNecessary;
            let expert_yes = expert.outcome == ExpertOutcome::Overturned;
            report.confusion.add(engine_yes, expert_yes);
            pairs.push((engine_yes, expert_yes));
            if a.suggestion.strength == crate::assessment::Strength::Clear {
                report.clear.add(engine_yes, expert_yes);
            }
            let category = a.request.category.label().to_string();
            let stats = report.per_category.entry(category.clone()).or_default();
            stats.items += 1;
            if engine_yes == expert_yes {
                stats.agree += 1;
            } else if half == Half::Tune {
                report.disagreements.push(Disagreement {
                    letter: name.clone(),
                    item: a.request.text.clone(),
                    category: category.clone(),
                    guideline: a.guideline.as_ref().map(|g| g.id.clone()),
                    engine: a.suggestion.decision.imr_outcome().to_string(),
                    expert: expert.outcome.to_string(),
                });
            }
            if expert_yes {
                stats.expert_overturned += 1;
            }
            if engine_yes {
                stats.engine_necessary += 1;
            }
            let guideline = a.guideline.as_ref().and_then(|c| library.get(&c.id));
            if guideline.is_some() && engine::is_recognised(a.request.category) {
                covered += 1;
            }
            if cites_nothing(&expert.guideline_line) {
                report.citation_uncited += 1;
            } else {
                report.citation_items += 1;
                stats.cited += 1;
                let agrees = guideline
                    .and_then(|g| g.sources.first())
                    .is_some_and(|s| citation_agrees(s, &expert.guideline_line));
                if agrees {
                    cited_agree += 1;
                    stats.citation_agree += 1;
                }
            }
        }
        by_half.entry(half).or_default().push(pairs);
    }
    for (half, letters) in &by_half {
        report
            .halves
            .insert(half.label().to_string(), half_stats(letters));
    }
    for stats in report.per_category.values_mut() {
        stats.accuracy = ratio(stats.agree, stats.items);
        stats.accuracy_interval = wilson_interval(stats.agree, stats.items);
    }
    report.accuracy = report.confusion.accuracy();
    report.balanced_accuracy = report.confusion.balanced_accuracy();
    report.kappa = report.confusion.kappa();
    report.citation_agreement = ratio(cited_agree, report.citation_items);
    report.coverage = ratio(covered, report.items);
    Ok(report)
}

/// Lower case letters and digits only: citation lines wrap, hyphenate and
/// punctuate inconsistently.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Whether a letter's "MAXIMUS guideline" line cites no evidence.
pub fn cites_nothing(line: &str) -> bool {
    let n = normalise(line);
    n.is_empty() || n.contains("didnotciteany")
}

/// Whether the engine's deciding source agrees with the letter's line.
/// MTUS: the volume (without the "MTUS" prefix, with its year) occurs in the
/// line and one of the sections the engine cites for it occurs in what the
/// line cites for that volume (letters, too, cite several sections of one
/// volume; a volume cited without sections agrees on the volume alone).
/// Outside the MTUS (ODG): the line cites ODG, names the chapter's first
/// word after it, and the topic's first word.
pub fn citation_agrees(source: &CitationSource, line: &str) -> bool {
    let text = normalise(line);
    if source.is_mtus() {
        let volume = normalise(source.volume.trim_start_matches("MTUS "));
        let Some(at) = text.find(&volume) else {
            return false;
        };
        let rest = &text[at + volume.len()..];
        let rest = rest.strip_prefix("guidelines").unwrap_or(rest);
        // What follows up to the next cited volume (the next four-digit year).
        let segment_end = year_position(rest).unwrap_or(rest.len());
        let segment = &rest[..segment_end];
        source.sections.is_empty()
            || !segment.starts_with("sections")
            || source
                .sections
                .iter()
                .any(|section| segment.contains(&normalise(section)))
    } else {
        let odg_at = text
            .find("officialdisabilityguidelines")
            .or_else(|| text.find("odg"));
        let Some(at) = odg_at else {
            return false;
        };
        let after = &text[at..];
        let chapter = source
            .volume
            .trim_start_matches("Official Disability Guidelines (ODG)")
            .split_whitespace()
            .next()
            .map(normalise)
            .unwrap_or_default();
        let topic = source
            .sections
            .first()
            .and_then(|t| t.split_whitespace().next())
            .map(normalise)
            .unwrap_or_default();
        (chapter.is_empty() || after.contains(&chapter))
            && (topic.is_empty() || after.contains(&topic))
    }
}

/// Where a four-digit year (19xx or 20xx) starts in a normalised string.
fn year_position(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3)).find(|&i| {
        (b[i] == b'1' && b[i + 1] == b'9' || b[i] == b'2' && b[i + 1] == b'0')
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_digit())
    })
}

/// The report as a table for the terminal.
pub fn render_table(r: &EvalReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "letters {}  items {}  accuracy {:.3}  balanced accuracy {:.3}  kappa {:.3}\n",
        r.letters, r.items, r.accuracy, r.balanced_accuracy, r.kappa
    ));
    out.push_str(&format!(
        "citation agreement {:.3} ({} cited items; {} items cite nothing)  coverage {:.3}\n",
        r.citation_agreement, r.citation_items, r.citation_uncited, r.coverage
    ));
    let clear = &r.clear;
    out.push_str(&format!(
        "clear suggestions: {} of {} items ({:.3})  accuracy {:.3}  balanced accuracy {:.3}  kappa {:.3}\n",
        clear.total(),
        r.items,
        ratio(clear.total(), r.items),
        clear.accuracy(),
        clear.balanced_accuracy(),
        clear.kappa()
    ));
    for (name, h) in &r.halves {
        out.push_str(&format!(
            "{name:<5}: letters {}  items {}  accuracy {:.3}  balanced accuracy {:.3} [{:.3}, {:.3}]  kappa {:.3} [{:.3}, {:.3}]\n",
            h.letters,
            h.items,
            h.accuracy,
            h.balanced_accuracy,
            h.balanced_accuracy_ci.0,
            h.balanced_accuracy_ci.1,
            h.kappa,
            h.kappa_ci.0,
            h.kappa_ci.1
        ));
    }
    let c = &r.confusion;
    out.push_str("\n                      expert overturned  expert upheld\n");
    out.push_str(&format!(
        "engine necessary      {:>17}  {:>13}\n",
        c.engine_necessary_expert_overturned, c.engine_necessary_expert_upheld
    ));
    out.push_str(&format!(
        "engine not necessary  {:>17}  {:>13}\n\n",
        c.engine_not_necessary_expert_overturned, c.engine_not_necessary_expert_upheld
    ));
    out.push_str(&format!(
        "{:<44} {:>5} {:>6} {:>8} {:>15} {:>7} {:>7} {:>9}\n",
        "category",
        "items",
        "agree",
        "accuracy",
        "95% interval",
        "expertMN",
        "engineMN",
        "citation"
    ));
    for (name, s) in &r.per_category {
        let cit = if s.cited == 0 {
            "-".to_string()
        } else {
            format!("{}/{}", s.citation_agree, s.cited)
        };
        out.push_str(&format!(
            "{:<44} {:>5} {:>6} {:>8.3} {:>15} {:>7} {:>7} {:>9}\n",
            name,
            s.items,
            s.agree,
            s.accuracy,
            format!(
                "[{:.2}, {:.2}]",
                s.accuracy_interval.0, s.accuracy_interval.1
            ),
            s.expert_overturned,
            s.engine_necessary,
            cit
        ));
    }
    if !r.failures.is_empty() {
        out.push_str(&format!(
            "\n{} letter(s) could not be read:\n",
            r.failures.len()
        ));
        for f in &r.failures {
            out.push_str(&format!("  {f}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(volume: &str, sections: &[&str]) -> CitationSource {
        CitationSource {
            volume: volume.into(),
            sections: sections.iter().map(|s| s.to_string()).collect(),
            page: None,
        }
    }

    #[test]
    fn mtus_citation_matches_volume_and_section() {
        let line = "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies, and Chronic Pain Medical Treatment 2016, Section(s): Electro- diagnostic testing (EMG/NCS).";
        assert!(citation_agrees(
            &src(
                "MTUS Neck and Upper Back Complaints 2004",
                &["Special Studies"]
            ),
            line
        ));
        assert!(citation_agrees(
            &src(
                "MTUS Chronic Pain Medical Treatment 2016",
                &["Electrodiagnostic testing (EMG/NCS)"]
            ),
            line
        ));
        assert!(!citation_agrees(
            &src(
                "MTUS Chronic Pain Medical Treatment 2016",
                &["Physical medicine treatment"]
            ),
            line
        ));
        assert!(!citation_agrees(
            &src("MTUS Low Back Complaints 2004", &["Special Studies"]),
            line
        ));
        let bare = "Decision based on MTUS Acupuncture Treatment 2007.";
        assert!(citation_agrees(
            &src("MTUS Acupuncture Treatment 2007", &[]),
            bare
        ));
    }

    #[test]
    fn odg_citation_matches_chapter_and_topic() {
        let line = "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Knee & Leg, Platelet-rich plasma (PRP).";
        let odg = src(
            "Official Disability Guidelines (ODG) Knee & Leg",
            &["Platelet-rich plasma (PRP)"],
        );
        assert!(citation_agrees(&odg, line));
        let other = src("Official Disability Guidelines (ODG) Shoulder", &["MRI"]);
        assert!(!citation_agrees(&other, line));
    }

    #[test]
    fn wilson_intervals_match_hand_computation() {
        // 3 of 3: the interval is wide, [0.44, 1.00].
        let (lo, hi) = wilson_interval(3, 3);
        assert!(
            (lo - 0.4385).abs() < 1e-3 && (hi - 1.0).abs() < 1e-9,
            "{lo} {hi}"
        );
        // 72 of 74: [0.906, 0.993].
        let (lo, hi) = wilson_interval(72, 74);
        assert!(
            (lo - 0.9066).abs() < 1e-3 && (hi - 0.9925).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
    }

    #[test]
    fn kappa_and_balanced_accuracy() {
        let c = Confusion {
            engine_necessary_expert_overturned: 5,
            engine_necessary_expert_upheld: 5,
            engine_not_necessary_expert_overturned: 5,
            engine_not_necessary_expert_upheld: 85,
        };
        assert!((c.accuracy() - 0.9).abs() < 1e-9);
        assert!((c.balanced_accuracy() - (0.5 + 85.0 / 90.0) / 2.0).abs() < 1e-9);
        // po = 0.9, pe = 0.1*0.1 + 0.9*0.9 = 0.82
        assert!((c.kappa() - (0.9 - 0.82) / 0.18).abs() < 1e-9);
        assert_eq!(Confusion::default().kappa(), 0.0);
    }

    #[test]
    fn halves_follow_the_last_digit_and_intervals_bracket_the_figure() {
        assert_eq!(Half::of("CM16-0000012.txt"), Half::Tune);
        assert_eq!(Half::of("CM16-0000013.pdf"), Half::Check);
        assert_eq!(Half::of("letter.txt"), Half::Check);
        let letters: Vec<Vec<(bool, bool)>> = (0..40)
            .map(|i| {
                vec![
                    (i % 5 == 0, i % 4 == 0),
                    (false, false),
                    (i % 7 == 0, false),
                ]
            })
            .collect();
        let h = half_stats(&letters);
        assert_eq!(h.items, 120);
        assert!(h.kappa_ci.0 <= h.kappa && h.kappa <= h.kappa_ci.1, "{h:?}");
        assert!(h.kappa_ci.0 < h.kappa_ci.1, "a real interval: {h:?}");
        assert_eq!(half_stats(&letters), h, "deterministic");
    }

    #[test]
    fn uncited_lines_are_recognised() {
        assert!(cites_nothing(
            "The Expert Reviewer did not cite any medical evidence for its decision."
        ));
        assert!(cites_nothing(""));
        assert!(!cites_nothing(
            "Decision based on MTUS Knee Complaints 2004, Section(s): Special Studies."
        ));
    }
}
