//! Small images carrying a GPS position in their metadata, built byte by
//! byte: what a phone's photo of a child's school gives away. The suites
//! upload them and check that the copy staff look at has lost the position
//! (`qorgau_evidence::strip`) while the stored original has not.
//!
//! The position is Almaty, 43°14′20″ N 76°53′23″ E; every block that states
//! it contains [`GPS_MARK`] or the Exif rationals [`latitude_rationals`].

use std::process::Command;

/// Text every text-shaped metadata block of these images carries (XMP,
/// IPTC, comments, PNG text chunks): found in a file, some metadata is left.
pub const GPS_MARK: &[u8] = b"43.2389N";

/// The latitude as the Exif GPS block stores it: three big-endian
/// rationals, 43/1 14/1 2000/100.
pub fn latitude_rationals() -> Vec<u8> {
    rationals(&[(43, 1), (14, 1), (2000, 100)])
}

fn rationals(values: &[(u32, u32)]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|(numerator, denominator)| {
            numerator
                .to_be_bytes()
                .into_iter()
                .chain(denominator.to_be_bytes())
        })
        .collect()
}

/// An Exif TIFF structure (big-endian) whose first IFD names the camera's
/// make and points to a GPS IFD with latitude and longitude — without the
/// `Exif\0\0` header a JPEG puts before it.
pub fn exif_tiff_with_gps() -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&value);
    }
    const ASCII: u16 = 2;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    // Layout: header 0–7, IFD0 8–37 (2 entries), make 38–43, GPS IFD 44–97
    // (4 entries), latitude 98–121, longitude 122–145.
    let mut tiff = b"MM\0\x2a".to_vec();
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut tiff, 0x010F, ASCII, 6, 38u32.to_be_bytes());
    entry(&mut tiff, 0x8825, LONG, 1, 44u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(b"Phone\0");
    tiff.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, RATIONAL, 3, 98u32.to_be_bytes());
    entry(&mut tiff, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut tiff, 0x0004, RATIONAL, 3, 122u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&latitude_rationals());
    tiff.extend_from_slice(&rationals(&[(76, 1), (53, 1), (2300, 100)]));
    assert_eq!(tiff.len(), 146);
    tiff
}

/// An XMP packet stating the position.
pub fn xmp_with_gps() -> Vec<u8> {
    let mut xmp = br#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude=""#.to_vec();
    xmp.extend_from_slice(GPS_MARK);
    xmp.extend_from_slice(
        br#"" exif:GPSLongitude="76.8897E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#,
    );
    xmp
}

/// A JPEG marker segment: `FF code`, the length, the payload.
pub fn jpeg_segment(code: u8, payload: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, code];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(payload);
    segment
}

/// The segments of an 8 × 8 grey baseline JPEG, from the quantization table
/// to the scan's entropy-coded data (no SOI, no EOI): every coefficient 0,
/// one Huffman code of one bit for each table.
pub fn jpeg_picture() -> Vec<u8> {
    let mut picture = jpeg_segment(0xDB, &[[0u8].as_slice(), &[1u8; 64]].concat());
    picture.extend(jpeg_segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    let mut one_code = [0u8; 17];
    one_code[0] = 1;
    for class in [0x00, 0x10] {
        picture.extend(jpeg_segment(
            0xC4,
            &[[class].as_slice(), &one_code].concat(),
        ));
    }
    picture.extend(jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    // DC difference 0 (code 0), end of block (code 0), padded with ones.
    picture.push(0x3F);
    picture
}

/// A JPEG as a phone writes it: JFIF, then Exif with a GPS block, XMP with
/// the position, Photoshop/IPTC naming the city, a comment — and the picture.
pub fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(jpeg_segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &exif_tiff_with_gps()].concat(),
    ));
    jpeg.extend(jpeg_segment(
        0xE1,
        &[
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            &xmp_with_gps(),
        ]
        .concat(),
    ));
    // Photoshop image resources: one 8BIM block of IPTC, the city (2:90).
    let mut iptc = vec![0x1C, 0x02, 0x5A, 0x00, 0x08];
    iptc.extend_from_slice(GPS_MARK);
    let mut photoshop = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    photoshop.extend_from_slice(&u32::try_from(iptc.len()).unwrap().to_be_bytes());
    photoshop.extend_from_slice(&iptc);
    if iptc.len() % 2 == 1 {
        photoshop.push(0);
    }
    jpeg.extend(jpeg_segment(0xED, &photoshop));
    jpeg.extend(jpeg_segment(
        0xFE,
        &[b"taken at ".as_slice(), GPS_MARK].concat(),
    ));
    jpeg.extend(jpeg_picture());
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}

/// CRC-32 (ISO 3309, as PNG uses it).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
    chunk
}

/// `data` as a zlib stream of one stored (uncompressed) block.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let length = u16::try_from(data.len()).unwrap();
    let mut stream = vec![0x78, 0x01, 0x01];
    stream.extend_from_slice(&length.to_le_bytes());
    stream.extend_from_slice(&(!length).to_le_bytes());
    stream.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    stream.extend_from_slice(&((b << 16) | a).to_be_bytes());
    stream
}

/// A 1 × 1 grey PNG with an `eXIf` GPS block, the position in `tEXt`,
/// `zTXt` and XMP in `iTXt`, and a `tIME` — `gAMA` and `pHYs` stay.
pub fn png_with_gps() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(png_chunk(b"gAMA", &45455u32.to_be_bytes()));
    png.extend(png_chunk(b"eXIf", &exif_tiff_with_gps()));
    png.extend(png_chunk(
        b"tEXt",
        &[b"Comment\0taken at ".as_slice(), GPS_MARK].concat(),
    ));
    png.extend(png_chunk(
        b"zTXt",
        &[
            b"Description\0\0".as_slice(),
            &zlib_stored(&[b"home: ".as_slice(), GPS_MARK].concat()),
        ]
        .concat(),
    ));
    png.extend(png_chunk(
        b"iTXt",
        &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), &xmp_with_gps()].concat(),
    ));
    png.extend(png_chunk(b"tIME", &[0x07, 0xEA, 11, 20, 8, 30, 0]));
    png.extend(png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
    // One row: filter 0, the grey 0x80.
    png.extend(png_chunk(b"IDAT", &zlib_stored(&[0x00, 0x80])));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// A RIFF chunk: FourCC, little-endian size, data, a pad byte when odd.
pub fn riff_chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = fourcc.to_vec();
    chunk.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    chunk.extend_from_slice(data);
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

/// `RIFF size WEBP` and the chunks.
pub fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&u32::try_from(body.len() + 4).unwrap().to_le_bytes());
    file.extend_from_slice(b"WEBP");
    file.extend(body);
    file
}

/// A 1 × 1 lossless bitstream (`VP8L` chunk data), as the smallest WebP
/// files carry it; nothing here decodes it.
pub const VP8L_ONE_PIXEL: [u8; 13] = [
    0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07,
];

/// The `VP8X` chunk of a 1 × 1 canvas with these flags (`0x08` Exif, `0x04`
/// XMP, `0x10` alpha, `0x20` ICC).
pub fn vp8x(flags: u8) -> Vec<u8> {
    riff_chunk(b"VP8X", &[flags, 0, 0, 0, 0, 0, 0, 0, 0, 0])
}

/// An extended WebP: `VP8X` saying Exif and XMP follow, the picture, an
/// `EXIF` chunk with the GPS block and an `XMP ` chunk with the position.
pub fn webp_with_gps() -> Vec<u8> {
    webp(&[
        vp8x(0x08 | 0x04 | 0x10),
        riff_chunk(b"VP8L", &VP8L_ONE_PIXEL),
        riff_chunk(b"EXIF", &exif_tiff_with_gps()),
        riff_chunk(b"XMP ", &xmp_with_gps()),
    ])
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// What Debian's `exiftool` (libimage-exiftool-perl) finds of the GPS
/// group, XMP, IPTC and comments in the file, one `[Group] Tag: value` per
/// line (empty when none), or `None` outside CI when exiftool is not
/// installed. A second opinion on the stripper, from a reader that
/// investigators use.
pub fn exiftool_metadata(path: &std::path::Path) -> Option<String> {
    let output = match Command::new("exiftool")
        .args([
            "-a",
            "-s",
            "-s",
            "-G1",
            "-gps:all",
            "-xmp:all",
            "-iptc:all",
            "-comment",
        ])
        .arg(path)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            assert!(
                !crate::in_ci(),
                "exiftool is required in CI (libimage-exiftool-perl): {error}"
            );
            eprintln!(
                "note: exiftool is not installed; the metadata read-back is skipped outside CI"
            );
            return None;
        }
    };
    assert!(
        output.status.success(),
        "exiftool failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}
