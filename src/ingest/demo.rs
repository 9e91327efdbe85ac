//! The built-in demonstration case: an invented worker's records, embedded
//! in the binary so the workstation opens on a real-looking case from any
//! directory. It goes through the same records importer as a user's folder.

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};
use regex::{Captures, Regex};

use super::records::{RecordText, records_from_texts};
use crate::case::{Case, CaseSource};

/// The day the demo's IMR application was received, as its records are
/// written; the dated demo moves every date by the same number of days so
/// that this one falls `DEMO_RECEIVED_DAYS_AGO` days before today.
const WRITTEN_RECEIVED: (i32, u32, u32) = (2016, 11, 7);

/// How long ago the demo's application arrived in the dated demo: a standard
/// review then has three weeks left, as a case on a reviewer's desk would.
const DEMO_RECEIVED_DAYS_AGO: i64 = 9;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Numeric (MM/DD/YYYY, MM-DD-YYYY, MM/DD/YY), written ("March 18, 2016")
/// and month-only ("March 2016") dates: the forms the demo records use.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    const MONTH: &str =
        "January|February|March|April|May|June|July|August|September|October|November|December";
    Regex::new(&format!(
        r"\b(?:(?P<m>\d{{1,2}})(?P<s1>[/-])(?P<d>\d{{1,2}})(?P<s2>[/-])(?P<y>\d{{4}}|\d{{2}})\b|(?P<month>{MONTH}) (?:(?P<wd>\d{{1,2}}), )?(?P<wy>\d{{4}})\b)"
    ))
    .expect("the demo date pattern is valid")
});

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

/// `text` with every date moved by `days`, each written back in its own form.
/// A date that does not exist (13/45/2016) is left as it is.
fn shift_dates(text: &str, days: i64) -> String {
    DATE.replace_all(text, |c: &Captures| {
        shifted(c, days).unwrap_or_else(|| c[0].to_string())
    })
    .into_owned()
}

fn shifted(c: &Captures, days: i64) -> Option<String> {
    if let Some(month) = c.name("month") {
        let m = MONTHS.iter().position(|n| *n == month.as_str())? as u32 + 1;
        // A month without a day moves as its middle day does.
        let day = c.name("wd").map_or(Some(15), |d| d.as_str().parse().ok())?;
        let date = NaiveDate::from_ymd_opt(c["wy"].parse().ok()?, m, day)?
            .checked_add_signed(Duration::days(days))?;
        let name = MONTHS[date.month0() as usize];
        return Some(match c.name("wd") {
            Some(_) => format!("{name} {}, {}", date.day(), date.year()),
            None => format!("{name} {}", date.year()),
        });
    }
    let sep = c.name("s1")?.as_str();
    if sep != c.name("s2")?.as_str() {
        return None;
    }
    let year = c.name("y")?.as_str();
    let two_digit = year.len() == 2;
    let y: i32 = year.parse().ok()?;
    let y = if two_digit { 2000 + y } else { y };
    let date = NaiveDate::from_ymd_opt(y, c["m"].parse().ok()?, c["d"].parse().ok()?)?
        .checked_add_signed(Duration::days(days))?;
    let form = if two_digit { "%m/%d/%y" } else { "%m/%d/%Y" };
    Some(date.format(form).to_string().replace('/', sep))
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
                    therapy until March 2016; ref 13/45/2016, 01/02-2016.";
        assert_eq!(
            shift_dates(text, 20),
            "Seen 03/06/2016, 10-30-2016 and 04/24/16; MRI of April 7, 2016; \
             therapy until April 2016; ref 13/45/2016, 01/02-2016."
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
