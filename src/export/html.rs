//! HTML: a self-contained, printable page (inline CSS, no scripts, no
//! external resources, so it opens offline and prints like the PDF).
//! It is written as well-formed XHTML-compatible markup so strict XML
//! parsers accept it too.

use super::content::LetterContent;
use super::letter::{Block, DRAFT_MARK, blocks, title};

const STYLE: &str = "\
@page { size: letter; margin: 2cm 2cm 2.2cm 2cm; }
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 16pt; margin: 0 0 0.6em 0; }
h2 { font-size: 12.5pt; margin: 1.4em 0 0.4em 0; border-bottom: 1px solid #999; padding-bottom: 0.15em; }
h3 { font-size: 11pt; margin: 1.2em 0 0.3em 0; page-break-after: avoid; }
p { margin: 0.35em 0 0.6em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em 0; }
th, td { text-align: left; vertical-align: top; padding: 0.2em 0.5em; border-bottom: 1px solid #ddd; }
table.fields th { width: 13em; font-weight: bold; border: none; }
table.fields td { border: none; }
.banner { border: 2px solid #a00; color: #a00; padding: 0.4em 0.6em; font-weight: bold; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 110pt; font-weight: bold; color: #f3dada; transform: rotate(-35deg); pointer-events: none; z-index: -1; }
tr { page-break-inside: avoid; }
.runfoot { display: none; }
@media print { body { margin: 0; max-width: none; } .runfoot { display: block; position: fixed; bottom: 0; left: 0; right: 0; text-align: center; font-size: 8pt; color: #666; } }
";

/// Renders the letter as a complete HTML document.
pub fn render(content: &LetterContent) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str(&format!(
        "<title>{} – {}</title>\n",
        escape(&title(content)),
        escape(content.case_label())
    ));
    out.push_str(&format!("<style>\n{STYLE}</style>\n</head>\n<body>\n"));
    if content.draft {
        out.push_str(&format!(
            "<div class=\"watermark\" aria-hidden=\"true\">{DRAFT_MARK}</div>\n"
        ));
    }
    for block in blocks(content) {
        match block {
            Block::Title(t) => out.push_str(&format!("<h1>{}</h1>\n", escape(&t))),
            Block::Banner(t) => out.push_str(&format!("<p class=\"banner\">{}</p>\n", escape(&t))),
            Block::Fields(fields) => {
                out.push_str("<table class=\"fields\">\n");
                for (k, v) in fields {
                    out.push_str(&format!(
                        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                        escape(&k),
                        escape(&v)
                    ));
                }
                out.push_str("</table>\n");
            }
            Block::Heading(t) => out.push_str(&format!("<h2>{}</h2>\n", escape(&t))),
            Block::SubHeading(t) => out.push_str(&format!("<h3>{}</h3>\n", escape(&t))),
            Block::Para { lead, text } => {
                out.push_str("<p>");
                if let Some(l) = lead {
                    out.push_str(&format!("<strong>{}</strong> ", escape(&l)));
                }
                out.push_str(&escape(&text));
                out.push_str("</p>\n");
            }
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    out.push_str(&format!("<th>{}</th>", escape(&h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for c in row {
                        out.push_str(&format!("<td>{}</td>", escape(&c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    // Repeated at the foot of every printed page by the print stylesheet.
    out.push_str(&format!(
        "<div class=\"runfoot\">{} · Case {}</div>\n",
        escape(&title(content)),
        escape(content.case_label())
    ));
    out.push_str("</body>\n</html>\n");
    out
}

/// Escapes text for element content and attribute values; control
/// characters that XML forbids are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
