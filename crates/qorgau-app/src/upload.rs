//! Files an applicant attaches to an application: the limits, and the type
//! as the content says it (the first bytes), never as the name or the
//! browser's `Content-Type` claims.

/// Files per application.
pub const MAX_UPLOADS: usize = 5;
/// Bytes per file (10 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Bytes of all the files of one application together (25 MB).
pub const MAX_UPLOADS_TOTAL_BYTES: usize = 25 * 1024 * 1024;

/// A type accepted for upload, known from the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Png,
    Jpeg,
    WebP,
    Gif,
    Pdf,
    Mp4,
}

impl MediaType {
    /// The media type sent with the file.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::WebP => "image/webp",
            MediaType::Gif => "image/gif",
            MediaType::Pdf => "application/pdf",
            MediaType::Mp4 => "video/mp4",
        }
    }

    /// A file name extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::WebP => "webp",
            MediaType::Gif => "gif",
            MediaType::Pdf => "pdf",
            MediaType::Mp4 => "mp4",
        }
    }

    /// Whether a browser may show it as an image (blurred until opened).
    pub fn is_image(self) -> bool {
        matches!(
            self,
            MediaType::Png | MediaType::Jpeg | MediaType::WebP | MediaType::Gif
        )
    }
}

/// MP4 major brands accepted after `ftyp`.
const MP4_BRANDS: [&[u8; 4]; 11] = [
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash",
    b"mmp4",
];

/// The file's type from its magic number; none when it is not one accepted.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(MediaType::WebP)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(MediaType::Gif)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && MP4_BRANDS
            .iter()
            .any(|brand| &bytes[8..12] == brand.as_slice())
    {
        Some(MediaType::Mp4)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::WebP));
        assert_eq!(sniff(b"GIF89a..."), Some(MediaType::Gif));
        assert_eq!(sniff(b"%PDF-1.7"), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42\0\0"), Some(MediaType::Mp4));
        assert_eq!(sniff(b"MZ\x90\0 an executable"), None);
        assert_eq!(sniff(b"#!/bin/sh\necho hi"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF"), None);
    }
}
