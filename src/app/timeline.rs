//! The timeline panel: lanes by kind, wheel/pinch zoom, drag pan, hover
//! card, click to show the source. Geometry comes from [`super::timeaxis`].

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, vec2};

use crate::timeline::Lane;

use super::theme::Theme;
use super::timeaxis::{TimeAxis, day_number, visible_range};
use super::{Action, OpenCase};

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

/// Draws the timeline.
pub fn show(ui: &mut egui::Ui, open: &mut OpenCase, theme: &Theme, actions: &mut Vec<Action>) {
    let events = &open.review.analysis.timeline.events;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} events", events.len())).color(theme.weak_text));
        if ui
            .button("Fit all")
            .on_hover_text("Show the whole history")
            .clicked()
        {
            open.axis = None;
        }
        if ui
            .button("Zoom in")
            .on_hover_text("Zoom in (Ctrl+=)")
            .clicked()
        {
            open.zoom_request = Some(1.5);
        }
        if ui
            .button("Zoom out")
            .on_hover_text("Zoom out (Ctrl+-)")
            .clicked()
        {
            open.zoom_request = Some(1.0 / 1.5);
        }
        ui.label(
            RichText::new("Drag to pan · wheel or pinch to zoom · click a mark to open its source")
                .small()
                .color(theme.weak_text),
        );
    });
    if events.is_empty() {
        ui.label("No dated events were found in the records.");
        return;
    }
    let lane_h = (ui.text_style_height(&egui::TextStyle::Body) * 1.9).max(24.0);
    let axis_h = lane_h;
    let avail = ui.available_size();
    let height = (axis_h + lane_h * Lane::ALL.len() as f32).max(avail.y.min(400.0));
    let (rect, response) = ui.allocate_exact_size(vec2(avail.x, height), Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Figure,
            true,
            format!("Timeline, {} events", events.len()),
        )
    });
    let plot = Rect::from_min_max(Pos2::new(rect.left() + LABEL_WIDTH, rect.top()), rect.max);
    let cache = &open.timeline;
    let axis = open.axis.get_or_insert_with(|| {
        let first = cache.days.first().copied().unwrap_or(0.0);
        let last = cache.days.last().copied().unwrap_or(first);
        let a = super::timeaxis::date_of(first).unwrap_or_default();
        let b = super::timeaxis::date_of(last).unwrap_or(a);
        TimeAxis::fit(a, b, plot.left(), plot.width())
    });
    axis.left = plot.left();

    // Input: zoom (wheel, pinch, buttons, shortcuts) and pan.
    if let Some(f) = open.zoom_request.take() {
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

    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let grid = visuals.widgets.noninteractive.bg_stroke.color;
    let text_color: Color32 = theme.text.into();
    let small = FontId::proportional(theme.small_size);

    // Lanes.
    for (i, lane) in Lane::ALL.iter().enumerate() {
        let top = rect.top() + axis_h + lane_h * i as f32;
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
    // Ticks.
    for (day, label) in axis.ticks(plot.width(), 90.0) {
        let x = axis.x_of(day);
        painter.line_segment(
            [
                Pos2::new(x, rect.top() + axis_h - 4.0),
                Pos2::new(x, rect.bottom()),
            ],
            Stroke::new(1.0, grid),
        );
        painter.text(
            Pos2::new(x + 3.0, rect.top() + 4.0),
            Align2::LEFT_TOP,
            label,
            small.clone(),
            Color32::from(theme.weak_text),
        );
    }
    // Injury and due dates.
    let meta = &open.review.case.meta;
    for (date, name, color) in [
        (meta.date_of_injury, "injury", theme.not_met),
        (meta.due_date(), "due", theme.accent),
    ] {
        if let Some(d) = date {
            let x = axis.x_of(day_number(d));
            if x >= plot.left() && x <= plot.right() {
                painter.line_segment(
                    [
                        Pos2::new(x, rect.top() + axis_h),
                        Pos2::new(x, rect.bottom()),
                    ],
                    Stroke::new(2.0, Color32::from(color)),
                );
                painter.text(
                    Pos2::new(x + 3.0, rect.bottom() - 4.0),
                    Align2::LEFT_BOTTOM,
                    name,
                    small.clone(),
                    Color32::from(color),
                );
            }
        }
    }

    // Events: only those in view are drawn.
    let (a, b) = axis.visible(plot.width());
    let range = visible_range(&cache.days, a, b);
    let pointer = response.hover_pos();
    let mut hovered: Option<(f32, usize)> = None;
    let r = (lane_h * 0.22).clamp(4.0, 9.0);
    let dense = range.len() > 60;
    // Marks closer than most of a radius to the previous one in their lane
    // would be drawn on top of it: skip them, so a fitted view of thousands
    // of events costs what the screen can show, not what the case holds.
    let mut last_x = [f32::NEG_INFINITY; Lane::ALL.len()];
    for &(day, lane, ev) in cache.points.get(range).unwrap_or(&[]) {
        let x = axis.x_of(day);
        if let Some(prev) = last_x.get_mut(lane) {
            if x - *prev < r * 0.8 {
                continue;
            }
            *prev = x;
        }
        let y = rect.top() + axis_h + lane_h * (lane as f32 + 0.5);
        let Some(e) = events.get(ev) else { continue };
        let color = theme.lane_fill(e.lane);
        painter.circle(Pos2::new(x, y), r, color, Stroke::new(1.0, Color32::WHITE));
        if !dense {
            painter.text(
                Pos2::new(x + r + 3.0, y),
                Align2::LEFT_CENTER,
                truncate(&e.label, 28),
                small.clone(),
                text_color,
            );
        }
        if let Some(p) = pointer {
            let dist = Pos2::new(x, y).distance(p);
            if dist <= r + 4.0 && hovered.is_none_or(|(d, _)| dist < d) {
                hovered = Some((dist, ev));
            }
        }
    }
    if let Some((_, ev)) = hovered
        && let Some(e) = events.get(ev)
    {
        let doc = e.doc.and_then(|d| open.review.case.document(d));
        let quote = match (doc, e.span) {
            (Some(d), Some(s)) if s.len() < 400 => s.slice(&d.text).trim().to_string(),
            _ => String::new(),
        };
        let label = e.label.clone();
        let date = e.date.to_string();
        let lane = e.lane.label();
        let doc_title = doc.map(|d| d.title.clone()).unwrap_or_default();
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.set_max_width(360.0);
            ui.label(RichText::new(label).strong());
            ui.label(format!("{date} · {lane}"));
            if !doc_title.is_empty() {
                ui.label(RichText::new(doc_title).italics());
            }
            if !quote.is_empty() {
                ui.label(format!("“{quote}”"));
            }
            ui.label(RichText::new("Click to open the source").small());
        });
        if response.clicked()
            && let (Some(d), Some(s)) = (e.doc, e.span)
        {
            actions.push(Action::ShowSource { doc: d, span: s });
        }
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
