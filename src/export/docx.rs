//! DOCX: the letter as an editable Word document, for reviewers and
//! attorneys who work in Word.
//!
//! A minimal, valid Office Open XML package written by hand: content types,
//! package and document relationships, styles, a header and footer (case
//! number, "page X of Y" as live PAGE/NUMPAGES fields), core properties and
//! the body. All text is XML-escaped; drafts carry a "DRAFT" watermark shape
//! and a "DRAFT" mark in the header of every page, and a banner at the top.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::ExportError;
use super::content::LetterContent;
use super::html::escape;
use super::letter::{Block, DRAFT_MARK, blocks, title};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Usable text width in twentieths of a point (8.5 in page, 1 in margins).
const TEXT_TWIPS: u32 = 12240 - 2 * 1440;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>
"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>
"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>
"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="100" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="200"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="280" w:after="100"/><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="999999"/></w:pBdr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Banner"><w:name w:val="Draft banner"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="100" w:right="100"/><w:pBdr><w:top w:val="single" w:sz="12" w:space="4" w:color="AA0000"/><w:left w:val="single" w:sz="12" w:space="4" w:color="AA0000"/><w:bottom w:val="single" w:sz="12" w:space="4" w:color="AA0000"/><w:right w:val="single" w:sz="12" w:space="4" w:color="AA0000"/></w:pBdr></w:pPr><w:rPr><w:b/><w:color w:val="AA0000"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="6B6B6B"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:color w:val="6B6B6B"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="LetterTable"><w:name w:val="Letter table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:color="999999"/><w:bottom w:val="single" w:sz="4" w:color="999999"/><w:insideH w:val="single" w:sz="2" w:color="CCCCCC"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>
"#;

/// A run of text, optionally bold. Leading/trailing spaces are preserved.
fn run(text: &str, bold: bool) -> String {
    format!(
        "<w:r>{}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        if bold { "<w:rPr><w:b/></w:rPr>" } else { "" },
        escape(text)
    )
}

fn para(style: Option<&str>, runs: &str) -> String {
    match style {
        Some(s) => format!("<w:p><w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>{runs}</w:p>"),
        None => format!("<w:p>{runs}</w:p>"),
    }
}

/// A table; `widths` in twips; the header row repeats on each page.
fn table(
    header: Option<&[String]>,
    rows: &[Vec<String>],
    widths: &[u32],
    bold_first_col: bool,
) -> String {
    let mut out = String::from("<w:tbl><w:tblPr>");
    if header.is_some() {
        out.push_str("<w:tblStyle w:val=\"LetterTable\"/>");
    }
    out.push_str(&format!(
        "<w:tblW w:w=\"{TEXT_TWIPS}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
    ));
    for w in widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    let mut row_xml = |cells: &[String], is_header: bool| {
        out.push_str("<w:tr>");
        if is_header {
            out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        } else {
            out.push_str("<w:trPr><w:cantSplit/></w:trPr>");
        }
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            let bold = is_header || (bold_first_col && i == 0);
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
                para(None, &run(c, bold))
            ));
        }
        out.push_str("</w:tr>");
    };
    if let Some(h) = header {
        row_xml(h, true);
    }
    for r in rows {
        row_xml(r, false);
    }
    out.push_str("</w:tbl>");
    // Word requires a paragraph between adjacent tables and after a table
    // that ends a cell; an empty one also gives the table room below.
    out.push_str("<w:p/>");
    out
}

/// Column widths in twips from the longest text of each column, the widest
/// column taking what is left.
fn widths_for(header: &[String], rows: &[Vec<String>]) -> Vec<u32> {
    let n = header.len().max(1);
    let natural: Vec<u32> = (0..n)
        .map(|i| {
            let chars = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .chain(header.get(i).map(|h| h.chars().count()))
                .max()
                .unwrap_or(4);
            // About 110 twips per character at 10 pt, plus cell margins.
            (chars as u32 * 110 + 200).min(TEXT_TWIPS)
        })
        .collect();
    let fair = TEXT_TWIPS / n as u32;
    let narrow: u32 = natural.iter().filter(|w| **w <= fair).sum();
    let wide_count = natural.iter().filter(|w| **w > fair).count().max(1) as u32;
    let left = TEXT_TWIPS.saturating_sub(narrow);
    let mut out: Vec<u32> = natural
        .iter()
        .map(|w| if *w <= fair { *w } else { left / wide_count })
        .collect();
    let used: u32 = out.iter().sum();
    if used < TEXT_TWIPS
        && let Some((i, _)) = natural.iter().enumerate().max_by_key(|(_, w)| **w)
        && let Some(w) = out.get_mut(i)
    {
        *w += TEXT_TWIPS - used;
    }
    out
}

/// The body of word/document.xml.
fn document_xml(content: &LetterContent) -> String {
    let mut body = String::new();
    for block in blocks(content) {
        match block {
            Block::Title(t) => body.push_str(&para(Some("Title"), &run(&t, false))),
            Block::Banner(t) => body.push_str(&para(Some("Banner"), &run(&t, false))),
            Block::Fields(fields) => {
                let rows: Vec<Vec<String>> = fields.into_iter().map(|(k, v)| vec![k, v]).collect();
                body.push_str(&table(None, &rows, &[3000, TEXT_TWIPS - 3000], true));
            }
            Block::Heading(t) => body.push_str(&para(Some("Heading1"), &run(&t, false))),
            Block::SubHeading(t) => body.push_str(&para(Some("Heading2"), &run(&t, false))),
            Block::Para { lead, text } => {
                let mut runs = String::new();
                if let Some(l) = lead {
                    runs.push_str(&run(&format!("{l} "), true));
                }
                runs.push_str(&run(&text, false));
                body.push_str(&para(None, &runs));
            }
            Block::Table { header, rows } => {
                let widths = widths_for(&header, &rows);
                body.push_str(&table(Some(&header), &rows, &widths, false));
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>{body}\
         <w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>\
         <w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>\
         <w:pgSz w:w=\"12240\" w:h=\"15840\"/>\
         <w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>\n"
    )
}

/// Word's own watermark: a rotated, pale text shape (VML "fontwork")
/// anchored in the header, so it sits behind the text of every page.
const WATERMARK_SHAPE: &str = concat!(
    "<w:r><w:pict>",
    "<v:shapetype id=\"_x0000_t136\" coordsize=\"21600,21600\" o:spt=\"136\" adj=\"10800\" ",
    "path=\"m@7,l@8,m@5,21600l@6,21600e\"><v:formulas>",
    "<v:f eqn=\"sum #0 0 10800\"/><v:f eqn=\"prod #0 2 1\"/><v:f eqn=\"sum 21600 0 @1\"/>",
    "<v:f eqn=\"sum 0 0 @2\"/><v:f eqn=\"sum 21600 0 @3\"/><v:f eqn=\"if @0 @3 0\"/>",
    "<v:f eqn=\"if @0 21600 @1\"/><v:f eqn=\"if @0 0 @2\"/><v:f eqn=\"if @0 @4 21600\"/>",
    "<v:f eqn=\"mid @5 @6\"/><v:f eqn=\"mid @8 @5\"/><v:f eqn=\"mid @7 @8\"/>",
    "<v:f eqn=\"mid @6 @7\"/><v:f eqn=\"sum @6 0 @5\"/></v:formulas>",
    "<v:path textpathok=\"t\" o:connecttype=\"custom\" ",
    "o:connectlocs=\"@9,0;@10,10800;@11,21600;@12,10800\" o:connectangles=\"270,180,90,0\"/>",
    "<v:textpath on=\"t\" fitshape=\"t\"/><o:lock v:ext=\"edit\" text=\"t\" shapetype=\"t\"/>",
    "</v:shapetype>",
    "<v:shape id=\"PowerPlusWaterMarkObject\" o:spid=\"_x0000_s2049\" type=\"#_x0000_t136\" ",
    "style=\"position:absolute;margin-left:0;margin-top:0;width:440pt;height:150pt;rotation:315;",
    "z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;",
    "mso-position-vertical:center;mso-position-vertical-relative:margin\" ",
    "o:allowincell=\"f\" fillcolor=\"#f2c6c6\" stroked=\"f\">",
    "<v:fill opacity=\".6\"/>",
    "<v:textpath style=\"font-family:&quot;Arial&quot;;font-size:1pt\" string=\"DRAFT\"/>",
    "<w10:wrap anchorx=\"margin\" anchory=\"margin\"/>",
    "</v:shape></w:pict></w:r>"
);

fn header_xml(content: &LetterContent) -> String {
    let mut runs = String::new();
    if content.draft {
        runs.push_str(WATERMARK_SHAPE);
    }
    runs.push_str(&run(
        &format!("{} · Case {}", title(content), content.case_label()),
        false,
    ));
    if content.draft {
        runs.push_str(&format!(
            "<w:r><w:rPr><w:b/><w:color w:val=\"AA0000\"/><w:sz w:val=\"28\"/></w:rPr><w:tab/><w:t>{DRAFT_MARK}</w:t></w:r>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:hdr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\" xmlns:v=\"urn:schemas-microsoft-com:vml\" \
         xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:w10=\"urn:schemas-microsoft-com:office:word\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/>\
         <w:tabs><w:tab w:val=\"right\" w:pos=\"{TEXT_TWIPS}\"/></w:tabs></w:pPr>{runs}</w:p></w:hdr>\n"
    )
}

fn footer_xml(content: &LetterContent) -> String {
    let field = |instr: &str| {
        format!("<w:fldSimple w:instr=\" {instr} \"><w:r><w:t>1</w:t></w:r></w:fldSimple>")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
         {}{}{}{}</w:p></w:ftr>\n",
        run(&format!("Case {} · page ", content.case_label()), false),
        field("PAGE"),
        run(" of ", false),
        field("NUMPAGES")
    )
}

fn core_xml(content: &LetterContent) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:subject>Case {}</dc:subject><dc:creator>imrdesk</dc:creator>\
         </cp:coreProperties>\n",
        escape(&title(content)),
        escape(content.case_label())
    )
}

/// Renders the letter as a .docx package.
pub fn render(content: &LetterContent) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("docProps/core.xml", core_xml(content)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document_xml(content)),
        ("word/styles.xml", STYLES.to_string()),
        ("word/header1.xml", header_xml(content)),
    ];
    let footer = ("word/footer1.xml", footer_xml(content));
    let zip_err = |e: String| ExportError::Serialize {
        format: "DOCX",
        cause: e,
    };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed timestamp keeps the same letter byte-identical between exports.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    for (name, data) in parts.iter().chain(std::iter::once(&footer)) {
        zip.start_file(*name, options)
            .map_err(|e| zip_err(format!("{name}: {e}")))?;
        zip.write_all(data.as_bytes())
            .map_err(|e| zip_err(format!("{name}: {e}")))?;
    }
    let cursor = zip.finish().map_err(|e| zip_err(e.to_string()))?;
    Ok(cursor.into_inner())
}
