//! Markdown: the letter for wikis, tickets and anything that renders
//! CommonMark. Text is escaped so a rationale cannot turn into markup.

use super::content::LetterContent;
use super::letter::{Block, DRAFT_MARK, blocks};

/// Renders the letter as CommonMark.
pub fn render(content: &LetterContent) -> String {
    let mut out = String::new();
    if content.draft {
        out.push_str(&format!("> **{DRAFT_MARK}**\n\n"));
    }
    for block in blocks(content) {
        match block {
            Block::Title(t) => out.push_str(&format!("# {}\n\n", escape(&t))),
            Block::Banner(t) => out.push_str(&format!("> **{}**\n\n", escape(&t))),
            Block::Fields(fields) => {
                out.push_str("| | |\n|---|---|\n");
                for (k, v) in fields {
                    out.push_str(&format!("| **{}** | {} |\n", escape(&k), cell(&v)));
                }
                out.push('\n');
            }
            Block::Heading(t) => out.push_str(&format!("## {}\n\n", escape(&t))),
            Block::SubHeading(t) => out.push_str(&format!("### {}\n\n", escape(&t))),
            Block::Para { lead, text } => {
                if let Some(l) = lead {
                    out.push_str(&format!("**{}** ", escape(&l)));
                }
                out.push_str(&escape(&text));
                out.push_str("\n\n");
            }
            Block::Table { header, rows } => {
                out.push_str(&format!(
                    "| {} |\n|{}\n",
                    header
                        .iter()
                        .map(|h| cell(h))
                        .collect::<Vec<_>>()
                        .join(" | "),
                    "---|".repeat(header.len())
                ));
                for row in rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Escapes the characters CommonMark could read as markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // "12. Later…" or "3) …" at the start of a paragraph would open a list.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let list_marker = digits > 0
        && digits <= 9
        && matches!(text.chars().nth(digits), Some('.') | Some(')'))
        && text.chars().nth(digits + 1).is_none_or(char::is_whitespace);
    for (i, c) in text.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            // A leading digit-dot, plus or dash would start a list.
            '-' | '+' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if list_marker && i == digits => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn cell(text: &str) -> String {
    escape(text.trim())
}
