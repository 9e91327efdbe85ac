//! Choosing the guideline for a request by the MTUS strength-of-evidence
//! order: MTUS first; ODG or other evidence only where the MTUS is silent.

use crate::assessment::GuidelineChoice;
use crate::guideline::{Guideline, Library, Rank};
use crate::request::Request;

/// How well a guideline fits a request: `None` when it does not apply,
/// otherwise how many of its constraints the request matched (more is more
/// specific).
fn fit(g: &Guideline, req: &Request) -> Option<usize> {
    let a = &g.applies;
    let text = req.text.to_lowercase();
    let mut score = 0;
    if !a.categories.is_empty() {
        if !a.categories.contains(&req.category) {
            return None;
        }
        score += 1;
    }
    if !a.modalities.is_empty() {
        let m = req.modality.as_deref()?.to_lowercase();
        if !a.modalities.iter().any(|x| m == x.to_lowercase()) {
            return None;
        }
        score += 1;
    }
    if !a.regions.is_empty() {
        let region = req.region?;
        if !a.regions.contains(&region) {
            return None;
        }
        score += 1;
    }
    if !a.drugs.is_empty() {
        let drug = req.drug.as_deref()?;
        if !a.drugs.iter().any(|d| d == drug) {
            return None;
        }
        score += 2;
    }
    if !a.words.is_empty() {
        if !a
            .words
            .iter()
            .any(|w| crate::text::find_term(&text, &w.to_lowercase()).is_some())
        {
            return None;
        }
        score += 2;
    }
    if a.exclude_words
        .iter()
        .any(|w| crate::text::find_term(&text, &w.to_lowercase()).is_some())
    {
        return None;
    }
    Some(score)
}

/// Every guideline that applies to the request, best first: by rank in the
/// MTUS order, then by specificity, then by library order.
pub fn candidates<'a>(library: &'a Library, req: &Request) -> Vec<&'a Guideline> {
    let mut found: Vec<(bool, Rank, usize, usize, &Guideline)> = library
        .guidelines()
        .iter()
        .enumerate()
        .filter_map(|(i, g)| fit(g, req).map(|s| (g.fallback, g.rank, s, i, g)))
        .collect();
    found.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    found.into_iter().map(|(_, _, _, _, g)| g).collect()
}

/// The guideline to apply, with the reason in the MTUS order.
pub fn choose(library: &Library, req: &Request) -> Option<GuidelineChoice> {
    let all = candidates(library, req);
    let g = *all.first()?;
    let what = match (req.region, req.drug.as_deref()) {
        (_, Some(drug)) => format!("{} ({drug})", req.category.label()),
        (Some(region), None) => format!("{} of the {region}", req.category.label()),
        (None, None) => req.category.label().to_string(),
    };
    let why = match g.rank {
        _ if g.fallback => format!(
            "No guideline in the library addresses {what} specifically; {} gives the general \
             approach that applies.",
            g.sources
                .first()
                .map(|s| s.volume.as_str())
                .unwrap_or("the cited source")
        ),
        Rank::Mtus => format!(
            "The MTUS comes first in the strength-of-evidence order and {} addresses {what}.",
            g.sources
                .first()
                .map(|s| s.volume.as_str())
                .unwrap_or("its guideline")
        ),
        Rank::Odg | Rank::OtherEvidence => format!(
            "The MTUS does not address {what} specifically, so the next source in the \
             strength-of-evidence order applies: {}.",
            g.sources
                .first()
                .map(|s| s.volume.as_str())
                .unwrap_or("the cited evidence")
        ),
    };
    Some(GuidelineChoice {
        id: g.id.clone(),
        title: g.title.clone(),
        citation: g.citation(),
        why,
    })
}
