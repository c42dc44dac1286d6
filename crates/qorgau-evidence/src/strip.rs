//! A copy of an uploaded image without its metadata, for staff to look at.
//!
//! A photo from a phone carries Exif — often with the GPS position where it
//! was taken: where a child lives or goes to school — and XMP, IPTC and
//! comments that may repeat it. The upload itself is evidence and is kept
//! byte for byte; [`strip_metadata`] makes a second object from it for
//! display, linked to the original (`cas::DerivedLink`, derivation
//! `MetadataStripped`).
//!
//! Nothing is decoded or re-encoded: the file is cut along its own
//! structure and every part that is kept is copied byte for byte — the
//! picture is the same bytes as the original's. Three formats:
//!
//! - **JPEG**: the application segments APP0 `JFIF`/`JFXX`, APP2
//!   `ICC_PROFILE` and APP14 `Adobe` are kept, as is every segment that is
//!   not an application segment or a comment (tables, frame, scans, restart
//!   intervals) and the entropy-coded data of each scan, which runs until
//!   the next marker that is neither a stuffed `FF 00` nor a restart marker.
//!   Dropped: APP1 (Exif, XMP), APP13 (Photoshop, IPTC), COM, every other
//!   application segment (APP2 `MPF` and FlashPix, makers' APP3–APP15) and
//!   whatever follows the end of the image (a phone's second picture or
//!   video, with an Exif block of its own).
//! - **PNG**: `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks are dropped,
//!   every other chunk is kept whole (its CRC with it), and nothing after
//!   `IEND`.
//! - **WebP**: `EXIF` and `XMP ` chunks are dropped, the `VP8X` chunk's
//!   Exif and XMP flags cleared, the RIFF size set to what is left; nothing
//!   after the RIFF chunk is kept.
//!
//! Anything else, or a file that does not parse as its format says (cut
//! short, a length past its end), is a [`StripError`]: no copy is made, and
//! whoever shows the file says it was not checked — never a guess. Every
//! read is bounds-checked: no input makes this panic, and a stripped copy
//! stripped again is the same bytes (both are property-tested).

use std::collections::BTreeSet;

/// A format [`strip_metadata`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
    WebP,
}

impl ImageFormat {
    /// The format the first bytes say, if one of these.
    pub fn of(bytes: &[u8]) -> Option<ImageFormat> {
        if bytes.starts_with(PNG_SIGNATURE) {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
            Some(ImageFormat::WebP)
        } else {
            None
        }
    }

    /// The media type, e.g. `image/jpeg`.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::WebP => "image/webp",
        }
    }
}

impl std::fmt::Display for ImageFormat {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Png => "PNG",
            ImageFormat::WebP => "WebP",
        })
    }
}

/// What kind of metadata a stripped copy lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Removed {
    /// Exif (camera, time, the GPS block): JPEG APP1 `Exif`, PNG `eXIf`,
    /// WebP `EXIF`.
    Exif,
    /// XMP: JPEG APP1 (standard and extended), WebP `XMP `.
    Xmp,
    /// Photoshop image resources with IPTC: JPEG APP13.
    Photoshop,
    /// Another JPEG application segment (MPF, FlashPix, a maker's own).
    ApplicationSegment,
    /// A JPEG comment (COM).
    Comment,
    /// PNG text: `tEXt`, `zTXt`, `iTXt` (XMP travels in `iTXt`).
    Text,
    /// PNG `tIME`: when the picture was last changed.
    Time,
    /// Bytes after the image's end.
    TrailingData,
}

impl Removed {
    /// The stable code (the record's `stripped.removed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Removed::Exif => "exif",
            Removed::Xmp => "xmp",
            Removed::Photoshop => "photoshop",
            Removed::ApplicationSegment => "application_segment",
            Removed::Comment => "comment",
            Removed::Text => "text",
            Removed::Time => "time",
            Removed::TrailingData => "trailing_data",
        }
    }
}

/// A copy without metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    pub format: ImageFormat,
    /// The copy. The same bytes as the original when `removed` is empty
    /// (for WebP, but for `VP8X` flags naming chunks that were not there).
    pub bytes: Vec<u8>,
    /// What was taken out, each kind once, in a fixed order.
    pub removed: Vec<Removed>,
}

/// Why no copy was made. Not shown to people as such: the staff page says
/// the original was not checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripError {
    #[error("not a JPEG, PNG or WebP file")]
    Unsupported,
    #[error("the {format} file ends early (at byte {at})")]
    Truncated { format: ImageFormat, at: usize },
    #[error("the {format} file is malformed at byte {at}: {what}")]
    Malformed {
        format: ImageFormat,
        at: usize,
        what: &'static str,
    },
}

/// `bytes` without their metadata (see the module's documentation), or why
/// not.
pub fn strip_metadata(bytes: &[u8]) -> Result<Stripped, StripError> {
    let format = ImageFormat::of(bytes).ok_or(StripError::Unsupported)?;
    let mut removed = BTreeSet::new();
    let bytes = match format {
        ImageFormat::Jpeg => strip_jpeg(bytes, &mut removed)?,
        ImageFormat::Png => strip_png(bytes, &mut removed)?,
        ImageFormat::WebP => strip_webp(bytes, &mut removed)?,
    };
    Ok(Stripped {
        format,
        bytes,
        removed: removed.into_iter().collect(),
    })
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The bytes `at..at + length`, or where the file ends early.
fn take(input: &[u8], at: usize, length: usize, format: ImageFormat) -> Result<&[u8], StripError> {
    at.checked_add(length)
        .and_then(|end| input.get(at..end))
        .ok_or(StripError::Truncated {
            format,
            at: input.len(),
        })
}

fn malformed(format: ImageFormat, at: usize, what: &'static str) -> StripError {
    StripError::Malformed { format, at, what }
}

const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// Whether a JPEG segment is kept, and if not, what it was.
fn jpeg_keeps(code: u8, payload: &[u8]) -> Result<(), Removed> {
    match code {
        0xE0 if payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0") => Ok(()),
        0xE1 if payload.starts_with(b"Exif\0") => Err(Removed::Exif),
        0xE1 if payload.starts_with(XMP) || payload.starts_with(XMP_EXTENSION) => Err(Removed::Xmp),
        0xE2 if payload.starts_with(b"ICC_PROFILE\0") => Ok(()),
        0xED => Err(Removed::Photoshop),
        0xEE if payload.starts_with(b"Adobe") => Ok(()),
        0xE0..=0xEF => Err(Removed::ApplicationSegment),
        0xFE => Err(Removed::Comment),
        _ => Ok(()),
    }
}

/// JPEG (ITU T.81 annex B): SOI, then markers — each after one `FF` and
/// any number of fill `FF`s — until EOI. Standalone markers (TEM, RSTn)
/// have no length; SOS is followed by entropy-coded data.
fn strip_jpeg(input: &[u8], removed: &mut BTreeSet<Removed>) -> Result<Vec<u8>, StripError> {
    const FORMAT: ImageFormat = ImageFormat::Jpeg;
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(take(input, 0, 2, FORMAT)?);
    let mut at = 2;
    let mut scanned = false;
    loop {
        let start = at;
        if take(input, at, 1, FORMAT)? != [0xFF] {
            return Err(malformed(FORMAT, at, "a marker was expected"));
        }
        while input.get(at) == Some(&0xFF) {
            at += 1;
        }
        let code =
            *take(input, at, 1, FORMAT)?
                .first()
                .ok_or(malformed(FORMAT, at, "no marker code"))?;
        at += 1;
        match code {
            0x00 => return Err(malformed(FORMAT, start, "a stuffed byte outside a scan")),
            0xD8 => return Err(malformed(FORMAT, start, "a second start of image")),
            0xD9 => {
                if !scanned {
                    return Err(malformed(FORMAT, start, "the image ends before any scan"));
                }
                out.extend_from_slice(&input[start..at]);
                if at < input.len() {
                    removed.insert(Removed::TrailingData);
                }
                return Ok(out);
            }
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&input[start..at]),
            _ => {
                let length = take(input, at, 2, FORMAT)?;
                let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
                if length < 2 {
                    return Err(malformed(FORMAT, at, "a segment length below 2"));
                }
                let payload = take(input, at + 2, length - 2, FORMAT)?;
                let end = at + length;
                match jpeg_keeps(code, payload) {
                    Ok(()) => out.extend_from_slice(&input[start..end]),
                    Err(kind) => {
                        removed.insert(kind);
                    }
                }
                at = end;
                if code == 0xDA {
                    scanned = true;
                    let data_end = entropy_coded_end(input, at)?;
                    out.extend_from_slice(&input[at..data_end]);
                    at = data_end;
                }
            }
        }
    }
}

/// Where a scan's entropy-coded data starting at `at` ends: at the `FF`
/// that begins the next marker other than RSTn. Inside the data an `FF` is
/// followed by `00` (a stuffed byte) or a restart marker, either after
/// fill `FF`s, as decoders read them.
fn entropy_coded_end(input: &[u8], mut at: usize) -> Result<usize, StripError> {
    loop {
        let Some(offset) = input
            .get(at..)
            .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
        else {
            return Err(StripError::Truncated {
                format: ImageFormat::Jpeg,
                at: input.len(),
            });
        };
        let marker = at + offset;
        let mut next = marker + 1;
        while input.get(next) == Some(&0xFF) {
            next += 1;
        }
        match input.get(next) {
            None => {
                return Err(StripError::Truncated {
                    format: ImageFormat::Jpeg,
                    at: input.len(),
                });
            }
            Some(0x00 | 0xD0..=0xD7) => at = next + 1,
            Some(_) => return Ok(marker),
        }
    }
}

/// PNG: the signature, then chunks (length, type, data, CRC) from `IHDR`
/// to `IEND`.
fn strip_png(input: &[u8], removed: &mut BTreeSet<Removed>) -> Result<Vec<u8>, StripError> {
    const FORMAT: ImageFormat = ImageFormat::Png;
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        let head = take(input, at, 8, FORMAT)?;
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        if length > 0x7FFF_FFFF {
            return Err(malformed(FORMAT, at, "a chunk length above 2³¹ − 1"));
        }
        let kind = &head[4..8];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed(
                FORMAT,
                at + 4,
                "a chunk type that is not four letters",
            ));
        }
        if at == PNG_SIGNATURE.len() && kind != b"IHDR" {
            return Err(malformed(FORMAT, at + 4, "the first chunk is not IHDR"));
        }
        let whole = take(input, at, 12 + length as usize, FORMAT)?;
        match kind {
            b"eXIf" => {
                removed.insert(Removed::Exif);
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                removed.insert(Removed::Text);
            }
            b"tIME" => {
                removed.insert(Removed::Time);
            }
            _ => out.extend_from_slice(whole),
        }
        at += whole.len();
        if kind == b"IEND" {
            if at < input.len() {
                removed.insert(Removed::TrailingData);
            }
            return Ok(out);
        }
    }
}

/// The `VP8X` flags naming an Exif and an XMP chunk.
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

/// WebP: `RIFF`, the size of what follows, `WEBP`, then chunks (FourCC,
/// little-endian size, data, a pad byte when the size is odd) to the RIFF
/// size's end.
fn strip_webp(input: &[u8], removed: &mut BTreeSet<Removed>) -> Result<Vec<u8>, StripError> {
    const FORMAT: ImageFormat = ImageFormat::WebP;
    let head = take(input, 0, 12, FORMAT)?;
    let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
    let riff_end = size
        .checked_add(8)
        .filter(|end| *end <= input.len())
        .ok_or(StripError::Truncated {
            format: FORMAT,
            at: input.len(),
        })?;
    if riff_end < 12 {
        return Err(malformed(FORMAT, 4, "a RIFF size below 4"));
    }
    if riff_end < input.len() {
        removed.insert(Removed::TrailingData);
    }
    let riff = &input[..riff_end];
    let mut out = Vec::with_capacity(riff_end);
    out.extend_from_slice(head);
    let mut flags_at = None;
    let mut at = 12;
    while at < riff_end {
        let chunk_head = take(riff, at, 8, FORMAT)?;
        let fourcc = &chunk_head[..4];
        let length =
            u32::from_le_bytes([chunk_head[4], chunk_head[5], chunk_head[6], chunk_head[7]])
                as usize;
        if at == 12 && !matches!(fourcc, b"VP8 " | b"VP8L" | b"VP8X") {
            return Err(malformed(
                FORMAT,
                at,
                "the first chunk is not VP8, VP8L or VP8X",
            ));
        }
        let padded = length
            .checked_add(length % 2)
            .and_then(|padded| padded.checked_add(8))
            .ok_or(malformed(FORMAT, at + 4, "a chunk size past any file"))?;
        let whole = take(riff, at, padded, FORMAT)?;
        match fourcc {
            b"EXIF" => {
                removed.insert(Removed::Exif);
            }
            b"XMP " => {
                removed.insert(Removed::Xmp);
            }
            _ => {
                if fourcc == b"VP8X" {
                    if length < 10 {
                        return Err(malformed(
                            FORMAT,
                            at + 4,
                            "a VP8X chunk shorter than 10 bytes",
                        ));
                    }
                    if flags_at.is_some() {
                        return Err(malformed(FORMAT, at, "a second VP8X chunk"));
                    }
                    flags_at = Some(out.len() + 8);
                }
                out.extend_from_slice(whole);
            }
        }
        at += whole.len();
    }
    if at == 12 {
        return Err(malformed(FORMAT, at, "no chunk"));
    }
    if let Some(flags) = flags_at.and_then(|at| out.get_mut(at)) {
        *flags &= !(VP8X_EXIF | VP8X_XMP);
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| malformed(FORMAT, 4, "too large"))?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qorgau_testkit::images::{self, GPS_MARK, contains, jpeg_segment, png_chunk, riff_chunk};

    /// No trace of the position: no Exif header, no GPS rationals, no text
    /// stating it.
    fn assert_no_position(bytes: &[u8]) {
        assert!(!contains(bytes, b"Exif"), "an Exif header is left");
        assert!(
            !contains(bytes, &images::latitude_rationals()),
            "the GPS latitude is left"
        );
        assert!(!contains(bytes, GPS_MARK), "the position is left as text");
        assert!(
            !contains(bytes, &images::exif_tiff_with_gps()[..8]),
            "a TIFF header is left"
        );
    }

    fn strip(bytes: &[u8]) -> Stripped {
        let stripped = strip_metadata(bytes).unwrap();
        // Stripping a stripped copy changes nothing.
        let again = strip_metadata(&stripped.bytes).unwrap();
        assert_eq!(again.bytes, stripped.bytes, "stripping is idempotent");
        assert_eq!(again.removed, []);
        stripped
    }

    #[test]
    fn a_jpeg_loses_exif_xmp_iptc_and_comments_and_keeps_the_picture_byte_for_byte() {
        let jpeg = images::jpeg_with_gps();
        assert!(contains(&jpeg, &images::latitude_rationals()));
        let stripped = strip(&jpeg);
        assert_eq!(stripped.format, ImageFormat::Jpeg);
        assert_no_position(&stripped.bytes);
        assert_eq!(
            stripped.removed,
            [
                Removed::Exif,
                Removed::Xmp,
                Removed::Photoshop,
                Removed::Comment
            ]
        );
        // SOI, JFIF, the picture, EOI: nothing else, nothing changed.
        let mut expected = vec![0xFF, 0xD8];
        expected.extend(jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        expected.extend(images::jpeg_picture());
        expected.extend([0xFF, 0xD9]);
        assert_eq!(stripped.bytes, expected);
    }

    /// A JPEG exercising the parser: ICC and Adobe segments kept, a maker's
    /// segment and MPF dropped, fill bytes before markers, stuffed `FF 00`
    /// and restart markers in the scan, a second scan with a comment and an
    /// Exif block between the two, a restart interval, and a second picture
    /// after EOI.
    #[test]
    fn every_kept_segment_and_the_entropy_coded_data_are_copied_byte_for_byte() {
        let exif = jpeg_segment(
            0xE1,
            &[b"Exif\0\0".as_slice(), &images::exif_tiff_with_gps()].concat(),
        );
        let icc = jpeg_segment(0xE2, b"ICC_PROFILE\0\x01\x01not really a profile");
        let mpf = jpeg_segment(0xE2, b"MPF\0MM\0\x2a\0\0\0\x08");
        let adobe = jpeg_segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01");
        let maker = jpeg_segment(0xEA, b"a maker's own block");
        let dri = jpeg_segment(0xDD, &[0, 1]);
        let scan = jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]);
        // FF 00 stuffed, RST0 and RST1 (one after fill bytes), FF FF 00 as
        // decoders read it (one stuffed FF). The comment after it holds
        // FF D9 in its payload, which is not a marker.
        let data_1 = [
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD1, 0x78, 0xFF, 0xFF, 0x00,
            0x9A,
        ];
        let data_2 = [0xAB, 0xFF, 0x00, 0xFF, 0xD7, 0xCD];
        let comment = jpeg_segment(0xFE, b"second scan, \xFF\xD9 inside a comment");
        let dht = jpeg_segment(
            0xC4,
            &[0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF],
        );
        let tem = [0xFF, 0x01];
        let picture = {
            let mut picture = images::jpeg_picture();
            picture.pop(); // the one-byte scan of jpeg_picture
            picture
        };
        let trailer = images::jpeg_with_gps();

        let mut jpeg = vec![0xFF, 0xD8];
        let mut expected = vec![0xFF, 0xD8];
        for (part, kept) in [
            (icc, true),
            (exif.clone(), false),
            (mpf, false),
            // Fill bytes belong to the marker they precede.
            ([[0xFF, 0xFF].as_slice(), &adobe].concat(), true),
            (maker, false),
            (dri, true),
            (tem.to_vec(), true),
            (picture, true),
            (data_1.to_vec(), true),
            (comment, false),
            ([[0xFF].as_slice(), &exif].concat(), false),
            ([[0xFF, 0xFF].as_slice(), &dht].concat(), true),
            (scan, true),
            (data_2.to_vec(), true),
            (vec![0xFF, 0xFF, 0xFF, 0xD9], true),
            (trailer, false),
        ] {
            jpeg.extend_from_slice(&part);
            if kept {
                expected.extend_from_slice(&part);
            }
        }
        let stripped = strip(&jpeg);
        assert_eq!(stripped.bytes, expected);
        assert_no_position(&stripped.bytes);
        assert_eq!(
            stripped.removed,
            [
                Removed::Exif,
                Removed::ApplicationSegment,
                Removed::Comment,
                Removed::TrailingData
            ]
        );
    }

    #[test]
    fn a_png_loses_exif_text_and_time_chunks_and_keeps_the_others_whole() {
        let png = images::png_with_gps();
        let stripped = strip(&png);
        assert_eq!(stripped.format, ImageFormat::Png);
        assert_no_position(&stripped.bytes);
        assert!(!contains(&stripped.bytes, b"tIME"));
        assert_eq!(
            stripped.removed,
            [Removed::Exif, Removed::Text, Removed::Time]
        );
        let mut expected = b"\x89PNG\r\n\x1a\n".to_vec();
        expected.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        expected.extend(png_chunk(b"gAMA", &45455u32.to_be_bytes()));
        expected.extend(png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
        expected.extend(png_chunk(b"IDAT", &images::zlib_stored(&[0x00, 0x80])));
        expected.extend(png_chunk(b"IEND", &[]));
        assert_eq!(stripped.bytes, expected);
        // Bytes after IEND go too.
        let with_trailer = [png.as_slice(), b"PK\x03\x04 a zip file"].concat();
        let stripped = strip(&with_trailer);
        assert_eq!(stripped.bytes, expected);
        assert!(stripped.removed.contains(&Removed::TrailingData));
    }

    #[test]
    fn a_webp_loses_its_exif_and_xmp_chunks_and_flags_and_gets_its_size_fixed() {
        let webp = images::webp_with_gps();
        let stripped = strip(&webp);
        assert_eq!(stripped.format, ImageFormat::WebP);
        assert_no_position(&stripped.bytes);
        assert_eq!(stripped.removed, [Removed::Exif, Removed::Xmp]);
        // The alpha flag stays; the picture's chunk is the same bytes.
        let expected = images::webp(&[
            images::vp8x(0x10),
            riff_chunk(b"VP8L", &images::VP8L_ONE_PIXEL),
        ]);
        assert_eq!(stripped.bytes, expected);
        // An Exif chunk in a simple-format file (no VP8X), an ICC profile
        // and animation chunks kept, an odd-sized chunk's pad byte with it.
        let simple = images::webp(&[
            riff_chunk(b"VP8L", &images::VP8L_ONE_PIXEL),
            riff_chunk(b"EXIF", &images::exif_tiff_with_gps()),
        ]);
        assert_eq!(
            strip(&simple).bytes,
            images::webp(&[riff_chunk(b"VP8L", &images::VP8L_ONE_PIXEL)])
        );
        let extended = images::webp(&[
            images::vp8x(0x20 | 0x02 | 0x08),
            riff_chunk(b"ICCP", b"profile"),
            riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]),
            riff_chunk(b"EXIF", &images::exif_tiff_with_gps()),
            riff_chunk(b"ANMF", &[1; 17]),
            unknown_chunk(),
        ]);
        let stripped = strip(&extended);
        assert_eq!(
            stripped.bytes,
            images::webp(&[
                images::vp8x(0x20 | 0x02),
                riff_chunk(b"ICCP", b"profile"),
                riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]),
                riff_chunk(b"ANMF", &[1; 17]),
                unknown_chunk(),
            ])
        );
    }

    /// A second opinion: exiftool finds the position in each original and
    /// nothing of GPS, XMP, IPTC or comments in its stripped copy.
    #[test]
    fn exiftool_finds_no_position_in_the_stripped_copies() {
        let folder = tempfile::tempdir().unwrap();
        for (name, original) in [
            ("photo.jpg", images::jpeg_with_gps()),
            ("photo.png", images::png_with_gps()),
            ("photo.webp", images::webp_with_gps()),
        ] {
            let path = folder.path().join(name);
            std::fs::write(&path, &original).unwrap();
            let Some(found) = qorgau_testkit::images::exiftool_metadata(&path) else {
                return;
            };
            assert!(found.contains("GPSLatitude"), "{name}: {found}");
            std::fs::write(&path, strip(&original).bytes).unwrap();
            let found = qorgau_testkit::images::exiftool_metadata(&path).unwrap();
            assert_eq!(found, "", "{name} after stripping");
        }
    }

    fn unknown_chunk() -> Vec<u8> {
        riff_chunk(b"UNKN", b"an unknown chunk is kept")
    }

    #[test]
    fn a_file_without_metadata_is_copied_unchanged() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(images::jpeg_picture());
        jpeg.extend([0xFF, 0xD9]);
        let png = [
            b"\x89PNG\r\n\x1a\n".as_slice(),
            &png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]),
            &png_chunk(b"IDAT", &images::zlib_stored(&[0x00, 0x80])),
            &png_chunk(b"IEND", &[]),
        ]
        .concat();
        let webp = images::webp(&[riff_chunk(b"VP8L", &images::VP8L_ONE_PIXEL)]);
        for file in [jpeg, png, webp] {
            let stripped = strip(&file);
            assert_eq!(stripped.bytes, file);
            assert_eq!(stripped.removed, []);
        }
    }

    #[test]
    fn truncated_and_malformed_files_are_errors() {
        let jpeg = images::jpeg_with_gps();
        let png = images::png_with_gps();
        let webp = images::webp_with_gps();
        // Every cut of each file: an error, never a panic, never a copy
        // (a cut JPEG has no EOI; a cut PNG no IEND; a cut WebP is shorter
        // than its RIFF size).
        for file in [&jpeg, &png, &webp] {
            for end in 0..file.len() {
                let cut = &file[..end];
                assert!(
                    strip_metadata(cut).is_err(),
                    "cut at {end} of {}",
                    file.len()
                );
            }
        }
        assert_eq!(strip_metadata(b"GIF89a..."), Err(StripError::Unsupported));
        assert_eq!(strip_metadata(b"%PDF-1.7"), Err(StripError::Unsupported));
        assert_eq!(strip_metadata(b""), Err(StripError::Unsupported));
        let format = ImageFormat::Jpeg;
        // A segment length of 0 or 1; a length past the end.
        for bad in [
            b"\xFF\xD8\xFF\xE1\x00\x00".as_slice(),
            b"\xFF\xD8\xFF\xE1\x00\x01",
        ] {
            assert!(matches!(
                strip_metadata(bad),
                Err(StripError::Malformed { format: f, .. }) if f == format
            ));
        }
        assert_eq!(
            strip_metadata(b"\xFF\xD8\xFF\xE1\x10\x00Exif"),
            Err(StripError::Truncated { format, at: 10 })
        );
        // Bytes between segments that are not a marker; a stuffed byte
        // outside a scan; an EOI before any scan.
        for (bad, what) in [
            (
                b"\xFF\xD8\xFF\xFE\x00\x02junk".as_slice(),
                "a marker was expected",
            ),
            (b"\xFF\xD8\xFF\x00", "a stuffed byte outside a scan"),
            (b"\xFF\xD8\xFF\xD9", "the image ends before any scan"),
            (b"\xFF\xD8\xFF\xD8", "a second start of image"),
        ] {
            assert!(
                matches!(strip_metadata(bad), Err(StripError::Malformed { what: w, .. }) if w == what),
                "{what}"
            );
        }
        // PNG: a chunk type that is not letters, no IHDR first.
        let mut bad_type = png.clone();
        bad_type[12] = b'1';
        assert!(matches!(
            strip_metadata(&bad_type),
            Err(StripError::Malformed { .. })
        ));
        let no_ihdr = [b"\x89PNG\r\n\x1a\n".as_slice(), &png_chunk(b"IEND", &[])].concat();
        assert!(matches!(
            strip_metadata(&no_ihdr),
            Err(StripError::Malformed { .. })
        ));
        // WebP: a RIFF size past the file, below 4, a first chunk that is
        // no picture, a chunk past the RIFF size, a short VP8X.
        let mut too_long = webp.clone();
        too_long[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            strip_metadata(&too_long),
            Err(StripError::Truncated { .. })
        ));
        let mut too_short = webp.clone();
        too_short[4..8].copy_from_slice(&2u32.to_le_bytes());
        assert!(strip_metadata(&too_short).is_err());
        assert!(strip_metadata(&images::webp(&[riff_chunk(b"EXIF", b"x")])).is_err());
        assert!(strip_metadata(&images::webp(&[])).is_err());
        assert!(strip_metadata(&images::webp(&[riff_chunk(b"VP8X", &[0; 4])])).is_err());
        let mut chunk_past = images::webp(&[riff_chunk(b"VP8L", &images::VP8L_ONE_PIXEL)]);
        chunk_past[16..20].copy_from_slice(&1000u32.to_le_bytes());
        assert!(strip_metadata(&chunk_past).is_err());
    }

    /// A JPEG segment for the property tests: its marker code and payload.
    fn jpeg_part() -> impl proptest::strategy::Strategy<Value = (u8, Vec<u8>)> {
        use proptest::prelude::*;
        let code = prop_oneof![
            0xE0..=0xEFu8,
            Just(0xFEu8),
            Just(0xDBu8),
            Just(0xC4u8),
            Just(0xDDu8),
        ];
        let payload = prop_oneof![
            Just(b"Exif\0\0".to_vec()),
            Just(b"JFIF\0".to_vec()),
            Just(b"ICC_PROFILE\0".to_vec()),
            Just(b"Adobe".to_vec()),
            Just(XMP.to_vec()),
            Just(Vec::new()),
        ];
        (code, payload, proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(code, head, tail)| (code, [head, tail].concat()))
    }

    /// Entropy-coded data: any bytes, every `FF` followed by `00` or RSTn.
    fn entropy_coded() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        proptest::collection::vec((any::<u8>(), 0xCFu8..=0xD7), 0..60).prop_map(|pairs| {
            let mut data = Vec::new();
            for (byte, after) in pairs {
                data.push(byte);
                if byte == 0xFF {
                    data.push(if after == 0xCF { 0x00 } else { after });
                }
            }
            data
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any bytes, and any bytes behind each format's first bytes: an
        /// answer, never a panic; a copy, when made, strips to itself.
        #[test]
        fn no_input_panics_and_stripping_is_idempotent(
            prefix in proptest::sample::select(vec![
                Vec::new(),
                vec![0xFF, 0xD8, 0xFF],
                b"\x89PNG\r\n\x1a\n".to_vec(),
                b"RIFF\x20\x00\x00\x00WEBP".to_vec(),
                b"RIFF\x20\x00\x00\x00WEBPVP8X".to_vec(),
            ]),
            rest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let input = [prefix, rest].concat();
            if let Ok(stripped) = strip_metadata(&input) {
                let again = strip_metadata(&stripped.bytes).unwrap();
                proptest::prop_assert_eq!(&again.bytes, &stripped.bytes);
                proptest::prop_assert!(again.removed.is_empty());
                proptest::prop_assert!(stripped.bytes.len() <= input.len());
            }
        }

        /// JPEGs made of random segments: the copy is exactly the kept
        /// segments and the scans' data, in order; idempotent.
        #[test]
        fn a_jpeg_of_random_segments_keeps_exactly_what_it_should(
            before in proptest::collection::vec(jpeg_part(), 0..6),
            data in entropy_coded(),
            between in proptest::collection::vec(jpeg_part(), 0..3),
            second in entropy_coded(),
            trailer in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20),
        ) {
            let mut jpeg = vec![0xFF, 0xD8];
            let mut expected = vec![0xFF, 0xD8];
            let mut push = |bytes: &[u8], kept: bool| {
                jpeg.extend_from_slice(bytes);
                if kept {
                    expected.extend_from_slice(bytes);
                }
            };
            for (code, payload) in &before {
                push(&jpeg_segment(*code, payload), jpeg_keeps(*code, payload).is_ok());
            }
            push(&jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]), true);
            push(&data, true);
            for (code, payload) in &between {
                push(&jpeg_segment(*code, payload), jpeg_keeps(*code, payload).is_ok());
            }
            push(&jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]), true);
            push(&second, true);
            push(&[0xFF, 0xD9], true);
            push(&trailer, false);
            let stripped = strip_metadata(&jpeg).unwrap();
            proptest::prop_assert_eq!(&stripped.bytes, &expected);
            proptest::prop_assert_eq!(strip_metadata(&expected).unwrap().bytes, expected);
        }

        /// PNGs and WebPs of random chunks: exactly the kept chunks, in
        /// order, and the WebP's size is its length less 8.
        #[test]
        fn pngs_and_webps_of_random_chunks_keep_exactly_what_they_should(
            chunks in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        *b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME", *b"gAMA", *b"IDAT",
                        *b"prVt", *b"EXIF", *b"XMP ", *b"ICCP", *b"ALPH",
                    ]),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..30),
                ),
                0..8,
            ),
            flags in proptest::prelude::any::<u8>(),
        ) {
            let ihdr = png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
            let mut png = [b"\x89PNG\r\n\x1a\n".as_slice(), &ihdr].concat();
            let mut png_expected = png.clone();
            let mut webp_chunks = vec![images::vp8x(flags)];
            let mut webp_expected = vec![images::vp8x(flags & !0x0C)];
            for (kind, data) in &chunks {
                if kind.iter().all(u8::is_ascii_alphabetic) {
                    let chunk = png_chunk(kind, data);
                    png.extend_from_slice(&chunk);
                    if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
                        png_expected.extend_from_slice(&chunk);
                    }
                }
                let chunk = riff_chunk(kind, data);
                webp_chunks.push(chunk.clone());
                if !matches!(kind, b"EXIF" | b"XMP ") {
                    webp_expected.push(chunk);
                }
            }
            png.extend(png_chunk(b"IEND", &[]));
            png_expected.extend(png_chunk(b"IEND", &[]));
            proptest::prop_assert_eq!(strip_metadata(&png).unwrap().bytes, png_expected);
            let webp = strip_metadata(&images::webp(&webp_chunks)).unwrap().bytes;
            proptest::prop_assert_eq!(&webp, &images::webp(&webp_expected));
            proptest::prop_assert_eq!(
                u32::from_le_bytes([webp[4], webp[5], webp[6], webp[7]]) as usize,
                webp.len() - 8
            );
        }
    }
}
