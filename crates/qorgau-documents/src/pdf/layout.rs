//! Blocks → positioned lines on A4 pages.
//!
//! A greedy line breaker over glyph advances: words go on a line while they
//! fit; a word longer than a whole line (a long URL) is broken between
//! characters, with nothing inserted, so the address reads back whole when the
//! lines are joined. Small blocks (an item, a row) are kept on one page when
//! they fit on one; a heading is kept with the start of what follows it. Each
//! section starts a new page, and every page gets its section's footer and
//! page label once the number of pages is known.

use super::font::{FaceId, Fonts};
use crate::markup::{Block, Document};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.276;
/// A4 in points.
pub const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_LEFT: f32 = 62.0;
const MARGIN_RIGHT: f32 = 56.0;
const MARGIN_TOP: f32 = 46.0;
/// Content stops here; the footer lives below.
const CONTENT_BOTTOM: f32 = 76.0;
const FOOTER_RULE: f32 = 66.0;
const FOOTER_FIRST_BASELINE: f32 = 54.0;
const FOOTER_SIZE: f32 = 7.5;
const FOOTER_LEADING: f32 = 9.5;

const BODY_SIZE: f32 = 9.5;
const BODY_LEADING: f32 = 13.0;
const TITLE_SIZE: f32 = 13.0;
const TITLE_LEADING: f32 = 18.0;
const HEADING_SIZE: f32 = 10.5;
const HEADING_LEADING: f32 = 14.0;
const BULLET_INDENT: f32 = 6.0;
const ITEM_INDENT: f32 = 18.0;
const ROW_KEY_WIDTH: f32 = 150.0;
const ROW_GAP: f32 = 12.0;

/// One line of text in one face, at a position (baseline, points from the
/// bottom-left corner).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The face.
    pub face: FaceId,
    /// Font size in points.
    pub size: f32,
    /// Left edge.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Glyph ids in the original font, with the character each stands for.
    pub glyphs: Vec<(u16, char)>,
}

/// A horizontal rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Left end.
    pub x1: f32,
    /// Right end.
    pub x2: f32,
    /// Height.
    pub y: f32,
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The text on it.
    pub runs: Vec<Run>,
    /// The rules on it.
    pub rules: Vec<Rule>,
    section: usize,
}

/// Lays out `document` into pages, footers included.
pub fn lay_out(document: &Document, fonts: &Fonts) -> Vec<Page> {
    let mut flow = Flow {
        fonts,
        pages: vec![Page::default()],
        cursor: PAGE_HEIGHT - MARGIN_TOP,
        page_has_content: false,
    };
    for (index, section) in document.sections.iter().enumerate() {
        if flow.page_has_content {
            flow.new_page();
        }
        flow.current().section = index;
        let mut previous: Option<&Block> = None;
        for (position, block) in section.blocks.iter().enumerate() {
            // A little air after a list or a table, before what is not one.
            let leaving_group = previous.is_some_and(|previous| {
                matches!(previous, Block::Item(_) | Block::Row { .. })
                    && std::mem::discriminant(previous) != std::mem::discriminant(block)
            });
            if leaving_group {
                flow.space(5.0);
            }
            flow.block(block, section.blocks.get(position + 1));
            previous = Some(block);
        }
    }
    let total = flow.pages.len();
    let mut pages = flow.pages;
    for (number, page) in pages.iter_mut().enumerate() {
        if let Some(section) = document.sections.get(page.section) {
            add_footer(
                page,
                fonts,
                section.footer.as_deref(),
                section.page_label.as_deref(),
                number + 1,
                total,
            );
        }
    }
    pages
}

struct Flow<'a> {
    fonts: &'a Fonts,
    pages: Vec<Page>,
    /// The top of the next line, in points from the bottom.
    cursor: f32,
    page_has_content: bool,
}

impl Flow<'_> {
    fn current(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        let section = self.pages.last().map(|page| page.section).unwrap_or(0);
        self.pages.push(Page {
            section,
            ..Page::default()
        });
        self.cursor = PAGE_HEIGHT - MARGIN_TOP;
        self.page_has_content = false;
    }

    /// Starts a new page unless `height` still fits (or the page is empty, in
    /// which case nothing better is possible).
    fn ensure(&mut self, height: f32) {
        if self.page_has_content && self.cursor - height < CONTENT_BOTTOM {
            self.new_page();
        }
    }

    fn space(&mut self, height: f32) {
        if self.page_has_content {
            self.cursor -= height;
        }
    }

    fn content_width() -> f32 {
        PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    }

    fn block(&mut self, block: &Block, next: Option<&Block>) {
        let fonts = self.fonts;
        let width = Self::content_width();
        match block {
            Block::Title(text) => {
                let lines = wrap(fonts, FaceId::Bold, TITLE_SIZE, text, width);
                self.space(6.0);
                self.ensure(lines.len() as f32 * TITLE_LEADING + 2.0 * BODY_LEADING);
                for line in lines {
                    let line_width = fonts.face(FaceId::Bold).width(&line, TITLE_SIZE);
                    let x = MARGIN_LEFT + (width - line_width).max(0.0) / 2.0;
                    self.line(FaceId::Bold, TITLE_SIZE, TITLE_LEADING, x, &line);
                }
                self.space(10.0);
            }
            Block::Heading(text) => {
                let lines = wrap(fonts, FaceId::Bold, HEADING_SIZE, text, width);
                self.space(8.0);
                // Keep the heading with the first lines of what follows it.
                let following = if next.is_some() {
                    2.0 * BODY_LEADING
                } else {
                    0.0
                };
                self.ensure(lines.len() as f32 * HEADING_LEADING + following);
                for line in lines {
                    self.line(
                        FaceId::Bold,
                        HEADING_SIZE,
                        HEADING_LEADING,
                        MARGIN_LEFT,
                        &line,
                    );
                }
                self.space(3.0);
            }
            Block::Paragraph(text) => {
                for line in wrap(fonts, FaceId::Regular, BODY_SIZE, text, width) {
                    self.ensure(BODY_LEADING);
                    self.line(FaceId::Regular, BODY_SIZE, BODY_LEADING, MARGIN_LEFT, &line);
                }
                self.space(6.0);
            }
            Block::Item(text) => {
                let lines = wrap(fonts, FaceId::Regular, BODY_SIZE, text, width - ITEM_INDENT);
                self.ensure(lines.len() as f32 * BODY_LEADING);
                let mut first = true;
                for line in lines {
                    // A page break inside an item longer than a page: continue.
                    self.ensure(BODY_LEADING);
                    if first {
                        let baseline = self.baseline(BODY_SIZE, BODY_LEADING);
                        self.put(
                            FaceId::Regular,
                            BODY_SIZE,
                            MARGIN_LEFT + BULLET_INDENT,
                            baseline,
                            "•",
                        );
                        first = false;
                    }
                    self.line(
                        FaceId::Regular,
                        BODY_SIZE,
                        BODY_LEADING,
                        MARGIN_LEFT + ITEM_INDENT,
                        &line,
                    );
                }
                self.space(2.0);
            }
            Block::Row { key, value } => {
                let key_lines = wrap(fonts, FaceId::Bold, BODY_SIZE, key, ROW_KEY_WIDTH);
                let value_x = MARGIN_LEFT + ROW_KEY_WIDTH + ROW_GAP;
                let value_width = width - ROW_KEY_WIDTH - ROW_GAP;
                let value_lines = wrap(fonts, FaceId::Regular, BODY_SIZE, value, value_width);
                let rows = key_lines.len().max(value_lines.len());
                self.ensure(rows as f32 * BODY_LEADING);
                for index in 0..rows {
                    self.ensure(BODY_LEADING);
                    let baseline = self.baseline(BODY_SIZE, BODY_LEADING);
                    if let Some(line) = key_lines.get(index) {
                        self.put(FaceId::Bold, BODY_SIZE, MARGIN_LEFT, baseline, line);
                    }
                    if let Some(line) = value_lines.get(index) {
                        self.put(FaceId::Regular, BODY_SIZE, value_x, baseline, line);
                    }
                    self.cursor -= BODY_LEADING;
                    self.page_has_content = true;
                }
                self.space(3.0);
            }
        }
    }

    /// The baseline of a line whose top is the cursor.
    fn baseline(&self, size: f32, leading: f32) -> f32 {
        // Centre the glyphs' em box in the leading; DejaVu's ascender is ~0.76 em
        // of the em box above the baseline for Latin and Cyrillic capitals.
        self.cursor - (leading - size) / 2.0 - size * 0.8
    }

    fn line(&mut self, face: FaceId, size: f32, leading: f32, x: f32, text: &str) {
        let baseline = self.baseline(size, leading);
        self.put(face, size, x, baseline, text);
        self.cursor -= leading;
        self.page_has_content = true;
    }

    fn put(&mut self, face: FaceId, size: f32, x: f32, y: f32, text: &str) {
        let run = shape(self.fonts, face, size, x, y, text);
        self.current().runs.push(run);
    }
}

fn shape(fonts: &Fonts, face: FaceId, size: f32, x: f32, y: f32, text: &str) -> Run {
    let font = fonts.face(face);
    Run {
        face,
        size,
        x,
        y,
        glyphs: text
            .chars()
            .map(|character| font.glyph(character))
            .collect(),
    }
}

fn add_footer(
    page: &mut Page,
    fonts: &Fonts,
    footer: Option<&str>,
    page_label: Option<&str>,
    number: usize,
    total: usize,
) {
    if footer.is_none() && page_label.is_none() {
        return;
    }
    let face = fonts.face(FaceId::Regular);
    page.rules.push(Rule {
        x1: MARGIN_LEFT,
        x2: PAGE_WIDTH - MARGIN_RIGHT,
        y: FOOTER_RULE,
    });
    let mut text_width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
    if let Some(label) = page_label {
        let label = label
            .replace("{page}", &number.to_string())
            .replace("{pages}", &total.to_string());
        let label_width = face.width(&label, FOOTER_SIZE);
        let x = PAGE_WIDTH - MARGIN_RIGHT - label_width;
        page.runs.push(shape(
            fonts,
            FaceId::Regular,
            FOOTER_SIZE,
            x,
            FOOTER_FIRST_BASELINE,
            &label,
        ));
        text_width -= label_width + 12.0;
    }
    if let Some(footer) = footer {
        let mut baseline = FOOTER_FIRST_BASELINE;
        // At most three lines fit under the rule; a longer footer is the
        // template's mistake, and its end is dropped rather than overprinted.
        for line in wrap(fonts, FaceId::Regular, FOOTER_SIZE, footer, text_width)
            .into_iter()
            .take(3)
        {
            page.runs.push(shape(
                fonts,
                FaceId::Regular,
                FOOTER_SIZE,
                MARGIN_LEFT,
                baseline,
                &line,
            ));
            baseline -= FOOTER_LEADING;
        }
    }
}

/// Breaks `text` into lines no wider than `width` points.
pub fn wrap(fonts: &Fonts, face: FaceId, size: f32, text: &str, width: f32) -> Vec<String> {
    let font = fonts.face(face);
    let space = font.width(" ", size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0_f32;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let word_width = font.width(word, size);
        if line.is_empty() && word_width <= width {
            line.push_str(word);
            line_width = word_width;
        } else if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
        } else if word_width <= width {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
            line_width = word_width;
        } else {
            // Longer than a whole line: start it on a line of its own and break
            // it between characters, inserting nothing.
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_width = 0.0;
            for character in word.chars() {
                let character_width = font.advance(font.glyph(character).0) * size;
                if !line.is_empty() && line_width + character_width > width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(character);
                line_width += character_width;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_within_the_width_and_long_words_break_between_characters() {
        let fonts = Fonts::get().unwrap();
        let width = 120.0;
        let text = "Интернет-ресурстың иесі нұсқаманы алған сәттен бастап https://example.kz/a/very/long/path/that/cannot/fit/on/one/line?with=query&and=more end";
        let lines = wrap(fonts, FaceId::Regular, 10.0, text, width);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(
                fonts.face(FaceId::Regular).width(line, 10.0) <= width,
                "{line}"
            );
        }
        // Nothing is lost or added: joining the lines (with the spaces the
        // breaker removed) gives the text back.
        let url =
            "https://example.kz/a/very/long/path/that/cannot/fit/on/one/line?with=query&and=more";
        assert!(lines.concat().contains(url), "{lines:?}");
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
    }
}
