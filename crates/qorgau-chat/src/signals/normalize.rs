//! One spelling for many: the skeleton a word is matched by.
//!
//! People who write abuse dodge filters — `д.у.р.а.к`, `д у р а к`, `дуууурак`,
//! `dурак` (a Latin d), `ДУPАК` (a Latin P), `dur4k`, `durak`, `cyka` (Latin
//! letters that look Cyrillic) — and Kazakh and Russian are written in Latin
//! letters as often as in Cyrillic. Text and lexicon terms alike are reduced to
//! a Latin skeleton, so an entry written once matches all of these:
//!
//! 1. lower case; letters, digits, `@` and `$` make words; `.` `-` `_` `*` `'`
//!    `|` `·` `~` `+` between two word characters are dropped (`д.у.р.а.к`),
//!    and three or more one-letter words in a row are joined (`д у р а к`);
//! 2. a word with any Cyrillic letter is read as Cyrillic: Latin letters in it
//!    become the Cyrillic letter they look or sound like (`p`→`р`, `y`→`у`,
//!    `d`→`д`) and digits the letter they stand for (`0`→`о`, `3`→`з`, `4`→`ч`,
//!    `6`→`б`); any other word as Latin: `0`→`o`, `1`→`i`, `3`→`e`, `4`→`a`,
//!    `5`→`s`, `7`→`t`, `8`→`b`, `@`→`a`, `$`→`s`, accents dropped
//!    (Kazakh Latin `ş`→`sh`, `ǵ`→`g`); a word of digits only stays digits;
//! 3. Cyrillic, Kazakh letters included, is transliterated (`ж`→`zh`, `ә`→`a`,
//!    `қ`→`k`, `я`→`ia`);
//! 4. spelling variants of transliteration fold together (`y`,`j`→`i`,
//!    `w`→`v`, `q`→`k`, `kh`→`h`, `sch`→`sh`) and repeated letters collapse.
//!
//! A Latin word made only of letters that look Cyrillic (`cyka`) also gets its
//! Cyrillic reading as a second skeleton. The skeleton is lossy on purpose: it
//! only has to put the variants of one word together, and a false match costs
//! an expert a glance — signals never decide.

/// A word of the text, with where it is and how it is matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte offsets in the text.
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) skeleton: String,
    /// The Cyrillic reading of an all-look-alike Latin word, when different.
    pub(crate) visual: Option<String>,
}

impl Token {
    pub(crate) fn skeletons(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.skeleton.as_str()).chain(self.visual.as_deref())
    }
}

/// Characters dropped between two word characters.
fn is_joiner(character: char) -> bool {
    matches!(
        character,
        '.' | '-' | '_' | '*' | '\'' | '\u{2019}' | '`' | '|' | '\u{B7}' | '\u{2022}' | '~' | '+'
    )
}

struct RawWord {
    start: usize,
    end: usize,
    characters: Vec<char>,
}

/// The words of `text` and their skeletons.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let words = raw_words(text);
    let mut tokens = Vec::with_capacity(words.len());
    let mut index = 0;
    while index < words.len() {
        // Three or more one-character words separated by spaces or joiners
        // only: a word spelled out (`д у р а к`).
        let mut run_end = index;
        while run_end < words.len()
            && words[run_end].characters.len() == 1
            && (run_end == index || only_gaps(&text[words[run_end - 1].end..words[run_end].start]))
        {
            run_end += 1;
        }
        if run_end - index >= 3 {
            let characters: Vec<char> = words[index..run_end]
                .iter()
                .flat_map(|word| word.characters.iter().copied())
                .collect();
            tokens.push(token(
                words[index].start,
                words[run_end - 1].end,
                &characters,
            ));
            index = run_end;
        } else {
            let word = &words[index];
            tokens.push(token(word.start, word.end, &word.characters));
            index += 1;
        }
    }
    tokens
}

/// The skeletons of a lexicon term's words (`"убей себя"` → `["ubei", "sebia"]`).
pub(crate) fn term_words(term: &str) -> Vec<String> {
    tokens(term)
        .into_iter()
        .map(|token| token.skeleton)
        .collect()
}

fn only_gaps(gap: &str) -> bool {
    gap.chars()
        .all(|character| character.is_whitespace() || is_joiner(character))
}

fn raw_words(text: &str) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut current: Option<RawWord> = None;
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        let in_word = current.is_some();
        let is_word_character =
            character.is_alphanumeric() || character == '$' || (character == '@' && in_word);
        if is_word_character {
            let word = current.get_or_insert_with(|| RawWord {
                start: offset,
                end: offset,
                characters: Vec::new(),
            });
            // Lower case, without what lower-casing adds that is no letter
            // (`İ` → `i` + a combining dot).
            word.characters.extend(
                character
                    .to_lowercase()
                    .filter(|lower| lower.is_alphanumeric() || matches!(lower, '$' | '@')),
            );
            word.end = offset + character.len_utf8();
            continue;
        }
        let next_is_word = characters
            .peek()
            .is_some_and(|(_, next)| next.is_alphanumeric() || matches!(next, '$' | '@'));
        if in_word && is_joiner(character) && next_is_word {
            continue;
        }
        if let Some(word) = current.take() {
            words.push(word);
        }
    }
    if let Some(word) = current {
        words.push(word);
    }
    words
}

fn token(start: usize, end: usize, characters: &[char]) -> Token {
    let skeleton = skeleton(characters);
    let visual = if characters.iter().any(|c| is_cyrillic(*c)) {
        None
    } else if characters
        .iter()
        .all(|c| c.is_ascii_digit() || VISUAL_LATIN.contains(c))
        && characters.iter().any(char::is_ascii_alphabetic)
    {
        let as_cyrillic: Vec<char> = characters
            .iter()
            .map(|c| latin_in_cyrillic_word(*c).unwrap_or(*c))
            .collect();
        Some(skeleton_of_cyrillic(&as_cyrillic)).filter(|visual| *visual != skeleton)
    } else {
        None
    };
    Token {
        start,
        end,
        skeleton,
        visual,
    }
}

fn is_cyrillic(character: char) -> bool {
    matches!(character, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Latin letters that, written alone, look like Cyrillic ones.
const VISUAL_LATIN: &[char] = &['a', 'b', 'c', 'e', 'h', 'k', 'm', 'o', 'p', 't', 'x', 'y'];

fn skeleton(characters: &[char]) -> String {
    if characters.iter().any(|c| is_cyrillic(*c)) {
        let as_cyrillic: Vec<char> = characters
            .iter()
            .map(|c| latin_in_cyrillic_word(*c).unwrap_or(*c))
            .collect();
        return skeleton_of_cyrillic(&as_cyrillic);
    }
    if characters.iter().all(char::is_ascii_digit) {
        return characters.iter().collect();
    }
    let mut latin = String::with_capacity(characters.len());
    for character in characters {
        match latin_leet(*character) {
            Some(replacement) => latin.push_str(replacement),
            None => latin.push(*character),
        }
    }
    fold(&latin)
}

fn skeleton_of_cyrillic(characters: &[char]) -> String {
    let mut latin = String::with_capacity(characters.len() * 2);
    for character in characters {
        match transliterate(*character) {
            Some(replacement) => latin.push_str(replacement),
            None => match latin_leet(*character) {
                Some(replacement) => latin.push_str(replacement),
                None => latin.push(*character),
            },
        }
    }
    fold(&latin)
}

/// What a Latin letter, digit or symbol inside a Cyrillic word stands for: the
/// Cyrillic letter it looks like (`p`→`р`, `y`→`у`, `h`→`н`, `b`→`в`) or sounds
/// like (`d`→`д`, `r`→`р`), and the digits of Russian leetspeak.
fn latin_in_cyrillic_word(character: char) -> Option<char> {
    Some(match character {
        'a' | '@' => 'а',
        'b' => 'в',
        'c' | 's' | '$' => 'с',
        'd' => 'д',
        'e' => 'е',
        'f' => 'ф',
        'g' => 'г',
        'h' | 'n' => 'н',
        'i' => 'и',
        'j' => 'й',
        'k' | 'q' => 'к',
        'l' => 'л',
        'm' => 'м',
        'o' | '0' => 'о',
        'p' | 'r' => 'р',
        't' => 'т',
        'u' | 'y' => 'у',
        'v' => 'в',
        'w' => 'ш',
        'x' => 'х',
        'z' | '3' => 'з',
        '4' => 'ч',
        '6' => 'б',
        _ => return None,
    })
}

/// Digits and symbols for letters in a Latin word, and accents dropped.
fn latin_leet(character: char) -> Option<&'static str> {
    Some(match character {
        '0' => "o",
        '1' => "i",
        '3' => "e",
        '4' | '@' => "a",
        '5' | '$' => "s",
        '7' => "t",
        '8' => "b",
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => "o",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' => "u",
        'ý' | 'ÿ' => "i",
        'ǵ' | 'ğ' => "g",
        'ń' | 'ñ' => "n",
        'ş' | 'š' => "sh",
        'ç' | 'č' => "ch",
        'ž' => "zh",
        _ => return None,
    })
}

/// Russian and Kazakh Cyrillic in Latin letters (one common transliteration;
/// the variants fold together in [`fold`]).
fn transliterate(character: char) -> Option<&'static str> {
    Some(match character {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' | 'ы' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' | 'ў' => "u",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ъ' | 'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        'ј' => "i",
        'љ' => "li",
        'њ' => "ni",
        'ђ' | 'џ' => "dzh",
        'ћ' => "ch",
        'ѕ' => "dz",
        // Other Cyrillic letters (old and rare ones) carry nothing to match.
        other if is_cyrillic(other) => "",
        _ => return None,
    })
}

/// Folds transliteration variants and collapses repeated letters, until
/// nothing changes (so that folding a skeleton again changes nothing).
fn fold(latin: &str) -> String {
    let mut current = String::with_capacity(latin.len());
    let mut previous = None;
    for character in latin.chars() {
        let folded = match character {
            'y' | 'j' => 'i',
            'w' => 'v',
            'q' => 'k',
            other => other,
        };
        if previous != Some(folded) {
            current.push(folded);
        }
        previous = Some(folded);
    }
    // Each replacement shortens the text, so this ends.
    while current.contains("kh") || current.contains("sch") {
        current = collapse(
            &current
                .replace("kh", "h")
                .replace("shch", "sh")
                .replace("sch", "sh"),
        );
    }
    current
}

fn collapse(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    let mut previous = None;
    for character in text.chars() {
        if previous != Some(character) {
            collapsed.push(character);
        }
        previous = Some(character);
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn skeletons(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .map(|token| match token.visual {
                Some(visual) => format!("{}|{visual}", token.skeleton),
                None => token.skeleton,
            })
            .collect()
    }

    #[test]
    fn obfuscations_reduce_to_one_skeleton() {
        for spelling in [
            "дурак",
            "ДУРАК",
            "д.у.р.а.к",
            "д у р а к",
            "д-у-р-а-к",
            "дуууурак",
            "dурак",
            "ДУPАК",
            "дур@к",
            "dur4k",
            "durak",
            "DURAK",
            "d u r a k",
            "duraaak",
        ] {
            let found = skeletons(spelling);
            assert!(
                found
                    .iter()
                    .any(|skeleton| skeleton.split('|').any(|s| s == "durak")),
                "{spelling:?} → {found:?}"
            );
        }
        // Latin letters that look Cyrillic: `cyka` reads as `сука`.
        assert_eq!(skeletons("cyka"), vec!["cika|suka"]);
        // Leet in Latin words.
        assert_eq!(skeletons("k1ll 1d10t"), vec!["kil", "idiot"]);
        // Kazakh letters in Cyrillic and in the Latin alphabet.
        assert_eq!(skeletons("ақымақ aqymaq"), vec!["akimak", "akimak"]);
        assert_eq!(
            skeletons("өлтіремін óltiremin"),
            vec!["oltiremin", "oltiremin"]
        );
        // Transliteration variants fold together.
        assert_eq!(
            skeletons("убей себя ubey sebya ubej sebja"),
            vec!["ubei", "sebia", "ubei", "sebia", "ubei", "sebia"]
        );
        assert_eq!(
            skeletons("хватит khvatit hvatit"),
            vec!["hvatit", "hvatit", "hvatit"]
        );
        // Numbers stay numbers; two one-letter words stay apart.
        assert_eq!(
            skeletons("в 2024 я и ты"),
            vec!["v", "2024", "ia", "i", "ti"]
        );
    }

    #[test]
    fn tokens_know_where_they_are() {
        let text = "ну ты д.у.р.а.к!";
        let found = tokens(text);
        let last = found.last().expect("a token");
        assert_eq!(&text[last.start..last.end], "д.у.р.а.к");
        let spelled = "эй т ы д у р а к";
        let found = tokens(spelled);
        assert_eq!(found.len(), 2);
        assert_eq!(&spelled[found[1].start..found[1].end], "т ы д у р а к");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// The skeleton of a skeleton is itself: folding is idempotent, so a
        /// lexicon term may be written already normalized.
        #[test]
        fn skeletons_are_idempotent(text in "\\PC{0,40}") {
            for token in tokens(&text) {
                let again = term_words(&token.skeleton);
                if !token.skeleton.is_empty() {
                    prop_assert_eq!(again.join(""), token.skeleton.clone());
                }
            }
        }

        #[test]
        fn spans_are_inside_the_text(text in "\\PC{0,60}") {
            for token in tokens(&text) {
                prop_assert!(token.start < token.end && token.end <= text.len());
                prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            }
        }
    }
}
