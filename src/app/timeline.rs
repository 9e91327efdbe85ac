//! The timeline panel: lanes by kind, wheel/pinch zoom, drag pan, hover
//! card, click to show the source. Geometry comes from [`super::timeaxis`].

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, vec2};

use crate::timeline::Lane;

use super::Action;
use super::theme::Theme;
use super::timeaxis::{TimeAxis, day_number, visible_range};
use crate::assessment::Evidence;
use crate::timeline::{Timeline, TreatmentSpan};

/// Events sorted by day, with their lane row: built once per case.
#[derive(Debug, Default)]
pub struct TimelineCache {
    /// (day, lane row, event index), sorted by day.
    pub points: Vec<(f64, usize, usize)>,
    pub days: Vec<f64>,
}

impl TimelineCache {
    pub fn build(timeline: &crate::timeline::Timeline) -> TimelineCache {
        let mut points: Vec<(f64, usize, usize)> = timeline
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let lane = Lane::ALL.iter().position(|l| *l == e.lane).unwrap_or(0);
                (day_number(e.date.date), lane, i)
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let days = points.iter().map(|p| p.0).collect();
        TimelineCache { points, days }
    }
}

const LABEL_WIDTH: f32 = 170.0;

/// All of the timeline panel's view state: what it derived from the case once,
/// and where the reviewer has panned and zoomed.
#[derive(Debug, Default)]
pub struct TimelineView {
    pub cache: TimelineCache,
    /// Therapy courses and medication periods, drawn as bars.
    pub spans: Vec<TreatmentSpan>,
    /// First to last request / UR / IMR date, drawn as a band.
    pub band: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The review's due date, drawn as a line.
    pub due: Option<chrono::NaiveDate>,
    /// `None` until first drawn, and after "Fit all".
    pub axis: Option<TimeAxis>,
    /// The plot width the axis was fitted to, while the reviewer has not
    /// zoomed or panned since: a resized pane is fitted again.
    pub fitted_width: Option<f32>,
    /// A zoom factor asked for by a button or shortcut, applied next frame.
    pub zoom_request: Option<f64>,
}

impl TimelineView {
    pub fn new(timeline: &Timeline, due: Option<chrono::NaiveDate>) -> TimelineView {
        TimelineView {
            cache: TimelineCache::build(timeline),
            spans: crate::timeline::treatment_spans(timeline),
            band: crate::timeline::review_band(timeline),
            due,
            axis: None,
            fitted_width: None,
            zoom_request: None,
        }
    }
}

/// A label that wants to sit beside a mark: the mark's x, its row and the
/// label's full width in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelWish {
    pub x: f32,
    pub row: usize,
    pub width: f32,
    /// Highlighted marks are labelled first.
    pub priority: bool,
}

/// Where a label went: its left edge and its (possibly elided) width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub left: f32,
    pub width: f32,
}

/// Places labels beside their marks so that no two labels in a row overlap
/// and none extends past `left..right`; a label goes right of its mark, or
/// left of it near the right edge, is elided down to `min_width` to fit,
/// and is dropped when even that does not fit (the hover card still has it).
/// `gap` is the clearance between a mark and its label and between labels.
pub fn place_labels(
    wishes: &[LabelWish],
    left: f32,
    right: f32,
    gap: f32,
    min_width: f32,
) -> Vec<Option<Placed>> {
    let mut out = vec![None; wishes.len()];
    // Occupied intervals per row.
    let mut taken: std::collections::HashMap<usize, Vec<(f32, f32)>> =
        std::collections::HashMap::new();
    // Every mark is an obstacle: no label is drawn over another mark.
    for w in wishes {
        taken.entry(w.row).or_default().push((w.x, w.x));
    }
    let mut order: Vec<usize> = (0..wishes.len()).collect();
    order.sort_by(|&a, &b| {
        let (wa, wb) = (&wishes[a], &wishes[b]);
        wb.priority.cmp(&wa.priority).then(wa.x.total_cmp(&wb.x))
    });
    let free = |busy: &[(f32, f32)], a: f32, b: f32| {
        busy.iter().all(|&(l, r)| b + gap <= l || a >= r + gap)
    };
    for i in order {
        let w = wishes[i];
        if !(w.x.is_finite() && w.width.is_finite()) || w.x < left || w.x > right {
            continue;
        }
        let busy = taken.entry(w.row).or_default();
        // The room right of the mark: up to the next busy interval or the edge.
        let try_side = |start: f32, rightwards: bool| -> Option<Placed> {
            let limit = if rightwards {
                busy.iter()
                    .filter(|&&(l, _)| l >= start)
                    .map(|&(l, _)| l - gap)
                    .fold(right, f32::min)
            } else {
                busy.iter()
                    .filter(|&&(_, r)| r <= start)
                    .map(|&(_, r)| r + gap)
                    .fold(left, f32::max)
            };
            let room = if rightwards {
                limit - start
            } else {
                start - limit
            };
            let width = w.width.min(room);
            if width < min_width.min(w.width) || width <= 0.0 {
                return None;
            }
            let l = if rightwards { start } else { start - width };
            free(busy, l, l + width).then_some(Placed { left: l, width })
        };
        let placed = try_side(w.x + gap, true)
            .filter(|p| p.width >= w.width)
            .or_else(|| try_side(w.x - gap, false).filter(|p| p.width >= w.width))
            .or_else(|| try_side(w.x + gap, true))
            .or_else(|| try_side(w.x - gap, false));
        if let Some(p) = placed {
            // The mark itself stays clear of other labels too.
            busy.push((p.left.min(w.x), (p.left + p.width).max(w.x)));
            out[i] = Some(p);
        }
    }
    out
}

/// Whether an event comes from the evidence the reviewer is looking at: the
/// same document and an overlapping passage, or a date the evidence names.
fn is_highlighted(e: &crate::timeline::TimelineEvent, highlight: &[Evidence]) -> bool {
    highlight.iter().any(|h| {
        let same_passage = e.doc == Some(h.doc)
            && e.span
                .is_some_and(|s| s.start < h.span.end && h.span.start < s.end);
        let same_date = h.date.is_some_and(|d| d.date == e.date.date) && e.doc == Some(h.doc);
        same_passage || same_date
    })
}

/// Draws the timeline.
pub fn show(
    ui: &mut egui::Ui,
    case: &crate::case::Case,
    timeline: &Timeline,
    view: &mut TimelineView,
    highlight: &[Evidence],
    theme: &Theme,
    actions: &mut Vec<Action>,
) {
    let events = &timeline.events;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} events", events.len())).color(theme.weak_text));
        if ui
            .button("Fit all")
            .on_hover_text("Show the whole history")
            .clicked()
        {
            view.axis = None;
        }
        if ui
            .button("Zoom in")
            .on_hover_text(super::shortcuts::hint(ui.ctx(), super::Shortcut::ZoomIn))
            .clicked()
        {
            view.zoom_request = Some(1.5);
        }
        if ui
            .button("Zoom out")
            .on_hover_text(super::shortcuts::hint(ui.ctx(), super::Shortcut::ZoomOut))
            .clicked()
        {
            view.zoom_request = Some(1.0 / 1.5);
        }
        // Truncated, not overflowing: a toolbar wider than the pane widens
        // the whole pane's layout, and the plot would run past its edge.
        ui.add(
            egui::Label::new(
                RichText::new(
                    "Drag to pan · wheel or pinch to zoom · click a mark to open its source",
                )
                .small()
                .color(theme.weak_text),
            )
            .truncate(),
        );
    });
    if events.is_empty() {
        ui.label("No dated events were found in the records.");
        return;
    }
    // Lanes shrink (down to a line of text and a little) so every lane
    // and the request band fit a short pane instead of being cut off.
    let body = ui.text_style_height(&egui::TextStyle::Body);
    let avail = ui.available_size();
    let rows = Lane::ALL.len() as f32 + 2.3;
    let lane_h = (avail.y / rows).clamp(body * 1.15, (body * 1.9).max(24.0));
    let axis_h = lane_h;
    let height = (lane_h * rows).max(avail.y);
    let (rect, response) = ui.allocate_exact_size(vec2(avail.x, height), Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Figure,
            true,
            format!("Timeline, {} events", events.len()),
        )
    });
    let plot = Rect::from_min_max(Pos2::new(rect.left() + LABEL_WIDTH, rect.top()), rect.max);
    if view
        .fitted_width
        .is_some_and(|w| (w - plot.width()).abs() > 0.5)
    {
        view.axis = None;
    }
    if view.axis.is_none() {
        view.fitted_width = Some(plot.width());
    }
    let cache = &view.cache;
    let axis = view.axis.get_or_insert_with(|| {
        let first = cache.days.first().copied().unwrap_or(0.0);
        let last = cache.days.last().copied().unwrap_or(first);
        let a = super::timeaxis::date_of(first).unwrap_or_default();
        let b = super::timeaxis::date_of(last).unwrap_or(a);
        TimeAxis::fit(a, b, plot.left(), plot.width())
    });
    axis.left = plot.left();

    // Input: zoom (wheel, pinch, buttons, shortcuts) and pan.
    let before = *axis;
    if let Some(f) = view.zoom_request.take() {
        axis.zoom_around(plot.center().x, f);
    }
    if response.hovered() {
        let (scroll, pinch, pointer) = ui.input(|i| {
            (
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.pointer.hover_pos(),
            )
        });
        let x = pointer.map(|p| p.x).unwrap_or(plot.center().x);
        if scroll != 0.0 {
            axis.zoom_around(x, f64::from((scroll * 0.003).exp()));
        }
        if pinch != 1.0 {
            axis.zoom_around(x, f64::from(pinch));
        }
    }
    if response.dragged() {
        axis.pan(response.drag_delta().x);
    }
    let axis = *axis;
    if axis != before {
        // The reviewer chose this view: keep it when the pane is resized.
        view.fitted_width = None;
    }

    let painter = ui.painter_at(rect);
    let plot_painter = ui.painter_at(plot);
    let visuals = ui.visuals();
    let grid = visuals.widgets.noninteractive.bg_stroke.color;
    let text_color: Color32 = theme.text.into();
    let weak: Color32 = theme.weak_text.into();
    let accent: Color32 = theme.accent.into();
    let small = FontId::proportional(theme.small_size);
    let lanes_top = rect.top() + axis_h;
    let lanes_bottom = lanes_top + lane_h * Lane::ALL.len() as f32;
    let row_y = |lane: usize| lanes_top + lane_h * (lane as f32 + 0.5);

    // Lanes.
    for (i, lane) in Lane::ALL.iter().enumerate() {
        let top = lanes_top + lane_h * i as f32;
        let lane_rect =
            Rect::from_min_size(Pos2::new(rect.left(), top), vec2(rect.width(), lane_h));
        if i % 2 == 0 {
            painter.rect_filled(lane_rect, 0.0, visuals.faint_bg_color);
        }
        painter.text(
            Pos2::new(rect.left() + 6.0, top + lane_h / 2.0),
            Align2::LEFT_CENTER,
            lane.label(),
            FontId::proportional(theme.body_size * 0.92),
            text_color,
        );
    }
    // The dispute's dates as a band behind everything.
    if let Some((a, b)) = view.band {
        let (xa, xb) = (axis.x_of(day_number(a)), axis.x_of(day_number(b)));
        let band = Rect::from_min_max(
            Pos2::new(xa - 2.0, lanes_top),
            Pos2::new(xb.max(xa) + 2.0, lanes_bottom),
        );
        plot_painter.rect_filled(band, 2.0, accent.gamma_multiply(0.12));
        let label_x = xa.clamp(plot.left() + 2.0, plot.right() - 2.0);
        plot_painter.text(
            Pos2::new(label_x, lanes_bottom + 3.0),
            if xa > plot.right() - 160.0 {
                Align2::RIGHT_TOP
            } else {
                Align2::LEFT_TOP
            },
            "Request – UR – IMR",
            small.clone(),
            accent,
        );
    }
    // Ticks.
    for (day, label) in axis.ticks(plot.width(), 90.0) {
        let x = axis.x_of(day);
        plot_painter.line_segment(
            [Pos2::new(x, lanes_top - 4.0), Pos2::new(x, lanes_bottom)],
            Stroke::new(1.0, grid),
        );
        plot_painter.text(
            Pos2::new(x + 3.0, rect.top() + 4.0),
            Align2::LEFT_TOP,
            label,
            small.clone(),
            weak,
        );
    }
    // Due date.
    if let Some(d) = view.due {
        let x = axis.x_of(day_number(d));
        plot_painter.line_segment(
            [Pos2::new(x, lanes_top), Pos2::new(x, lanes_bottom)],
            Stroke::new(2.0, accent),
        );
        plot_painter.text(
            Pos2::new(x - 3.0, lanes_bottom + 3.0),
            Align2::RIGHT_TOP,
            "due",
            small.clone(),
            accent,
        );
    }
    let r = (lane_h * 0.22).clamp(4.0, 9.0);
    let pointer = response.hover_pos();
    // Treatment spans: bars under their marks.
    let mut hovered_span: Option<&TreatmentSpan> = None;
    for span in &view.spans {
        let lane = Lane::ALL.iter().position(|l| *l == span.lane).unwrap_or(0);
        let (xa, xb) = (
            axis.x_of(day_number(span.first)),
            axis.x_of(day_number(span.last)),
        );
        let y = row_y(lane);
        let bar = Rect::from_min_max(Pos2::new(xa, y - r * 0.7), Pos2::new(xb, y + r * 0.7));
        plot_painter.rect_filled(bar, r * 0.7, theme.lane_fill(span.lane).gamma_multiply(0.6));
        if pointer.is_some_and(|p| bar.expand(2.0).contains(p)) {
            hovered_span = Some(span);
        }
    }

    // Events: only those in view are drawn.
    let (a, b) = axis.visible(plot.width());
    let range = visible_range(&cache.days, a, b);
    let mut hovered: Option<(f32, usize)> = None;
    // Marks closer than most of a radius to the previous one in their lane
    // would be drawn on top of it: skip them, so a fitted view of thousands
    // of events costs what the screen can show, not what the case holds.
    let mut last_x = [f32::NEG_INFINITY; Lane::ALL.len()];
    let mut drawn: Vec<(f32, usize, usize, bool)> = Vec::new();
    for &(day, lane, ev) in cache.points.get(range).unwrap_or(&[]) {
        let x = axis.x_of(day);
        let Some(e) = events.get(ev) else { continue };
        let lit = !highlight.is_empty() && is_highlighted(e, highlight);
        if let Some(prev) = last_x.get_mut(lane) {
            if x - *prev < r * 0.8 && !lit {
                continue;
            }
            *prev = x;
        }
        let y = row_y(lane);
        let color = theme.lane_fill(e.lane);
        let center = Pos2::new(x, y);
        if lit {
            plot_painter.circle_stroke(center, r + 3.0, Stroke::new(2.5, accent));
        }
        let fill = if highlight.is_empty() || lit {
            color
        } else {
            color.gamma_multiply(0.5)
        };
        plot_painter.circle(center, r, fill, Stroke::new(1.0, Color32::WHITE));
        drawn.push((x, lane, ev, lit));
        if let Some(p) = pointer {
            let dist = center.distance(p);
            if dist <= r + 4.0 && hovered.is_none_or(|(d, _)| dist < d) {
                hovered = Some((dist, ev));
            }
        }
    }
    // Labels where there is room: measured, placed without overlap, elided.
    if drawn.len() <= 400 {
        let galleys: Vec<_> = drawn
            .iter()
            .map(|&(_, _, ev, _)| {
                let text = events
                    .get(ev)
                    .map(|e| truncate(&e.label, 40))
                    .unwrap_or_default();
                ui.fonts_mut(|f| f.layout_no_wrap(text, small.clone(), text_color))
            })
            .collect();
        let wishes: Vec<LabelWish> = drawn
            .iter()
            .zip(&galleys)
            .map(|(&(x, lane, _, lit), g)| LabelWish {
                x,
                row: lane,
                width: g.size().x,
                priority: lit,
            })
            .collect();
        let placed = place_labels(&wishes, plot.left(), plot.right() - 2.0, r + 3.0, 40.0);
        for ((&(_, lane, ev, lit), p), g) in drawn.iter().zip(&placed).zip(&galleys) {
            let Some(p) = p else { continue };
            let Some(e) = events.get(ev) else { continue };
            let color = if lit { accent } else { text_color };
            let galley = if p.width + 0.5 < g.size().x {
                let mut job = egui::text::LayoutJob::simple_singleline(
                    truncate(&e.label, 40),
                    small.clone(),
                    color,
                );
                job.wrap = egui::text::TextWrapping::truncate_at_width(p.width);
                ui.fonts_mut(|f| f.layout_job(job))
            } else if lit {
                ui.fonts_mut(|f| f.layout_no_wrap(truncate(&e.label, 40), small.clone(), color))
            } else {
                g.clone()
            };
            let y = row_y(lane) - galley.size().y / 2.0;
            plot_painter.galley(Pos2::new(p.left, y), galley, color);
        }
    }
    if let Some((_, ev)) = hovered
        && let Some(e) = events.get(ev)
    {
        let doc = e.doc.and_then(|d| case.document(d));
        let quote = match (doc, e.span) {
            (Some(d), Some(s)) if s.len() < 400 => s.slice(&d.text).trim().to_string(),
            _ => String::new(),
        };
        let doc_title = doc.map(|d| d.title.clone()).unwrap_or_default();
        let label = e.label.clone();
        let date = e.date.to_string();
        let lane = e.lane.label();
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.set_max_width(360.0);
            ui.label(RichText::new(label).strong());
            ui.label(format!("{date} · {lane}"));
            if !doc_title.is_empty() {
                ui.label(RichText::new(doc_title).italics());
            }
            if !quote.is_empty() {
                ui.label(format!("\u{201c}{quote}\u{201d}"));
            }
            if e.doc.is_some() {
                ui.label(RichText::new("Click to open the source").small());
            }
        });
        if response.clicked()
            && let (Some(d), Some(s)) = (e.doc, e.span)
        {
            actions.push(Action::ShowSource { doc: d, span: s });
        }
    } else if let Some(span) = hovered_span {
        let text = format!(
            "{}: {} to {} ({} mentions)",
            span.label,
            span.first.format("%m/%d/%Y"),
            span.last.format("%m/%d/%Y"),
            span.events.len()
        );
        response.clone().on_hover_text_at_pointer(text);
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wish(x: f32, row: usize, width: f32) -> LabelWish {
        LabelWish {
            x,
            row,
            width,
            priority: false,
        }
    }

    fn check(wishes: &[LabelWish], placed: &[Option<Placed>], left: f32, right: f32) {
        for (i, p) in placed.iter().enumerate() {
            let Some(p) = p else { continue };
            assert!(
                p.left >= left && p.left + p.width <= right + 0.01,
                "{i} {p:?} outside"
            );
            for (j, q) in placed.iter().enumerate().skip(i + 1) {
                let Some(q) = q else { continue };
                if wishes[i].row == wishes[j].row {
                    assert!(
                        p.left + p.width <= q.left || q.left + q.width <= p.left,
                        "{i} {p:?} overlaps {j} {q:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn labels_never_overlap_nor_leave_the_plot() {
        // A dense, pseudo-random crowd in three rows.
        let mut seed = 7u32;
        let mut wishes = Vec::new();
        for _ in 0..300 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let x = (seed >> 8) as f32 % 1000.0;
            let w = 20.0 + (seed >> 4) as f32 % 150.0;
            wishes.push(wish(x, (seed % 3) as usize, w));
        }
        let placed = place_labels(&wishes, 0.0, 1000.0, 6.0, 40.0);
        check(&wishes, &placed, 0.0, 1000.0);
        assert!(placed.iter().any(Option::is_some));
        assert!(
            placed.iter().any(Option::is_none),
            "a crowd cannot all be labelled"
        );
    }

    #[test]
    fn a_label_near_the_right_edge_goes_left_of_its_mark() {
        let wishes = [wish(990.0, 0, 120.0)];
        let placed = place_labels(&wishes, 0.0, 1000.0, 6.0, 40.0);
        check(&wishes, &placed, 0.0, 1000.0);
        let p = placed[0].expect("placed");
        assert!((p.width - 120.0).abs() < 0.01 && p.left + p.width <= 990.0);
    }

    #[test]
    fn a_squeezed_label_is_elided_or_dropped() {
        // Marks 70 px apart: the first label is cut to the room before the second mark.
        let wishes = [
            wish(100.0, 0, 200.0),
            wish(170.0, 0, 50.0),
            wish(180.0, 0, 50.0),
        ];
        let placed = place_labels(&wishes, 0.0, 1000.0, 6.0, 40.0);
        check(&wishes, &placed, 0.0, 1000.0);
        let first = placed[0].expect("first label placed");
        assert!(first.width < 200.0 && first.width >= 40.0, "{first:?}");
        // Labels in other rows do not collide.
        let other = [wish(100.0, 0, 100.0), wish(100.0, 1, 100.0)];
        assert!(
            place_labels(&other, 0.0, 1000.0, 6.0, 40.0)
                .iter()
                .all(Option::is_some)
        );
    }

    #[test]
    fn highlighted_labels_win_the_room() {
        let mut wishes = [wish(100.0, 0, 100.0), wish(120.0, 0, 100.0)];
        wishes[1].priority = true;
        let placed = place_labels(&wishes, 0.0, 1000.0, 6.0, 40.0);
        check(&wishes, &placed, 0.0, 1000.0);
        assert!(placed[1].is_some());
    }
}
