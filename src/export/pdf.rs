//! PDF: the letter as a physician sends it.
//!
//! The layout is done here, by glyph widths from the embedded DejaVu Sans
//! fonts (`assets/fonts/`), so the PDF looks the same on every machine and
//! needs no system font. Fonts are subset and embedded as CID fonts with a
//! ToUnicode map, so the text can be selected, searched and extracted. Each
//! page has a header and a footer with the case number and "page X of Y";
//! drafts carry a "DRAFT" watermark on every page.

use std::collections::BTreeMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{CidFontType, FontFlags, PageMode, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use ttf_parser::Face;

use super::ExportError;
use super::content::LetterContent;
use super::letter::{Block, DRAFT_MARK, blocks, title};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// US Letter, in points.
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN_X: f32 = 66.0;
const BODY_TOP: f32 = PAGE_H - 74.0;
const BODY_BOTTOM: f32 = 70.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 13.6;
const SMALL_SIZE: f32 = 8.0;

/// Which of the two embedded faces a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FontId {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Color {
    Black,
    Grey,
    Red,
    Watermark,
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
enum Draw {
    Text {
        x: f32,
        y: f32,
        font: FontId,
        size: f32,
        color: Color,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
    },
    Box {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
}

/// The two faces, parsed once per export, with the glyph and advance of
/// every character below [`CACHED_CHARS`] looked up once: a long letter is
/// tens of millions of characters, and a cmap lookup per character per use
/// (wrap, width, subset, stream) was most of the 87 s a 60 MB letter took.
struct Fonts {
    regular: Face<'static>,
    bold: Face<'static>,
    regular_cache: Vec<Glyph>,
    bold_cache: Vec<Glyph>,
}

/// Characters below this (Latin, Greek, Cyrillic, …) are looked up once.
const CACHED_CHARS: u32 = 0x800;

/// A character's glyph in one face (`None`: the face lacks it) and its
/// advance in ems.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    id: Option<ttf_parser::GlyphId>,
    advance: f32,
}

fn lookup(face: &Face<'_>, c: char) -> Glyph {
    let id = face.glyph_index(c);
    let printed = id
        .or_else(|| face.glyph_index('?'))
        .unwrap_or(ttf_parser::GlyphId(0));
    let adv = face.glyph_hor_advance(printed).unwrap_or(0);
    Glyph {
        id,
        advance: f32::from(adv) / f32::from(face.units_per_em()),
    }
}

fn cache_of(face: &Face<'_>) -> Vec<Glyph> {
    (0..CACHED_CHARS)
        .map(|u| lookup(face, char::from_u32(u).unwrap_or('?')))
        .collect()
}

impl Fonts {
    fn load() -> Result<Fonts, ExportError> {
        let parse = |data: &'static [u8], name: &str| {
            Face::parse(data, 0).map_err(|e| ExportError::Font {
                font: name.to_string(),
                cause: e.to_string(),
            })
        };
        let regular = parse(REGULAR_TTF, "DejaVuSans.ttf")?;
        let bold = parse(BOLD_TTF, "DejaVuSans-Bold.ttf")?;
        Ok(Fonts {
            regular_cache: cache_of(&regular),
            bold_cache: cache_of(&bold),
            regular,
            bold,
        })
    }

    fn face(&self, font: FontId) -> &Face<'static> {
        match font {
            FontId::Regular => &self.regular,
            FontId::Bold => &self.bold,
        }
    }

    fn glyph(&self, font: FontId, c: char) -> Glyph {
        let cache = match font {
            FontId::Regular => &self.regular_cache,
            FontId::Bold => &self.bold_cache,
        };
        match cache.get(c as usize) {
            Some(g) => *g,
            None => lookup(self.face(font), c),
        }
    }

    /// The glyph drawn for `c`: its own when the font has it, else the
    /// font's "?" (such characters are listed by [`missing_chars`]).
    fn glyph_id(&self, font: FontId, c: char) -> Option<ttf_parser::GlyphId> {
        self.glyph(font, c).id.or_else(|| self.glyph(font, '?').id)
    }

    fn advance(&self, font: FontId, c: char) -> f32 {
        self.glyph(font, c).advance
    }

    /// Width of a string in points at a size.
    fn width(&self, font: FontId, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.advance(font, c)).sum::<f32>() * size
    }
}

/// The characters of the letter its embedded fonts (DejaVu Sans, regular or
/// bold) cannot draw, in order of first appearance: the PDF prints "?" for
/// them, so the export lists them in a warning instead of hiding them.
pub fn missing_chars(content: &LetterContent) -> Result<Vec<char>, ExportError> {
    let fonts = Fonts::load()?;
    let mut missing: Vec<char> = Vec::new();
    for line in super::letter::plain_lines(&blocks(content)) {
        for c in line.chars() {
            let lacks = |f| fonts.glyph(f, c).id.is_none();
            let absent = !c.is_whitespace() && (lacks(FontId::Regular) || lacks(FontId::Bold));
            if absent && !missing.contains(&c) {
                missing.push(c);
            }
        }
    }
    Ok(missing)
}

/// A word with the font it is set in.
#[derive(Debug, Clone)]
struct Word {
    font: FontId,
    text: String,
}

/// A laid-out line: runs with their x offsets from the line start.
type Line = Vec<(f32, FontId, String)>;

/// Greedy wrap of words into lines of at most `width` points; a word wider
/// than a line is broken between characters.
fn wrap(fonts: &Fonts, words: &[Word], size: f32, width: f32) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut line: Line = Vec::new();
    let mut x = 0.0f32;
    for word in words {
        let space = fonts.width(word.font, size, " ");
        let w = fonts.width(word.font, size, &word.text);
        let start = if line.is_empty() { 0.0 } else { x + space };
        if !line.is_empty() && start + w > width {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
        }
        if w > width {
            // Break an over-long token (a hash, a URL) across lines.
            let mut piece = String::new();
            let mut piece_w = 0.0f32;
            for c in word.text.chars() {
                let cw = fonts.advance(word.font, c) * size;
                if piece_w + cw > width - x && !piece.is_empty() {
                    push_run(&mut line, x, word.font, &piece, false);
                    lines.push(std::mem::take(&mut line));
                    x = 0.0;
                    piece.clear();
                    piece_w = 0.0;
                }
                piece.push(c);
                piece_w += cw;
            }
            if !piece.is_empty() {
                let pw = fonts.width(word.font, size, &piece);
                push_run(&mut line, x, word.font, &piece, false);
                x += pw;
            }
            continue;
        }
        let start = if line.is_empty() { 0.0 } else { x + space };
        let spaced = !line.is_empty();
        push_run(&mut line, start, word.font, &word.text, spaced);
        x = start + w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Appends a word to a line, merging it into the previous run when the font
/// is the same (fewer, longer text runs extract as cleaner text). `spaced`
/// says a space separates it from what precedes; the caller knows, so the
/// run is never measured again (that made wrapping quadratic in line length).
fn push_run(line: &mut Line, x: f32, font: FontId, text: &str, spaced: bool) {
    if let Some((_, rf, rt)) = line.last_mut()
        && *rf == font
    {
        if spaced {
            rt.push(' ');
        }
        rt.push_str(text);
        return;
    }
    line.push((x, font, text.to_string()));
}

fn words(font: FontId, text: &str) -> Vec<Word> {
    text.split_whitespace()
        .map(|w| Word {
            font,
            text: w.to_string(),
        })
        .collect()
}

/// A bookmark target: a heading (level 0) or an item heading (level 1).
#[derive(Debug, Clone, PartialEq)]
struct Anchor {
    level: u8,
    title: String,
    page: usize,
    y: f32,
}

/// Pages being filled, top to bottom.
struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Draw>>,
    y: f32,
    anchors: Vec<Anchor>,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: BODY_TOP,
            anchors: Vec::new(),
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    /// Starts a new page unless `height` still fits below the cursor.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM && self.y < BODY_TOP {
            self.new_page();
        }
    }

    /// Records a bookmark at the cursor.
    fn anchor(&mut self, level: u8, title: &str) {
        self.anchors.push(Anchor {
            level,
            title: title.to_string(),
            page: self.pages.len().saturating_sub(1),
            y: self.y + 4.0,
        });
    }

    fn draw(&mut self, d: Draw) {
        if let Some(page) = self.pages.last_mut() {
            page.push(d);
        }
    }

    fn gap(&mut self, h: f32) {
        if self.y < BODY_TOP {
            self.y -= h;
        }
    }

    /// Sets wrapped lines at `x`, breaking pages between lines.
    fn lines(&mut self, lines: &[Line], x: f32, size: f32, leading: f32, color: Color) {
        for line in lines {
            self.ensure(leading);
            self.y -= leading;
            for (dx, font, text) in line {
                self.draw(Draw::Text {
                    x: x + dx,
                    y: self.y + (leading - size) * 0.5,
                    font: *font,
                    size,
                    color,
                    text: text.clone(),
                });
            }
        }
    }

    fn block(&mut self, block: &Block) {
        let fonts = self.fonts;
        match block {
            Block::Title(t) => {
                let lines = wrap(fonts, &words(FontId::Bold, t), 15.0, TEXT_W);
                self.lines(&lines, MARGIN_X, 15.0, 20.0, Color::Black);
                self.y -= 8.0;
            }
            Block::Banner(t) => {
                let lines = wrap(fonts, &words(FontId::Bold, t), BODY_SIZE, TEXT_W - 16.0);
                let h = lines.len() as f32 * BODY_LEADING + 10.0;
                self.ensure(h);
                let top = self.y;
                self.y -= 5.0;
                self.lines(&lines, MARGIN_X + 8.0, BODY_SIZE, BODY_LEADING, Color::Red);
                self.y -= 5.0;
                self.draw(Draw::Box {
                    x: MARGIN_X,
                    y: self.y,
                    w: TEXT_W,
                    h: top - self.y,
                    color: Color::Red,
                });
                self.y -= 10.0;
            }
            Block::Fields(fields) => {
                let label_w = 150.0;
                for (k, v) in fields {
                    let label = wrap(fonts, &words(FontId::Bold, k), BODY_SIZE, label_w - 8.0);
                    let value = wrap(
                        fonts,
                        &words(FontId::Regular, v),
                        BODY_SIZE,
                        TEXT_W - label_w,
                    );
                    let rows = label.len().max(value.len()).max(1);
                    self.ensure(rows as f32 * BODY_LEADING);
                    let top = self.y;
                    self.lines(&label, MARGIN_X, BODY_SIZE, BODY_LEADING, Color::Black);
                    let after_label = self.y;
                    self.y = top;
                    self.lines(
                        &value,
                        MARGIN_X + label_w,
                        BODY_SIZE,
                        BODY_LEADING,
                        Color::Black,
                    );
                    self.y = self.y.min(after_label);
                }
                self.y -= 6.0;
            }
            Block::Heading(t) => {
                // Keep the heading with at least two lines of what follows.
                self.ensure(18.0 + 6.0 + 3.0 * BODY_LEADING);
                self.gap(8.0);
                self.anchor(0, t);
                let lines = wrap(fonts, &words(FontId::Bold, t), 12.0, TEXT_W);
                self.lines(&lines, MARGIN_X, 12.0, 17.0, Color::Black);
                self.y -= 3.0;
                self.draw(Draw::Line {
                    x1: MARGIN_X,
                    y1: self.y,
                    x2: PAGE_W - MARGIN_X,
                    y2: self.y,
                    width: 0.6,
                    color: Color::Grey,
                });
                self.y -= 6.0;
            }
            Block::SubHeading(t) => {
                self.ensure(16.0 + 4.0 * BODY_LEADING);
                self.gap(6.0);
                self.anchor(1, t);
                let lines = wrap(fonts, &words(FontId::Bold, t), 10.5, TEXT_W);
                self.lines(&lines, MARGIN_X, 10.5, 15.0, Color::Black);
                self.y -= 2.0;
            }
            Block::Para { lead, text } => {
                let mut ws = Vec::new();
                if let Some(l) = lead {
                    ws.extend(words(FontId::Bold, l));
                }
                ws.extend(words(FontId::Regular, text));
                let lines = wrap(fonts, &ws, BODY_SIZE, TEXT_W);
                // Avoid a lone first line at the foot of a page.
                if lines.len() > 1 {
                    self.ensure(2.0 * BODY_LEADING);
                }
                self.lines(&lines, MARGIN_X, BODY_SIZE, BODY_LEADING, Color::Black);
                self.y -= 5.0;
            }
            Block::Table { header, rows } => self.table(header, rows),
        }
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let fonts = self.fonts;
        let widths = column_widths(fonts, header, rows);
        let pad = 4.0;
        let draw_row = |this: &mut Layout<'f>, cells: &[String], font: FontId| {
            let wrapped: Vec<Vec<Line>> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| wrap(fonts, &words(font, c), BODY_SIZE, w - 2.0 * pad))
                .collect();
            let rows_n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = rows_n as f32 * BODY_LEADING + 4.0;
            this.ensure(h);
            let top = this.y;
            let mut x = MARGIN_X;
            let mut bottom = top;
            for (cell, w) in wrapped.iter().zip(&widths) {
                this.y = top - 2.0;
                this.lines(cell, x + pad, BODY_SIZE, BODY_LEADING, Color::Black);
                bottom = bottom.min(this.y);
                x += w;
            }
            this.y = bottom.min(top - h) - 1.0;
            this.draw(Draw::Line {
                x1: MARGIN_X,
                y1: this.y,
                x2: PAGE_W - MARGIN_X,
                y2: this.y,
                width: if font == FontId::Bold { 0.8 } else { 0.3 },
                color: Color::Grey,
            });
        };
        let height = |cells: &[String], font: FontId| {
            let lines = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| wrap(fonts, &words(font, c), BODY_SIZE, w - 2.0 * pad).len())
                .max()
                .unwrap_or(1)
                .max(1);
            lines as f32 * BODY_LEADING + 5.0
        };
        let header_h = height(header, FontId::Bold);
        // Keep the header with the first row.
        self.ensure(header_h + rows.first().map_or(0.0, |r| height(r, FontId::Regular)));
        draw_row(self, header, FontId::Bold);
        for row in rows {
            // A table that continues on the next page repeats its header.
            if self.y - height(row, FontId::Regular) < BODY_BOTTOM {
                self.new_page();
                draw_row(self, header, FontId::Bold);
            }
            draw_row(self, row, FontId::Regular);
        }
        self.y -= 8.0;
    }
}

/// Column widths: natural widths when they fit, otherwise narrow columns keep
/// theirs and the wide ones share what is left in proportion.
fn column_widths(fonts: &Fonts, header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
    let n = header.len().max(1);
    let pad = 8.0;
    let natural: Vec<f32> = (0..n)
        .map(|i| {
            let head = header
                .get(i)
                .map_or(0.0, |h| fonts.width(FontId::Bold, BODY_SIZE, h));
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| fonts.width(FontId::Regular, BODY_SIZE, c))
                .fold(head, f32::max)
                + pad
                + 2.0
        })
        .collect();
    let total: f32 = natural.iter().sum();
    if total <= TEXT_W {
        let extra = TEXT_W - total;
        let widest = natural
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        return natural
            .iter()
            .enumerate()
            .map(|(i, w)| if i == widest { w + extra } else { *w })
            .collect();
    }
    let fair = TEXT_W / n as f32;
    let narrow: f32 = natural.iter().filter(|w| **w <= fair).sum();
    let wide: f32 = natural.iter().filter(|w| **w > fair).sum();
    let left = TEXT_W - narrow;
    natural
        .iter()
        .map(|w| if *w <= fair { *w } else { w / wide * left })
        .collect()
}

/// Lays the letter out and returns the pages' drawings (without header,
/// footer and watermark, which need the page count) and the bookmarks.
fn layout(fonts: &Fonts, content: &LetterContent) -> (Vec<Vec<Draw>>, Vec<Anchor>) {
    let mut l = Layout::new(fonts);
    for b in blocks(content) {
        l.block(&b);
    }
    (l.pages, l.anchors)
}

/// The number of pages the letter takes; the tests compare it with the PDF.
pub fn page_count(content: &LetterContent) -> Result<usize, ExportError> {
    let fonts = Fonts::load()?;
    Ok(layout(&fonts, content).0.len())
}

/// The running header, footer and watermark of one page.
fn furniture(
    fonts: &Fonts,
    content: &LetterContent,
    page: usize,
    pages: usize,
) -> (Vec<Draw>, Vec<Draw>) {
    let mut under = Vec::new();
    if content.draft {
        under.push(Draw::Text {
            x: 0.0,
            y: 0.0,
            font: FontId::Bold,
            size: 120.0,
            color: Color::Watermark,
            text: DRAFT_MARK.to_string(),
        });
    }
    let case = content.case_label();
    let head_left = title(content);
    let head_right = format!("Case {case}");
    let foot = format!("Case {case} · page {page} of {pages}");
    let mut over = vec![
        Draw::Text {
            x: MARGIN_X,
            y: PAGE_H - 44.0,
            font: FontId::Regular,
            size: SMALL_SIZE,
            color: Color::Grey,
            text: head_left,
        },
        Draw::Text {
            x: PAGE_W - MARGIN_X - fonts.width(FontId::Regular, SMALL_SIZE, &head_right),
            y: PAGE_H - 44.0,
            font: FontId::Regular,
            size: SMALL_SIZE,
            color: Color::Grey,
            text: head_right,
        },
        Draw::Line {
            x1: MARGIN_X,
            y1: PAGE_H - 50.0,
            x2: PAGE_W - MARGIN_X,
            y2: PAGE_H - 50.0,
            width: 0.4,
            color: Color::Grey,
        },
        Draw::Line {
            x1: MARGIN_X,
            y1: 50.0,
            x2: PAGE_W - MARGIN_X,
            y2: 50.0,
            width: 0.4,
            color: Color::Grey,
        },
        Draw::Text {
            x: (PAGE_W - fonts.width(FontId::Regular, SMALL_SIZE, &foot)) / 2.0,
            y: 38.0,
            font: FontId::Regular,
            size: SMALL_SIZE,
            color: Color::Grey,
            text: foot,
        },
    ];
    if content.draft {
        over.push(Draw::Text {
            x: MARGIN_X,
            y: 38.0,
            font: FontId::Bold,
            size: SMALL_SIZE,
            color: Color::Red,
            text: DRAFT_MARK.to_string(),
        });
    }
    (under, over)
}

/// Glyphs used per font, with the character each stands for.
#[derive(Default)]
struct GlyphUse {
    chars: BTreeMap<u16, char>,
}

/// Renders the letter as a PDF.
pub fn render(content: &LetterContent) -> Result<Vec<u8>, ExportError> {
    let fonts = Fonts::load()?;
    let (body, anchors) = layout(&fonts, content);
    let count = body.len();
    let pages: Vec<Vec<Draw>> = body
        .into_iter()
        .enumerate()
        .map(|(i, page)| {
            let (under, over) = furniture(&fonts, content, i + 1, count);
            under.into_iter().chain(page).chain(over).collect()
        })
        .collect();

    // Which glyphs each font needs, so the subsets hold only those.
    let mut used: BTreeMap<FontId, GlyphUse> = BTreeMap::new();
    for page in &pages {
        for d in page {
            if let Draw::Text { font, text, .. } = d {
                let entry = used.entry(*font).or_default();
                for c in text.chars() {
                    if let Some(g) = fonts.glyph_id(*font, c) {
                        let shown = if fonts.glyph(*font, c).id.is_some() {
                            c
                        } else {
                            '?'
                        };
                        entry.chars.entry(g.0).or_insert(shown);
                    }
                }
            }
        }
    }
    let mut remappers: BTreeMap<FontId, subsetter::GlyphRemapper> = BTreeMap::new();
    for (font, u) in &used {
        let mut r = subsetter::GlyphRemapper::new();
        for gid in u.chars.keys() {
            r.remap(*gid);
        }
        remappers.insert(*font, r);
    }

    let mut alloc = Ref::new(1);
    let mut next = || alloc.bump();
    let catalog_id = next();
    let pages_id = next();
    let info_id = next();
    let mut pdf = Pdf::new();

    // Fonts.
    let mut font_refs: BTreeMap<FontId, Ref> = BTreeMap::new();
    for (font, remapper) in &remappers {
        let (data, base): (&[u8], &str) = match font {
            FontId::Regular => (REGULAR_TTF, "IMRDAA+DejaVuSans"),
            FontId::Bold => (BOLD_TTF, "IMRDAB+DejaVuSans-Bold"),
        };
        let face = fonts.face(*font);
        let subset = subsetter::subset(data, 0, remapper).map_err(|e| ExportError::Font {
            font: base.to_string(),
            cause: e.to_string(),
        })?;
        let type0 = next();
        let cid = next();
        let descriptor = next();
        let cmap_id = next();
        let file_id = next();
        font_refs.insert(*font, type0);
        let name = Name(base.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_id);
        let scale = 1000.0 / f32::from(face.units_per_em());
        let mut widths = Vec::new();
        for old in remapper.remapped_gids() {
            let adv = face
                .glyph_hor_advance(ttf_parser::GlyphId(old))
                .unwrap_or(0);
            widths.push(f32::from(adv) * scale);
        }
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();
        let bbox = face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(name)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(if *font == FontId::Bold { 140.0 } else { 80.0 })
            .font_file2(file_id);
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        if let Some(u) = used.get(font) {
            for (old, c) in &u.chars {
                if let Some(new) = remapper.get(*old) {
                    cmap.pair(new, *c);
                }
            }
        }
        let cmap_data = cmap.finish();
        pdf.cmap(cmap_id, &cmap_data);
        let compressed = deflate(&subset)?;
        pdf.stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
    }

    // Pages.
    let page_ids: Vec<Ref> = pages.iter().map(|_| next()).collect();
    let content_ids: Vec<Ref> = pages.iter().map(|_| next()).collect();
    let outline_id = next();
    let anchor_ids: Vec<Ref> = anchors.iter().map(|_| next()).collect();
    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(pages_id);
    // Screen readers pick the language; viewers show the title, not the file name.
    catalog.lang(TextStr("en-US"));
    catalog.viewer_preferences().display_doc_title(true);
    if !anchors.is_empty() {
        catalog
            .outlines(outline_id)
            .page_mode(PageMode::UseOutlines);
    }
    catalog.finish();
    write_outline(&mut pdf, outline_id, &anchors, &anchor_ids, &page_ids);
    pdf.pages(pages_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    for ((page, page_id), content_id) in pages.iter().zip(&page_ids).zip(&content_ids) {
        let stream = page_stream(&fonts, &remappers, page);
        let compressed = deflate(&stream)?;
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);
        let mut p = pdf.page(*page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(pages_id)
            .contents(*content_id);
        let mut res = p.resources();
        let mut fonts_dict = res.fonts();
        for (font, r) in &font_refs {
            fonts_dict.pair(font_name(*font), *r);
        }
        fonts_dict.finish();
        res.finish();
        p.finish();
    }

    let doc_title = format!("{} – Case {}", title(content), content.case_label());
    pdf.document_info(info_id)
        .title(TextStr(&doc_title))
        .subject(TextStr("Independent Medical Review determination"))
        .creator(TextStr("imrdesk"))
        .producer(TextStr("imrdesk"));
    // A stable document ID from the content, as PDF readers and archives expect.
    let digest = Sha256::digest(format!("{pages:?}").as_bytes());
    let id: Vec<u8> = digest.iter().take(16).copied().collect();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

/// The bookmarks: section headings at the top level, each disputed item
/// under the section that lists them.
fn write_outline(pdf: &mut Pdf, root: Ref, anchors: &[Anchor], ids: &[Ref], pages: &[Ref]) {
    if anchors.is_empty() {
        return;
    }
    // Parent of each anchor: itself for top level, the last top one for items.
    let mut parent_of: Vec<Option<usize>> = Vec::with_capacity(anchors.len());
    let mut last_top: Option<usize> = None;
    for (i, a) in anchors.iter().enumerate() {
        if a.level == 0 || last_top.is_none() {
            parent_of.push(None);
            last_top = Some(i);
        } else {
            parent_of.push(last_top);
        }
    }
    let siblings = |i: usize| -> Vec<usize> {
        (0..anchors.len())
            .filter(|j| parent_of.get(*j) == parent_of.get(i))
            .collect()
    };
    let children = |i: usize| -> Vec<usize> {
        (0..anchors.len())
            .filter(|j| parent_of.get(*j) == Some(&Some(i)))
            .collect()
    };
    let tops: Vec<usize> = (0..anchors.len())
        .filter(|j| parent_of.get(*j) == Some(&None))
        .collect();
    if let (Some(first), Some(last)) = (tops.first(), tops.last())
        && let (Some(f), Some(l)) = (ids.get(*first), ids.get(*last))
    {
        pdf.outline(root)
            .first(*f)
            .last(*l)
            .count(tops.len() as i32);
    }
    for (i, a) in anchors.iter().enumerate() {
        let (Some(id), Some(page)) = (ids.get(i), pages.get(a.page)) else {
            continue;
        };
        let sib = siblings(i);
        let pos = sib.iter().position(|j| *j == i).unwrap_or(0);
        let kids = children(i);
        let mut item = pdf.outline_item(*id);
        item.title(TextStr(&a.title));
        match parent_of.get(i).copied().flatten().and_then(|p| ids.get(p)) {
            Some(p) => item.parent(*p),
            None => item.parent(root),
        };
        if let Some(prev) = pos
            .checked_sub(1)
            .and_then(|k| sib.get(k))
            .and_then(|j| ids.get(*j))
        {
            item.prev(*prev);
        }
        if let Some(next) = sib.get(pos + 1).and_then(|j| ids.get(*j)) {
            item.next(*next);
        }
        if let (Some(f), Some(l)) = (
            kids.first().and_then(|j| ids.get(*j)),
            kids.last().and_then(|j| ids.get(*j)),
        ) {
            item.first(*f).last(*l).count(kids.len() as i32);
        }
        item.dest().page(*page).xyz(0.0, a.y, None);
    }
}

fn font_name(font: FontId) -> Name<'static> {
    match font {
        FontId::Regular => Name(b"F1"),
        FontId::Bold => Name(b"F2"),
    }
}

fn set_color(c: &mut Content, color: Color, stroke: bool) {
    let (r, g, b) = match color {
        Color::Black => (0.07, 0.07, 0.07),
        Color::Grey => (0.42, 0.42, 0.42),
        Color::Red => (0.66, 0.0, 0.0),
        Color::Watermark => (0.95, 0.86, 0.86),
    };
    if stroke {
        c.set_stroke_rgb(r, g, b);
    } else {
        c.set_fill_rgb(r, g, b);
    }
}

/// The content stream of one page. Consecutive text runs share one text
/// object, and the font and colour are set only when they change: a page of
/// a long letter has hundreds of runs, and a save/restore and font change
/// around each one made streams several times the size of their text.
fn page_stream(
    fonts: &Fonts,
    remappers: &BTreeMap<FontId, subsetter::GlyphRemapper>,
    page: &[Draw],
) -> Vec<u8> {
    let mut c = Content::new();
    // The open text object's font, size and colour, if any.
    let mut text_state: Option<(FontId, f32, Color)> = None;
    for d in page {
        let plain_text = matches!(d, Draw::Text { color, .. } if *color != Color::Watermark);
        if !plain_text && text_state.take().is_some() {
            c.end_text();
            c.restore_state();
        }
        match d {
            Draw::Text {
                x,
                y,
                font,
                size,
                color,
                text,
            } => {
                let mut bytes = Vec::with_capacity(text.len() * 2);
                for ch in text.chars() {
                    let old = fonts.glyph_id(*font, ch).map_or(0, |g| g.0);
                    let new = remappers.get(font).and_then(|r| r.get(old)).unwrap_or(0);
                    bytes.extend_from_slice(&new.to_be_bytes());
                }
                if *color == Color::Watermark {
                    c.save_state();
                    set_color(&mut c, *color, false);
                    c.begin_text();
                    c.set_font(font_name(*font), *size);
                    // Centred, rotated 35 degrees across the page.
                    let w = fonts.width(*font, *size, text);
                    let (s, co) = 35f32.to_radians().sin_cos();
                    let cx = PAGE_W / 2.0 - (w / 2.0) * co + (*size * 0.35) * s;
                    let cy = PAGE_H / 2.0 - (w / 2.0) * s - (*size * 0.35) * co;
                    c.set_text_matrix([co, s, -s, co, cx, cy]);
                    c.show(Str(&bytes));
                    c.end_text();
                    c.restore_state();
                    continue;
                }
                let previous = text_state.replace((*font, *size, *color));
                if previous.is_none() {
                    c.save_state();
                    c.begin_text();
                }
                if previous.map(|p| p.2) != Some(*color) {
                    set_color(&mut c, *color, false);
                }
                if previous.map(|p| (p.0, p.1)) != Some((*font, *size)) {
                    c.set_font(font_name(*font), *size);
                }
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                c.show(Str(&bytes));
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                c.save_state();
                set_color(&mut c, *color, true);
                c.set_line_width(*width);
                c.move_to(*x1, *y1);
                c.line_to(*x2, *y2);
                c.stroke();
                c.restore_state();
            }
            Draw::Box { x, y, w, h, color } => {
                c.save_state();
                set_color(&mut c, *color, true);
                c.set_line_width(1.2);
                c.rect(*x, *y, *w, *h);
                c.stroke();
                c.restore_state();
            }
        }
    }
    if text_state.is_some() {
        c.end_text();
        c.restore_state();
    }
    c.finish().into_vec()
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, ExportError> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data)
        .and_then(|()| enc.finish())
        .map_err(|e| ExportError::Serialize {
            format: "PDF",
            cause: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Case;

    fn letter_with_summary(summary: String) -> LetterContent {
        let case = Case::new();
        let analysis = crate::assessment::Analysis {
            facts: Vec::new(),
            timeline: crate::timeline::Timeline::default(),
            items: Vec::new(),
            warnings: Vec::new(),
        };
        let mut c = LetterContent::from_analysis(&case, &analysis);
        c.summary = summary;
        c
    }

    #[test]
    fn characters_the_fonts_lack_are_listed_once_in_order() {
        let c =
            letter_with_summary("Pain \u{4E2D} in the knee \u{10FFFD} and \u{4E2D} again.".into());
        let missing = missing_chars(&c).unwrap_or_else(|e| panic!("fonts: {e}"));
        assert_eq!(missing, vec!['\u{4E2D}', '\u{10FFFD}']);
        let plain = letter_with_summary("Café, naïve, 5 °C, ±2 mm.".into());
        assert!(missing_chars(&plain).unwrap_or_default().is_empty());
    }

    #[test]
    #[ignore = "timing probe: cargo test --lib export::pdf -- --ignored --nocapture"]
    fn time_a_large_letter() {
        let para = "The worker reports low back pain with intermittent radiation to the left leg, \
                    rated six of ten, with modified duty continued. ";
        let reps = std::env::var("IMRDESK_PROBE_REPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(40_000);
        let c = letter_with_summary(para.repeat(reps));
        let t = std::time::Instant::now();
        let fonts = Fonts::load().unwrap_or_else(|e| panic!("{e}"));
        eprintln!("fonts {:?}", t.elapsed());
        let b = blocks(&c);
        eprintln!("blocks {:?}", t.elapsed());
        let (pages, _) = layout(&fonts, &c);
        eprintln!("layout {:?} ({} pages)", t.elapsed(), pages.len());
        let mut raw = 0;
        for p in &pages {
            raw += page_stream(&fonts, &BTreeMap::new(), p).len();
        }
        eprintln!("streams {:?} ({raw} bytes)", t.elapsed());
        drop(b);
        let t = std::time::Instant::now();
        let bytes = render(&c).unwrap_or_default();
        eprintln!(
            "{} bytes of summary -> {} bytes of PDF in {:?}",
            c.summary.len(),
            bytes.len(),
            t.elapsed()
        );
    }
}
