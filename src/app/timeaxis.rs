//! The timeline's time↔pixel mapping, zoom and pan: plain arithmetic with no
//! egui types, so it is unit-tested apart from any painting.

use chrono::{Datelike, NaiveDate};

/// Fewest and most pixels per day: from about 40 years across a wide screen
/// to a few days across it.
pub const MIN_PX_PER_DAY: f64 = 0.05;
pub const MAX_PX_PER_DAY: f64 = 400.0;

/// A date as a day number (days since 1 January of year 1), the axis unit.
pub fn day_number(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

/// The date of a day number, clamped to what chrono can hold.
pub fn date_of(day: f64) -> Option<NaiveDate> {
    if !day.is_finite() {
        return None;
    }
    let d = day.floor().clamp(1.0, 3_000_000.0) as i32;
    NaiveDate::from_num_days_from_ce_opt(d)
}

/// Maps days to screen x: `x = left + (day - start) * px_per_day`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAxis {
    /// The day at the left edge.
    pub start: f64,
    pub px_per_day: f64,
    /// Screen x of the left edge.
    pub left: f32,
}

impl TimeAxis {
    /// An axis that shows `first..=last` across `width` pixels with a small
    /// margin each side (a single day gets a month around it).
    pub fn fit(first: NaiveDate, last: NaiveDate, left: f32, width: f32) -> TimeAxis {
        let (a, b) = (day_number(first.min(last)), day_number(first.max(last)));
        let span = (b - a).max(30.0);
        let margin = span * 0.04;
        let px = (f64::from(width.max(1.0)) / (span + 2.0 * margin))
            .clamp(MIN_PX_PER_DAY, MAX_PX_PER_DAY);
        let center = (a + b) / 2.0;
        let visible_days = f64::from(width.max(1.0)) / px;
        TimeAxis {
            start: center - visible_days / 2.0,
            px_per_day: px,
            left,
        }
    }

    pub fn x_of(&self, day: f64) -> f32 {
        (f64::from(self.left) + (day - self.start) * self.px_per_day) as f32
    }

    pub fn day_at(&self, x: f32) -> f64 {
        self.start + f64::from(x - self.left) / self.px_per_day
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the day under `x` in place,
    /// as a map does under the mouse.
    pub fn zoom_around(&mut self, x: f32, factor: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let anchor = self.day_at(x);
        self.px_per_day = (self.px_per_day * factor).clamp(MIN_PX_PER_DAY, MAX_PX_PER_DAY);
        self.start = anchor - f64::from(x - self.left) / self.px_per_day;
    }

    /// Moves the view by a drag of `dx` pixels (content follows the pointer).
    pub fn pan(&mut self, dx: f32) {
        if dx.is_finite() {
            self.start -= f64::from(dx) / self.px_per_day;
        }
    }

    /// The day range visible across `width` pixels.
    pub fn visible(&self, width: f32) -> (f64, f64) {
        (self.start, self.day_at(self.left + width))
    }

    /// Grid ticks for the visible range, spaced at least `min_px` apart.
    pub fn ticks(&self, width: f32, min_px: f32) -> Vec<(f64, String)> {
        let (a, b) = self.visible(width);
        let days_per_min = f64::from(min_px) / self.px_per_day;
        let step_months: Option<u32> = if days_per_min <= 7.0 {
            None
        } else if days_per_min <= 28.0 {
            Some(1)
        } else if days_per_min <= 85.0 {
            Some(3)
        } else if days_per_min <= 360.0 {
            Some(12)
        } else {
            Some(12 * (days_per_min / 360.0).ceil() as u32)
        };
        let mut out = Vec::new();
        let (Some(first), Some(last)) = (date_of(a), date_of(b)) else {
            return out;
        };
        match step_months {
            None => {
                let step = if days_per_min <= 1.0 { 1 } else { 7 };
                let mut d = first;
                while d <= last && out.len() < 400 {
                    out.push((day_number(d), d.format("%m/%d/%y").to_string()));
                    match d.checked_add_days(chrono::Days::new(step)) {
                        Some(n) => d = n,
                        None => break,
                    }
                }
            }
            Some(months) => {
                let months = months.max(1);
                let mut y = first.year();
                let mut m = first.month0();
                m -= m % months.min(12);
                while out.len() < 400 {
                    let Some(d) = NaiveDate::from_ymd_opt(y, m + 1, 1) else {
                        break;
                    };
                    if d > last {
                        break;
                    }
                    if d >= first {
                        let label = if months >= 12 {
                            d.format("%Y").to_string()
                        } else {
                            d.format("%b %Y").to_string()
                        };
                        out.push((day_number(d), label));
                    }
                    m += months;
                    y += (m / 12) as i32;
                    m %= 12;
                }
            }
        }
        out
    }
}

/// Indices of sorted days within `[a, b]`: the events worth drawing.
pub fn visible_range(sorted_days: &[f64], a: f64, b: f64) -> std::ops::Range<usize> {
    let lo = sorted_days.partition_point(|d| *d < a);
    let hi = sorted_days.partition_point(|d| *d <= b);
    lo..hi.max(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn x_and_day_are_inverse() {
        let axis = TimeAxis {
            start: day_number(d(2015, 1, 1)),
            px_per_day: 2.0,
            left: 100.0,
        };
        assert_eq!(axis.x_of(day_number(d(2015, 1, 1))), 100.0);
        assert_eq!(axis.x_of(day_number(d(2015, 1, 11))), 120.0);
        assert!((axis.day_at(120.0) - day_number(d(2015, 1, 11))).abs() < 1e-9);
    }

    #[test]
    fn fit_shows_both_ends() {
        let axis = TimeAxis::fit(d(2012, 7, 19), d(2016, 11, 15), 10.0, 800.0);
        let x0 = axis.x_of(day_number(d(2012, 7, 19)));
        let x1 = axis.x_of(day_number(d(2016, 11, 15)));
        assert!(x0 > 10.0 && x0 < 60.0, "{x0}");
        assert!(x1 < 810.0 && x1 > 760.0, "{x1}");
        // A single date is centred with room around it.
        let one = TimeAxis::fit(d(2016, 1, 1), d(2016, 1, 1), 0.0, 300.0);
        assert!((one.x_of(day_number(d(2016, 1, 1))) - 150.0).abs() < 1.0);
    }

    #[test]
    fn zoom_keeps_the_anchor_and_clamps() {
        let mut axis = TimeAxis::fit(d(2014, 1, 1), d(2016, 1, 1), 0.0, 1000.0);
        let anchor = axis.day_at(400.0);
        axis.zoom_around(400.0, 3.0);
        assert!((axis.day_at(400.0) - anchor).abs() < 1e-6);
        for _ in 0..100 {
            axis.zoom_around(400.0, 10.0);
        }
        assert_eq!(axis.px_per_day, MAX_PX_PER_DAY);
        assert!((axis.day_at(400.0) - anchor).abs() < 1e-6);
        axis.zoom_around(400.0, f64::NAN);
        assert_eq!(axis.px_per_day, MAX_PX_PER_DAY);
        for _ in 0..100 {
            axis.zoom_around(0.0, 0.1);
        }
        assert_eq!(axis.px_per_day, MIN_PX_PER_DAY);
    }

    #[test]
    fn pan_moves_content_with_pointer() {
        let mut axis = TimeAxis {
            start: 1000.0,
            px_per_day: 4.0,
            left: 0.0,
        };
        let x_before = axis.x_of(1010.0);
        axis.pan(20.0);
        assert_eq!(axis.x_of(1010.0), x_before + 20.0);
        assert_eq!(axis.start, 995.0);
    }

    #[test]
    fn ticks_are_spaced_and_labelled() {
        let axis = TimeAxis::fit(d(2010, 1, 1), d(2016, 1, 1), 0.0, 900.0);
        let ticks = axis.ticks(900.0, 70.0);
        assert!(ticks.len() >= 3 && ticks.len() <= 14, "{}", ticks.len());
        assert!(ticks.iter().any(|(_, l)| l == "2014"));
        for w in ticks.windows(2) {
            assert!(axis.x_of(w[1].0) - axis.x_of(w[0].0) >= 69.0);
        }
        let close = TimeAxis::fit(d(2016, 3, 1), d(2016, 3, 20), 0.0, 900.0);
        assert!(
            close
                .ticks(900.0, 70.0)
                .iter()
                .any(|(_, l)| l.starts_with("03/"))
        );
    }

    #[test]
    fn visible_range_binary_searches() {
        let days = [1.0, 2.0, 3.0, 5.0, 8.0];
        assert_eq!(visible_range(&days, 2.0, 5.0), 1..4);
        assert_eq!(visible_range(&days, 9.0, 10.0), 5..5);
        assert_eq!(visible_range(&days, 5.0, 1.0), 3..3);
        assert_eq!(date_of(f64::NAN), None);
    }
}
