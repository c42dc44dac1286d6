//! Helpers the integration suites of several crates share (a dev-dependency
//! only): reading back what Qorgau renders — a PDF through Debian's
//! `pdftotext` (poppler-utils), a report page's tables — so that each suite
//! checks the same way — and the small images with a GPS position in their
//! metadata that the upload suites send ([`images`]), and the loopback web
//! sites of the suites whose service captures a reported page ([`site`]).
//!
//! Tests that need an outside tool skip outside CI when it is missing and
//! fail in CI (`CI=true`), where `.ci/run` installs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::Path;
use std::process::Command;

pub mod images;
pub mod site;

/// Running in CI, where every outside tool must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The PDF's text as `pdftotext` reads it (pages end with a form feed), or
/// `None` outside CI when pdftotext is not installed. Poppler reports any
/// syntax problem it meets on stderr, even when it recovers: a clean PDF
/// gives nothing there, and anything else fails the test.
pub fn pdftotext(path: &Path) -> Option<String> {
    let output = match Command::new("pdftotext").arg(path).arg("-").output() {
        Ok(output) => output,
        Err(error) => {
            assert!(
                !in_ci(),
                "pdftotext is required in CI (poppler-utils): {error}"
            );
            eprintln!("note: pdftotext is not installed; PDF read-back skipped outside CI");
            return None;
        }
    };
    let complaints = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pdftotext failed: {complaints}");
    assert!(complaints.is_empty(), "pdftotext complained: {complaints}");
    Some(String::from_utf8(output.stdout).unwrap())
}

/// The PDF's text with its lines trimmed and joined and its spaces dropped —
/// so a digest or a title wrapped across lines reads whole; compare with
/// [`squeezed`] facts. `None` as [`pdftotext`].
pub fn pdf_text(path: &Path) -> Option<String> {
    let text = pdftotext(path)?;
    Some(squeezed(&text.lines().map(str::trim).collect::<String>()))
}

/// `text` without spaces, as [`pdf_text`] gives it.
pub fn squeezed(text: &str) -> String {
    text.replace([' ', '\u{a0}'], "")
}

/// Every one-value row of a report page's tables, `(label, value)` with the
/// HTML's escapes undone: what the PDF and the CSV must show too.
pub fn page_rows(html: &str) -> Vec<(String, String)> {
    let unescape = |text: &str| {
        text.replace("&#60;", "<")
            .replace("&lt;", "<")
            .replace("&#62;", ">")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    };
    html.split("<tr><th scope=\"row\">")
        .skip(1)
        .filter_map(|row| {
            let (label, rest) = row.split_once("</th><td>")?;
            let (value, after) = rest.split_once("</td>")?;
            after
                .starts_with("</tr>")
                .then(|| (unescape(label), unescape(value)))
        })
        .collect()
}

/// Asserts that a PDF's text (as [`pdf_text`] gives it) shows every fact and
/// every `(label, value)` row of the page it was rendered beside.
pub fn assert_pdf_shows(text: &str, facts: &[String], rows: &[(String, String)]) {
    for fact in facts {
        assert!(
            text.contains(&squeezed(fact)),
            "the PDF lacks {fact}: {text}"
        );
    }
    for (label, value) in rows {
        assert!(
            text.contains(&squeezed(&format!("{label}{value}"))),
            "the PDF lacks the page's row {label} = {value}: {text}"
        );
    }
}

/// `application/x-www-form-urlencoded`, as a browser posts a form: every
/// byte but the unreserved ones percent-encoded, spaces as `+`.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        let mut out = String::new();
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(char::from(byte));
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{byte:02X}")),
            }
        }
        out
    };
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}
