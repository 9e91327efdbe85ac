//! The documents panel: source text with extracted facts highlighted, drawn
//! virtualised (only the rows on screen are built each frame) over lines
//! laid out once when the case opens.

use std::collections::HashMap;

use egui::{Color32, RichText, Sense, TextStyle};

use crate::assessment::Analysis;
use crate::case::{Case, DocId};
use crate::fact::{Certainty, Span};
use crate::ingest::ocr::LOW_CONFIDENCE;

use super::theme::Theme;
use super::{Action, CasePanel, OpenCase, Restructure};

/// Characters per laid-out row. Records are narrow; a fixed wrap keeps
/// every row one text line high, which `show_rows` needs.
pub const WRAP_COLUMNS: usize = 100;

/// Longest fact span considered when looking back for facts that start
/// before a row and run into it.
const MAX_SPAN_BYTES: usize = 600;

/// One laid-out row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A document's title line; `doc` indexes `Case::documents`.
    Header { doc: usize },
    /// Bytes `start..end` of a document's text.
    Line {
        doc: usize,
        start: usize,
        end: usize,
    },
}

/// The rows of every document, and the facts of each document sorted by start.
#[derive(Debug, Default)]
pub struct DocRows {
    pub rows: Vec<Row>,
    /// For each document (by index), the index of its header row.
    pub first_row: Vec<usize>,
    /// Fact indices per document index, sorted by span start.
    pub facts: Vec<Vec<usize>>,
    doc_index: HashMap<DocId, usize>,
}

impl DocRows {
    /// Lays out all documents; linear in the text size.
    pub fn build(case: &Case, analysis: &Analysis) -> DocRows {
        let mut rows = Vec::new();
        let mut first_row = Vec::with_capacity(case.documents.len());
        let mut doc_index = HashMap::new();
        for (i, doc) in case.documents.iter().enumerate() {
            doc_index.insert(doc.id, i);
            first_row.push(rows.len());
            rows.push(Row::Header { doc: i });
            wrap_into(&doc.text, i, &mut rows);
        }
        let mut facts = vec![Vec::new(); case.documents.len()];
        for (fi, fact) in analysis.facts.iter().enumerate() {
            if let Some(&di) = doc_index.get(&fact.doc)
                && let Some(list) = facts.get_mut(di)
            {
                list.push(fi);
            }
        }
        for list in &mut facts {
            list.sort_by_key(|&fi| analysis.facts.get(fi).map(|f| f.span.start).unwrap_or(0));
        }
        DocRows {
            rows,
            first_row,
            facts,
            doc_index,
        }
    }

    pub fn doc_index(&self, id: DocId) -> Option<usize> {
        self.doc_index.get(&id).copied()
    }

    /// The row showing byte `at` of document `doc`.
    pub fn row_of(&self, doc: DocId, at: usize) -> Option<usize> {
        let di = self.doc_index(doc)?;
        let first = *self.first_row.get(di)?;
        let end = self
            .first_row
            .get(di + 1)
            .copied()
            .unwrap_or(self.rows.len());
        let lines = self.rows.get(first + 1..end)?;
        let k = lines.partition_point(|r| match r {
            Row::Line { end, .. } => *end <= at,
            Row::Header { .. } => true,
        });
        Some(first + 1 + k.min(lines.len().saturating_sub(1)))
    }
}

fn wrap_into(text: &str, doc: usize, rows: &mut Vec<Row>) {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let base = line_start;
        line_start += line.len();
        if content.is_empty() {
            rows.push(Row::Line {
                doc,
                start: base,
                end: base,
            });
            continue;
        }
        let mut start = 0;
        while start < content.len() {
            let rest = content.get(start..).unwrap_or("");
            let mut cut = rest.len();
            let mut last_space = None;
            for (count, (i, ch)) in rest.char_indices().enumerate() {
                if count == WRAP_COLUMNS {
                    cut = i;
                    break;
                }
                if ch == ' ' {
                    last_space = Some(i + 1);
                }
            }
            if cut < rest.len()
                && let Some(s) = last_space.filter(|s| *s > WRAP_COLUMNS / 2)
            {
                cut = s;
            }
            if cut == 0 {
                cut = rest
                    .chars()
                    .next()
                    .map(|c| c.len_utf8())
                    .unwrap_or(rest.len());
            }
            rows.push(Row::Line {
                doc,
                start: base + start,
                end: base + start + cut,
            });
            start += cut;
        }
    }
}

/// Search state: the query and the hits as (document index, byte span).
#[derive(Debug, Default)]
pub struct Search {
    pub query: String,
    searched: String,
    pub hits: Vec<(usize, Span)>,
    pub current: Option<usize>,
}

/// Most hits kept; beyond this the count says "10000+".
pub const MAX_HITS: usize = 10_000;

impl Search {
    /// Recomputes hits when the query changed (ASCII case-insensitive).
    pub fn refresh(&mut self, case: &Case) {
        if self.query == self.searched {
            return;
        }
        self.searched = self.query.clone();
        self.hits.clear();
        self.current = None;
        let needle = self.query.trim().to_ascii_lowercase();
        if needle.len() < 2 {
            return;
        }
        'docs: for (di, doc) in case.documents.iter().enumerate() {
            let hay = doc.text.to_ascii_lowercase();
            let mut from = 0;
            while let Some(pos) = hay.get(from..).and_then(|h| h.find(&needle)) {
                let start = from + pos;
                self.hits.push((di, Span::new(start, start + needle.len())));
                if self.hits.len() >= MAX_HITS {
                    break 'docs;
                }
                from = start + needle.len();
            }
        }
    }

    /// Moves to the next (or previous) hit, wrapping around.
    pub fn step(&mut self, forward: bool) -> Option<(usize, Span)> {
        if self.hits.is_empty() {
            return None;
        }
        let n = self.hits.len();
        let next = match (self.current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.current = Some(next);
        self.hits.get(next).copied()
    }
}

/// Draws the documents panel.
/// The documents pane. `presenting` masks the patient's identifiers in the
/// text and keeps scanned page images (which cannot be masked) off screen.
pub fn show(
    ui: &mut egui::Ui,
    open: &mut CasePanel<'_>,
    evidence: &[crate::assessment::Evidence],
    theme: &Theme,
    presenting: bool,
    actions: &mut Vec<Action>,
) {
    // Search bar.
    ui.horizontal(|ui| {
        let label = ui.label("Search:");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut open.view.documents.search.query)
                .hint_text("words in the records")
                .desired_width(220.0)
                .id_salt("documents-search"),
        );
        let edit = edit.labelled_by(label.id);
        if open.view.documents.focus_search {
            edit.request_focus();
            open.view.documents.focus_search = false;
        }
        open.view.documents.search.refresh(&open.review.case);
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let prev = ui.button("Previous").on_hover_text("Previous match");
        let next = ui.button("Next").on_hover_text("Next match (Enter)");
        let step = if prev.clicked() {
            Some(false)
        } else if next.clicked() || enter {
            Some(true)
        } else {
            None
        };
        if let Some(forward) = step
            && let Some((di, span)) = open.view.documents.search.step(forward)
            && let Some(doc) = open.review.case.documents.get(di)
        {
            actions.push(Action::ShowSource { doc: doc.id, span });
        }
        let n = open.view.documents.search.hits.len();
        if !open.view.documents.search.query.trim().is_empty() {
            let text = match open.view.documents.search.current {
                Some(i) => format!("{} of {}{}", i + 1, n, if n >= MAX_HITS { "+" } else { "" }),
                None if n == 0 => "no matches".to_string(),
                None => format!("{n} matches"),
            };
            ui.label(RichText::new(text).color(theme.weak_text));
        }
    });

    fact_card(ui, open, theme, presenting, actions);
    ui.separator();
    if presenting && page_in_view(open).is_some() {
        ui.label(
            RichText::new(
                "Page images are hidden while presenting: they show the patient's identifiers.",
            )
            .color(theme.weak_text),
        );
    } else if let Some(shown) = page_in_view(open) {
        egui::Panel::right("documents-page-image")
            .resizable(true)
            .default_size(380.0)
            .show(ui, |ui| page_view(ui, open, theme, &shown, actions));
    }

    let rows = &open.view.documents.rows;
    let row_height = ui.text_style_height(&TextStyle::Body);
    let spacing = ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("documents-scroll")
        .auto_shrink([false, false]);
    if let Some(target) = open.view.documents.scroll_to_row.take() {
        let offset = (target.saturating_sub(3)) as f32 * (row_height + spacing);
        area = area.vertical_scroll_offset(offset);
    }
    let case = &open.review.case;
    let facts = &open.review.analysis.facts;
    let focus = open.view.focus;
    let search_hit = open
        .view
        .documents
        .search
        .current
        .and_then(|i| open.view.documents.search.hits.get(i))
        .copied();
    let selected_fact = open.view.selected_fact;
    let training = open.review.mode == crate::review::Mode::Training;
    let case_number = case.meta.case_number.as_deref().unwrap_or("");
    let hidden: Option<[&str; 1]> = presenting.then_some([case_number]);
    area.show_rows(ui, row_height, rows.rows.len(), |ui, range| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for r in range {
            let Some(row) = rows.rows.get(r) else {
                continue;
            };
            match *row {
                Row::Header { doc } => {
                    let Some(d) = case.documents.get(doc) else {
                        continue;
                    };
                    let date = d
                        .date
                        .map(|x| x.format("%m/%d/%Y").to_string())
                        .unwrap_or_else(|| "undated".into());
                    let header = ui.label(
                        RichText::new(format!("{} — {} ({date})", d.title, d.kind))
                            .strong()
                            .color(theme.accent),
                    );
                    if let Some(layout) = case.layout(d.id) {
                        layout_note(ui, header, layout, theme);
                    }
                }
                Row::Line { doc, start, end } => {
                    let Some(d) = case.documents.get(doc) else {
                        continue;
                    };
                    let doc_facts = rows.facts.get(doc).map(Vec::as_slice).unwrap_or(&[]);
                    let ctx = LineCtx {
                        text: &d.text,
                        doc_id: d.id,
                        doc,
                        start,
                        end,
                        facts,
                        doc_facts,
                        focus,
                        search_hit,
                        selected_fact,
                        evidence,
                        training,
                        hidden: hidden.as_ref().map(|k| k.as_slice()),
                    };
                    draw_line(ui, &ctx, theme, actions, row_height);
                }
            }
        }
    });
}

/// The page range, the split's reason and any low OCR confidence of a
/// document, beside its title: a reviewer sees at once which documents to
/// check against the scan.
fn layout_note(
    ui: &mut egui::Ui,
    header: egui::Response,
    layout: &crate::case::DocumentLayout,
    theme: &Theme,
) {
    let pages = if layout.first_page == layout.last_page {
        format!("page {}", layout.first_page)
    } else {
        format!("pages {}–{}", layout.first_page, layout.last_page)
    };
    let low: Vec<String> = layout
        .scanned
        .iter()
        .filter(|p| p.confidence < LOW_CONFIDENCE)
        .map(|p| format!("page {} ({:.0}%)", p.page, p.confidence))
        .collect();
    let mut hover = match &layout.boundary {
        Some(reason) => format!("{pages} of the file; starts here because: {reason}"),
        None => format!("{pages} of the file"),
    };
    if !layout.scanned.is_empty() {
        hover.push_str(&format!("\n{} page(s) read by OCR", layout.scanned.len()));
    }
    header.on_hover_text(&hover);
    if !low.is_empty() {
        ui.label(
            RichText::new(format!("⚠ low OCR confidence: {}", low.join(", ")))
                .color(Color32::from(theme.not_met)),
        )
        .on_hover_text(format!(
            "OCR read these pages with under {LOW_CONFIDENCE:.0}% confidence; check the text against the page image"
        ));
    }
}

/// The scanned page to show beside the text: the one holding the focused
/// fact or search hit.
#[derive(Debug, Clone, PartialEq)]
struct ShownPage {
    doc: DocId,
    /// Index in `Case::documents`.
    index: usize,
    path: std::path::PathBuf,
    page: crate::case::ScannedPage,
    span: Span,
}

fn page_in_view(open: &CasePanel<'_>) -> Option<ShownPage> {
    let (doc, span) = open.view.focus?;
    let case = &open.review.case;
    let index = case.documents.iter().position(|d| d.id == doc)?;
    let path = case.documents[index].origin.clone()?;
    let page = case.layout(doc)?.scanned_at(span.start)?.clone();
    Some(ShownPage {
        doc,
        index,
        path,
        page,
        span,
    })
}

/// A rendered page kept between frames (rendering takes a fraction of a
/// second; a page is rendered once per session).
#[derive(Clone)]
struct PageTexture(Result<egui::TextureHandle, String>);

/// The page as scanned with the words of the focused fact boxed, and the
/// controls to split the document at this page or merge it with the next.
fn page_view(
    ui: &mut egui::Ui,
    open: &CasePanel<'_>,
    theme: &Theme,
    shown: &ShownPage,
    actions: &mut Vec<Action>,
) {
    let p = &shown.page;
    ui.label(
        RichText::new(format!(
            "Page {} as scanned — OCR confidence {:.0}%",
            p.page, p.confidence
        ))
        .strong(),
    );
    let key = egui::Id::unique(("page-image", &shown.path, p.page, p.dpi));
    let texture = ui
        .data(|d| d.get_temp::<PageTexture>(key))
        .unwrap_or_else(|| {
            let made = crate::ingest::ocr::rasterize(&shown.path, p.page, p.dpi)
                .map(|img| {
                    let image = egui::ColorImage::from_gray(
                        [img.width as usize, img.height as usize],
                        &img.pixels,
                    );
                    ui.ctx().load_texture(
                        format!("page-{}", p.page),
                        image,
                        egui::TextureOptions::LINEAR,
                    )
                })
                .map_err(|e| format!("{}: {e}", shown.path.display()));
            let t = PageTexture(made);
            ui.data_mut(|d| d.insert_temp(key, t.clone()));
            t
        });
    match &texture.0 {
        Ok(tex) => {
            let width = ui.available_width().max(100.0);
            let scale = width / p.width.max(1) as f32;
            egui::ScrollArea::vertical()
                .id_salt("page-image-scroll")
                .max_height(ui.available_height() - 60.0)
                .show(ui, |ui| {
                    let size = egui::vec2(width, p.height as f32 * scale);
                    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
                    let painter = ui.painter_at(rect);
                    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
                    painter.image(tex.id(), rect, uv, Color32::WHITE);
                    for w in p.boxes_in(shown.span.start, shown.span.end) {
                        let min = rect.min + egui::vec2(w.left as f32, w.top as f32) * scale;
                        let r = egui::Rect::from_min_size(
                            min,
                            egui::vec2(w.width as f32, w.height as f32) * scale,
                        )
                        .expand(2.0);
                        painter.rect_stroke(
                            r,
                            0.0,
                            egui::Stroke::new(2.0, Color32::from(theme.accent)),
                            egui::StrokeKind::Outside,
                        );
                    }
                });
        }
        Err(e) => {
            ui.label(
                RichText::new(format!("The page image cannot be shown: {e}"))
                    .color(Color32::from(theme.not_met)),
            );
        }
    }
    ui.separator();
    restructure_controls(ui, open, shown, actions);
}

/// "Split before this page" and "Merge with the next document". They
/// re-read the case, so they are offered only before any review work (the
/// answers and audit log refer to the documents as they are).
fn restructure_controls(
    ui: &mut egui::Ui,
    open: &CasePanel<'_>,
    shown: &ShownPage,
    actions: &mut Vec<Action>,
) {
    let editable = open.review.audit.is_empty()
        && open.review.mode == crate::review::Mode::Review
        && !open.review.is_read_only();
    let case = &open.review.case;
    let first = case.layout(shown.doc).map_or(1, |l| l.first_page);
    let page_in_doc = (shown.page.page + 1).saturating_sub(first) as usize;
    let next = case
        .documents
        .iter()
        .filter(|d| d.origin == case.documents[shown.index].origin && d.id != shown.doc)
        .filter_map(|d| Some((case.layout(d.id)?.first_page, d.id)))
        .filter(|(page, _)| *page > first)
        .min()
        .map(|(_, id)| id);
    let why =
        "Only before any review work: answers and the audit log refer to the documents as they are";
    ui.horizontal(|ui| {
        let split = ui
            .add_enabled(
                editable && page_in_doc >= 2,
                egui::Button::new("Split before this page"),
            )
            .on_hover_text("Start a new document at this page")
            .on_disabled_hover_text(why);
        if split.clicked() {
            actions.push(Action::Restructure(Restructure::Split {
                doc: shown.doc,
                page: page_in_doc,
            }));
        }
        let merge = ui
            .add_enabled(
                editable && next.is_some(),
                egui::Button::new("Merge with next document"),
            )
            .on_hover_text("Join the next document of this file to this one")
            .on_disabled_hover_text(why);
        if merge.clicked()
            && let Some(next) = next
        {
            actions.push(Action::Restructure(Restructure::Merge {
                doc: shown.doc,
                next,
            }));
        }
    });
}

/// Applies a merge or split to a copy of the case and re-reads it: a new
/// analysis and a fresh draft review over the changed documents, and a
/// fresh view of them. Called by [`super::Workstation::handle`].
pub fn restructure(
    open: &mut OpenCase,
    how: Restructure,
    library: std::sync::Arc<crate::guideline::Library>,
) -> Result<(), String> {
    let mut case = open.review.case.clone();
    match how {
        Restructure::Split { doc, page } => {
            crate::ingest::split::split_document(&mut case, doc, page).map(|_| ())
        }
        Restructure::Merge { doc, next } => {
            crate::ingest::split::merge_documents(&mut case, doc, next)
        }
    }
    .map_err(|e| e.to_string())?;
    let analysis = crate::engine::analyze(&case.without_reference(), &library);
    open.review = crate::review::ReviewState::new(case, analysis);
    open.review.use_library(library);
    open.view = super::CaseView::new(&open.review);
    open.dirty = true;
    Ok(())
}

struct LineCtx<'a> {
    text: &'a str,
    doc_id: DocId,
    doc: usize,
    start: usize,
    end: usize,
    facts: &'a [crate::fact::Fact],
    doc_facts: &'a [usize],
    focus: Option<(DocId, Span)>,
    search_hit: Option<(usize, Span)>,
    selected_fact: Option<usize>,
    /// The quotes of the criterion hovered or selected in the checklist.
    evidence: &'a [crate::assessment::Evidence],
    training: bool,
    /// While presenting: the known identifiers to mask (labelled identifier
    /// fields are masked too); `None` shows the text as it is.
    hidden: Option<&'a [&'a str]>,
}

fn draw_line(
    ui: &mut egui::Ui,
    c: &LineCtx<'_>,
    theme: &Theme,
    actions: &mut Vec<Action>,
    row_height: f32,
) {
    // Facts overlapping the row.
    let hi = c
        .doc_facts
        .partition_point(|&fi| c.facts.get(fi).is_some_and(|f| f.span.start < c.end));
    let lo = c.doc_facts.get(..hi).map_or(0, |s| {
        s.partition_point(|&fi| {
            c.facts
                .get(fi)
                .is_some_and(|f| f.span.start + MAX_SPAN_BYTES < c.start)
        })
    });
    let overlapping: Vec<usize> = c
        .doc_facts
        .get(lo..hi)
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|&fi| c.facts.get(fi).is_some_and(|f| f.span.end > c.start))
        .collect();
    let mut cuts = vec![c.start, c.end];
    for &fi in &overlapping {
        if let Some(f) = c.facts.get(fi) {
            cuts.push(f.span.start.clamp(c.start, c.end));
            cuts.push(f.span.end.clamp(c.start, c.end));
        }
    }
    let focus_span = c.focus.filter(|(d, _)| *d == c.doc_id).map(|(_, s)| s);
    let search_span = c.search_hit.filter(|(d, _)| *d == c.doc).map(|(_, s)| s);
    let quoted: Vec<Span> = c
        .evidence
        .iter()
        .filter(|e| e.doc == c.doc_id && e.span.start < c.end && e.span.end > c.start)
        .map(|e| e.span)
        .collect();
    for s in [focus_span, search_span]
        .into_iter()
        .flatten()
        .chain(quoted.iter().copied())
    {
        cuts.push(s.start.clamp(c.start, c.end));
        cuts.push(s.end.clamp(c.start, c.end));
    }
    let masks: Vec<std::ops::Range<usize>> = match (c.hidden, c.text.get(c.start..c.end)) {
        (Some(known), Some(line)) => crate::text::identifiers::identifier_spans(line, known)
            .into_iter()
            .map(|r| r.start + c.start..r.end + c.start)
            .collect(),
        _ => Vec::new(),
    };
    for m in &masks {
        cuts.push(m.start);
        cuts.push(m.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    ui.horizontal(|ui| {
        ui.set_min_height(row_height);
        if c.start == c.end {
            ui.label(" ");
            return;
        }
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let Some(piece) = c.text.get(a..b) else {
                continue;
            };
            if piece.is_empty() {
                continue;
            }
            let piece = if masks.iter().any(|m| m.start <= a && m.end >= b) {
                "•".repeat(piece.chars().count())
            } else {
                piece.replace('\t', "    ")
            };
            let fact = overlapping.iter().copied().find(|&fi| {
                c.facts
                    .get(fi)
                    .is_some_and(|f| f.span.start <= a && f.span.end >= b)
            });
            let in_focus = focus_span.is_some_and(|s| s.start <= a && s.end >= b);
            let in_search = search_span.is_some_and(|s| s.start <= a && s.end >= b);
            let in_quote = quoted.iter().any(|s| s.start <= a && s.end >= b);
            let mut rich = RichText::new(piece);
            if in_quote {
                // The checklist's criterion quotes this: a lighter shade of
                // the focus tint (the sentence shown on request keeps the full one).
                rich = rich.background_color(Color32::from(theme.focus_fill).gamma_multiply(0.45));
            }
            if in_focus {
                rich = rich.background_color(Color32::from(theme.focus_fill));
            }
            if in_search {
                rich = rich.background_color(Color32::from(theme.search_fill));
            }
            match fact.and_then(|fi| c.facts.get(fi).map(|f| (fi, f))) {
                Some((fi, f)) if !c.training || f.kind != crate::fact::FactKind::Request => {
                    if !in_focus && !in_search && !in_quote {
                        rich = rich.background_color(theme.fact_fill_for(f.kind, f.certainty));
                    }
                    if f.certainty == Certainty::Negated {
                        rich = rich
                            .strikethrough()
                            .color(Color32::from(theme.negated_stroke));
                    } else if f.certainty == Certainty::Hypothetical {
                        rich = rich.italics();
                    }
                    if c.selected_fact == Some(fi) {
                        rich = rich.underline();
                    }
                    let resp = ui
                        .add(egui::Label::new(rich).sense(Sense::click()))
                        .on_hover_text(format!(
                            "{} · {}{} — click for details",
                            f.kind,
                            f.certainty,
                            f.date.map(|d| format!(" · {d}")).unwrap_or_default()
                        ));
                    if resp.clicked() {
                        actions.push(Action::SelectFact(fi));
                    }
                }
                _ => {
                    ui.label(rich);
                }
            }
        }
    });
}

/// The card of the selected fact and the criteria that use it as evidence.
/// While `presenting`, the words it shows from the record are masked as the
/// document text is.
fn fact_card(
    ui: &mut egui::Ui,
    open: &CasePanel<'_>,
    theme: &Theme,
    presenting: bool,
    actions: &mut Vec<Action>,
) {
    let Some(fi) = open.view.selected_fact else {
        ui.label(
            RichText::new(
                "Highlights mark extracted facts (struck through = negated, italic = planned). Click one for its details.",
            )
            .small()
            .color(theme.weak_text),
        );
        return;
    };
    let Some(fact) = open.review.analysis.facts.get(fi) else {
        return;
    };
    let case_number = open.review.case.meta.case_number.as_deref().unwrap_or("");
    let shown = |text: &str| {
        if presenting {
            crate::text::identifiers::masked(text, &[case_number])
        } else {
            text.to_string()
        }
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(fact.kind.label()).strong());
            ui.label(format!("“{}”", shown(&fact.concept.replace('_', " "))));
            ui.label(RichText::new(fact.certainty.to_string()).color(theme.weak_text));
            if let Some(d) = fact.date {
                ui.label(format!("dated {d}"));
            }
            if let Some(r) = fact.region {
                ui.label(format!(
                    "{}{}",
                    fact.side.map(|s| format!("{s} ")).unwrap_or_default(),
                    r
                ));
            }
            if let Some(v) = fact.value {
                ui.label(format!("value {v}"));
            }
            if let Some(d) = &fact.detail {
                ui.label(shown(d));
            }
            if ui.small_button("Close").clicked() {
                actions.push(Action::ClearFact);
            }
        });
        let users = criteria_using(open, fi);
        if users.is_empty() {
            ui.label(
                RichText::new("No criterion cites this fact.")
                    .small()
                    .color(theme.weak_text),
            );
        } else if open.hide_engine {
            ui.label(
                RichText::new("Criteria links are hidden in training mode until reveal.")
                    .small()
                    .color(theme.weak_text),
            );
        } else {
            ui.label(RichText::new("Used as evidence by:").small());
            for (item_pos, crit_pos, text) in users {
                if ui.link(text).clicked() {
                    actions.push(Action::SelectItem(item_pos));
                    actions.push(Action::SelectCriterion(crit_pos));
                }
            }
        }
    });
}

/// The criteria whose evidence quotes overlap a fact: (item position,
/// criterion position, description).
pub fn criteria_using(open: &CasePanel<'_>, fi: usize) -> Vec<(usize, usize, String)> {
    let Some(fact) = open.review.analysis.facts.get(fi) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (ip, assessment) in open.review.analysis.items.iter().enumerate() {
        for (cp, c) in assessment.criteria.iter().enumerate() {
            let uses = c.evidence.iter().any(|e| {
                e.doc == fact.doc
                    && e.span.start < fact.span.end.max(fact.sentence.end)
                    && e.span.end > fact.span.start
            });
            if uses {
                out.push((ip, cp, format!("Item {} · {}", assessment.item, c.question)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Document, DocumentKind};

    fn case_with(text: &str) -> Case {
        let mut case = Case::new();
        case.documents.push(Document {
            id: DocId(7),
            kind: DocumentKind::ProgressReport,
            title: "Report".into(),
            date: None,
            text: text.into(),
            origin: None,
            page_starts: vec![],
        });
        case
    }

    fn empty_analysis() -> Analysis {
        Analysis {
            facts: vec![],
            timeline: Default::default(),
            items: vec![],
            warnings: vec![],
        }
    }

    #[test]
    fn rows_wrap_long_lines_and_cover_all_text() {
        let long = "word ".repeat(70);
        let text = format!("short line\n\n{long}\nend");
        let case = case_with(&text);
        let rows = DocRows::build(&case, &empty_analysis());
        let mut covered = String::new();
        for r in &rows.rows {
            if let Row::Line { start, end, .. } = r {
                let piece = text.get(*start..*end).unwrap_or("");
                assert!(piece.chars().count() <= WRAP_COLUMNS);
                covered.push_str(piece);
            }
        }
        assert_eq!(covered, text.replace('\n', ""));
        assert!(rows.rows.len() >= 6);
        let at = text.find("end").unwrap_or(0);
        let r = rows.row_of(DocId(7), at).unwrap_or(0);
        assert!(matches!(rows.rows.get(r), Some(Row::Line { start, .. }) if *start == at));
        assert_eq!(rows.row_of(DocId(99), 0), None);
    }

    #[test]
    fn multibyte_text_never_splits_a_char() {
        let text = "é".repeat(250);
        let case = case_with(&text);
        let rows = DocRows::build(&case, &empty_analysis());
        for r in &rows.rows {
            if let Row::Line { start, end, .. } = r {
                assert!(text.get(*start..*end).is_some());
            }
        }
    }

    #[test]
    fn search_finds_wraps_and_ignores_case() {
        let case = case_with("Pain in the knee. KNEE swelling. No knee locking.");
        let mut s = Search {
            query: "knee".into(),
            ..Search::default()
        };
        s.refresh(&case);
        assert_eq!(s.hits.len(), 3);
        assert_eq!(s.step(true).map(|h| h.1.start), Some(12));
        s.step(true);
        s.step(true);
        assert_eq!(s.step(true).map(|h| h.1.start), Some(12), "wraps around");
        assert_eq!(s.step(false).map(|h| h.1.start), Some(36));
    }
}
