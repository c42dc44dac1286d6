//! Blocks → plain text (the body of an e-mail).
//!
//! Lines are not wrapped: mail clients wrap prose, and a wrapped URL stops
//! being a URL. Titles and headings are underlined, rows read `key: value`,
//! blocks are separated by an empty line except inside a list, inside a run
//! of rows and right under a heading.

use crate::markup::{Block, Document};

/// Renders `document` as plain text.
pub fn render(document: &Document) -> String {
    let mut out = String::new();
    for (index, section) in document.sections.iter().enumerate() {
        if index > 0 {
            blank_line(&mut out);
            out.push_str("----------------------------------------\n");
        }
        let mut previous: Option<&Block> = None;
        for block in &section.blocks {
            let attached = matches!(
                (previous, block),
                (Some(Block::Heading(_)), _)
                    | (Some(Block::Item(_)), Block::Item(_))
                    | (Some(Block::Row { .. }), Block::Row { .. })
            );
            if !attached {
                blank_line(&mut out);
            }
            match block {
                Block::Title(text) => underlined(&mut out, text, '='),
                Block::Heading(text) => underlined(&mut out, text, '-'),
                Block::Paragraph(text) => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Item(text) => {
                    out.push_str("- ");
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Row { key, value } => {
                    out.push_str(key);
                    out.push_str(": ");
                    out.push_str(value);
                    out.push('\n');
                }
            }
            previous = Some(block);
        }
        if let Some(footer) = &section.footer {
            blank_line(&mut out);
            out.push_str("--\n");
            out.push_str(footer);
            out.push('\n');
        }
    }
    // Exactly one newline at the end, however the last block ended.
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn underlined(out: &mut String, text: &str, line: char) {
    out.push_str(text);
    out.push('\n');
    out.extend(std::iter::repeat_n(line, text.chars().count()));
    out.push('\n');
}

/// Ends the output with an empty line (a block boundary), unless it is empty.
fn blank_line(out: &mut String) {
    if out.is_empty() {
        return;
    }
    while !out.ends_with("\n\n") {
        out.push('\n');
    }
}
