//! The real window on the built-in demo case with the real engine.
#![cfg(feature = "gui")]

mod ui_support;

use egui_kittest::kittest::{NodeT, Queryable};
use imrdesk::app::{Settings, Workstation, real_backend};
use imrdesk::assessment::Answer;
use imrdesk::review::Command;

fn demo() -> Workstation {
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    ws
}

#[test]
fn demo_case_opens_with_items_guidelines_and_live_suggestions() {
    let mut h = ui_support::harness(demo());
    h.run();
    let n = h.state().open.as_ref().map_or(0, |o| o.review.items.len());
    assert!(
        n >= 4,
        "the demo case has at least four disputed items, got {n}"
    );
    assert!(
        h.query_by_label_contains(&format!("Items: {n} (0 decided)"))
            .is_some()
    );
    // The window dates the demo so that its IMR application arrived nine
    // days before the clock's today (03/02/2026): a standard review (30 days
    // from receipt) then has three weeks left, not years overdue.
    assert!(
        h.query_by_label_contains("Due 03/23/2026 — 21 days left (Standard)")
            .is_some(),
        "the case bar shows the dated demo's due date"
    );
    assert!(
        h.query_by_label_contains(&format!("Disputed items ({n})"))
            .is_some()
    );
    assert!(h.query_by_label_contains("Request: ").is_some());
    assert!(
        h.query_all_by_label_contains("Guideline: ")
            .next()
            .is_some()
    );

    // Flipping every answer of an item to "met" must be able to change the
    // suggestion of at least one item; the window shows the new one at once.
    let open = h.state().open.as_ref();
    let targets: Vec<_> = open
        .map(|o| {
            o.review
                .items
                .iter()
                .map(|i| {
                    (
                        i.item,
                        i.criteria.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let before: Vec<_> = targets
        .iter()
        .map(|(id, _)| {
            h.state()
                .open
                .as_ref()
                .and_then(|o| o.review.current_suggestion(*id))
                .map(|s| s.decision)
        })
        .collect();
    for (item, criteria) in &targets {
        for c in criteria {
            h.state_mut()
                .push_action(imrdesk::app::Action::Review(Command::SetAnswer {
                    item: *item,
                    criterion: c.clone(),
                    answer: Answer::Met,
                    reason: Some("Test override".into()),
                }));
        }
    }
    h.run();
    let after: Vec<_> = targets
        .iter()
        .map(|(id, _)| {
            h.state()
                .open
                .as_ref()
                .and_then(|o| o.review.current_suggestion(*id))
                .map(|s| s.decision)
        })
        .collect();
    assert_ne!(before, after, "overrides change the live suggestion");
}

/// Every text the window shows (labels and values), for a search.
fn shown_text(h: &egui_kittest::Harness<'static, Workstation>) -> String {
    h.root()
        .children_recursive()
        .flat_map(|n| {
            let a = n.accesskit_node();
            [a.label(), a.value()]
        })
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn presentation_hides_the_case_number_from_the_room() {
    use imrdesk::app::{Action, Pane};
    let mut h = ui_support::harness(demo());
    let panes = [
        Pane::Summary,
        Pane::Documents,
        Pane::Letter,
        Pane::Checklist,
    ];
    h.run();
    let mut seen = String::new();
    for pane in panes {
        h.state_mut().push_action(Action::FocusPane(pane));
        h.run();
        seen.push_str(&shown_text(&h));
    }
    assert!(
        seen.contains("DEMO-0001"),
        "the case number is on screen at the desk"
    );
    h.state_mut().presentation = true;
    for pane in panes {
        h.state_mut().push_action(Action::FocusPane(pane));
        h.run();
        let text = shown_text(&h);
        assert!(
            !text.contains("DEMO-0001"),
            "presenting {}: the case number is on screen",
            pane.title()
        );
        if pane == Pane::Documents {
            assert!(text.contains("•••••••••"), "masked in the records");
        }
    }
    assert!(
        h.query_by_label_contains("identifiers hidden while presenting")
            .is_some()
    );
}

/// The demo open with the checklist in front.
fn on_checklist() -> egui_kittest::Harness<'static, Workstation> {
    use imrdesk::app::{Action, Pane};
    let mut h = ui_support::harness(demo());
    h.state_mut()
        .push_action(Action::FocusPane(Pane::Checklist));
    h.run();
    h
}

#[test]
fn the_selected_item_tab_reads_in_full() {
    use imrdesk::app::Action;
    let mut h = on_checklist();
    let (index, full) = {
        let open = h.state().open.as_ref().expect("the demo is open");
        open.review
            .case
            .items
            .iter()
            .enumerate()
            .max_by_key(|(_, i)| i.disputed_text().chars().count())
            .map(|(n, i)| (n, format!("Item {}: {}", i.id, i.disputed_text())))
            .expect("the demo has items")
    };
    assert!(full.chars().count() > 50, "a long item: {full}");
    assert!(
        h.query_by_label(&full).is_none(),
        "shortened while not selected"
    );
    h.state_mut().push_action(Action::SelectItem(index));
    h.run();
    assert!(
        h.query_by_label(&full).is_some(),
        "{full} in full once selected"
    );
}

#[test]
fn the_default_layout_has_the_timeline_in_view() {
    let mut h = ui_support::harness(demo());
    h.run();
    assert!(
        h.query_by_label_contains("Timeline, ").is_some(),
        "the timeline is drawn at start, not behind a tab"
    );
    assert!(
        h.query_by_label("Search:").is_some(),
        "and the records beside it"
    );
}

#[test]
fn hovering_a_criterion_marks_its_evidence_instead_of_the_selected_ones() {
    let mut h = on_checklist();
    let question = {
        let open = h.state().open.as_ref().expect("the demo is open");
        let first = open.review.analysis.items.first().expect("an item");
        let second = first.criteria.get(1).expect("a second criterion");
        assert!(!second.evidence.is_empty(), "it quotes the records");
        second.question.clone()
    };
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.hovered_criterion),
        Some(None)
    );
    h.get_by_label(&question).hover();
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.hovered_criterion),
        Some(Some(1)),
        "the card under the pointer is the one whose evidence is marked"
    );
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_criterion),
        Some(0),
        "hovering does not change the selection"
    );
}

#[test]
fn the_window_gives_each_review_its_guideline_library() {
    let h = ui_support::harness(demo());
    let open = h.state().open.as_ref().expect("the demo is open");
    let library = ui_support::library();
    assert_eq!(
        open.review
            .library
            .as_ref()
            .map(|s| s.content_hash.as_str()),
        Some(library.content_hash()),
        "the review records the library it is decided against"
    );
    assert!(
        open.review
            .rules()
            .is_some_and(|l| l.content_hash() == library.content_hash()),
        "live suggestions use the window's library"
    );
}
