//! WARC/1.1 (ISO 28500:2017) records, each written as its own gzip member so
//! a reader can seek to any record (the "record-at-time compression" of the
//! WARC standard, Annex D).
//!
//! Digests are `sha256:` with lowercase hex — the same spelling as everywhere
//! else in Qorgau. The standard lets the digest's encoding be chosen (base32
//! is conventional for SHA-1); `warcio check` accepts hex, base32 and base64
//! (it decodes by length), and the test suite runs it on our output.
//!
//! `WARC-Block-Digest` covers the whole block; `WARC-Payload-Digest` covers
//! the HTTP entity body after the header block, as received (still
//! content-encoded, de-chunked — see `capture`).

use std::cell::RefCell;
use std::io::{self, Write};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use jiff::Timestamp;

use crate::Sha256Digest;

/// The WARC record types Qorgau writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Warcinfo,
    Request,
    Response,
    Metadata,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Request => "request",
            RecordType::Response => "response",
            RecordType::Metadata => "metadata",
        }
    }
}

/// Why a record was cut short (WARC 1.1 §5.13 `WARC-Truncated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truncation {
    /// The body was longer than the configured maximum.
    Length,
    /// The total deadline passed while the body was still arriving.
    Time,
    /// The connection failed mid-body.
    Disconnect,
}

impl Truncation {
    pub fn as_str(self) -> &'static str {
        match self {
            Truncation::Length => "length",
            Truncation::Time => "time",
            Truncation::Disconnect => "disconnect",
        }
    }
}

/// One WARC record before serialization.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    pub record_type: RecordType,
    /// `<urn:uuid:…>`.
    pub record_id: String,
    pub date: Timestamp,
    pub content_type: Option<String>,
    /// Further named fields, in order (`WARC-Target-URI`, …).
    pub fields: Vec<(String, String)>,
    pub block: Vec<u8>,
    /// Where the payload starts inside the block, for records that have one
    /// (HTTP request and response): adds `WARC-Payload-Digest`.
    pub payload_offset: Option<usize>,
}

/// A fresh `<urn:uuid:…>` (a random, version 4 UUID, RFC 9562 §5.4).
pub fn new_record_id() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| io::Error::other(error.to_string()))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    Ok(format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// WARC-Date: UTC, seconds precision (`YYYY-MM-DDThh:mm:ssZ`).
pub fn warc_date(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A header value on one line: CR, LF and other controls become spaces, so
/// text from a stranger's server cannot inject WARC header fields.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect()
}

/// `application/warc-fields` content: `name: value` lines.
pub fn warc_fields(fields: &[(&str, String)]) -> Vec<u8> {
    let mut block = Vec::new();
    for (name, value) in fields {
        block.extend_from_slice(one_line(name).as_bytes());
        block.extend_from_slice(b": ");
        block.extend_from_slice(one_line(value).as_bytes());
        block.extend_from_slice(b"\r\n");
    }
    block
}

/// The end of an HTTP header block (after `\r\n\r\n`), or the block's length.
pub fn http_payload_offset(block: &[u8]) -> usize {
    block
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|position| position + 4)
        .unwrap_or(block.len())
}

impl WarcRecord {
    pub fn new(record_type: RecordType, date: Timestamp, block: Vec<u8>) -> io::Result<WarcRecord> {
        Ok(WarcRecord {
            record_type,
            record_id: new_record_id()?,
            date,
            content_type: None,
            fields: Vec::new(),
            block,
            payload_offset: None,
        })
    }

    pub fn with_field(mut self, name: &str, value: &str) -> WarcRecord {
        self.fields.push((name.to_owned(), one_line(value)));
        self
    }

    pub fn with_content_type(mut self, content_type: &str) -> WarcRecord {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// The `warcinfo` record that opens a file.
    pub fn warcinfo(
        date: Timestamp,
        filename: &str,
        info: &[(&str, String)],
    ) -> io::Result<WarcRecord> {
        Ok(
            WarcRecord::new(RecordType::Warcinfo, date, warc_fields(info))?
                .with_field("WARC-Filename", filename)
                .with_content_type("application/warc-fields"),
        )
    }

    /// An HTTP `request` record; `http` is the request as sent.
    pub fn request(target_uri: &str, date: Timestamp, http: Vec<u8>) -> io::Result<WarcRecord> {
        let payload_offset = http_payload_offset(&http);
        let mut record = WarcRecord::new(RecordType::Request, date, http)?
            .with_field("WARC-Target-URI", target_uri)
            .with_content_type("application/http;msgtype=request");
        record.payload_offset = Some(payload_offset);
        Ok(record)
    }

    /// An HTTP `response` record: the status line and headers, then the body.
    pub fn response(
        target_uri: &str,
        date: Timestamp,
        http_head: &[u8],
        body: &[u8],
    ) -> io::Result<WarcRecord> {
        let mut block = Vec::with_capacity(http_head.len() + body.len());
        block.extend_from_slice(http_head);
        block.extend_from_slice(body);
        let mut record = WarcRecord::new(RecordType::Response, date, block)?
            .with_field("WARC-Target-URI", target_uri)
            .with_content_type("application/http;msgtype=response");
        record.payload_offset = Some(http_head.len());
        Ok(record)
    }

    /// A `metadata` record about another record.
    pub fn metadata(
        target_uri: &str,
        date: Timestamp,
        refers_to: &str,
        fields: &[(&str, String)],
    ) -> io::Result<WarcRecord> {
        Ok(
            WarcRecord::new(RecordType::Metadata, date, warc_fields(fields))?
                .with_field("WARC-Target-URI", target_uri)
                .with_field("WARC-Refers-To", refers_to)
                .with_content_type("application/warc-fields"),
        )
    }

    /// `sha256:<hex>` of the block.
    pub fn block_digest(&self) -> Sha256Digest {
        Sha256Digest::of(&self.block)
    }

    /// `sha256:<hex>` of the payload, for records that have one.
    pub fn payload_digest(&self) -> Option<Sha256Digest> {
        self.payload_offset
            .map(|offset| Sha256Digest::of(self.block.get(offset..).unwrap_or_default()))
    }

    /// The record, uncompressed: header, blank line, block, two CRLFs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut header = String::with_capacity(512);
        header.push_str("WARC/1.1\r\n");
        header.push_str(&format!("WARC-Type: {}\r\n", self.record_type.as_str()));
        header.push_str(&format!("WARC-Record-ID: {}\r\n", self.record_id));
        header.push_str(&format!("WARC-Date: {}\r\n", warc_date(self.date)));
        for (name, value) in &self.fields {
            header.push_str(&format!("{}: {}\r\n", one_line(name), value));
        }
        if let Some(content_type) = &self.content_type {
            header.push_str(&format!("Content-Type: {}\r\n", one_line(content_type)));
        }
        header.push_str(&format!("WARC-Block-Digest: {}\r\n", self.block_digest()));
        if let Some(payload) = self.payload_digest() {
            header.push_str(&format!("WARC-Payload-Digest: {payload}\r\n"));
        }
        header.push_str(&format!("Content-Length: {}\r\n\r\n", self.block.len()));
        let mut bytes = Vec::with_capacity(header.len() + self.block.len() + 4);
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&self.block);
        bytes.extend_from_slice(b"\r\n\r\n");
        bytes
    }
}

/// Writes records, one gzip member each (RFC 1952: a 10-byte header, raw
/// deflate, CRC-32 and length). One compressor is reused for every member,
/// and a finished writer leaves it to the next writer on its thread:
/// allocating and zeroing a compressor's state (some 300 KB with miniz, the
/// first backend) per record, and later per file, cost more than
/// compressing the page (bench/evidence).
pub struct WarcWriter<W: Write> {
    out: W,
    records: usize,
    compressor: Compress,
    buffer: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for WarcWriter<W> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WarcWriter")
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

/// RFC 1952 member header: magic, deflate, no flags, no time, no extra
/// flags, OS unknown.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    /// The compressor a finished writer left for the next one on its thread.
    static SPARE_COMPRESSOR: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W) -> WarcWriter<W> {
        let compressor = SPARE_COMPRESSOR
            .with(|spare| spare.borrow_mut().take())
            // Level 1, which zlib-rs (flate2's backend here) runs as its
            // "quick" strategy with fixed Huffman codes: on the benchmark's
            // pages 13 % less CPU per capture than miniz's level 1, for WARC
            // files a fifth larger (2.7 against 2.3 KB per capture). Captures
            // are the background work a burst of applications queues; their
            // size is not what limits a store (BENCHMARKS.md, evidence).
            .unwrap_or_else(|| Compress::new(Compression::new(1), false));
        WarcWriter {
            out,
            records: 0,
            compressor,
            buffer: Vec::new(),
        }
    }

    pub fn write(&mut self, record: &WarcRecord) -> io::Result<()> {
        let data = record.to_bytes();
        self.buffer.clear();
        self.buffer.extend_from_slice(&GZIP_HEADER);
        self.compressor.reset();
        let mut input = data.as_slice();
        loop {
            self.buffer.reserve(input.len() / 2 + 4096);
            let consumed_before = self.compressor.total_in();
            let status = self
                .compressor
                .compress_vec(input, &mut self.buffer, FlushCompress::Finish)
                .map_err(io::Error::other)?;
            let consumed = usize::try_from(self.compressor.total_in() - consumed_before)
                .unwrap_or(input.len());
            input = input.get(consumed..).unwrap_or_default();
            if status == Status::StreamEnd {
                break;
            }
        }
        let mut crc = Crc::new();
        crc.update(&data);
        self.buffer.extend_from_slice(&crc.sum().to_le_bytes());
        // ISIZE: the input length modulo 2^32 (RFC 1952 §2.3.1).
        self.buffer
            .extend_from_slice(&(data.len() as u64 as u32).to_le_bytes());
        self.out.write_all(&self.buffer)?;
        self.records += 1;
        Ok(())
    }

    pub fn records(&self) -> usize {
        self.records
    }

    pub fn finish(self) -> io::Result<W> {
        let WarcWriter {
            mut out,
            compressor,
            ..
        } = self;
        // Every member starts with `reset`, so what this one compressed
        // does not reach the next writer's output.
        SPARE_COMPRESSOR.with(|spare| *spare.borrow_mut() = Some(compressor));
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::MultiGzDecoder;

    use super::*;

    fn date() -> Timestamp {
        "2026-11-28T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_response_record_has_its_digests_and_length() {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
        let record = WarcRecord::response("http://example.test/", date(), head, b"hello").unwrap();
        let text = String::from_utf8(record.to_bytes()).unwrap();
        assert!(text.starts_with("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:"));
        assert!(text.contains("WARC-Date: 2026-11-28T10:00:00Z\r\n"));
        assert!(text.contains("WARC-Target-URI: http://example.test/\r\n"));
        assert!(text.contains(&format!(
            "WARC-Payload-Digest: {}\r\n",
            Sha256Digest::of(b"hello")
        )));
        let mut block = head.to_vec();
        block.extend_from_slice(b"hello");
        assert!(text.contains(&format!(
            "WARC-Block-Digest: {}\r\n",
            Sha256Digest::of(&block)
        )));
        assert!(text.contains(&format!("Content-Length: {}\r\n\r\n", block.len())));
        assert!(text.ends_with("hello\r\n\r\n"));
    }

    #[test]
    fn record_ids_are_version_4_uuids() {
        let id = new_record_id().unwrap();
        assert_eq!(id.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&id[24..25], "4");
        assert!("89ab".contains(&id[29..30]));
        assert_ne!(id, new_record_id().unwrap());
    }

    #[test]
    fn each_record_is_its_own_gzip_member() {
        let mut writer = WarcWriter::new(Vec::new());
        let info =
            WarcRecord::warcinfo(date(), "test.warc.gz", &[("software", "qorgau".to_owned())])
                .unwrap();
        let metadata = WarcRecord::metadata(
            "http://example.test/",
            date(),
            &info.record_id,
            &[("note", "line one\r\nWARC-Type: forged".to_owned())],
        )
        .unwrap();
        writer.write(&info).unwrap();
        let first_member_end = writer.out.len();
        writer.write(&metadata).unwrap();
        let bytes = writer.finish().unwrap();
        // The second member decodes on its own.
        let mut second = String::new();
        MultiGzDecoder::new(&bytes[first_member_end..])
            .read_to_string(&mut second)
            .unwrap();
        assert!(second.starts_with("WARC/1.1\r\nWARC-Type: metadata\r\n"));
        // A stranger's CR LF cannot start a new header line.
        assert!(second.contains("note: line one  WARC-Type: forged\r\n"));
        let mut all = String::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut all)
            .unwrap();
        assert_eq!(all.matches("WARC/1.1\r\n").count(), 2);
    }

    #[test]
    fn a_reused_compressor_writes_what_a_fresh_one_writes() {
        let record = WarcRecord::response(
            "http://example.test/",
            date(),
            b"HTTP/1.1 200 OK\r\n\r\n",
            "мәтін text ".repeat(500).as_bytes(),
        )
        .unwrap();
        let write = |record: &WarcRecord| {
            let mut writer = WarcWriter::new(Vec::new());
            writer.write(record).unwrap();
            writer.finish().unwrap()
        };
        // A new thread has no spare compressor: this one is fresh.
        let fresh = std::thread::scope(|scope| scope.spawn(|| write(&record)).join().unwrap());
        // Here the first writer leaves its compressor, having compressed
        // other bytes, to the second.
        let other =
            WarcRecord::warcinfo(date(), "other.warc.gz", &[("a", "b".repeat(9000))]).unwrap();
        write(&other);
        assert_eq!(write(&record), fresh);
    }
}
