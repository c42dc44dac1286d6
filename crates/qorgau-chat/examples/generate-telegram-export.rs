//! Writes a synthetic Telegram Desktop chat export (`result.json`) for the
//! benchmark (`bench/chat/run.sh`): `generate-telegram-export FILE MESSAGES`.
//!
//! The messages imitate a real export's shape and mix — plain and formatted
//! text in Kazakh, Russian and English with `text_entities` beside it (as
//! Telegram Desktop writes since 2021), replies, edits, photos, stickers,
//! voice messages, service records and calls — from invented senders. The
//! text is generated from a fixed seed, so every run writes the same file.
//! No real chat, no real person.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// A small deterministic generator (SplitMix64): no dependency, same file every run.
struct Seed(u64);

impl Seed {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut value = self.0;
        value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        value ^ (value >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let index = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        items[index]
    }
}

const WORDS: &[&str] = &[
    "сәлем",
    "қалайсың",
    "ертең",
    "мектеп",
    "сабақ",
    "үй",
    "жұмысы",
    "кітап",
    "достар",
    "бүгін",
    "привет",
    "как",
    "дела",
    "завтра",
    "школа",
    "урок",
    "домашка",
    "контрольная",
    "почему",
    "опять",
    "hello",
    "see",
    "you",
    "tomorrow",
    "lesson",
    "homework",
    "where",
    "are",
    "why",
    "again",
];

const SENDERS: &[(&str, &str)] = &[
    ("Айгерім", "user5000000009"),
    ("Бұзақы_77", "user5000000001"),
    ("Ержан", "user5000000003"),
    ("Незнакомец", "user5000000004"),
];

fn sentence(seed: &mut Seed) -> String {
    let length = 3 + seed.next() % 12;
    let mut words: Vec<&str> = Vec::new();
    for _ in 0..length {
        words.push(seed.pick(WORDS));
    }
    words.join(" ")
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    let (Some(path), Some(count)) = (arguments.get(1), arguments.get(2)) else {
        eprintln!("usage: generate-telegram-export FILE MESSAGES");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<u64>() else {
        eprintln!("MESSAGES is a number, not {count}");
        return ExitCode::from(2);
    };
    match write(path, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{path}: {error}");
            ExitCode::from(1)
        }
    }
}

fn write(path: &str, count: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut seed = Seed(7);
    // 2024-01-15 09:00 Almaty (UTC+6), then a message every 0–120 seconds.
    let mut unixtime: i64 = 1_705_287_600;
    writeln!(
        out,
        "{{\n \"name\": \"Бұзақы_77\",\n \"type\": \"personal_chat\",\n \"id\": 5000000001,\n \"messages\": ["
    )?;
    for id in 1..=count {
        unixtime += i64::try_from(seed.next() % 120).unwrap_or(0);
        // Local time, as Telegram writes `date` (Almaty, UTC+6 before March 2024,
        // +5 after: close enough for a benchmark that reads `date_unixtime`).
        let local = jiff::Timestamp::from_second(unixtime + 6 * 3600)
            .map(|time| time.strftime("%Y-%m-%dT%H:%M:%S").to_string())
            .unwrap_or_default();
        let (name, from_id) = SENDERS[usize::try_from(seed.next() % 4).unwrap_or(0)];
        let separator = if id == 1 { "" } else { "," };
        let kind = seed.next() % 100;
        write!(
            out,
            "{separator}\n  {{\n   \"id\": {id},\n   \"type\": \"{}\",\n   \"date\": \"{local}\",\n   \"date_unixtime\": \"{unixtime}\",\n",
            if kind < 2 { "service" } else { "message" }
        )?;
        if kind < 2 {
            let action = if kind == 0 {
                "phone_call"
            } else {
                "pin_message"
            };
            write!(
                out,
                "   \"actor\": \"{name}\",\n   \"actor_id\": \"{from_id}\",\n   \"action\": \"{action}\",\n   \"text\": \"\",\n   \"text_entities\": []\n  }}"
            )?;
            continue;
        }
        write!(
            out,
            "   \"from\": \"{name}\",\n   \"from_id\": \"{from_id}\",\n"
        )?;
        if kind < 10 {
            writeln!(
                out,
                "   \"reply_to_message_id\": {},",
                id.saturating_sub(1 + seed.next() % 5).max(1)
            )?;
        }
        if (10..13).contains(&kind) {
            write!(
                out,
                "   \"edited\": \"{local}\",\n   \"edited_unixtime\": \"{}\",\n",
                unixtime + 30
            )?;
        }
        if (13..18).contains(&kind) {
            write!(
                out,
                "   \"photo\": \"(File not included. Change data exporting settings to download.)\",\n   \"photo_file_size\": {},\n   \"width\": 1280,\n   \"height\": 960,\n",
                50_000 + seed.next() % 200_000
            )?;
        }
        if (18..21).contains(&kind) {
            write!(
                out,
                "   \"file\": \"(File not included. Change data exporting settings to download.)\",\n   \"file_name\": \"sticker.webp\",\n   \"file_size\": 20480,\n   \"media_type\": \"sticker\",\n   \"sticker_emoji\": \"😈\",\n   \"width\": 512,\n   \"height\": 512,\n"
            )?;
        }
        if (21..23).contains(&kind) {
            write!(
                out,
                "   \"file\": \"(File not included. Change data exporting settings to download.)\",\n   \"media_type\": \"voice_message\",\n   \"mime_type\": \"audio/ogg\",\n   \"duration_seconds\": {},\n",
                1 + seed.next() % 60
            )?;
        }
        if (18..23).contains(&kind) {
            write!(out, "   \"text\": \"\",\n   \"text_entities\": []\n  }}")?;
        } else if (23..38).contains(&kind) {
            // Formatted text: a list of parts, as for bold words and links.
            let (first, bold, last) = (
                sentence(&mut seed),
                sentence(&mut seed),
                sentence(&mut seed),
            );
            write!(
                out,
                "   \"text\": [\n    \"{first} \",\n    {{\n     \"type\": \"bold\",\n     \"text\": \"{bold}\"\n    }},\n    \" {last}\"\n   ],\n   \"text_entities\": [\n    {{\n     \"type\": \"plain\",\n     \"text\": \"{first} \"\n    }},\n    {{\n     \"type\": \"bold\",\n     \"text\": \"{bold}\"\n    }},\n    {{\n     \"type\": \"plain\",\n     \"text\": \" {last}\"\n    }}\n   ]\n  }}"
            )?;
        } else {
            let text = sentence(&mut seed);
            write!(
                out,
                "   \"text\": \"{text}\",\n   \"text_entities\": [\n    {{\n     \"type\": \"plain\",\n     \"text\": \"{text}\"\n    }}\n   ]\n  }}"
            )?;
        }
    }
    writeln!(out, "\n ]\n}}")?;
    out.flush()
}
