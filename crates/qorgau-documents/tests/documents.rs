//! The documents as their readers get them: PDFs read back with `pdftotext`,
//! text and HTML compared fact by fact, templates overridden and broken, and
//! the text rendering of every document compared with its reviewed snapshot.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod fixtures;

use std::path::Path;

use fixtures::{KAZAKH_LETTERS, REFERRAL_DIGESTS, RUSSIAN_LETTERS};
use qorgau_documents::{
    ClosureNotice, DocumentError, Fine, FineInTenge, Language, OrderDocument, OrderKind,
    OrderLanguage, OrderReference, Outcome, ReferralDocument, Rendered, Templates, render_closure,
    render_order, render_order_draft, render_referral, render_response,
};

/// The PDF's text as `pdftotext` reads it (one string per page), or `None`
/// outside CI when poppler-utils is not installed. In CI it must be there.
fn pdftotext(pdf: &[u8]) -> Option<Vec<String>> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = qorgau_testkit::pdftotext(&path)?;
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
fn a_draft_order_says_so_and_has_no_number_or_code_to_quote() {
    let urls = fixtures::urls();
    let draft = render_order_draft(&templates(), &fixtures::order(urls.clone())).unwrap();
    // Text, HTML and PDF come from one markup; the text is checked
    // everywhere, the PDF where pdftotext is installed.
    let mut texts = vec![draft.text.clone(), draft.html.clone()];
    if let Some(pages) = pdftotext(&draft.pdf) {
        texts.push(pages.concat());
    }
    for text in texts {
        assert!(text.contains("ЖОБА: НҰСҚАМА"), "{text}");
        assert!(text.contains("ПРОЕКТ: ПРЕДПИСАНИЕ"), "{text}");
        assert!(
            !text.contains("2026-000123"),
            "a draft has no number: {text}"
        );
        assert!(!text.contains("Q7M2-K9XR-4TDA"), "nor a code: {text}");
        assert!(!text.contains("/verify/"), "{text}");
        assert!(text.contains("в течение 24 часов с момента получения предписания"));
        // HTML escapes the URLs' ampersands; the text and the PDF show them.
        let whole = joined(&text.replace("&amp;", "&"));
        for url in &urls {
            assert!(whole.contains(url.as_str()), "{url}");
        }
    }
    assert!(draft.title.contains("Проект"), "{}", draft.title);
    // The same input, issued: the number and the code are there.
    let issued = order_with(urls);
    assert!(issued.text.contains("ПРЕДПИСАНИЕ № 2026-000123"));
    assert!(!issued.text.contains("ПРОЕКТ"));
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
        removal_hours: _,
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
                fine: None,
            },
        ),
        (
            "order-administrative-offence-fine",
            OrderKind::AdministrativeOffence {
                original: reference(),
                fine: Some(Fine {
                    mci: 10,
                    in_tenge: Some(FineInTenge {
                        mci_value: 4_325,
                        year: 2026,
                        total: 43_250,
                    }),
                }),
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
        match &kind {
            OrderKind::AdministrativeOffence { fine: Some(_), .. } => {
                assert!(
                    rendered.text.contains(
                        "10 АЕК × 4\u{a0}325 теңге (2026 жылға белгіленген АЕК) = 43\u{a0}250 теңге"
                    ),
                    "{}",
                    rendered.text
                );
                assert!(
                    rendered.text.contains(
                        "10 МРП × 4\u{a0}325 тенге (МРП на 2026 год) = 43\u{a0}250 тенге"
                    )
                );
            }
            // No fine confirmed: the record states the offence and leaves
            // the amount to the body hearing the case; it invents none.
            OrderKind::AdministrativeOffence { fine: None, .. } => {
                assert!(rendered.text.contains(
                    "Айыппұлдың мөлшерін әкімшілік құқық бұзушылық туралы істі қарайтын орган белгілейді."
                ));
                assert!(rendered.text.contains(
                    "Размер штрафа устанавливает орган, рассматривающий дело об административном правонарушении."
                ));
                assert!(!rendered.text.contains("МРП") && !rendered.text.contains("АЕК"));
            }
            _ => assert!(!rendered.text.contains("МРП")),
        }
        let heading = match &kind {
            OrderKind::AdministrativeOffence { .. } => {
                "УВЕДОМЛЕНИЕ ОБ АДМИНИСТРАТИВНОМ ПРАВОНАРУШЕНИИ"
            }
            OrderKind::RepeatedOrder { .. } => "ПОВТОРНОЕ ПРЕДПИСАНИЕ",
            OrderKind::Reminder { .. } => "НАПОМИНАНИЕ ОБ ИСПОЛНЕНИИ ПРЕДПИСАНИЯ",
            OrderKind::AccessRestrictionRequest { .. } => "УВЕДОМЛЕНИЕ ОБ ОГРАНИЧЕНИИ ДОСТУПА",
            OrderKind::Order => "ПРЕДПИСАНИЕ",
        };
        assert!(
            rendered.text.contains(&format!("{heading} № 2026-000123")),
            "{name}: {}",
            rendered.text
        );
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
    let mut undelivered = fixtures::order(fixtures::urls());
    undelivered.removal_due = None;
    check_snapshot(
        "order-undelivered",
        &render_order(&templates(), &undelivered).unwrap().text,
    );
    check_snapshot(
        "closure",
        &render_closure(&templates(), &fixtures::closure(fixtures::urls()))
            .unwrap()
            .text,
    );
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
    for language in OrderLanguage::ALL {
        let rendered = render_referral(&templates(), &fixtures::referral(language)).unwrap();
        check_snapshot(&format!("referral.{}", language.code()), &rendered.text);
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

/// Whether `haystack` (lines joined) has `fact`, ignoring spaces: joined lines
/// lose the spaces at line ends.
fn has_fact(haystack: &str, fact: &str) -> bool {
    haystack.replace(' ', "").contains(&fact.replace(' ', ""))
}

#[test]
fn a_referral_reads_back_with_every_kazakh_letter_its_cases_digests_and_almaty_times() {
    for language in OrderLanguage::ALL {
        let referral = fixtures::referral(language);
        let rendered = render_referral(&templates(), &referral).unwrap();
        assert!(rendered.pdf.starts_with(b"%PDF-1.7"));
        let (title, legal_basis, capture_time) = match language {
            OrderLanguage::Kk => (
                "KZ-2026-004512 ісі бойынша құқық қорғау органдарына арналған материалдар",
                "Әкімшілік құқық бұзушылық туралы кодексі, 127-2-бап",
                "Тіркелген уақыты: 20.11.2026, 14:30:05",
            ),
            OrderLanguage::Ru => (
                "Материалы для правоохранительных органов по делу № KZ-2026-004512",
                "об административных правонарушениях, ст. 127-2",
                "Зафиксировано: 20.11.2026, 14:30:05",
            ),
        };
        assert_eq!(rendered.title, title);
        // Almaty time (UTC+5), every fact of the record, in the text form.
        let mut facts: Vec<String> = vec![
            "KZ-2026-004512".to_owned(),
            "KZ-2026-004377".to_owned(),
            legal_basis.to_owned(),
            "kz-562-nk-2025".to_owned(),
            "02.12.2026, 15:45".to_owned(),
            "28.11.2026, 11:10".to_owned(),
            "20.11.2026, 05:00".to_owned(),
            "https://t.me/class_7a".to_owned(),
            "№ 17".to_owned(),
            "№ 0".to_owned(),
            "qorgau.example.kz/log".to_owned(),
            "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned(),
            "48213".to_owned(),
            "ev-capture-1".to_owned(),
            "ev-upload-2".to_owned(),
            referral.electronic_copy.clone().unwrap(),
        ];
        facts.extend(REFERRAL_DIGESTS.iter().map(|digest| (*digest).to_owned()));
        facts.extend(referral.accounts.iter().cloned());
        facts.extend(referral.timeline.iter().map(|entry| entry.detail.clone()));
        facts.extend(
            referral
                .indicators
                .iter()
                .flat_map(|indicator| [indicator.name.clone(), indicator.explanation.clone()]),
        );
        facts.extend(referral.suggestion.clone());
        facts.push(referral.referral.clone().unwrap().authority);
        facts.push(referral.decision.clone().unwrap().category);
        for fact in &facts {
            assert!(
                rendered.text.contains(fact.as_str()),
                "{language:?} text lacks {fact}:\n{}",
                rendered.text
            );
            assert!(
                rendered.html.contains(fact.as_str()),
                "{language:?} HTML lacks {fact}"
            );
        }
        assert!(rendered.text.contains(capture_time), "{}", rendered.text);
        assert!(
            rendered
                .html
                .contains(&format!("<html lang=\"{}\">", language.code()))
        );
        let Some(pages) = pdftotext(&rendered.pdf) else {
            continue;
        };
        let text = pages.concat();
        if language == OrderLanguage::Kk {
            for letter in KAZAKH_LETTERS.chars() {
                assert!(
                    text.contains(letter),
                    "{letter} is missing from the PDF's text"
                );
            }
        }
        let whole = joined(&text);
        // The PDF sets a row's key and value in columns of their own.
        for fact in facts
            .iter()
            .map(String::as_str)
            .chain([title, "20.11.2026, 14:30:05"])
        {
            assert!(has_fact(&whole, fact), "{language:?} PDF lacks {fact}");
        }
        // Every page has the footer: the case number and the page label.
        let total = pages.len();
        for (index, page) in pages.iter().enumerate() {
            let label = match language {
                OrderLanguage::Kk => format!("Бет {} / {total}", index + 1),
                OrderLanguage::Ru => format!("Стр. {} из {total}", index + 1),
            };
            assert!(page.contains(&label), "page {} lacks {label}", index + 1);
            assert!(has_fact(&joined(page), "KZ-2026-004512"));
        }
    }
}

#[test]
fn a_referral_escapes_what_it_is_given_and_values_cannot_add_markup() {
    let mut referral = fixtures::referral(OrderLanguage::Ru);
    referral.timeline[0].detail =
        "<script>alert('detail')</script> & co\n# Injected title\n- injected item".to_owned();
    referral.accounts[0] = "<img src=x onerror=alert(1)>".to_owned();
    referral.suggestion = Some("# not a title".to_owned());
    let rendered = render_referral(&templates(), &referral).unwrap();
    assert!(!rendered.html.contains("<script"), "{}", rendered.html);
    assert!(!rendered.html.contains("<img"), "{}", rendered.html);
    assert!(
        rendered
            .html
            .contains("&lt;script&gt;alert(&#39;detail&#39;)&lt;/script&gt; &amp; co")
    );
    // The line breaks became spaces: still one timeline item, no new title.
    assert!(
        rendered
            .text
            .contains("& co # Injected title - injected item"),
        "{}",
        rendered.text
    );
    assert_eq!(rendered.text.matches("\n- injected item").count(), 0);
    assert!(!rendered.text.contains("Injected title\n="));
    // A value at the start of a line stays a paragraph, whatever it starts with.
    assert!(
        rendered.text.contains("\n# not a title\n"),
        "{}",
        rendered.text
    );
    assert!(!rendered.text.contains("not a title\n="));
}

#[test]
fn a_referral_template_can_be_overridden_and_a_broken_one_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("referral.ru.jinja"),
        "@title: Пакет {{ case_number }}\n# Пакет для полиции\n{% for item in evidence %}\n- {{ item.digest }}\n{% endfor %}\n",
    )
    .unwrap();
    let templates = Templates::with_overrides(folder.path()).unwrap();
    let rendered = render_referral(&templates, &fixtures::referral(OrderLanguage::Ru)).unwrap();
    assert_eq!(rendered.title, "Пакет KZ-2026-004512");
    assert!(
        rendered.text.starts_with("Пакет для полиции\n"),
        "{}",
        rendered.text
    );
    for digest in REFERRAL_DIGESTS {
        assert!(rendered.text.contains(&format!("- {digest}\n")));
    }
    assert_eq!(
        templates.origin("referral.kk.jinja"),
        Some("referral.kk.jinja (embedded)")
    );
    let kazakh = render_referral(&templates, &fixtures::referral(OrderLanguage::Kk)).unwrap();
    assert!(kazakh.text.contains("құқық қорғау органдарына"));
    // A misspelt variable is found by the sample packages, with its line.
    let message = refused(
        "referral.kk.jinja",
        "# Материалдар\n\n| Іс | {{ case_numbr }}\n",
    );
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("undefined"), "{message}");
    assert!(message.contains("referral package"), "{message}");
    // An attribute that only a full package has, used without a test, is
    // found by the bare sample (no decision).
    let message = refused(
        "referral.ru.jinja",
        "# Материалы\n| Решение | {{ decision.category }}\n",
    );
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn a_referral_is_the_same_bytes_for_the_same_input() {
    let referral = fixtures::referral(OrderLanguage::Kk);
    let first = render_referral(&templates(), &referral).unwrap();
    assert_eq!(first, render_referral(&templates(), &referral).unwrap());
    let mut other = referral.clone();
    other.evidence[0].digest = REFERRAL_DIGESTS[2].to_owned();
    assert_ne!(
        render_referral(&templates(), &other).unwrap().pdf,
        first.pdf
    );
}

/// As for the order: this destructuring names every field of the referral
/// package, so a new one (say, `child_name`) breaks the build here and draws
/// review. The package names cases, never the child: no name, birth date or
/// IIN (PRODUCT.md, "A child's data goes only where it must").
#[test]
fn a_referral_has_no_field_for_the_child() {
    let ReferralDocument {
        case_number: _,
        language: _,
        prepared_at: _,
        received_at: _,
        regime: _,
        legal_basis: _,
        decision: _,
        referral: _,
        accounts: _,
        linked_cases: _,
        timeline: _,
        indicators: _,
        suggestion: _,
        evidence: _,
        electronic_copy: _,
    } = fixtures::referral(OrderLanguage::Kk);
}

/// `text` as the HTML renderer escapes it.
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn report_in(language: Language) -> Rendered {
    qorgau_documents::render_report(&templates(), &fixtures::report(language)).unwrap()
}

#[test]
fn a_report_reads_back_with_its_period_checkpoint_and_every_published_value() {
    for language in Language::ALL {
        let report = fixtures::report(language);
        let rendered = report_in(language);
        assert!(rendered.pdf.starts_with(b"%PDF-1.7"));
        let (title, computed, page_label): (&str, &str, fn(usize, usize) -> String) = match language
        {
            Language::Kk => (
                "2026-H1 ашықтық есебі",
                "15.07.2026, 10:00 (Алматы уақыты)",
                |page, pages| format!("Бет {page} / {pages}"),
            ),
            Language::Ru => (
                "Отчёт о прозрачности 2026-H1",
                "15.07.2026, 10:00 (время Алматы)",
                |page, pages| format!("Стр. {page} из {pages}"),
            ),
            Language::En => (
                "Transparency report 2026-H1",
                "15.07.2026, 10:00 (Almaty time)",
                |page, pages| format!("Page {page} of {pages}"),
            ),
        };
        assert_eq!(rendered.title, title);
        // Every label and every published value, as the rows of the text
        // and HTML forms: the tables' rows, the durations' cells beside their
        // columns, the owners' cells (the owner with a bar in its name stays
        // the key).
        let mut rows: Vec<(String, String)> = vec![
            (String::new(), fixtures::REPORT_ROOT.to_owned()),
            (String::new(), "48213".to_owned()),
            (String::new(), computed.to_owned()),
        ];
        let performance = &report.performance;
        for table in report.tables.iter().chain([&performance.responses]) {
            for row in table.rows.iter().chain(&table.total) {
                rows.push((row.label.clone(), row.value.clone()));
            }
        }
        for grid in [
            &report.durations,
            &report.compliance,
            &performance.time_to_response,
        ] {
            for row in &grid.rows {
                let cells: Vec<String> = grid
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(column, cell)| format!("{column}: {cell}"))
                    .collect();
                rows.push((row.label.replace(" | ", " ¦ "), cells.join("; ")));
            }
        }
        for (label, value) in &rows {
            let row = format!("{label}: {value}");
            assert!(
                rendered.text.contains(row.trim_start_matches(": ")),
                "{language:?} text lacks {row}:\n{}",
                rendered.text
            );
            assert!(
                rendered
                    .html
                    .contains(&format!("{}</th>", html_escaped(label)))
                    && rendered
                        .html
                        .contains(&format!(">{}</td></tr>", html_escaped(value))),
                "{language:?} HTML lacks {row}"
            );
        }
        let mut titles: Vec<&str> = report
            .tables
            .iter()
            .chain([&performance.responses])
            .map(|table| table.title.as_str())
            .collect();
        titles.extend([
            report.durations.title.as_str(),
            report.compliance.title.as_str(),
        ]);
        for fact in titles.iter().copied().chain([
            title,
            "2026-H1",
            "01.01.2026",
            "30.06.2026",
            "48210",
            "91.7%",
            report.suppression.as_str(),
        ]) {
            assert!(
                rendered.text.contains(fact),
                "{language:?} text lacks {fact}"
            );
            assert!(
                rendered.html.contains(&html_escaped(fact)),
                "{language:?} HTML lacks {fact}"
            );
        }
        assert!(rendered.text.contains("Meta ¦ Instagram: "));
        check_snapshot(&format!("report.{}", language.code()), &rendered.text);
        // The same input, the same bytes.
        assert_eq!(rendered, report_in(language));
        let Some(pages) = pdftotext(&rendered.pdf) else {
            continue;
        };
        let text = pages.concat();
        let whole = joined(&text);
        if language == Language::Kk {
            for letter in KAZAKH_LETTERS.chars() {
                assert!(text.contains(letter), "{letter} is missing from the PDF");
            }
        }
        for fact in [
            title,
            fixtures::REPORT_ROOT,
            "48210",
            "48213",
            "01.01.2026",
            "30.06.2026",
            &report.suppression,
            &report.tables[0].rows[0].value,
            &report.tables[0].rows[2].value,
            "<5",
        ] {
            assert!(has_fact(&whole, fact), "{language:?} PDF lacks {fact}");
        }
        for table in report.tables.iter().chain([&performance.responses]) {
            assert!(
                has_fact(&whole, &table.title),
                "{language:?} PDF lacks {}",
                table.title
            );
            for row in table.rows.iter().chain(&table.total) {
                assert!(
                    has_fact(&whole, &format!("{}{}", row.label, row.value)),
                    "{language:?} PDF lacks the row {} = {}",
                    row.label,
                    row.value
                );
            }
        }
        let total = pages.len();
        for (index, page) in pages.iter().enumerate() {
            let label = page_label(index + 1, total);
            assert!(page.contains(&label), "page {} lacks {label}", index + 1);
            assert!(has_fact(&joined(page), "2026-H1"));
        }
    }
}

#[test]
fn a_report_says_when_it_is_provisional_empty_or_has_no_checkpoint() {
    let mut report = fixtures::report(Language::Ru);
    report.provisional = true;
    report.empty = true;
    report.source.checkpoint = None;
    report.performance.decision_on_time = None;
    report.compliance.rows.clear();
    let rendered = qorgau_documents::render_report(&templates(), &report).unwrap();
    for fact in [
        "Предварительно: период не закончился",
        "В этот период заявлений не поступало.",
        "Последняя подписанная контрольная точка: ещё нет",
        "Предписаний нет.",
    ] {
        assert!(rendered.text.contains(fact), "{fact}:\n{}", rendered.text);
    }
    assert!(!rendered.text.contains("Корневой хеш"));
    assert!(!rendered.text.contains("Решено в срок"));
    // And the full one says none of that.
    let full = report_in(Language::Ru);
    assert!(!full.text.contains("Предварительно"));
    assert!(!full.text.contains("ещё нет"));
}

#[test]
fn a_report_escapes_what_it_is_given_and_values_cannot_add_markup() {
    let mut report = fixtures::report(Language::En);
    report.compliance.rows[0].label =
        "<script>alert('owner')</script> & co\n# Injected title\n- injected item".to_owned();
    report.tables[0].rows[0].value = "<img src=x onerror=alert(1)>".to_owned();
    report.suppression = "# not a title".to_owned();
    let rendered = qorgau_documents::render_report(&templates(), &report).unwrap();
    assert!(!rendered.html.contains("<script"), "{}", rendered.html);
    assert!(!rendered.html.contains("<img"), "{}", rendered.html);
    assert!(
        rendered
            .html
            .contains("&lt;script&gt;alert(&#39;owner&#39;)&lt;/script&gt; &amp; co")
    );
    // The line breaks became spaces: still one row, no new title or item.
    assert!(
        rendered
            .text
            .contains("& co # Injected title - injected item: Orders: 21;"),
        "{}",
        rendered.text
    );
    assert_eq!(rendered.text.matches("\n- injected item").count(), 0);
    assert!(!rendered.text.contains("Injected title\n="));
    assert!(
        rendered.text.contains("\n# not a title\n"),
        "{}",
        rendered.text
    );
}

#[test]
fn a_report_template_can_be_overridden_and_a_broken_one_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("report.en.jinja"),
        "@title: Figures {{ period }}\n# Our figures\n{% for table in tables %}\n{% for row in table.rows %}\n- {{ row.label }} = {{ row.value }}\n{% endfor %}\n{% endfor %}\n",
    )
    .unwrap();
    let templates = Templates::with_overrides(folder.path()).unwrap();
    let rendered =
        qorgau_documents::render_report(&templates, &fixtures::report(Language::En)).unwrap();
    assert_eq!(rendered.title, "Figures 2026-H1");
    assert!(
        rendered.text.starts_with("Our figures\n"),
        "{}",
        rendered.text
    );
    assert!(rendered.text.contains("- 2026-01 = 12\n"));
    assert!(rendered.text.contains("- 2026-02 = <5\n"));
    assert_eq!(
        templates.origin("report.kk.jinja"),
        Some("report.kk.jinja (embedded)")
    );
    let kazakh =
        qorgau_documents::render_report(&templates, &fixtures::report(Language::Kk)).unwrap();
    assert!(kazakh.text.contains("2026-H1 ашықтық есебі"));
    // A misspelt variable is found by the sample reports, with its line.
    let message = refused("report.kk.jinja", "# Есеп\n\n| Кезең | {{ periodd }}\n");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("undefined"), "{message}");
    assert!(message.contains("transparency report"), "{message}");
    // The checkpoint's hash used without a test is found by the sample
    // without a checkpoint.
    let message = refused(
        "report.ru.jinja",
        "# Отчёт\n| Хеш | {{ source.checkpoint.root_hash }}\n",
    );
    assert!(message.contains("line 2"), "{message}");
}

/// This destructuring names every field of the report: a new one (say, an
/// exact count beside a published one) breaks the build here and draws
/// review. Every figure in it is text as published — a count, `<5` or the
/// withheld word — never a number that has not been through suppression
/// (docs/statistics.md).
#[test]
fn a_report_has_only_published_values() {
    let qorgau_documents::TransparencyReportDocument {
        language: _,
        period: _,
        first_day: _,
        last_day: _,
        provisional: _,
        empty: _,
        computed_at: _,
        source: _,
        threshold: _,
        suppression: _,
        performance:
            qorgau_documents::ReportPerformance {
                decision_on_time: _,
                extended_decisions: _,
                response_on_time: _,
                responses: _,
                time_to_response: _,
            },
        tables: _,
        durations: _,
        referred: _,
        compliance: _,
    } = fixtures::report(Language::Kk);
}

/// The legal clock runs from the owner's receipt of the order, so an order
/// not yet delivered states the hours from receipt, not a date computed from
/// its issue; once delivered it states the deadline's date and hour.
#[test]
fn an_order_not_yet_delivered_states_the_hours_from_receipt_not_a_date() {
    let mut order = fixtures::order(fixtures::urls());
    order.removal_due = None;
    let rendered = render_order(&templates(), &order).unwrap();
    for text in [&rendered.text, &rendered.html] {
        assert!(text.contains("нұсқама алынған сәттен бастап 24 сағат ішінде"));
        assert!(text.contains("в течение 24 часов с момента получения предписания"));
        assert!(
            !text.contains("29.11.2026"),
            "no date before delivery: {text}"
        );
    }
    let delivered = render_order(&templates(), &fixtures::order(fixtures::urls())).unwrap();
    assert!(
        delivered
            .text
            .contains("29.11.2026, сағат 14:30 (Алматы уақыты)")
    );
    assert!(delivered.text.contains("29.11.2026, 14:30 (время Алматы)"));
    if let Some(pages) = pdftotext(&rendered.pdf) {
        let text = qorgau_testkit::squeezed(&joined(&pages.join("")));
        assert!(
            text.contains("втечение24часовсмоментаполученияпредписания"),
            "{text}"
        );
        assert!(!text.contains("29.11.2026"), "{text}");
    }
}

/// The notice that closes an order says so — its own title in Kazakh and
/// Russian, the order's number, that removal was verified and when (Almaty
/// time) — and is not the order again: no heading of an order, no
/// deadline, nothing to do.
#[test]
fn a_closure_notice_says_the_removal_was_verified_and_is_not_an_order() {
    let closure = fixtures::closure(fixtures::urls());
    let rendered = render_closure(&templates(), &closure).unwrap();
    assert_eq!(
        rendered.title,
        "Нұсқаманың жабылғаны туралы хабарлама № 2026-000123 / \
         Уведомление о закрытии предписания № 2026-000123"
    );
    for text in [&rendered.text, &rendered.html] {
        for fact in [
            "НҰСҚАМАНЫҢ ЖАБЫЛҒАНЫ ТУРАЛЫ ХАБАРЛАМА № 2026-000123",
            "УВЕДОМЛЕНИЕ О ЗАКРЫТИИ ПРЕДПИСАНИЯ № 2026-000123",
            "29.11.2026, сағат 11:05 (Алматы уақыты)",
            "29.11.2026, 11:05 (время Алматы)",
            "№ 2026-000123 от 28.11.2026",
            "https://t.me/some_channel/4521",
        ] {
            assert!(text.contains(fact), "{fact} missing: {text}");
        }
        for order_only in ["ПРЕДПИСАНИЕ №", "НҰСҚАМА №", "Срок удаления", "Жою мерзімі"]
        {
            assert!(
                !text.contains(order_only),
                "{order_only} in a closure: {text}"
            );
        }
    }
    if let Some(pages) = pdftotext(&rendered.pdf) {
        let text = pages.join("");
        assert!(text.contains("2026-000123"), "{text}");
        assert!(
            text.contains("ЖАБЫЛҒАНЫ") && text.contains("ЗАКРЫТИИ"),
            "{text}"
        );
    }
    // Like the order, it has no field for a person.
    let ClosureNotice {
        number: _,
        order_issued_at: _,
        issued_at: _,
        regime: _,
        authority: _,
        owner_name: _,
        urls: _,
        removal_verified_at: _,
        verification: _,
    } = closure;
}
