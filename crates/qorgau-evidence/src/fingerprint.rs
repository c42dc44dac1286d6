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
        push_decoded(&mut text, &rest[..open]);
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
        let name = tag.trim_start_matches('/');
        let name = &name[..name
            .find(|character: char| !character.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        // Block-level boundaries separate words.
        text.push(' ');
        let hidden = HIDDEN
            .iter()
            .find(|hidden| hidden.eq_ignore_ascii_case(name));
        if let Some(&hidden) = hidden
            && !tag.starts_with('/')
            && !tag.ends_with('/')
        {
            // Skip to the matching end tag. `<head>` is hidden except for
            // `<title>`, which browsers show; it is kept by searching inside.
            let end_tag = format!("</{hidden}");
            let end = find_ignoring_ascii_case(rest, &end_tag).unwrap_or(rest.len());
            if hidden == "head" {
                let head = &rest[..end];
                if let Some(title_start) = find_ignoring_ascii_case(head, "<title") {
                    let after = &head[title_start..];
                    if let (Some(open_end), Some(close_start)) =
                        (after.find('>'), find_ignoring_ascii_case(after, "</title"))
                        && open_end < close_start
                    {
                        push_decoded(&mut text, &after[open_end + 1..close_start]);
                        text.push(' ');
                    }
                }
            }
            rest = &rest[end..];
        }
    }
    push_decoded(&mut text, rest);
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// The byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Appends `text` with the character references that matter for words
/// decoded: the common named ones and all numeric ones.
fn push_decoded(decoded: &mut String, text: &str) {
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
}

/// The text's words of letters and digits, lowercased and joined by single
/// spaces, and each word's byte range in that string. One pass over the text
/// into one string, instead of a `String` per word: a page has thousands of
/// words, and the allocations were a third of a capture's fingerprinting
/// time (bench/evidence).
///
/// The lowercasing must give exactly what `str::to_lowercase` gives for each
/// word — stored fingerprints are compared months later. `str`'s only
/// mapping that depends on context is the final sigma, so a word with `Σ` is
/// lowercased again by `str` itself; every other character maps on its own,
/// as `str` maps it.
fn normalized_words(text: &str) -> (String, Vec<(usize, usize)>) {
    struct Word {
        in_text: usize,
        in_joined: usize,
        has_sigma: bool,
    }
    let mut joined = String::with_capacity(text.len());
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut finish = |joined: &mut String, word: Word, end: usize| {
        if word.has_sigma {
            joined.truncate(word.in_joined);
            joined.push_str(&text[word.in_text..end].to_lowercase());
        }
        words.push((word.in_joined, joined.len()));
    };
    let mut current: Option<Word> = None;
    for (index, character) in text.char_indices() {
        if !character.is_alphanumeric() {
            if let Some(word) = current.take() {
                finish(&mut joined, word, index);
            }
            continue;
        }
        let word = current.get_or_insert_with(|| {
            if !joined.is_empty() {
                joined.push(' ');
            }
            Word {
                in_text: index,
                in_joined: joined.len(),
                has_sigma: false,
            }
        });
        if character.is_ascii() {
            joined.push(character.to_ascii_lowercase());
        } else {
            word.has_sigma |= character == 'Σ';
            joined.extend(character.to_lowercase());
        }
    }
    if let Some(word) = current.take() {
        finish(&mut joined, word, text.len());
    }
    (joined, words)
}

/// A stable 64-bit hash of a shingle (its words joined by spaces): FNV-1a,
/// then the SplitMix64 finalizer to spread the bits (bottom-k sketches need
/// uniform hashes). Stable across versions and platforms — fingerprints are
/// stored and compared months later — and fast: a page has thousands of
/// shingles. Not collision-resistant, and need not be: a collision can only
/// make removed content look present, which a person then checks.
fn shingle_hash(shingle: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for byte in shingle {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(PRIME);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

impl TextFingerprint {
    /// The fingerprint of plain text.
    pub fn of_text(text: &str) -> TextFingerprint {
        let (joined, words) = normalized_words(text);
        // A shingle's words joined by spaces are the span of `joined` from
        // its first word's start to its last word's end.
        let mut shingles: Vec<u64> = if words.is_empty() {
            Vec::new()
        } else if words.len() < SHINGLE_WORDS {
            vec![shingle_hash(joined.as_bytes())]
        } else {
            words
                .windows(SHINGLE_WORDS)
                .map(|shingle| {
                    shingle_hash(&joined.as_bytes()[shingle[0].0..shingle[SHINGLE_WORDS - 1].1])
                })
                .collect()
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
    fn hidden_elements_are_found_in_any_letter_case() {
        // The expected text is what the first version (which lowercased a
        // copy of every tag name) gave for this page.
        let html = "<HTML><Head><TITLE>T&amp;1</TITLE><Script>x</SCRIPT></Head><BODY>a\
            <SVG width=1>hidden</svg >b<svg/>c<p>d&#x4E9;&nbsp;e</p><br/><STYLE >s</style>f\
            <template>t</Template>g <noscript/>h</BODY>";
        assert_eq!(visible_text(html), "T&1 a b c dө e f g h");
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

    /// The fingerprint as first written (a `String` per word, each
    /// lowercased by `str::to_lowercase`, shingles hashed word by word):
    /// stored fingerprints were made this way, so the faster code must agree
    /// with it on every text.
    fn first_written_fingerprint(text: &str) -> (String, u64, Vec<u64>) {
        let words: Vec<String> = text
            .split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let hash = |words: &[String]| shingle_hash(words.join(" ").as_bytes());
        let mut shingles: Vec<u64> = if words.is_empty() {
            Vec::new()
        } else if words.len() < SHINGLE_WORDS {
            vec![hash(&words)]
        } else {
            words.windows(SHINGLE_WORDS).map(hash).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        shingles.truncate(SKETCH_SIZE);
        (words.join(" "), words.len() as u64, shingles)
    }

    fn agrees_with_the_first_written(text: &str) {
        let fingerprint = TextFingerprint::of_text(text);
        let (joined, words, sketch) = first_written_fingerprint(text);
        assert_eq!(
            fingerprint.text_digest,
            Sha256Digest::of(joined.as_bytes()),
            "{text:?}"
        );
        assert_eq!(
            (fingerprint.words, &fingerprint.sketch),
            (words, &sketch),
            "{text:?}"
        );
    }

    #[test]
    fn the_fingerprint_is_what_stored_fingerprints_were_made_with() {
        for text in [
            "",
            "one",
            "Сен ешкімге КЕРЕК емессің, барлығы сенен күледі; мектепке келме!",
            // The final sigma: `str::to_lowercase` maps Σ by its place in the word.
            "ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ ΣΑΣ Σ ΑΣ1 Σ_Σ ΌΣΟΣ-ΟΔΟΣ ΑΣ'Σ",
            // One character lowercasing to two (İ), ß, digits of other scripts.
            "İSTANBUL İi Straße ٣٤٥ ๑๒ ⅫⅣ ǅungla ＡＢＣ",
            "MiXeD ascii and Қазақ Мәтін 2026-11-28 ok",
        ] {
            agrees_with_the_first_written(text);
        }
        let long: Vec<String> = (0..3000).map(|n| format!("Сөз{n} ΣΑΣ{n}")).collect();
        agrees_with_the_first_written(&long.join(" "));
    }

    proptest::proptest! {
        #[test]
        fn any_text_fingerprints_as_first_written(
            text in "[ a-zA-Z0-9,.ΣσςΑΟİıßҚқӘәЁё٣ǅ'_-]{0,200}"
        ) {
            agrees_with_the_first_written(&text);
        }
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let first = TextFingerprint::of_text("Hello, World! ҚАЗАҚША мәтін.");
        let second = TextFingerprint::of_text("hello world қазақша МӘТІН");
        assert_eq!(first.text_digest, second.text_digest);
    }
}
