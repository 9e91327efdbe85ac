//! Hostile PDFs, made in the test and kept small: a decompression bomb, a
//! file of thousands of pages sharing one content stream, and a page whose
//! compressed text is damaged part-way.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use imrdesk::ingest::{self, MAX_INFLATED_STREAM};

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).expect("in-memory deflate");
    e.finish().expect("in-memory deflate")
}

/// A PDF of `objects` (numbered from 1; the first is the catalog) with a
/// correct cross-reference table. Objects are raw bytes so streams may be
/// binary.
fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend(data);
    s.extend(b"\nendstream");
    s
}

/// Catalog (1), page tree (2), font (3), then one page per content object
/// id in `contents`, then `rest` (content streams start at object 4 + pages).
fn document(contents: &[usize], rest: Vec<Vec<u8>>) -> Vec<u8> {
    let pages = contents.len();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    for c in contents {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                4 + pages + c
            )
            .into_bytes(),
        );
    }
    objects.extend(rest);
    pdf_of(&objects)
}

fn text_ops(lines: &[&str]) -> Vec<u8> {
    let mut ops = String::from("BT /F1 11 Tf 14 TL 72 740 Td\n");
    for l in lines {
        ops.push_str(&format!("({l}) Tj T*\n"));
    }
    ops.push_str("ET\n");
    ops.into_bytes()
}

#[test]
fn a_stream_inflating_past_the_limit_is_reported_and_the_rest_imports() {
    let mut bomb = text_ops(&["Bomb page text"]);
    // Spaces after the text: harmless to a content parser, and they
    // compress about a thousand to one, so the file stays tens of KB.
    bomb.resize(MAX_INFLATED_STREAM + 1024, b' ');
    let packed = zlib(&bomb);
    assert!(packed.len() < 200_000, "bomb is {} bytes", packed.len());
    let good = text_ops(&["PROGRESS REPORT", "Invented page after the bomb"]);
    let bytes = document(
        &[0, 1],
        vec![stream("/Filter /FlateDecode", &packed), stream("", &good)],
    );
    let doc = ingest::pdf_document(&bytes, Path::new("bomb.pdf")).expect("page 2 imports");
    assert!(
        doc.text.contains("Invented page after the bomb"),
        "{}",
        doc.text
    );
    assert!(!doc.text.contains("Bomb page text"));
    let w = doc.warnings.join("\n");
    assert!(
        w.contains("bomb.pdf: page 1 of 2") && w.contains("inflates past the limit of 32 MiB"),
        "{w}"
    );
}

/// Seconds to read a PDF of `pages` pages that all draw one stream.
fn shared_stream_seconds(pages: usize) -> f64 {
    let content = zlib(&text_ops(&["Shared page text of an invented record"]));
    let bytes = document(
        &vec![0; pages],
        vec![stream("/Filter /FlateDecode", &content)],
    );
    let started = Instant::now();
    let doc = ingest::pdf_document(&bytes, Path::new("shared.pdf")).expect("reads");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(doc.text.matches('\x0c').count(), pages - 1);
    assert_eq!(doc.text.matches("Shared page text").count(), pages);
    secs
}

#[test]
fn pages_sharing_one_content_stream_take_linear_time() {
    // Warm up (first use builds regexes and font tables).
    shared_stream_seconds(50);
    let small = shared_stream_seconds(500);
    let large = shared_stream_seconds(2_000);
    eprintln!("500 pages: {small:.2} s, 2,000 pages: {large:.2} s");
    // Linear time gives about 4x; the quadratic reader gave 16x.
    assert!(
        large < small * 8.0 + 0.5,
        "4x the pages took {:.1}x the time",
        large / small
    );
}

#[test]
fn a_damaged_stream_keeps_the_text_before_the_damage_with_the_page_named() {
    let lines: Vec<String> = (1..=400)
        .map(|i| format!("Line {i} of an invented damaged report {}", i * 7919 % 1000))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut packed = zlib(&text_ops(&refs));
    // Garbage from two thirds of the way on: the start still inflates.
    let cut = packed.len() * 2 / 3;
    for b in &mut packed[cut..] {
        *b = 0xFF;
    }
    let good = text_ops(&["Second page of the invented report"]);
    let bytes = document(
        &[0, 1],
        vec![stream("/Filter /FlateDecode", &packed), stream("", &good)],
    );
    let doc = ingest::pdf_document(&bytes, Path::new("damaged.pdf")).expect("imports");
    assert!(
        doc.text.contains("Line 1 of an invented damaged report"),
        "{}",
        doc.text
    );
    assert!(
        doc.text.contains("Line 100 of"),
        "most of the page is recovered"
    );
    assert!(!doc.text.contains("Line 400 of"));
    assert!(doc.text.contains("Second page of the invented report"));
    let w = doc.warnings.join("\n");
    assert!(
        w.contains("damaged.pdf: page 1 of 2") && w.contains("damaged"),
        "{w}"
    );
}
