//! The built-in demonstration case: an invented worker's records, embedded
//! in the binary so the workstation opens on a real-looking case from any
//! directory. It goes through the same records importer as a user's folder.

use std::path::PathBuf;

use super::records::{RecordText, records_from_texts};
use crate::case::{Case, CaseSource};

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
/// files; document origins point at `assets/cases/demo/` for display.
pub fn demo_case() -> Case {
    let texts = FILES
        .iter()
        .map(|(name, text)| RecordText {
            origin: PathBuf::from("assets/cases/demo").join(name),
            text: (*text).to_string(),
        })
        .collect();
    let mut case = records_from_texts(texts, CaseSource::Demo).case;
    case.source = CaseSource::Demo;
    case
}
