//! Renders the test fixture's order `--renders N` times and prints the median
//! time per render (used by `bench/documents/run.sh`); with `--out FILE` it
//! also writes the PDF, so it can be read back, and with `--html FILE` the HTML. `--letter kk|ru|en` renders the
//! fixture's response letter instead (a quick look at it as a reader sees it).

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut renders: usize = 200;
    let mut out: Option<String> = None;
    let mut html: Option<String> = None;
    let mut url_count: usize = 4;
    let mut letter: Option<qorgau_documents::Language> = None;
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--renders" => renders = arguments.next().ok_or("--renders N")?.parse()?,
            "--urls" => url_count = arguments.next().ok_or("--urls N")?.parse()?,
            "--out" => out = Some(arguments.next().ok_or("--out FILE")?),
            "--html" => html = Some(arguments.next().ok_or("--html FILE")?),
            "--letter" => {
                letter = Some(match arguments.next().as_deref() {
                    Some("kk") => qorgau_documents::Language::Kk,
                    Some("ru") => qorgau_documents::Language::Ru,
                    Some("en") => qorgau_documents::Language::En,
                    _ => return Err("--letter kk|ru|en".into()),
                })
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let templates = qorgau_documents::Templates::embedded()?;
    let urls: Vec<String> = fixtures::urls()
        .into_iter()
        .cycle()
        .take(url_count)
        .enumerate()
        .map(|(index, url)| format!("{url}#{index}"))
        .collect();
    let order = fixtures::order(urls);
    let mut times = Vec::with_capacity(renders);
    let mut last = None;
    for _ in 0..renders.max(1) {
        let started = Instant::now();
        let rendered = match letter {
            Some(language) => qorgau_documents::render_response(
                &templates,
                &fixtures::letter(
                    language,
                    qorgau_documents::Outcome::Confirmed {
                        category: String::new(),
                    },
                ),
            )?,
            None => qorgau_documents::render_order(&templates, &order)?,
        };
        times.push(started.elapsed());
        last = Some(rendered);
    }
    times.sort();
    let median = times[times.len() / 2];
    let rendered = last.ok_or("nothing rendered")?;
    println!(
        "renders={} urls={} pdf_bytes={} median_ms={:.3} min_ms={:.3} max_ms={:.3}",
        times.len(),
        url_count,
        rendered.pdf.len(),
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
    );
    if let Some(path) = out {
        std::fs::write(path, &rendered.pdf)?;
    }
    if let Some(path) = html {
        std::fs::write(path, &rendered.html)?;
    }
    Ok(())
}
