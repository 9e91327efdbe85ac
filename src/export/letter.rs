//! The letter's wording and order, as a list of neutral blocks.
//!
//! Every letter format (PDF, DOCX, HTML, Markdown, text) renders this one
//! block list, so the formats cannot drift apart in what they say. The
//! sentences are the project's own; the order follows a published IMR final
//! determination: header, how it was made, credentials, documents, summary,
//! then one block per disputed item.

use chrono::NaiveDate;

use super::content::{LetterContent, LetterItem, paragraphs};
use crate::assessment::Decision;

/// One block of the letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The letter's title (once, at the top).
    Title(String),
    /// A warning line printed prominently (drafts).
    Banner(String),
    /// Label/value pairs laid out as a two-column table (the header).
    Fields(Vec<(String, String)>),
    /// A section heading.
    Heading(String),
    /// A sub-heading (one per disputed item).
    SubHeading(String),
    /// A paragraph, with an optional bold lead-in ("Decision:").
    Para { lead: Option<String>, text: String },
    /// A table with a header row.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The letter title; drafts say so in the title too.
pub fn title(content: &LetterContent) -> String {
    if content.draft {
        "Independent Medical Review: Draft Determination".to_string()
    } else {
        "Independent Medical Review: Final Determination".to_string()
    }
}

/// What the header prints, in a draft, where the signer's details go: the
/// signature supplies them.
pub const UNSIGNED: &str = "stated when the reviewer signs";

/// The watermark word of unfinalized letters.
pub const DRAFT_MARK: &str = "DRAFT";

/// How a date prints in the letter.
pub fn date_text(date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => d.format("%m/%d/%Y").to_string(),
        None => "not stated".to_string(),
    }
}

/// The decision as the letter prints it: the outcome word a worker knows from
/// published letters, and what it means in plain words.
pub fn decision_text(decision: Decision) -> String {
    match decision {
        Decision::MedicallyNecessary => {
            "Overturned. The treatment is medically necessary; the utilization review denial is reversed."
                .to_string()
        }
        Decision::NotMedicallyNecessary => {
            "Upheld. The treatment is not medically necessary; the utilization review denial stands."
                .to_string()
        }
        Decision::PartiallyCertified => {
            "Upheld. Independent Medical Review decides a request only as made, so the part still in dispute is not medically necessary."
                .to_string()
        }
    }
}

/// The citation line of an item, or the sentence that says none was cited.
pub fn citation_text(item: &LetterItem) -> String {
    match &item.guideline {
        Some(g) if !g.citation.trim().is_empty() => g.citation.trim().to_string(),
        _ => "No guideline was cited for this item.".to_string(),
    }
}

/// The heading of an item ("Item 1: MRI of the lumbar spine").
pub fn item_heading(index: usize, item: &LetterItem) -> String {
    format!("Item {}: {}", index + 1, item.text.trim())
}

/// Drops control characters (a stray NUL or bell from a pasted record) that
/// no letter format can show; whitespace stays.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .filter(|c| !matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

fn clean_block(block: Block) -> Block {
    match block {
        Block::Title(t) => Block::Title(clean(&t)),
        Block::Banner(t) => Block::Banner(clean(&t)),
        Block::Heading(t) => Block::Heading(clean(&t)),
        Block::SubHeading(t) => Block::SubHeading(clean(&t)),
        Block::Fields(f) => {
            Block::Fields(f.into_iter().map(|(k, v)| (clean(&k), clean(&v))).collect())
        }
        Block::Para { lead, text } => Block::Para {
            lead: lead.map(|l| clean(&l)),
            text: clean(&text),
        },
        Block::Table { header, rows } => Block::Table {
            header: header.iter().map(|h| clean(h)).collect(),
            rows: rows
                .into_iter()
                .map(|r| r.iter().map(|c| clean(c)).collect())
                .collect(),
        },
    }
}

/// Builds the letter, with control characters removed from every string.
pub fn blocks(content: &LetterContent) -> Vec<Block> {
    build(content).into_iter().map(clean_block).collect()
}

fn build(content: &LetterContent) -> Vec<Block> {
    let mut out = vec![Block::Title(title(content))];
    if content.draft {
        out.push(Block::Banner(
            "DRAFT: this determination has not been finalized or signed and must not be sent."
                .to_string(),
        ));
    }
    let m = &content.meta;
    out.push(Block::Fields(vec![
        ("Case number".into(), content.case_label().to_string()),
        ("Date assigned".into(), date_text(m.date_assigned)),
        ("Date of injury".into(), date_text(m.date_of_injury)),
        (
            "Decision date".into(),
            match (m.decision_date, content.draft) {
                (None, true) => UNSIGNED.to_string(),
                (d, _) => date_text(d),
            },
        ),
        ("UR denial date".into(), date_text(m.ur_denial_date)),
        (
            "Application received".into(),
            date_text(m.application_received),
        ),
        ("Priority".into(), m.priority.to_string()),
    ]));

    out.push(Block::Heading("How this determination was made".into()));
    out.push(Block::Para {
        lead: None,
        text: "The complete case file was sent to an independent physician reviewer. The reviewer \
               has no tie to the employer, the injured worker, the treating providers or the claims \
               administrator, is in active clinical practice, and was chosen for training and \
               experience in a specialty that evaluates or treats the condition in dispute."
            .into(),
    });
    out.push(Block::Para {
        lead: None,
        text: "Each disputed treatment was judged as it was requested, against the Medical \
               Treatment Utilization Schedule (MTUS). Where the MTUS does not address a \
               treatment, other medical evidence was used in the order California law sets out."
            .into(),
    });

    out.push(Block::Heading("Reviewer credentials".into()));
    let missing = if content.draft {
        UNSIGNED
    } else {
        "not stated"
    };
    let join_or = |v: &[String]| {
        let s: Vec<&str> = v
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if s.is_empty() {
            missing.to_string()
        } else {
            s.join(", ")
        }
    };
    out.push(Block::Fields(vec![
        (
            "State(s) of licensure".into(),
            join_or(&content.credentials.licensure),
        ),
        (
            "Specialty".into(),
            join_or(&content.credentials.specialties),
        ),
    ]));

    out.push(Block::Heading("Documents reviewed".into()));
    if content.documents.is_empty() {
        out.push(Block::Para {
            lead: None,
            text: "No documents are listed in the case file.".into(),
        });
    } else {
        out.push(Block::Table {
            header: vec!["Date".into(), "Kind".into(), "Document".into()],
            rows: content
                .documents
                .iter()
                .map(|d| {
                    vec![
                        d.date
                            .map(|x| x.format("%m/%d/%Y").to_string())
                            .unwrap_or_else(|| "undated".into()),
                        d.kind.label().to_string(),
                        crate::engine::summary::title_case(d.title.trim()),
                    ]
                })
                .collect(),
        });
    }

    out.push(Block::Heading("Clinical case summary".into()));
    let summary = paragraphs(&content.summary);
    if summary.is_empty() {
        out.push(Block::Para {
            lead: None,
            text: "No summary was written.".into(),
        });
    }
    for p in summary {
        out.push(Block::Para {
            lead: None,
            text: p,
        });
    }

    out.push(Block::Heading("Disputed items and decisions".into()));
    out.push(Block::Para {
        lead: None,
        text: "\"Upheld\" means the treatment is not medically necessary and the denial stands. \
               \"Overturned\" means the treatment is medically necessary and should be provided."
            .into(),
    });
    out.push(Block::Table {
        header: vec!["#".into(), "Disputed item".into(), "Decision".into()],
        rows: content
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                vec![
                    (i + 1).to_string(),
                    item.text.trim().to_string(),
                    item.decision.imr_outcome().to_string(),
                ]
            })
            .collect(),
    });
    for (i, item) in content.items.iter().enumerate() {
        out.push(Block::SubHeading(item_heading(i, item)));
        if let Some(p) = &item.partial {
            out.push(Block::Para {
                lead: Some("Request:".into()),
                text: format!(
                    "The original request was {}. The claims administrator authorized {}. This review decides the remainder: {}.",
                    p.original.trim(),
                    p.authorized.trim(),
                    item.text.trim()
                ),
            });
        }
        out.push(Block::Para {
            lead: Some("Decision:".into()),
            text: decision_text(item.decision),
        });
        out.push(Block::Para {
            lead: Some("Guideline:".into()),
            text: citation_text(item),
        });
        let rationale = paragraphs(&item.rationale);
        if rationale.is_empty() {
            out.push(Block::Para {
                lead: Some("Rationale:".into()),
                text: "No rationale was written.".into(),
            });
        }
        for (n, p) in rationale.into_iter().enumerate() {
            out.push(Block::Para {
                lead: (n == 0).then(|| "Rationale:".to_string()),
                text: p,
            });
        }
    }

    out.push(Block::Heading("Signature".into()));
    match (&content.signature, content.draft) {
        (Some(sig), false) => out.push(Block::Para {
            lead: None,
            text: format!(
                "Signed electronically by the independent physician reviewer ({}) on {} UTC. \
                 Content fingerprint (SHA-256): {}.",
                sig.credentials.trim(),
                sig.signed_at.format("%m/%d/%Y %H:%M"),
                sig.content_hash
            ),
        }),
        _ => out.push(Block::Para {
            lead: None,
            text: "Not signed. This is a draft and is not a determination.".into(),
        }),
    }
    if let (Some(why), false) = (&content.unverified, content.draft) {
        out.push(Block::Para {
            lead: Some("Signature not verified:".into()),
            text: why.clone(),
        });
    }
    out
}

/// The plain text of every block, one line each: what every format must
/// contain, used by the tests to compare formats.
pub fn plain_lines(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Title(t) | Block::Banner(t) | Block::Heading(t) | Block::SubHeading(t) => {
                out.push(t.clone())
            }
            Block::Fields(f) => out.extend(f.iter().map(|(k, v)| format!("{k}: {v}"))),
            Block::Para { lead, text } => out.push(match lead {
                Some(l) => format!("{l} {text}"),
                None => text.clone(),
            }),
            Block::Table { header, rows } => {
                out.push(header.join(" | "));
                out.extend(rows.iter().map(|r| r.join(" | ")));
            }
        }
    }
    out
}
