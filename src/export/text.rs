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
                table_into(&mut out, &header, &rows);
                out.push('\n');
            }
        }
    }
    out
}

/// A table with aligned columns; cells wrap within their column.
fn table_into(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let n = header.len();
    let gap = 2;
    let mut widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain(header.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    // The column holding the most text (the free-text one) gives up room
    // first, so short labels such as document kinds stay on one line.
    let totals: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .sum()
        })
        .collect();
    let budget = WIDTH.saturating_sub(2 + gap * n.saturating_sub(1));
    while widths.iter().sum::<usize>() > budget {
        let pick = (0..n)
            .filter(|i| widths.get(*i).is_some_and(|w| *w > 12))
            .max_by_key(|i| totals.get(*i).copied().unwrap_or(0));
        match pick.and_then(|i| widths.get_mut(i)) {
            Some(w) => *w -= 1,
            None => break,
        }
    }
    let mut row_into = |cells: &[String]| {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap_cell(c, *w))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for line in 0..height {
            let mut text = String::from("  ");
            for (i, (cell, w)) in wrapped.iter().zip(&widths).enumerate() {
                let part = cell.get(line).map(String::as_str).unwrap_or("");
                text.push_str(part);
                if i + 1 < n {
                    text.push_str(&" ".repeat(w.saturating_sub(part.chars().count()) + gap));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
    };
    row_into(header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    row_into(&rule);
    for r in rows {
        row_into(r);
    }
}

/// Wraps one cell to a column width (words longer than the column are cut).
fn wrap_cell(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
