//! The evidence benchmark's programs (bench/evidence/run.sh drives them):
//!
//! - `serve PORT_FILE PAGES` — a keep-alive HTTP/1.1 server on 127.0.0.1:0
//!   serving PAGES distinct HTML pages at /page/N (about 12 KB each); writes
//!   its port to PORT_FILE and runs until killed.
//! - `capture URLS_FILE STORE_DIR WARC_OUT NOW CONCURRENCY` — captures every
//!   URL with Qorgau's capturer into a blob store, then concatenates the WARC
//!   files (gzip members) into WARC_OUT for `warcio check`.
//! - `log LEAVES PROOFS` — appends LEAVES evidence entries to an in-memory
//!   log of hashes, as the service keeps it (reporting the memory it grew
//!   by), then times PROOFS inclusion proofs and consistency proofs.
//!
//! Not a test: timings are printed, the shell script reports them.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qorgau_evidence::Sha256Digest;
use qorgau_evidence::capture::{CaptureConfig, Capturer};
use qorgau_evidence::cas::{BlobStore, FsBlobStore};
use qorgau_evidence::merkle::{self, MemoryLeafStore, MerkleLog};
use qorgau_evidence::receipt::{EvidenceKind, LogEntry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The allocator the `qorgau` binary ships with, so that the capturer is
/// measured as it runs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    match arguments.first().map(String::as_str) {
        Some("serve") => runtime.block_on(serve(&arguments[1], arguments[2].parse().unwrap())),
        Some("capture") => runtime.block_on(capture(
            &arguments[1],
            &arguments[2],
            &arguments[3],
            &arguments[4],
            arguments[5].parse().unwrap(),
        )),
        Some("log") => log(arguments[1].parse().unwrap(), arguments[2].parse().unwrap()),
        _ => panic!("usage: evidence-bench serve|capture|log …"),
    }
}

fn page(number: usize) -> Vec<u8> {
    let mut html = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>Бет {number}</title></head><body><h1>Жазба {number}</h1>"
    );
    for paragraph in 0..40 {
        html.push_str(&format!(
            "<p>Абзац {paragraph} бет {number}: Lorem ipsum dolor sit amet, consectetur adipiscing elit, \
             sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Мәтін {}.</p>",
            number * 31 + paragraph
        ));
    }
    html.push_str("</body></html>");
    html.into_bytes()
}

async fn serve(port_file: &str, pages: usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let pages: Arc<Vec<Vec<u8>>> = Arc::new((0..pages).map(page).collect());
    std::fs::write(port_file, port.to_string()).unwrap();
    while let Ok((mut stream, _)) = listener.accept().await {
        let pages = pages.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                // One request head at a time; keep-alive until the client closes.
                let end = loop {
                    if let Some(position) =
                        buffer.windows(4).position(|window| window == b"\r\n\r\n")
                    {
                        break position + 4;
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(count) => buffer.extend_from_slice(&chunk[..count]),
                    }
                };
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                buffer.drain(..end);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = path
                    .strip_prefix("/page/")
                    .and_then(|number| number.parse::<usize>().ok())
                    .and_then(|number| pages.get(number));
                let response = match body {
                    Some(body) => {
                        let mut response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        response.extend_from_slice(body);
                        response
                    }
                    None => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
                };
                if stream.write_all(&response).await.is_err() {
                    return;
                }
            }
        });
    }
}

async fn capture(urls_file: &str, store_dir: &str, warc_out: &str, now: &str, concurrency: usize) {
    let urls: Vec<String> = std::fs::read_to_string(urls_file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .filter(|line| !line.is_empty())
        .collect();
    let now: jiff::Timestamp = now.parse().unwrap();
    let capturer = Capturer::new(CaptureConfig {
        allow_loopback: true,
        ..CaptureConfig::default()
    })
    .unwrap();
    let store = Arc::new(FsBlobStore::open(std::path::Path::new(store_dir)).unwrap());
    let queue = Arc::new(std::sync::Mutex::new(urls.clone()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let capturer = capturer.clone();
        let store = store.clone();
        let queue = queue.clone();
        workers.push(tokio::spawn(async move {
            let mut digests = Vec::new();
            loop {
                let next = queue.lock().unwrap().pop();
                let Some(url) = next else { break };
                let capture = capturer
                    .capture(&url, "BENCH", now, store.clone())
                    .await
                    .unwrap();
                assert_eq!(capture.status, 200, "{url}");
                digests.push(capture.warc_digest);
            }
            digests
        }));
    }
    let mut digests: Vec<Sha256Digest> = Vec::new();
    for worker in workers {
        digests.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    println!(
        "qorgau captured {} pages in {:.3} s ({:.1} pages/s, concurrency {concurrency})",
        digests.len(),
        elapsed.as_secs_f64(),
        digests.len() as f64 / elapsed.as_secs_f64()
    );
    let mut out = std::fs::File::create(warc_out).unwrap();
    for digest in &digests {
        out.write_all(&store.get(digest).unwrap()).unwrap();
    }
}

fn log(leaves: u64, proofs: u64) {
    // As the service keeps it: the hashes in memory, the entries in the
    // database (`qorgau_app::EvidenceLog`).
    let mut log = MerkleLog::new(MemoryLeafStore::hashes_only());
    let captured_at: jiff::Timestamp = "2026-11-28T09:30:00Z".parse().unwrap();
    let entries: Vec<Vec<u8>> = (0..leaves)
        .map(|number| {
            LogEntry::Evidence {
                digest: Sha256Digest::of(&number.to_be_bytes()),
                kind: EvidenceKind::Capture,
                captured_at,
                size: 10_000 + number,
                original: None,
            }
            .to_bytes()
        })
        .collect();
    let resident_before = resident_bytes();
    let started = Instant::now();
    for entry in &entries {
        log.append(entry).unwrap();
    }
    let append = started.elapsed();
    println!(
        "log: appended {leaves} entries ({} bytes each) in {:.3} s: {:.0} appends/s",
        entries[0].len(),
        append.as_secs_f64(),
        leaves as f64 / append.as_secs_f64()
    );
    // What the service's log costs in memory per leaf.
    if let (Some(before), Some(after)) = (resident_before, resident_bytes()) {
        let grown = after.saturating_sub(before);
        println!(
            "log: memory for {leaves} leaves: {:.0} MiB resident, {:.0} bytes per leaf",
            grown as f64 / (1024.0 * 1024.0),
            grown as f64 / leaves as f64
        );
    }
    let started = Instant::now();
    let root = log.root(leaves).unwrap();
    println!(
        "log: root of {leaves} leaves in {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6
    );

    // Spread the proofs over the whole tree (a fixed stride, no RNG needed).
    let stride = (leaves / proofs.max(1)).max(1) | 1;
    let mut slowest = Duration::ZERO;
    let mut generated = Vec::with_capacity(proofs as usize);
    let started = Instant::now();
    for number in 0..proofs {
        let index = (number * stride + number) % leaves;
        let one = Instant::now();
        let proof = log.inclusion_proof(index, leaves).unwrap();
        slowest = slowest.max(one.elapsed());
        generated.push((index, proof));
    }
    let elapsed = started.elapsed();
    let hashes: usize = generated.iter().map(|(_, proof)| proof.len()).sum();
    println!(
        "log: {proofs} inclusion proofs at {leaves} leaves: mean {:.1} µs to generate, slowest {:.1} µs, {} hashes per proof",
        elapsed.as_secs_f64() * 1e6 / proofs as f64,
        slowest.as_secs_f64() * 1e6,
        hashes / proofs.max(1) as usize
    );
    let started = Instant::now();
    for (index, proof) in &generated {
        merkle::verify_inclusion(
            &merkle::leaf_hash(&entries[*index as usize]),
            *index,
            leaves,
            proof,
            &root,
        )
        .unwrap();
    }
    println!(
        "log: verified all {proofs} proofs: mean {:.1} µs each",
        started.elapsed().as_secs_f64() * 1e6 / proofs as f64
    );
    let started = Instant::now();
    for number in 1..=proofs {
        let old_size = (number * stride) % leaves + 1;
        log.consistency_proof(old_size, leaves).unwrap();
    }
    println!(
        "log: {proofs} consistency proofs to {leaves} leaves: mean {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6 / proofs as f64
    );
}

/// The process's resident memory (`VmRSS` of /proc/self/status), if readable.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
