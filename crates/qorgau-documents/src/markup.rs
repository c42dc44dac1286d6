//! The block markup that templates produce, and its one parser.
//!
//! A template renders to lines of this markup; the parser turns them into
//! [`Block`]s, which the three renderers (text, HTML, PDF) lay out. The markup
//! is deliberately tiny (documented in `docs/documents.md`):
//!
//! | line | block |
//! |---|---|
//! | `# text` | the document's title |
//! | `## text` | a heading |
//! | `- text` | a list item |
//! | `\| key \| value` | a key/value row (split at the first ` \| ` after the key) |
//! | `--- xx` | language separator: a new section in language `xx` (new page in PDF) |
//! | `@title: text` | the title in the document's metadata (PDF, HTML `<title>`, e-mail subject) |
//! | `@footer: text` | the footer of the section (every PDF page of it; once in text and HTML) |
//! | `@page: text` | the page label in the PDF footer, with `{page}` and `{pages}` |
//! | `\text` | a paragraph line taken literally (to start one with a marker) |
//! | other lines | paragraph text; consecutive lines join with a space |
//! | blank line | ends a paragraph |
//!
//! Values inserted by templates cannot break this structure: the template
//! formatter replaces line breaks and other control characters in every value
//! with spaces (`templates.rs`), so a value stays on the line the template put
//! it on.

use crate::error::DocumentError;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The title at the top of a section.
    Title(String),
    /// A heading.
    Heading(String),
    /// A paragraph.
    Paragraph(String),
    /// A list item.
    Item(String),
    /// A key/value row.
    Row {
        /// The key (shown bold).
        key: String,
        /// The value.
        value: String,
    },
}

/// A run of blocks in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The BCP 47 code of the section's language.
    pub language: String,
    /// `@title:`, if given.
    pub title: Option<String>,
    /// `@footer:`, if given.
    pub footer: Option<String>,
    /// `@page:`, if given; `{page}` and `{pages}` are replaced in the PDF.
    pub page_label: Option<String>,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

/// A parsed document: one or more sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The sections, in order.
    pub sections: Vec<Section>,
}

impl Document {
    /// The title for metadata: the distinct `@title:`s of the sections joined
    /// with " / " (so the bilingual order is titled in both languages), else
    /// the first `#` title, else `fallback`.
    pub fn title(&self, fallback: &str) -> String {
        let mut titles: Vec<&str> = Vec::new();
        for section in &self.sections {
            if let Some(title) = &section.title
                && !titles.contains(&title.as_str())
            {
                titles.push(title);
            }
        }
        if !titles.is_empty() {
            return titles.join(" / ");
        }
        self.sections
            .iter()
            .flat_map(|section| &section.blocks)
            .find_map(|block| match block {
                Block::Title(text) => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| fallback.to_owned())
    }

    /// The document's first language.
    pub fn language(&self) -> &str {
        self.sections
            .first()
            .map(|section| section.language.as_str())
            .unwrap_or("kk")
    }
}

/// Parses `markup` (the output of template `template_name`, in `language`)
/// into sections.
pub fn parse(markup: &str, language: &str, template_name: &str) -> Result<Document, DocumentError> {
    let refuse = |line: usize, reason: String| DocumentError::Markup {
        name: template_name.to_owned(),
        line,
        reason,
    };
    let mut sections = vec![empty_section(language)];
    let mut paragraph: Vec<String> = Vec::new();
    for (index, raw_line) in markup.lines().enumerate() {
        let line_number = index + 1;
        let line = raw_line.trim_end();
        let section = sections
            .last_mut()
            .ok_or_else(|| refuse(line_number, "no section".to_owned()))?;
        if let Some(literal) = line.strip_prefix('\\') {
            paragraph.push(normalize(literal));
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut section.blocks);
            continue;
        }
        // Every structural line ends the paragraph before it.
        let structural = line.starts_with('#')
            || line.starts_with("- ")
            || line.starts_with("| ")
            || line.starts_with('@')
            || line.starts_with("---");
        if structural {
            flush(&mut paragraph, &mut section.blocks);
        }
        if let Some(text) = line.strip_prefix("## ") {
            section.blocks.push(Block::Heading(normalize(text)));
        } else if let Some(text) = line.strip_prefix("# ") {
            section.blocks.push(Block::Title(normalize(text)));
        } else if line.starts_with('#') {
            return Err(refuse(
                line_number,
                "a line starting with '#' must be '# title' or '## heading' (write '\\#' for a literal '#')".to_owned(),
            ));
        } else if let Some(text) = line.strip_prefix("- ") {
            section.blocks.push(Block::Item(normalize(text)));
        } else if let Some(row) = line.strip_prefix("| ") {
            let (key, value) = row.split_once(" | ").ok_or_else(|| {
                refuse(
                    line_number,
                    "a row must be '| key | value' (no ' | ' after the key)".to_owned(),
                )
            })?;
            section.blocks.push(Block::Row {
                key: normalize(key),
                value: normalize(value),
            });
        } else if let Some(rest) = line.strip_prefix("---") {
            let code = rest.trim();
            if !code.is_empty() && !is_language_code(code) {
                return Err(refuse(
                    line_number,
                    format!("'---' takes an optional language code such as 'ru', not {code:?}"),
                ));
            }
            let next_language = if code.is_empty() {
                section.language.clone()
            } else {
                code.to_owned()
            };
            sections.push(empty_section(&next_language));
        } else if let Some(directive) = line.strip_prefix('@') {
            let (name, value) = directive.split_once(':').ok_or_else(|| {
                refuse(line_number, "a directive must be '@name: value'".to_owned())
            })?;
            let value = Some(normalize(value));
            match name {
                "title" => section.title = value,
                "footer" => section.footer = value,
                "page" => section.page_label = value,
                other => {
                    return Err(refuse(
                        line_number,
                        format!("unknown directive '@{other}' (known: @title, @footer, @page)"),
                    ));
                }
            }
        } else {
            paragraph.push(normalize(line));
        }
    }
    if let Some(section) = sections.last_mut() {
        flush(&mut paragraph, &mut section.blocks);
    }
    // A separator at the very end, or a section with nothing in it, adds nothing.
    sections.retain(|section| !section.blocks.is_empty() || section.footer.is_some());
    Ok(Document { sections })
}

fn empty_section(language: &str) -> Section {
    Section {
        language: language.to_owned(),
        title: None,
        footer: None,
        page_label: None,
        blocks: Vec::new(),
    }
}

fn flush(paragraph: &mut Vec<String>, blocks: &mut Vec<Block>) {
    if !paragraph.is_empty() {
        blocks.push(Block::Paragraph(paragraph.join(" ")));
        paragraph.clear();
    }
}

/// Collapses runs of spaces and tabs to one space and trims. Only ASCII
/// whitespace: a no-break space (as in "43 250") is there to stay.
fn normalize(text: &str) -> String {
    text.split(|character: char| character.is_ascii_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|byte| byte.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(markup: &str, expected: &[Block]) {
        let document = parse(markup, "kk", "test").unwrap();
        let blocks: Vec<Block> = document
            .sections
            .into_iter()
            .flat_map(|section| section.blocks)
            .collect();
        assert_eq!(blocks, expected);
    }

    #[test]
    fn every_block_kind_parses() {
        check(
            "# Title\n## Heading\nfirst line\nsecond  line\n\n- item\n| Key | value | with bar\n\\# not a title\n",
            &[
                Block::Title("Title".into()),
                Block::Heading("Heading".into()),
                Block::Paragraph("first line second line".into()),
                Block::Item("item".into()),
                Block::Row {
                    key: "Key".into(),
                    value: "value | with bar".into(),
                },
                Block::Paragraph("# not a title".into()),
            ],
        );
    }

    #[test]
    fn a_structural_line_ends_a_paragraph() {
        check(
            "text\n- item\nmore",
            &[
                Block::Paragraph("text".into()),
                Block::Item("item".into()),
                Block::Paragraph("more".into()),
            ],
        );
    }

    #[test]
    fn separators_start_sections_in_their_language() {
        let document = parse(
            "@title: Бір\n@footer: аяқ\n# Бір\n--- ru\n@title: Один\n# Один\n---\n",
            "kk",
            "t",
        )
        .unwrap();
        let languages: Vec<&str> = document
            .sections
            .iter()
            .map(|section| section.language.as_str())
            .collect();
        assert_eq!(languages, ["kk", "ru"]);
        assert_eq!(document.sections[0].footer.as_deref(), Some("аяқ"));
        assert_eq!(document.title("x"), "Бір / Один");
    }

    #[test]
    fn malformed_lines_are_refused_with_their_line() {
        for (markup, line, reason) in [
            ("ok\n#bad", 2, "'# title'"),
            ("| no separator", 1, "a row"),
            ("\n\n@color: red", 3, "unknown directive"),
            ("--- Russian", 1, "language code"),
        ] {
            let error = parse(markup, "kk", "x.jinja").unwrap_err();
            let DocumentError::Markup {
                line: got,
                reason: why,
                ..
            } = &error
            else {
                panic!("{error}");
            };
            assert_eq!(*got, line, "{markup}");
            assert!(why.contains(reason), "{why}");
        }
    }
}
