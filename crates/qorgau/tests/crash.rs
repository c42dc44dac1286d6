//! Nothing acknowledged is lost: concurrent clients file applications while
//! the server is SIGKILLed and restarted, three times, on each store, its
//! evidence worker capturing every reported URL (from a local page server)
//! meanwhile. Then every application that got a `201 Created` loads with its
//! access code, `qorgau verify` passes (the case record and the transparency
//! log that mirrors it), no request became two cases, and no job left its
//! effect twice: each restart moves the clock past the jobs' lease, so the
//! new worker takes over what the killed one held, and must find what was
//! already recorded. Connection errors during a kill are expected — the client
//! cannot know whether the server acted — and are not failures; an
//! acknowledged application that is missing is.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use common::{
    Acknowledged, Server, TestStore, application, assert_loads, capture_here, export, page_server,
    qorgau, request,
};

const CLIENTS: usize = 8;
const KILLS: usize = 3;
/// The least time between two kills.
const PHASE: Duration = Duration::from_millis(1200);

/// What the clients saw.
#[derive(Default)]
struct Outcomes {
    acknowledged: Mutex<Vec<Acknowledged>>,
    /// Requests with no complete answer (refused, reset, cut short).
    unanswered: AtomicUsize,
    /// Any answer other than 201: none is expected.
    unexpected: Mutex<Vec<String>>,
}

async fn client(
    number: usize,
    address: Arc<RwLock<SocketAddr>>,
    stop: Arc<AtomicBool>,
    outcomes: Arc<Outcomes>,
) {
    let mut sent = 0;
    while !stop.load(Ordering::Relaxed) {
        let token = format!("c{number}-n{sent}");
        let body = application(&token, number + sent);
        sent += 1;
        let target = *address.read().unwrap();
        match request(target, "POST", "/api/v1/applications", None, Some(&body)).await {
            Ok(reply) if reply.status == 201 => {
                let promise = Acknowledged::from_reply(&token, &reply);
                outcomes.acknowledged.lock().unwrap().push(promise);
            }
            Ok(reply) => outcomes
                .unexpected
                .lock()
                .unwrap()
                .push(format!("{token}: {} {}", reply.status, reply.body)),
            Err(_) => {
                // The server is down or was killed mid-request: not retried
                // (a retry could file the application twice), just counted.
                outcomes.unanswered.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Waits until the clients have `more` acknowledgements beyond `from`, and at
/// least `PHASE` has passed (the evidence worker polls every half second), so
/// each kill lands in the middle of a steady load of requests and jobs.
async fn progress(outcomes: &Outcomes, from: usize, more: usize) -> usize {
    let began = Instant::now();
    let deadline = began + Duration::from_secs(10);
    loop {
        let now = outcomes.acknowledged.lock().unwrap().len();
        if now >= from + more && began.elapsed() >= PHASE {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "no progress: {now} acknowledged, {} unexpected: {:?}",
            outcomes.unanswered.load(Ordering::Relaxed),
            outcomes.unexpected.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn kill_and_restart_under_load(store: TestStore) {
    let started = Instant::now();
    qorgau(&store, &["init"]).ok();
    // The evidence worker runs too, capturing from a local server.
    let pages = page_server().await;
    let mut server = Server::start(&store, 0, &capture_here(pages)).await;
    let address = Arc::new(RwLock::new(server.address));
    let stop = Arc::new(AtomicBool::new(false));
    let outcomes = Arc::new(Outcomes::default());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|number| {
            tokio::spawn(client(
                number,
                address.clone(),
                stop.clone(),
                outcomes.clone(),
            ))
        })
        .collect();

    let mut seen = 0;
    for kill in 0..KILLS {
        seen = progress(&outcomes, seen, 40).await;
        // Vary the moment a little, so kills hit different points of a request.
        tokio::time::sleep(Duration::from_millis(7 * kill as u64)).await;
        server.kill();
        // The next server's clock is past the lease of every job the killed
        // worker held (10 minutes), so it takes those jobs over: a job whose
        // effect was recorded before the kill must not record it again.
        let minutes = 11 * (kill + 1);
        server.set_env(
            "QORGAU_TEST_NOW",
            format!("2026-12-02T10:{minutes:02}:00+05:00"),
        );
        server.restart().await;
        *address.write().unwrap() = server.address;
    }
    progress(&outcomes, seen, 40).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    // Let the last server's worker take some jobs before it is killed too.
    tokio::time::sleep(PHASE).await;

    let acknowledged = outcomes.acknowledged.lock().unwrap().clone();
    let unanswered = outcomes.unanswered.load(Ordering::Relaxed);
    let unexpected = outcomes.unexpected.lock().unwrap().clone();
    assert!(unexpected.is_empty(), "{unexpected:?}");

    // After the last restart, every acknowledged application is there.
    for promise in &acknowledged {
        assert_loads(server.address, promise).await;
    }
    server.kill();

    let entries = common::verify(&store);
    let record = export(&store);
    record.assert_whole();
    record.assert_holds(&acknowledged);
    assert_eq!(record.events, entries);
    // Cases beyond the acknowledged ones were committed by a server killed
    // before it could answer; there cannot be more of them than such requests.
    let extra = record.cases.len() - acknowledged.len();
    assert!(
        extra <= unanswered,
        "{extra} unacknowledged cases, {unanswered} unanswered requests"
    );
    eprintln!(
        "{}: {} acknowledged, {unanswered} unanswered, {extra} committed without an answer, \
         {} job effects, {entries} entries, {:.1} s",
        store.args()[0],
        acknowledged.len(),
        record.job_effects.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the test must stay bounded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn embedded_store_keeps_every_acknowledged_application_through_sigkill() {
    kill_and_restart_under_load(TestStore::embedded()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_keeps_every_acknowledged_application_through_sigkill() {
    kill_and_restart_under_load(TestStore::postgres("crash")).await;
}
