//! Blocks → PDF: our own small layout (`layout.rs`) written with `pdf-writer`.
//!
//! Fonts are embedded as Type0 fonts with a CIDFontType2 descendant, Identity-H
//! encoding, subset with `subsetter` (CIDs are the subset's glyph ids), with a
//! ToUnicode CMap so that copying and `pdftotext` give the text back. The bytes
//! depend only on the input: no clock, no random ids, the subset tag derived
//! from the glyphs used, streams compressed at a fixed level.

pub mod font;
pub mod layout;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::error::DocumentError;
use crate::markup::Document;
use font::{FaceId, Fonts};
use layout::{PAGE_HEIGHT, PAGE_WIDTH, Page};

/// What the PDF's document information says.
pub struct Metadata<'a> {
    /// `/Title`.
    pub title: &'a str,
    /// The catalog's `/Lang` (the first section's language).
    pub language: &'a str,
    /// `/CreationDate`: the document's own date, never the wall clock.
    pub date: jiff::civil::Date,
}

/// Renders `document` to PDF bytes.
pub fn render(document: &Document, metadata: &Metadata<'_>) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::get()?;
    let pages = layout::lay_out(document, fonts);
    write(&pages, fonts, metadata)
}

/// A face's glyphs as the PDF addresses them.
struct EmbeddedFace {
    id: FaceId,
    remapper: GlyphRemapper,
    /// New glyph id → the character it stands for (for ToUnicode).
    characters: BTreeMap<u16, char>,
}

fn write(pages: &[Page], fonts: &Fonts, metadata: &Metadata<'_>) -> Result<Vec<u8>, DocumentError> {
    // Which glyphs each face needs, in a fixed order so the subset is the same
    // for the same text.
    let mut used: BTreeMap<FaceId, BTreeMap<u16, char>> = BTreeMap::new();
    for run in pages.iter().flat_map(|page| &page.runs) {
        let glyphs = used.entry(run.face).or_default();
        for &(glyph, character) in &run.glyphs {
            glyphs.entry(glyph).or_insert(character);
        }
    }
    let mut faces: Vec<EmbeddedFace> = Vec::new();
    for (id, glyphs) in &used {
        let mut remapper = GlyphRemapper::new();
        let mut characters = BTreeMap::new();
        for (&glyph, &character) in glyphs {
            characters.insert(remapper.remap(glyph), character);
        }
        faces.push(EmbeddedFace {
            id: *id,
            remapper,
            characters,
        });
    }

    let mut next = 1;
    let mut allocate = || {
        let id = Ref::new(next);
        next += 1;
        id
    };
    let catalog_id = allocate();
    let page_tree_id = allocate();
    let info_id = allocate();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (allocate(), allocate())).collect();
    // Per face: Type0 font, CID font, descriptor, ToUnicode, font file.
    let face_ids: Vec<[Ref; 5]> = faces
        .iter()
        .map(|_| [allocate(), allocate(), allocate(), allocate(), allocate()])
        .collect();

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(page_tree_id);
    catalog.lang(TextStr(metadata.language));
    catalog.viewer_preferences().display_doc_title(true);
    catalog.finish();
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(metadata.title));
    info.producer(TextStr("Qorgau"));
    if let (Ok(year), Ok(month), Ok(day)) = (
        u16::try_from(metadata.date.year()),
        u8::try_from(metadata.date.month()),
        u8::try_from(metadata.date.day()),
    ) {
        info.creation_date(pdf_writer::Date::new(year).month(month).day(day));
    }
    info.finish();
    pdf.pages(page_tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));

    for (page, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut content = Content::new();
        if !page.rules.is_empty() {
            content.set_stroke_gray(0.55).set_line_width(0.5);
            for rule in &page.rules {
                content
                    .move_to(rule.x1, rule.y)
                    .line_to(rule.x2, rule.y)
                    .stroke();
            }
        }
        for run in &page.runs {
            let Some(index) = faces.iter().position(|face| face.id == run.face) else {
                continue;
            };
            let remapper = &faces[index].remapper;
            let mut encoded = Vec::with_capacity(run.glyphs.len() * 2);
            for &(glyph, _) in &run.glyphs {
                let cid = remapper.get(glyph).unwrap_or(0);
                encoded.extend_from_slice(&cid.to_be_bytes());
            }
            content
                .begin_text()
                .set_font(font_name(index), run.size)
                .set_text_matrix([1.0, 0.0, 0.0, 1.0, run.x, run.y])
                .show(Str(&encoded))
                .end_text();
        }
        let compressed = deflate(&content.finish().into_vec());
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);

        let mut page_writer = pdf.page(*page_id);
        page_writer
            .parent(page_tree_id)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        let mut resources = page_writer.resources();
        let mut font_dict = resources.fonts();
        for (index, ids) in face_ids.iter().enumerate() {
            font_dict.pair(font_name(index), ids[0]);
        }
        font_dict.finish();
        resources.finish();
        page_writer.finish();
    }

    for (face, ids) in faces.iter().zip(&face_ids) {
        write_face(&mut pdf, fonts, face, *ids)?;
    }
    Ok(pdf.finish())
}

fn font_name(index: usize) -> Name<'static> {
    match index {
        0 => Name(b"F1"),
        _ => Name(b"F2"),
    }
}

fn write_face(
    pdf: &mut Pdf,
    fonts: &Fonts,
    embedded: &EmbeddedFace,
    [type0_id, cid_id, descriptor_id, cmap_id, file_id]: [Ref; 5],
) -> Result<(), DocumentError> {
    let face = fonts.face(embedded.id);
    let subset = subsetter::subset(face.data, 0, &embedded.remapper).map_err(|error| {
        DocumentError::Font {
            face: face.postscript_name,
            reason: format!("subsetting failed: {error}"),
        }
    })?;
    let base_font = format!(
        "{}+{}",
        subset_tag(&embedded.characters),
        face.postscript_name
    );
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(type0_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let widths: Vec<f32> = embedded
        .remapper
        .remapped_gids()
        .map(|glyph| face.advance(glyph) * 1000.0)
        .collect();
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base_font.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();

    let parsed = &face.parsed;
    let bbox = parsed.global_bounding_box();
    let weight = parsed.weight().to_number();
    let mut flags = FontFlags::SYMBOLIC;
    if weight >= 600 {
        flags |= FontFlags::FORCE_BOLD;
    }
    let cap_height = parsed.capital_height().unwrap_or(parsed.ascender());
    pdf.font_descriptor(descriptor_id)
        .name(Name(base_font.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(
            face.to_pdf_units(bbox.x_min),
            face.to_pdf_units(bbox.y_min),
            face.to_pdf_units(bbox.x_max),
            face.to_pdf_units(bbox.y_max),
        ))
        .italic_angle(parsed.italic_angle())
        .ascent(face.to_pdf_units(parsed.ascender()))
        .descent(face.to_pdf_units(parsed.descender()))
        .cap_height(face.to_pdf_units(cap_height))
        // The usual estimate from the weight class (no font records stem widths).
        .stem_v(10.0 + 0.244 * (f32::from(weight) - 50.0))
        .font_file2(file_id);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (&glyph, &character) in &embedded.characters {
        cmap.pair(glyph, character);
    }
    let cmap_bytes = deflate(&cmap.finish().into_vec());
    pdf.cmap(cmap_id, &cmap_bytes)
        .writing_mode(pdf_writer::writers::WMode::Horizontal)
        .filter(Filter::FlateDecode);

    let compressed = deflate(&subset);
    let mut stream = pdf.stream(file_id, &compressed);
    stream.filter(Filter::FlateDecode);
    stream.pair(
        Name(b"Length1"),
        i32::try_from(subset.len()).unwrap_or(i32::MAX),
    );
    stream.finish();
    Ok(())
}

/// Six capitals naming the subset (PDF 32000-1 §9.6.4), from its glyphs, so
/// that the same text gives the same name.
fn subset_tag(characters: &BTreeMap<u16, char>) -> String {
    let used: BTreeSet<u32> = characters
        .values()
        .map(|&character| u32::from(character))
        .collect();
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for code in used {
        for byte in code.to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}
