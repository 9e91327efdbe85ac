//! The built-in demonstration case: an invented worker's records, embedded
//! in the binary so the workstation opens on a real-looking case from any
//! directory. It goes through the same records importer as a user's folder.

use std::path::PathBuf;

use chrono::{Duration, NaiveDate};

use super::records::{RecordText, records_from_texts};
use crate::case::{Case, CaseSource};
use crate::fact::{DatePrecision, FuzzyDate};
use crate::text::dates::find_dates;

/// The day the demo's IMR application was received, as its records are
/// written; the dated demo moves every date by the same number of days so
/// that this one falls `DEMO_RECEIVED_DAYS_AGO` days before today.
const WRITTEN_RECEIVED: (i32, u32, u32) = (2016, 11, 7);

/// How long ago the demo's application arrived in the dated demo: a standard
/// review then has three weeks left, as a case on a reviewer's desk would.
const DEMO_RECEIVED_DAYS_AGO: i64 = 9;

/// The demo records as (file name, text), in no particular order: the
/// importer sorts them by date like any folder.
const FILES: [(&str, &str); 11] = [
    (
        "01_doctors_first_report.txt",
        include_str!("../../assets/cases/demo/01_doctors_first_report.txt"),
    ),
    (
        "02_mri_lumbar.txt",
        include_str!("../../assets/cases/demo/02_mri_lumbar.txt"),
    ),
    (
        "03_progress_report_1.txt",
        include_str!("../../assets/cases/demo/03_progress_report_1.txt"),
    ),
    (
        "04_mri_right_knee.txt",
        include_str!("../../assets/cases/demo/04_mri_right_knee.txt"),
    ),
    (
        "05_progress_report_2.txt",
        include_str!("../../assets/cases/demo/05_progress_report_2.txt"),
    ),
    (
        "06_emg_ncv.txt",
        include_str!("../../assets/cases/demo/06_emg_ncv.txt"),
    ),
    (
        "07_progress_report_3.txt",
        include_str!("../../assets/cases/demo/07_progress_report_3.txt"),
    ),
    (
        "08_progress_report_4.txt",
        include_str!("../../assets/cases/demo/08_progress_report_4.txt"),
    ),
    (
        "09_rfa.txt",
        include_str!("../../assets/cases/demo/09_rfa.txt"),
    ),
    (
        "10_ur_determination.txt",
        include_str!("../../assets/cases/demo/10_ur_determination.txt"),
    ),
    (
        "11_imr_application.txt",
        include_str!("../../assets/cases/demo/11_imr_application.txt"),
    ),
];

/// The demonstration case, built by the records importer from the embedded
/// files as written (2016); document origins point at `assets/cases/demo/`
/// for display. Tests and goldens use this fixed form.
pub fn demo_case() -> Case {
    build(|text| text.to_string())
}

/// The demonstration case moved in time so that its IMR application arrived
/// a few days before `today`: the window opens on a case with a deadline
/// ahead of it, not one overdue by years. Every date moves by the same number
/// of days, so intervals (injury to request, study to study) stay as written.
pub fn demo_case_as_of(today: NaiveDate) -> Case {
    let days = demo_shift_days(today);
    build(|text| shift_dates(text, days))
}

/// Days to add to every written date so the application falls
/// `DEMO_RECEIVED_DAYS_AGO` days before `today`.
fn demo_shift_days(today: NaiveDate) -> i64 {
    let (y, m, d) = WRITTEN_RECEIVED;
    let written = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    (today - Duration::days(DEMO_RECEIVED_DAYS_AGO) - written).num_days()
}

/// `text` with every date the text toolkit finds moved by `days`, each
/// written back in its own form (numeric with its separator and year
/// length, or with the month's name).
fn shift_dates(text: &str, days: i64) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, date) in find_dates(text, None) {
        let (Some(original), Some(before)) =
            (text.get(span.start..span.end), text.get(at..span.start))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(&shifted(original, date, days).unwrap_or_else(|| original.to_string()));
        at = span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// One date moved by `days`, in the form `original` was written in. A month
/// without a day moves as its middle day does.
fn shifted(original: &str, date: FuzzyDate, days: i64) -> Option<String> {
    let mid = match date.precision {
        DatePrecision::Day => date.date,
        DatePrecision::Month => date.date + Duration::days(14),
        DatePrecision::Year => date.date + Duration::days(182),
    };
    let moved = mid.checked_add_signed(Duration::days(days))?;
    let named = original.chars().any(|c| c.is_ascii_alphabetic());
    Some(match (date.precision, named) {
        (DatePrecision::Year, _) => moved.format("%Y").to_string(),
        (DatePrecision::Month, true) => moved.format("%B %Y").to_string(),
        (DatePrecision::Day, true) => moved.format("%B %-d, %Y").to_string(),
        (_, false) => {
            let sep = if original.contains('-') { "-" } else { "/" };
            let two_digit = original
                .rsplit(['/', '-'])
                .next()
                .is_some_and(|y| y.len() == 2);
            let year = if two_digit { "%y" } else { "%Y" };
            moved.format(&format!("%m{sep}%d{sep}{year}")).to_string()
        }
    })
}

fn build(dates: impl Fn(&str) -> String) -> Case {
    let texts = FILES
        .iter()
        .map(|(name, text)| RecordText {
            origin: PathBuf::from("assets/cases/demo").join(name),
            text: dates(text),
        })
        .collect();
    let mut case = records_from_texts(texts, CaseSource::Demo).case;
    case.source = CaseSource::Demo;
    case
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_by_whole_days_in_their_own_form() {
        let text = "Seen 02/15/2016, 10-10-2016 and 04/04/16; MRI of March 18, 2016; \
                    therapy until March 2016; ref 13/45/2016.";
        assert_eq!(
            shift_dates(text, 20),
            "Seen 03/06/2016, 10-30-2016 and 04/24/16; MRI of April 7, 2016; \
             therapy until April 2016; ref 13/45/2016."
        );
    }

    #[test]
    fn the_dated_demo_has_its_deadline_ahead() {
        let today = NaiveDate::from_ymd_opt(2031, 5, 20).unwrap();
        let case = demo_case_as_of(today);
        let received = case.meta.application_received.unwrap();
        assert_eq!((today - received).num_days(), DEMO_RECEIVED_DAYS_AGO);
        let due = case.meta.due_date().unwrap();
        assert!(due > today, "due {due} is after {today}");
        let injury = case.meta.date_of_injury.unwrap();
        let written = demo_case();
        assert_eq!(
            (received - injury).num_days(),
            (written.meta.application_received.unwrap() - written.meta.date_of_injury.unwrap())
                .num_days(),
            "intervals stay as written"
        );
        assert_eq!(case.items.len(), written.items.len());
        // Every document keeps its place in the record: the same order, and
        // each dated the same number of days later.
        let shift = (received - written.meta.application_received.unwrap()).num_days();
        let dates = |c: &Case| c.documents.iter().map(|d| d.date).collect::<Vec<_>>();
        let moved: Vec<_> = dates(&written)
            .into_iter()
            .map(|d| d.map(|d| d + Duration::days(shift)))
            .collect();
        assert_eq!(dates(&case), moved);
    }
}
