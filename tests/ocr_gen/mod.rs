//! Generates scanned PDFs from invented records for the OCR tests and
//! benchmark: text is typeset into a PDF (pdf-writer, Helvetica), rendered
//! to a grey image by Poppler, turned, speckled or reduced to 1 bit like a
//! fax, and wrapped again as an image-only PDF. Nothing is committed but
//! this code.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Name, Pdf, Rect, Ref, Str};

/// Page size in points (US letter).
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;

/// How a page is spoilt to look scanned.
#[derive(Debug, Clone, Copy)]
pub struct Scan {
    /// Rotation in degrees (the tests use up to 2).
    pub degrees: f32,
    /// Fraction of pixels turned into dark or light specks (0.0–0.01);
    /// any noise also jitters every pixel's grey by up to ±30, like a
    /// scanner's sensor.
    pub noise: f32,
    /// 1-bit black and white, like a fax.
    pub fax: bool,
    pub dpi: u32,
}

impl Scan {
    pub const CLEAN: Scan = Scan {
        degrees: 0.0,
        noise: 0.0,
        fax: false,
        dpi: 150,
    };
}

/// A PDF whose pages hold `pages` (lines split on '\n') as text.
pub fn text_pdf(pages: &[&str]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| (Ref::new(10 + 2 * i), Ref::new(11 + 2 * i)))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    for (text, (page_id, content_id)) in pages.iter().zip(&ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), font);
        drop(page);
        let mut c = Content::new();
        c.begin_text();
        c.set_font(Name(b"F1"), 11.0);
        c.set_leading(15.0);
        c.next_line(60.0, PAGE_H - 64.0);
        for line in text.lines() {
            c.show(Str(line.as_bytes()));
            c.next_line_using_leading();
        }
        c.end_text();
        pdf.stream(*content_id, &c.finish().into_vec());
    }
    pdf.finish()
}

/// A grey page image: width, height, one byte a pixel.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Renders every page of `pdf_bytes` at `dpi` through Poppler.
pub fn render(pdf_bytes: &[u8], pages: usize, dpi: u32, dir: &Path) -> Vec<Image> {
    let path = dir.join("typeset.pdf");
    std::fs::write(&path, pdf_bytes).expect("typeset PDF written");
    (1..=pages as u32)
        .map(|n| {
            let img = imrdesk::ingest::ocr::rasterize(&path, n, dpi).expect("page renders");
            Image {
                width: img.width,
                height: img.height,
                pixels: img.pixels,
            }
        })
        .collect()
}

/// A small deterministic random source (xorshift), so the noise is the same
/// on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// Turns, speckles and optionally binarises a page image.
pub fn spoil(img: &Image, scan: Scan, seed: u64) -> Image {
    let (w, h) = (img.width as i64, img.height as i64);
    let (s, c) = scan.degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut noise = Noise(seed.wrapping_mul(2_654_435_761).max(1));
    let mut pixels = vec![255u8; img.pixels.len()];
    for y in 0..h {
        for x in 0..w {
            // The source pixel that lands here after turning the page.
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let fx = c * dx + s * dy + cx;
            let fy = -s * dx + c * dy + cy;
            let mut v = bilinear(img, fx, fy);
            if scan.noise > 0.0 {
                let jitter = (noise.next() - 0.5) * 60.0;
                v = (v as f32 + jitter).clamp(0.0, 255.0) as u8;
                if noise.next() < scan.noise {
                    v = if v > 128 { 60 } else { 220 };
                }
            }
            if scan.fax {
                v = if v < 150 { 0 } else { 255 };
            }
            pixels[(y * w + x) as usize] = v;
        }
    }
    Image {
        width: img.width,
        height: img.height,
        pixels,
    }
}

/// The grey at a point between pixels, white outside the image: a scanner
/// sees a turned page smoothly, not as nearest-pixel steps.
fn bilinear(img: &Image, fx: f32, fy: f32) -> u8 {
    let (w, h) = (img.width as i64, img.height as i64);
    let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
    let at = |x: i64, y: i64| -> f32 {
        if (0..w).contains(&x) && (0..h).contains(&y) {
            img.pixels[(y * w + x) as usize] as f32
        } else {
            255.0
        }
    };
    let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
    let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
    (top * (1.0 - ty) + bottom * ty).round().clamp(0.0, 255.0) as u8
}

/// An image-only PDF: each image fills a letter page, as a scanner makes
/// them. A fax image is stored at 1 bit a pixel.
pub fn image_pdf(images: &[Image], fax: bool) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let ids: Vec<(Ref, Ref, Ref)> = (0..images.len() as i32)
        .map(|i| {
            (
                Ref::new(10 + 3 * i),
                Ref::new(11 + 3 * i),
                Ref::new(12 + 3 * i),
            )
        })
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(p, _, _)| *p))
        .count(images.len() as i32);
    for (img, (page_id, content_id, image_id)) in images.iter().zip(&ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        page.resources().x_objects().pair(Name(b"Im0"), *image_id);
        drop(page);
        let (samples, bits) = if fax {
            (pack_bits(img), 1)
        } else {
            (img.pixels.clone(), 8)
        };
        let compressed = deflate(&samples);
        let mut x = pdf.image_xobject(*image_id, &compressed);
        x.filter(Filter::FlateDecode);
        x.width(img.width as i32);
        x.height(img.height as i32);
        x.color_space().device_gray();
        x.bits_per_component(bits);
        drop(x);
        let mut c = Content::new();
        c.save_state();
        c.transform([PAGE_W, 0.0, 0.0, PAGE_H, 0.0, 0.0]);
        c.x_object(Name(b"Im0"));
        c.restore_state();
        pdf.stream(*content_id, &c.finish().into_vec());
    }
    pdf.finish()
}

/// Rows of 1-bit samples (1 = white), each row padded to a byte.
fn pack_bits(img: &Image) -> Vec<u8> {
    let row = (img.width as usize).div_ceil(8);
    let mut out = vec![0u8; row * img.height as usize];
    for y in 0..img.height as usize {
        for x in 0..img.width as usize {
            if img.pixels[y * img.width as usize + x] >= 128 {
                out[y * row + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    out
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).expect("in-memory deflate");
    e.finish().expect("in-memory deflate")
}

/// The scanned version of `pages`: typeset, rendered at `scan.dpi`, each
/// page spoilt (seeded by its number), wrapped as an image-only PDF.
pub fn scanned_pdf(pages: &[&str], scan: Scan, dir: &Path) -> Vec<u8> {
    let typeset = text_pdf(pages);
    let images: Vec<Image> = render(&typeset, pages.len(), scan.dpi, dir)
        .iter()
        .enumerate()
        .map(|(i, img)| {
            let turn = Scan {
                degrees: if i % 2 == 0 {
                    scan.degrees
                } else {
                    -scan.degrees
                },
                ..scan
            };
            spoil(img, turn, i as u64 + 1)
        })
        .collect();
    image_pdf(&images, scan.fax)
}

/// Invented records of one invented case, one page each: a progress
/// report, an MRI report, the request for authorization and the UR
/// determination with four disputed services.
pub const RECORDS: [(&str, &str); 4] = [
    (
        "01_progress.txt",
        "PRIMARY TREATING PHYSICIAN PROGRESS REPORT
Date of service: 04/12/2021
Patient: invented worker, 47 year old male warehouse loader
Date of injury: 01/08/2021

Subjective: Low back pain radiating to the right leg, rated 7/10.
He completed 8 sessions of physical therapy with little change.
Objective: Straight leg raise positive on the right at 40 degrees.
Decreased sensation in the right L5 dermatome.
Assessment: Lumbar radiculopathy.
Plan: Request MRI of the lumbar spine. Continue naproxen 550 mg.
Temporarily totally disabled until the next visit.",
    ),
    (
        "02_mri.txt",
        "MRI LUMBAR SPINE WITHOUT CONTRAST
Date of exam: 05/03/2021
Clinical history: low back pain with right leg symptoms.

Findings: At L4-5 there is a right paracentral disc protrusion
contacting the descending right L5 nerve root.
The remaining levels are unremarkable.
Impression: L4-5 disc protrusion with right L5 nerve root contact.",
    ),
    (
        "03_rfa.txt",
        "REQUEST FOR AUTHORIZATION
DWC Form RFA
Date of request: 05/20/2021
Requesting physician: invented treating physician

Requested services:
1. Lumbar epidural steroid injection right L4-5
2. Physical therapy 2 times a week for 4 weeks, lumbar spine
3. Cyclobenzaprine 10 mg #60
4. Acupuncture 6 sessions, lumbar spine",
    ),
    (
        "04_ur.txt",
        "UTILIZATION REVIEW DETERMINATION
Date of determination: 05/28/2021
Case number: INV-20210528
Date of injury: 01/08/2021

Decisions on each requested service:

1. Lumbar epidural steroid injection right L4-5 - Non-certified
2. Physical therapy 2 times a week for 4 weeks, lumbar spine - Non-certified
3. Cyclobenzaprine 10 mg #60 - Non-certified
4. Acupuncture 6 sessions, lumbar spine - Non-certified

The reviewer found the records did not meet the guideline criteria.",
    ),
];
