//! A plain-text preview of the determination letter, built from the review
//! as it stands, so the reviewer sees what will be printed while deciding.

use std::fmt::Write;

use crate::review::{Mode, ReviewState, Status};

/// The letter as plain text.
pub fn letter_text(state: &ReviewState) -> String {
    let case = &state.case;
    let meta = &case.meta;
    let mut out = String::new();
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%m/%d/%Y").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let _ = writeln!(out, "INDEPENDENT MEDICAL REVIEW — FINAL DETERMINATION");
    if state.mode == Mode::Training {
        let _ = writeln!(out, "(training exercise — not a determination)");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Case number:            {}",
        meta.case_number.as_deref().unwrap_or("—")
    );
    let _ = writeln!(out, "Date of injury:         {}", date(meta.date_of_injury));
    let _ = writeln!(out, "UR denial date:         {}", date(meta.ur_denial_date));
    let _ = writeln!(out, "Application received:   {}", date(meta.application_received));
    let _ = writeln!(out, "Priority:               {}", meta.priority);
    let _ = writeln!(out);
    let _ = writeln!(out, "DISPUTED ITEMS AND DETERMINATIONS");
    for (n, item) in state.items.iter().enumerate() {
        let text = case
            .item(item.item)
            .map(|i| i.disputed_text().to_string())
            .unwrap_or_default();
        let outcome = item
            .decision
            .map(|d| format!("{} — the denial is {}", capitalise(d.label()), d.imr_outcome().to_lowercase()))
            .unwrap_or_else(|| "(not yet decided)".into());
        let _ = writeln!(out, "{}. {text}: {outcome}", n + 1);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "RATIONALE");
    for (n, item) in state.items.iter().enumerate() {
        let text = case
            .item(item.item)
            .map(|i| i.disputed_text().to_string())
            .unwrap_or_default();
        let _ = writeln!(out);
        let _ = writeln!(out, "Item {}: {text}", n + 1);
        if let Some(g) = state.assessment(item.item).and_then(|a| a.guideline.as_ref())
            && state.mode == Mode::Review
        {
            let _ = writeln!(out, "Guideline: Decision based on {}", g.citation);
        }
        let rationale = item.rationale.trim();
        if rationale.is_empty() {
            let _ = writeln!(out, "(rationale not yet written)");
        } else {
            let _ = writeln!(out, "{rationale}");
        }
    }
    let _ = writeln!(out);
    match (&state.signature, state.status) {
        (Some(sig), Status::Finalized) => {
            let _ = writeln!(
                out,
                "Signed: {}, {} — {} (content hash {})",
                sig.reviewer_name,
                sig.credentials,
                sig.signed_at.format("%m/%d/%Y %H:%M UTC"),
                sig.content_hash.get(..16).unwrap_or(&sig.content_hash)
            );
        }
        _ => {
            let _ = writeln!(out, "DRAFT — not signed ({})", state.status);
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
