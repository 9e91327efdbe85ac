//! Plain text: the letter for e-mail bodies and systems that take nothing
//! else, wrapped at 78 columns so it reads in any viewer.

use super::content::LetterContent;
use super::letter::{Block, DRAFT_MARK, blocks};

const WIDTH: usize = 78;

/// Renders the letter as plain text.
pub fn render(content: &LetterContent) -> String {
    let mut out = String::new();
    if content.draft {
        out.push_str(&format!("*** {DRAFT_MARK} ***\n\n"));
    }
    for block in blocks(content) {
        match block {
            Block::Title(t) => {
                out.push_str(&t.to_uppercase());
                out.push('\n');
                out.push_str(&"=".repeat(t.chars().count()));
                out.push_str("\n\n");
            }
            Block::Banner(t) => {
                wrap_into(&mut out, &t, "", "");
                out.push('\n');
            }
            Block::Fields(fields) => {
                let w = fields
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in fields {
                    let pad = " ".repeat(w - k.chars().count());
                    out.push_str(&format!("{k}:{pad} {v}\n"));
                }
                out.push('\n');
            }
            Block::Heading(t) => {
                out.push_str(&t.to_uppercase());
                out.push('\n');
                out.push_str(&"-".repeat(t.chars().count()));
                out.push_str("\n\n");
            }
            Block::SubHeading(t) => {
                wrap_into(&mut out, &t, "", "");
                out.push('\n');
            }
            Block::Para { lead, text } => {
                let full = match lead {
                    Some(l) => format!("{l} {text}"),
                    None => text,
                };
                wrap_into(&mut out, &full, "", "");
                out.push('\n');
            }
            Block::Table { header, rows } => {
                out.push_str(&format!("  {}\n", header.join(" | ")));
                for row in rows {
                    wrap_into(&mut out, &row.join(" | "), "  ", "      ");
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Greedy word wrap; a word longer than the line is left whole.
pub(crate) fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        out.push_str(&line);
        out.push('\n');
    }
}
