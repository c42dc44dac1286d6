//! Evidence that the victim no longer has to gather (issue 4).
//!
//! - [`capture`]: fetch a reported URL with a bounded, SSRF-safe HTTP client and
//!   write it as WARC/1.1 ([`warc`]) into a content-addressed store ([`cas`]);
//!   [`fingerprint`] and [`capture::classify_removal`] tell later whether the
//!   content is gone.
//! - [`merkle`]: an RFC 6962 / RFC 9162 transparency log over evidence and
//!   case events, with inclusion and consistency proofs.
//! - [`checkpoint`]: the log's signed tree heads (C2SP tlog-checkpoint inside a
//!   C2SP signed note, Ed25519) and the log key.
//! - [`receipt`]: a JSON receipt per evidence item that anyone can verify
//!   offline with the log's public key.
//! - [`browser`]: a headless-Chromium screenshot and DOM of a captured page,
//!   the browser reaching nothing but the address the capturer checked.
//! - [`strip`]: a copy of an uploaded JPEG, PNG or WebP without its metadata
//!   (Exif with the GPS position, XMP, IPTC, comments), cut along the file's
//!   structure — never decoded — for staff to look at.
//!
//! Architecture Invariant: nothing here reads the wall clock (`now` is a
//! parameter) and nothing here knows a case's people: log entries and receipts
//! carry digests and metadata only. See `docs/evidence.md`.

#![forbid(unsafe_code)]

pub mod browser;
pub mod capture;
pub mod cas;
pub mod checkpoint;
pub mod digest;
pub mod fingerprint;
pub mod merkle;
pub mod receipt;
pub mod strip;
pub mod warc;

pub use digest::Sha256Digest;
