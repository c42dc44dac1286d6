//! The documents as their readers get them: PDFs read back with `pdftotext`,
//! text and HTML compared fact by fact, templates overridden and broken, and
//! the text rendering of every document compared with its reviewed snapshot.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod fixtures;

use std::path::Path;
use std::process::Command;

use fixtures::{KAZAKH_LETTERS, RUSSIAN_LETTERS};
use qorgau_documents::{
    DocumentError, Language, OrderDocument, OrderKind, OrderReference, Outcome, Rendered,
    Templates, render_order, render_response,
};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The PDF's text as `pdftotext` reads it (one string per page), or `None`
/// outside CI when poppler-utils is not installed. In CI it must be there.
fn pdftotext(pdf: &[u8]) -> Option<Vec<String>> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = match Command::new("pdftotext").arg(&path).arg("-").output() {
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
    // Poppler reports any syntax problem it meets on stderr, even when it
    // recovers: a clean PDF gives nothing there.
    let complaints = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pdftotext failed: {complaints}");
    assert!(complaints.is_empty(), "pdftotext complained: {complaints}");
    let text = String::from_utf8(output.stdout).unwrap();
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|page| page.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// Lines trimmed and joined with nothing between them, so that a URL broken
/// across lines reads whole again.
fn joined(text: &str) -> String {
    text.lines().map(str::trim).collect()
}

fn templates() -> Templates {
    Templates::embedded().unwrap()
}

fn order_with(urls: Vec<String>) -> Rendered {
    render_order(&templates(), &fixtures::order(urls)).unwrap()
}

#[test]
fn the_fonts_have_every_kazakh_and_russian_letter() {
    for letter in KAZAKH_LETTERS.chars().chain(RUSSIAN_LETTERS.chars()) {
        assert!(
            qorgau_documents::fonts_cover(letter).unwrap(),
            "no glyph for {letter} (U+{:04X})",
            u32::from(letter)
        );
    }
    assert_eq!(KAZAKH_LETTERS.chars().count(), 18);
    assert_eq!(RUSSIAN_LETTERS.chars().count(), 66);
}

#[test]
fn an_order_reads_back_with_every_kazakh_letter_every_url_its_number_and_code() {
    let mut urls = fixtures::urls();
    urls.push(fixtures::long_url());
    let rendered = order_with(urls.clone());
    assert!(rendered.pdf.starts_with(b"%PDF-1.7"));
    let Some(pages) = pdftotext(&rendered.pdf) else {
        return;
    };
    let text = pages.concat();
    for letter in KAZAKH_LETTERS.chars() {
        assert!(
            text.contains(letter),
            "{letter} is missing from the PDF's text"
        );
    }
    let whole = joined(&text);
    for url in &urls {
        assert!(
            whole.contains(url.as_str()),
            "{url} is not in the PDF's text"
        );
    }
    // The 300-character URL is wider than the page: it was broken, not cut.
    assert!(
        !text.lines().any(|line| line.trim() == fixtures::long_url()),
        "the long URL should wrap"
    );
    assert!(text.contains("2026-000123"), "order number");
    assert!(text.contains("Q7M2-K9XR-4TDA"), "verification code");
    assert!(whole.contains("https://qorgau.example.kz/verify/Q7M2-K9XR-4TDA"));
    assert!(whole.contains("https://qorgau.example.kz/api/v1/orders/2026-000123/removal"));
    // Kazakh first, then Russian, each with its own footer on its pages.
    let kazakh = text.find("НҰСҚАМА № 2026-000123").expect("Kazakh title");
    let russian = text
        .find("ПРЕДПИСАНИЕ № 2026-000123")
        .expect("Russian title");
    assert!(kazakh < russian);
    // The deadline in Almaty time: 09:30 UTC is 14:30 in Almaty (UTC+5).
    assert!(text.contains("29.11.2026, сағат 14:30"), "{text}");
    assert!(text.contains("29.11.2026, 14:30 (время Алматы)"));
}

#[test]
fn two_hundred_urls_paginate_and_every_url_survives() {
    let urls: Vec<String> = (0..200)
        .map(|index| {
            format!(
                "https://social.example.kz/post/{index:03}?ref=share&id={}",
                1000 + index
            )
        })
        .collect();
    let rendered = order_with(urls.clone());
    let Some(pages) = pdftotext(&rendered.pdf) else {
        return;
    };
    let total = pages.len();
    assert!(
        total >= 6,
        "200 URLs in two languages take several pages, got {total}"
    );
    for (index, page) in pages.iter().enumerate() {
        let number = index + 1;
        let label_kk = format!("Бет {number} / {total}");
        let label_ru = format!("Стр. {number} из {total}");
        assert!(
            page.contains(&label_kk) || page.contains(&label_ru),
            "page {number} has no page label:\n{page}"
        );
        assert!(
            page.contains("Q7M2-K9XR-4TDA"),
            "page {number} has no verification code"
        );
    }
    let whole = joined(&pages.concat());
    for url in &urls {
        // Once in each language.
        assert_eq!(whole.matches(url.as_str()).count(), 2, "{url}");
    }
    // The Russian half starts on a page of its own.
    let first_russian = pages
        .iter()
        .position(|page| page.contains("ПРЕДПИСАНИЕ № 2026-000123"))
        .unwrap();
    assert!(!pages[first_russian].contains("НҰСҚАМА"));
    assert!(pages[first_russian].contains(&format!("Стр. {} из {total}", first_russian + 1)));
}

#[test]
fn text_html_and_pdf_carry_the_same_facts() {
    let urls = fixtures::urls();
    let order = fixtures::order(urls.clone());
    let rendered = render_order(&templates(), &order).unwrap();
    let pdf_text = pdftotext(&rendered.pdf).map(|pages| joined(&pages.concat()));
    let mut facts: Vec<String> = vec![
        order.number.clone(),
        order.owner_name.clone(),
        order.verification.code.clone(),
        order.verification.url.clone(),
        "28.11.2026".to_owned(),
        "14:30".to_owned(),
        order.regime.id.clone(),
    ];
    facts.extend(urls);
    facts.extend(order.legal_basis.kk.iter().cloned());
    facts.extend(order.legal_basis.ru.iter().cloned());
    for fact in &facts {
        assert!(rendered.text.contains(fact.as_str()), "text lacks {fact}");
        let escaped = fact
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(rendered.html.contains(&escaped), "HTML lacks {fact}");
        if let Some(pdf_text) = &pdf_text {
            // Joined lines lose the spaces at line ends; compare without spaces.
            assert!(
                pdf_text.replace(' ', "").contains(&fact.replace(' ', "")),
                "PDF lacks {fact}"
            );
        }
    }
    assert_eq!(
        rendered.title,
        "Нұсқама № 2026-000123 / Предписание № 2026-000123"
    );
    assert!(rendered.html.contains("<html lang=\"kk\">"));
    assert!(rendered.html.contains("<section lang=\"ru\">"));

    for language in Language::ALL {
        let letter = fixtures::letter(
            language,
            Outcome::Confirmed {
                category: String::new(),
            },
        );
        let rendered = render_response(&templates(), &letter).unwrap();
        let pdf_text = pdftotext(&rendered.pdf).map(|pages| joined(&pages.concat()));
        let mut facts = vec![
            letter.case_number.clone(),
            letter.authority.clone(),
            letter.next_steps.tracking_url.clone(),
            "30.11.2026".to_owned(),
        ];
        facts.extend(letter.reasons.iter().cloned());
        for fact in &facts {
            assert!(
                rendered.text.contains(fact.as_str()),
                "{language:?} text lacks {fact}"
            );
            assert!(
                rendered.html.contains(fact.as_str()),
                "{language:?} HTML lacks {fact}"
            );
            if let Some(pdf_text) = &pdf_text {
                // Joined lines lose the spaces at line ends; compare without spaces.
                assert!(
                    pdf_text.replace(' ', "").contains(&fact.replace(' ', "")),
                    "{language:?} PDF lacks {fact}"
                );
            }
        }
        assert!(
            rendered
                .html
                .contains(&format!("<html lang=\"{}\">", language.code()))
        );
    }
}

#[test]
fn html_escapes_what_it_is_given_and_values_cannot_add_markup() {
    let mut order = fixtures::order(vec![
        "https://evil.example/<script>alert(1)</script>".to_owned(),
        "https://a.example/x\n# Injected title\n- injected item".to_owned(),
    ]);
    order.owner_name = "<script>alert('owner')</script> & Co".to_owned();
    let rendered = render_order(&templates(), &order).unwrap();
    assert!(!rendered.html.contains("<script"), "{}", rendered.html);
    assert!(
        rendered
            .html
            .contains("&lt;script&gt;alert(&#39;owner&#39;)&lt;/script&gt; &amp; Co")
    );
    assert!(
        rendered
            .html
            .contains("https://evil.example/&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    // The line breaks in the value became spaces: still one item, no new title.
    assert!(
        rendered
            .text
            .contains("- https://a.example/x # Injected title - injected item\n")
    );
    assert!(
        !rendered
            .html
            .contains("<h1 style=\"font-size: 1.3em;\">Injected")
    );
    assert_eq!(rendered.text.matches("\n- injected item").count(), 0);
}

#[test]
fn an_override_replaces_the_embedded_template() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("response.en.jinja"),
        "@title: Custom {{ case_number }}\n# Custom letter\n| Case | {{ case_number }}\n{% for reason in reasons %}\n- {{ reason }}\n{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(folder.path().join("README.md"), "not a template").unwrap();
    let templates = Templates::with_overrides(folder.path()).unwrap();
    let letter = fixtures::letter(Language::En, Outcome::NotConfirmed);
    let rendered = render_response(&templates, &letter).unwrap();
    assert_eq!(rendered.title, "Custom KZ-2026-004512");
    assert!(
        rendered.text.starts_with("Custom letter\n"),
        "{}",
        rendered.text
    );
    assert!(rendered.text.contains(&letter.reasons[0]));
    assert!(
        templates
            .origin("response.en.jinja")
            .unwrap()
            .contains(&folder.path().display().to_string())
    );
    // The others are still the embedded ones.
    assert_eq!(
        templates.origin("response.ru.jinja"),
        Some("response.ru.jinja (embedded)")
    );
    let russian = render_response(
        &templates,
        &fixtures::letter(Language::Ru, Outcome::NotConfirmed),
    )
    .unwrap();
    assert!(russian.text.contains("Ответ на ваше обращение"));
}

fn refused(file: &str, source: &str) -> String {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join(file), source).unwrap();
    let error = Templates::with_overrides(folder.path()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(file),
        "the error names the file: {message}"
    );
    message
}

#[test]
fn a_broken_override_is_refused_at_load_naming_the_file_and_line() {
    // A syntax error.
    let message = refused(
        "order.ru.jinja",
        "# Title\n\n{% if kind == \"order\" %}\nno end\n",
    );
    assert!(matches!(
        Templates::with_overrides(Path::new("/nonexistent/qorgau-templates")),
        Err(DocumentError::OverrideDirectory { .. })
    ));
    assert!(message.contains("line"), "{message}");
    assert!(message.contains("syntax error"), "{message}");
    // A misspelt variable: found by the sample render, with its line.
    let message = refused("order.kk.jinja", "# Title\n\n| Owner | {{ ownr }}\n");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("undefined"), "{message}");
    // Markup the parser refuses.
    let message = refused("response.kk.jinja", "# Title\n@colour: red\n");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("unknown directive"), "{message}");
    // A misspelt file name is not silently ignored.
    let message = refused("order.kz.jinja", "# Title\n");
    assert!(
        message.contains("order.kk.jinja"),
        "lists the known names: {message}"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let mut urls = fixtures::urls();
    urls.push(fixtures::long_url());
    let first = order_with(urls.clone());
    let second = render_order(
        &Templates::embedded().unwrap(),
        &fixtures::order(urls.clone()),
    )
    .unwrap();
    assert_eq!(first, second);
    // And a different input gives a different document.
    let mut other = fixtures::order(urls);
    other.number = "2026-000124".to_owned();
    assert_ne!(render_order(&templates(), &other).unwrap().pdf, first.pdf);
    let letter = fixtures::letter(Language::Kk, Outcome::Refused);
    assert_eq!(
        render_response(&templates(), &letter).unwrap(),
        render_response(&templates(), &letter).unwrap()
    );
}

/// A compile-level check that an order has no field for a person: this
/// destructuring names every field, so adding one (say, `applicant_name`)
/// breaks the build here and a reviewer has to read this comment. The order
/// never names the applicant or the child (PRODUCT.md).
#[test]
fn an_order_has_no_field_for_a_person() {
    let OrderDocument {
        number: _,
        issued_at: _,
        regime: _,
        legal_basis: _,
        authority: _,
        owner_name: _,
        urls: _,
        removal_due: _,
        report: _,
        verification: _,
        kind: _,
    } = fixtures::order(fixtures::urls());
}

fn reference() -> OrderReference {
    OrderReference {
        number: "2026-000100".to_owned(),
        issued_at: jiff::civil::date(2026, 11, 20),
    }
}

fn ladder() -> Vec<(&'static str, OrderKind)> {
    vec![
        ("order", OrderKind::Order),
        (
            "order-reminder",
            OrderKind::Reminder {
                original: reference(),
            },
        ),
        (
            "order-repeated",
            OrderKind::RepeatedOrder {
                original: reference(),
            },
        ),
        (
            "order-administrative-offence",
            OrderKind::AdministrativeOffence {
                original: reference(),
                fine_mci: 10,
                fine_tenge: 43_250,
            },
        ),
        (
            "order-access-restriction",
            OrderKind::AccessRestrictionRequest {
                original: reference(),
            },
        ),
    ]
}

#[test]
fn every_step_of_the_ladder_says_what_it_is() {
    for (name, kind) in ladder() {
        let mut order = fixtures::order(fixtures::urls());
        order.kind = kind.clone();
        let rendered = render_order(&templates(), &order).unwrap();
        if kind != OrderKind::Order {
            assert!(
                rendered.text.contains("№ 2026-000100"),
                "{name} names the original order"
            );
            assert!(
                rendered.text.contains("20.11.2026"),
                "{name} dates the original order"
            );
        }
        if let OrderKind::AdministrativeOffence { .. } = kind {
            assert!(
                rendered.text.contains("10 АЕК (43\u{a0}250 теңге)"),
                "{}",
                rendered.text
            );
            assert!(rendered.text.contains("10 МРП (43\u{a0}250 тенге)"));
        }
    }
}

/// Compares a text rendering with its reviewed snapshot in `tests/snapshots/`.
/// `QORGAU_UPDATE_SNAPSHOTS=1` rewrites them (review the diff before committing).
fn check_snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var("QORGAU_UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with QORGAU_UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == text,
        "{name} differs from its snapshot {}; if the change is intended, update it with QORGAU_UPDATE_SNAPSHOTS=1 and review the diff\n--- got:\n{text}",
        path.display()
    );
}

#[test]
fn every_document_matches_its_snapshot() {
    for (name, kind) in ladder() {
        let mut order = fixtures::order(fixtures::urls());
        order.kind = kind;
        check_snapshot(name, &render_order(&templates(), &order).unwrap().text);
    }
    for language in Language::ALL {
        for (name, outcome) in [
            (
                "confirmed",
                Outcome::Confirmed {
                    category: String::new(),
                },
            ),
            ("not-confirmed", Outcome::NotConfirmed),
            ("refused", Outcome::Refused),
        ] {
            let letter = fixtures::letter(language, outcome);
            let rendered = render_response(&templates(), &letter).unwrap();
            check_snapshot(
                &format!("response-{name}.{}", language.code()),
                &rendered.text,
            );
        }
    }
}

/// The service loads the templates once and shares them between tasks.
#[test]
fn templates_and_documents_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Templates>();
    shareable::<Rendered>();
    shareable::<DocumentError>();
}
