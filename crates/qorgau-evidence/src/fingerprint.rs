//! Text fingerprints of captured pages, to tell later whether the content is
//! still there (removal verification, issue 4 §6).
//!
//! A page's visible text (no tags, scripts or styles; entities decoded) is
//! lowercased and cut into words of letters and digits (any script: Kazakh,
//! Russian, Latin). Every run of [`SHINGLE_WORDS`] consecutive words is a
//! *shingle*; each is hashed to 64 bits and the [`SKETCH_SIZE`] smallest
//! hashes are kept (a bottom-k sketch). Comparing sketches estimates which
//! share of the original's shingles are still on the page, robust to changed
//! advertisements, dates and counters around the content.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Sha256Digest;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// Hashes kept per page.
pub const SKETCH_SIZE: usize = 512;

/// A page's text, summarized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextFingerprint {
    /// SHA-256 of the normalized text (words joined by single spaces).
    pub text_digest: Sha256Digest,
    pub words: u64,
    /// The smallest shingle hashes, ascending, at most [`SKETCH_SIZE`].
    pub sketch: Vec<u64>,
    /// True when `sketch` holds every shingle of the page (it had no more
    /// than [`SKETCH_SIZE`]).
    pub complete: bool,
}

/// The visible text of an HTML document, whitespace-collapsed.
pub fn visible_text(html: &str) -> String {
    // Elements whose content is never shown as text.
    const HIDDEN: [&str; 6] = ["script", "style", "noscript", "template", "svg", "head"];
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..open]));
        let tag_text = &rest[open..];
        if let Some(comment) = tag_text.strip_prefix("<!--") {
            rest = comment
                .find("-->")
                .map(|end| &comment[end + 3..])
                .unwrap_or("");
            continue;
        }
        let Some(close) = tag_text.find('>') else {
            rest = "";
            break;
        };
        let tag = &tag_text[1..close];
        rest = &tag_text[close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|character| character.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        // Block-level boundaries separate words.
        text.push(' ');
        if !tag.starts_with('/') && HIDDEN.contains(&name.as_str()) && !tag.ends_with('/') {
            // Skip to the matching end tag. `<head>` is hidden except for
            // `<title>`, which browsers show; it is kept by searching inside.
            let end_tag = format!("</{name}");
            let end = find_ignoring_ascii_case(rest, &end_tag).unwrap_or(rest.len());
            if name == "head" {
                let head = &rest[..end];
                if let Some(title_start) = find_ignoring_ascii_case(head, "<title") {
                    let after = &head[title_start..];
                    if let (Some(open_end), Some(close_start)) =
                        (after.find('>'), find_ignoring_ascii_case(after, "</title"))
                        && open_end < close_start
                    {
                        text.push_str(&decode_entities(&after[open_end + 1..close_start]));
                        text.push(' ');
                    }
                }
            }
            rest = &rest[end..];
        }
    }
    text.push_str(&decode_entities(rest));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Decodes the character references that matter for words: the common named
/// ones and all numeric ones.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        decoded.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .char_indices()
            .take(12)
            .find(|(_, character)| *character == ';')
            .map(|(index, _)| index);
        let replacement = end.and_then(|end| {
            let name = &candidate[1..end];
            let character = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#')
                            .and_then(|digits| digits.parse().ok())
                    };
                    number.and_then(char::from_u32)
                }
            };
            character.map(|character| (character, end))
        });
        match replacement {
            Some((character, end)) => {
                decoded.push(character);
                rest = &candidate[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &candidate[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// Lowercased words of letters and digits.
pub fn normalized_words(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A stable 64-bit hash of a shingle: FNV-1a over the words joined by
/// spaces, then the SplitMix64 finalizer to spread the bits (bottom-k
/// sketches need uniform hashes). Stable across versions and platforms —
/// fingerprints are stored and compared months later — and fast: a page has
/// thousands of shingles. Not collision-resistant, and need not be: a
/// collision can only make removed content look present, which a person
/// then checks.
fn shingle_hash(words: &[String]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for (position, word) in words.iter().enumerate() {
        if position > 0 {
            hash = (hash ^ u64::from(b' ')).wrapping_mul(PRIME);
        }
        for byte in word.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

impl TextFingerprint {
    /// The fingerprint of plain text.
    pub fn of_text(text: &str) -> TextFingerprint {
        let words = normalized_words(text);
        let joined = words.join(" ");
        let mut shingles: Vec<u64> = if words.is_empty() {
            Vec::new()
        } else if words.len() < SHINGLE_WORDS {
            vec![shingle_hash(&words)]
        } else {
            words.windows(SHINGLE_WORDS).map(shingle_hash).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        let complete = shingles.len() <= SKETCH_SIZE;
        shingles.truncate(SKETCH_SIZE);
        TextFingerprint {
            text_digest: Sha256Digest::of(joined.as_bytes()),
            words: words.len() as u64,
            sketch: shingles,
            complete,
        }
    }

    /// The fingerprint of an HTML page's visible text.
    pub fn of_html(html: &str) -> TextFingerprint {
        TextFingerprint::of_text(&visible_text(html))
    }

    /// The estimated share (0.0–1.0) of this page's shingles that are still
    /// present in `later`; `None` when nothing can be compared (an empty page).
    ///
    /// With bottom-k sketches a shingle hash `h` of the original can be
    /// decided only if `h` is not above the largest hash kept for `later`
    /// (or `later` kept all of its shingles): then `h` is in `later`'s sketch
    /// exactly when the page still has that shingle.
    pub fn containment_in(&self, later: &TextFingerprint) -> Option<f64> {
        if self.sketch.is_empty() {
            return None;
        }
        if self.text_digest == later.text_digest {
            return Some(1.0);
        }
        let later_hashes: BTreeSet<u64> = later.sketch.iter().copied().collect();
        let limit = if later.complete {
            u64::MAX
        } else {
            later.sketch.last().copied().unwrap_or(u64::MAX)
        };
        let decidable: Vec<u64> = self
            .sketch
            .iter()
            .copied()
            .filter(|hash| *hash <= limit)
            .collect();
        if decidable.is_empty() {
            // Every hash kept for the original is above every hash of the
            // later page's sketch: almost surely unrelated text.
            return Some(0.0);
        }
        let present = decidable
            .iter()
            .filter(|hash| later_hashes.contains(hash))
            .count();
        Some(present as f64 / decidable.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_drops_markup_scripts_and_styles() {
        let html = "<!doctype html><html><head><title>Парақ &amp; тақырып</title>\
            <style>body{color:red}</style><script>var hidden = 1;</script></head>\
            <body><h1>Заголовок</h1><p>Бірінші&nbsp;абзац &#1179;&#x4E9;</p><!-- comment -->\
            <noscript>no script</noscript><p>Second <b>para</b>graph</p></body></html>";
        assert_eq!(
            visible_text(html),
            "Парақ & тақырып Заголовок Бірінші абзац қө Second para graph"
        );
    }

    #[test]
    fn unclosed_and_odd_markup_does_not_break_extraction() {
        assert_eq!(visible_text("a < b and c"), "a");
        assert_eq!(visible_text("x &unknown; y &amp"), "x &unknown; y &amp");
        assert_eq!(visible_text("<script>never closed"), "");
        assert_eq!(visible_text("<br/>one<br/>two"), "one two");
    }

    #[test]
    fn the_same_text_in_a_changed_page_is_still_contained() {
        let post = "Сен ешкімге керек емессің, барлығы сенен күледі, мектепке келме, \
            сені бәрі жек көреді және бұл видеоны бәрі көрді. Ертең тағы жазамын, \
            сен бұдан құтыла алмайсың, мұны бүкіл сынып біледі";
        let original = TextFingerprint::of_html(&format!(
            "<html><body><nav>Home Feed Profile</nav><article>{post}</article>\
             <footer>12 likes · 3 comments · 2026-11-20</footer></body></html>"
        ));
        let later = TextFingerprint::of_html(&format!(
            "<html><body><nav>Home Feed Profile Messages</nav><div class=ad>Buy now</div>\
             <article>{post}</article><footer>57 likes · 9 comments · 2026-11-28</footer></body></html>"
        ));
        let removed = TextFingerprint::of_html(
            "<html><body><nav>Home Feed Profile</nav><p>This post is no longer available.</p>\
             <footer>2026-11-28</footer></body></html>",
        );
        assert!(original.containment_in(&later).unwrap() > 0.6);
        assert!(original.containment_in(&removed).unwrap() < 0.2);
        assert_eq!(original.containment_in(&original), Some(1.0));
        assert_eq!(TextFingerprint::of_text("").containment_in(&original), None);
    }

    #[test]
    fn large_pages_are_sketched_and_still_compared() {
        let words: Vec<String> = (0..5000).map(|number| format!("w{number}")).collect();
        let page = words.join(" ");
        let original = TextFingerprint::of_text(&page);
        assert!(!original.complete);
        assert_eq!(original.sketch.len(), SKETCH_SIZE);
        let mostly_same = TextFingerprint::of_text(&format!("intro text {page} outro"));
        assert!(original.containment_in(&mostly_same).unwrap() > 0.95);
        let other =
            TextFingerprint::of_text(&words.iter().rev().cloned().collect::<Vec<_>>().join(" "));
        assert!(original.containment_in(&other).unwrap() < 0.05);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let first = TextFingerprint::of_text("Hello, World! ҚАЗАҚША мәтін.");
        let second = TextFingerprint::of_text("hello world қазақша МӘТІН");
        assert_eq!(first.text_digest, second.text_digest);
    }
}
