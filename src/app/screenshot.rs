//! Scripted views for `scripts/screenshots.sh`: `IMRDESK_VIEW` names the
//! view to set up after the case opens, so each screenshot shows one main
//! view of the real window.

use crate::assessment::{Answer, Decision};
use crate::review::Command;

use super::{Action, Pane, Workstation};

/// Sets up the view named by `IMRDESK_VIEW` (nothing when unset).
pub fn configure(ws: &mut Workstation) {
    let Ok(view) = std::env::var("IMRDESK_VIEW") else {
        return;
    };
    set_up(ws, view.trim());
}

/// Sets up a named view; unknown names leave the default layout.
pub fn set_up(ws: &mut Workstation, view: &str) {
    if ws.settings.reviewer_name.is_empty() {
        ws.settings.reviewer_name = "Dr. Demo Reviewer".into();
        ws.settings.credentials = "MD, Board Certified in Orthopedic Surgery".into();
    }
    let first_evidence = ws.open.as_ref().and_then(|o| {
        o.review
            .analysis
            .items
            .iter()
            .flat_map(|a| a.criteria.iter())
            .flat_map(|c| c.evidence.iter())
            .next()
            .map(|e| (e.doc, e.span))
    });
    match view {
        "documents" => {
            // The first item's best-supported criterion, and its first quote:
            // the other quotes nearby show tinted.
            let most = ws.open.as_ref().and_then(|o| {
                let item = o.review.analysis.items.first()?;
                let (ci, c) = item
                    .criteria
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, c)| c.evidence.len())?;
                let e = c.evidence.first()?;
                Some((ci, e.doc, e.span))
            });
            if let Some((ci, doc, span)) = most {
                ws.handle(Action::SelectCriterion(ci));
                ws.handle(Action::ShowSource { doc, span });
            } else if let Some((doc, span)) = first_evidence {
                ws.handle(Action::ShowSource { doc, span });
            }
            let fact = ws
                .open
                .as_ref()
                .and_then(|o| {
                    o.review
                        .analysis
                        .facts
                        .iter()
                        .position(|f| f.certainty == crate::fact::Certainty::Negated)
                })
                .or(Some(0));
            if let Some(f) = fact {
                ws.handle(Action::SelectFact(f));
            }
        }
        "timeline" => ws.handle(Action::FocusPane(Pane::Timeline)),
        "letter" => {
            decide_all(ws);
            ws.handle(Action::FocusPane(Pane::Letter));
        }
        "decision" => {
            decide_all(ws);
            ws.handle(Action::FocusPane(Pane::Decision));
        }
        "override" => {
            ws.handle(Action::SelectCriterion(0));
            let target = ws.open.as_ref().and_then(|o| {
                let item = o.review.items.first()?;
                let c = item.criteria.first()?;
                let other = if c.answer == Answer::Met {
                    Answer::NotMet
                } else {
                    Answer::Met
                };
                Some((item.item, c.id.clone(), other))
            });
            if let Some((item, criterion, answer)) = target {
                ws.handle(Action::SetAnswer {
                    item,
                    criterion,
                    answer,
                });
                if let Some(super::Modal::OverrideReason { reason, .. }) = &mut ws.modal {
                    *reason = "Flexion-extension films in the chart show motion".into();
                }
            }
        }
        "finalized" => {
            decide_all(ws);
            // A key that lives only in memory: a screenshot never touches the
            // reviewer's real signing key.
            match crate::review::Signer::generate() {
                Ok(signer) => ws.finalize_with(signer),
                Err(e) => ws.error(e.to_string()),
            }
        }
        "training" => {
            ws.toggle_training();
            decide_all(ws);
            ws.handle(Action::Reveal);
        }
        "presentation" => {
            ws.presentation = true;
            ws.focused_pane = Pane::Checklist;
        }
        "dark" => ws.settings.theme = super::ThemeKind::Dark,
        "library" => {
            if let Ok(folder) = std::env::var("IMRDESK_LIBRARY") {
                ws.dialog_chose(super::DialogKind::OpenLibrary, folder.into());
            }
            ws.handle(Action::FocusPane(Pane::Library));
        }
        _ => {}
    }
}

fn decide_all(ws: &mut Workstation) {
    let decisions: Vec<_> = ws
        .open
        .as_ref()
        .map(|o| {
            o.review
                .items
                .iter()
                .map(|i| {
                    let d = o
                        .review
                        .current_suggestion(i.item)
                        .map(|s| s.decision)
                        .unwrap_or(Decision::NotMedicallyNecessary);
                    (i.item, d)
                })
                .collect()
        })
        .unwrap_or_default();
    for (item, decision) in decisions {
        ws.handle(Action::Review(Command::Decide {
            item,
            decision: Some(decision),
        }));
    }
}
