//! The two embedded faces (DejaVu Sans and DejaVu Sans Bold) and what layout
//! needs from them: a glyph for each character and its advance.
//!
//! No shaping: Kazakh, Russian and English need none (every letter, including
//! ә ғ қ ң ө ұ ү һ і, is one precomposed code point with its own glyph), and
//! kerning is left out for simplicity. A character the font lacks is drawn as
//! U+FFFD (DejaVu has it) and extracts as U+FFFD, so it is visibly wrong in the
//! PDF rather than silently dropped; the text and HTML renderings keep it.

use std::sync::OnceLock;

use crate::error::DocumentError;

/// DejaVu Sans 2.37 (Bitstream Vera licence, `fonts/LICENSE`).
const REGULAR_FONT: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold 2.37 (Bitstream Vera licence, `fonts/LICENSE`).
const BOLD_FONT: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Which face a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaceId {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

impl FaceId {
    /// Both, in the order their resources are written.
    pub const ALL: [FaceId; 2] = [FaceId::Regular, FaceId::Bold];
}

/// A parsed face with what the PDF writer needs.
pub struct Face {
    /// The font file.
    pub data: &'static [u8],
    /// The PostScript name (the subset tag is prefixed to it).
    pub postscript_name: &'static str,
    /// The parsed font.
    pub parsed: ttf_parser::Face<'static>,
    units_per_em: f32,
    replacement: u16,
}

impl Face {
    fn load(
        label: &'static str,
        data: &'static [u8],
        postscript_name: &'static str,
    ) -> Result<Face, DocumentError> {
        let parsed = ttf_parser::Face::parse(data, 0).map_err(|error| DocumentError::Font {
            face: label,
            reason: error.to_string(),
        })?;
        let units_per_em = f32::from(parsed.units_per_em());
        let replacement = parsed
            .glyph_index('\u{FFFD}')
            .or_else(|| parsed.glyph_index('?'))
            .map(|glyph| glyph.0)
            .unwrap_or(0);
        Ok(Face {
            data,
            postscript_name,
            parsed,
            units_per_em,
            replacement,
        })
    }

    /// The glyph for `character`, and the character it stands for in the
    /// extracted text (the replacement character when the font lacks it).
    pub fn glyph(&self, character: char) -> (u16, char) {
        match self.parsed.glyph_index(character) {
            Some(glyph) => (glyph.0, character),
            None => (self.replacement, '\u{FFFD}'),
        }
    }

    /// Whether the font has a glyph of its own for `character`.
    pub fn covers(&self, character: char) -> bool {
        self.parsed.glyph_index(character).is_some()
    }

    /// The advance of `glyph` in em (multiply by the font size for points).
    pub fn advance(&self, glyph: u16) -> f32 {
        self.parsed
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map(|advance| f32::from(advance) / self.units_per_em)
            .unwrap_or(0.0)
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|character| self.advance(self.glyph(character).0))
            .sum::<f32>()
            * size
    }

    /// Font units → PDF glyph space (1000 per em).
    pub fn to_pdf_units(&self, value: i16) -> f32 {
        f32::from(value) * 1000.0 / self.units_per_em
    }
}

/// Both faces, parsed once per process.
pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    /// The embedded faces.
    pub fn get() -> Result<&'static Fonts, DocumentError> {
        static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
        let loaded = FONTS.get_or_init(|| {
            Ok(Fonts {
                regular: Face::load("DejaVuSans.ttf", REGULAR_FONT, "DejaVuSans")
                    .map_err(|error| error.to_string())?,
                bold: Face::load("DejaVuSans-Bold.ttf", BOLD_FONT, "DejaVuSans-Bold")
                    .map_err(|error| error.to_string())?,
            })
        });
        loaded.as_ref().map_err(|reason| DocumentError::Font {
            face: "DejaVu Sans",
            reason: reason.clone(),
        })
    }

    /// One face.
    pub fn face(&self, id: FaceId) -> &Face {
        match id {
            FaceId::Regular => &self.regular,
            FaceId::Bold => &self.bold,
        }
    }
}
