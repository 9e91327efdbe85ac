//! Extraction timings: every dev letter (import + extract), and a synthetic
//! 2,000-page record of invented report text, to check the targets (median
//! under 1 ms per letter; the ~6 MB record under 1 s; time linear in size).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use imrdesk::case::{DocId, Document, DocumentKind};
use imrdesk::extract::{ExtractContext, extract_case, extract_document};

fn corpus_dir() -> PathBuf {
    std::env::var_os("IMRDESK_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/dev")),
        PathBuf::from,
    )
}

/// One invented page of a treating physician's report (about 3 KB).
const PAGE: &str = "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\n\
Date of service: 03/14/2016. The patient is a 47-year-old male warehouse clerk who\n\
hurt his low back lifting a pallet at work on 06/02/2014. He returns for follow-\n\
up of lumbar pain radiating to the right leg with intermittent numbness and tingling\n\
in the foot. He rates the pain 7/10 without medication and 4/10 with medication. He\n\
denies bowel or bladder incontinence, fever or weight loss. He completed 12 sessions of\n\
physical therapy in 2015 with only short-lived relief and has been doing a home exercise\n\
program. A right L4-5 transforaminal epidural steroid injection on 11/20/2015 gave 50%\n\
relief for about six weeks. Current medications: Norco 10/325 mg every 6 hours as needed,\n\
gabapentin 300 mg three times a day and omeprazole 20 mg daily for dyspepsia.\n\n\
EXAMINATION: Gait is antalgic. There is tenderness and spasm of the lumbar paraspinals.\n\
Range of motion is decreased in flexion and extension. Straight leg raise is positive\n\
on the right at 45 degrees and negative on the left. Sensation is decreased in the right L5\n\
dermatome. Motor strength is 4/5 in the right extensor hallucis longus. Reflexes are\n\
symmetric. No red flags were identified.\n\n\
IMAGING: An MRI of the lumbar spine dated 08/11/2014 showed a 4 mm disc protrusion at\n\
L4-5 with moderate right foraminal stenosis. EMG/NCV of the lower extremities in March\n\
2015 was consistent with a right L5 radiculopathy.\n\n\
DIAGNOSES:\n1. Lumbar radiculopathy.\n2. Lumbar disc herniation at L4-5.\n3. Dyspepsia.\n\n\
PLAN: Request authorization for a repeat right L4-5 transforaminal epidural steroid\n\
injection. If he fails to improve, he would consider a surgical consultation for a\n\
possible microdiscectomy. Continue Norco; a urine drug screen on 02/10/2016 was consistent\n\
and CURES was reviewed. A signed opioid agreement is on file. Work status: modified duty\n\
with no lifting over 15 pounds. Utilization review dated 03/30/2016 non-certified the prior\n\
request for acupuncture because there was no documentation of functional improvement.\n\n\
HISTORY: He underwent a left knee arthroscopy with partial medial meniscectomy in 2009\n\
and recovered fully. He has no history of diabetes or cancer. Family history of\n\
hypertension. He tried chiropractic care in 2014 (8 visits) and acupuncture x 6 without\n\
lasting benefit. Cyclobenzaprine 7.5 mg at bedtime was stopped three months ago for\n\
sedation. He sleeps poorly because of pain and reports mild depression. He walks for\n\
twenty minutes a day and can sit for about an hour. A functional capacity evaluation has\n\
not been done. A TENS unit gave minimal relief. He uses a lumbar brace at work.\n\
REVIEW OF SYSTEMS: Negative for chest pain, shortness of breath, nausea or\n\
abdominal pain. He reports heartburn with naproxen, which he stopped in 2015.\n\
ASSESSMENT: Chronic lumbar radicular pain, stable on the current regimen, with pain relief\n\
from 7/10 to 4/10 and improved ability to walk and do light chores with medication. He\n\
remains a candidate for a repeat epidural injection if the radicular pain persists.\n\n";

fn synthetic_record(pages: usize) -> Document {
    let mut text = String::with_capacity(PAGE.len() * pages + pages);
    for _ in 0..pages {
        text.push_str(PAGE);
        text.push('\x0c');
    }
    Document {
        id: DocId(0),
        kind: DocumentKind::ProgressReport,
        title: "Synthetic record".into(),
        date: chrono::NaiveDate::from_ymd_opt(2016, 3, 14),
        text,
        origin: None,
        page_starts: Vec::new(),
    }
}

fn letters(c: &mut Criterion) {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "corpus not found at {}; letter benchmark skipped",
            dir.display()
        );
        return;
    };
    let mut texts: Vec<(PathBuf, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    texts.sort();
    if texts.is_empty() {
        eprintln!("no letters in {}; letter benchmark skipped", dir.display());
        return;
    }
    let n = texts.len();
    let mut group = c.benchmark_group("letters");
    // One iteration = every letter once; the per-letter figure is the median / n.
    group.bench_function(format!("import_and_extract_all_{n}"), |b| {
        b.iter(|| {
            let mut total = 0;
            for (path, text) in &texts {
                if let Ok(case) = imrdesk::ingest::letter_from_text(text, path) {
                    total += extract_case(black_box(&case)).len();
                }
            }
            total
        })
    });
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic_record");
    group.sample_size(10);
    for pages in [500usize, 1000, 2000] {
        let doc = synthetic_record(pages);
        let ctx = ExtractContext {
            document_date: doc.date,
            observed_on_document_date: true,
            injury_date: None,
        };
        eprintln!("{pages} pages = {:.1} MB", doc.text.len() as f64 / 1e6);
        group.bench_function(format!("extract_{pages}_pages"), |b| {
            b.iter(|| extract_document(black_box(&doc), &ctx).len())
        });
    }
    group.finish();
}

criterion_group!(benches, letters, synthetic);
criterion_main!(benches);
