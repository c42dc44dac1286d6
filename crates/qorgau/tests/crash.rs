//! Nothing acknowledged is lost: concurrent clients file applications while
//! the server is SIGKILLed and restarted, three times, on each store. Then
//! every application that got a `201 Created` loads with its access code,
//! `qorgau verify` passes, no request became two cases, and no job left its
//! effect twice (the record is an application's effect; once `serve` runs the
//! evidence worker, a capture recorded twice for one evidence item would fail
//! here too). Connection errors during a kill are expected — the client cannot
//! know whether the server acted — and are not failures; an acknowledged
//! application that is missing is.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use common::{Acknowledged, Server, TestStore, application, assert_loads, export, qorgau, request};

const CLIENTS: usize = 8;
const KILLS: usize = 3;

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

/// Waits until the clients have `more` acknowledgements beyond `from`, so each
/// kill lands in the middle of a steady load.
async fn progress(outcomes: &Outcomes, from: usize, more: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = outcomes.acknowledged.lock().unwrap().len();
        if now >= from + more {
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
    let args = store.args();
    qorgau(&args, &["init"]).ok();
    let mut server = Server::start(&args, 0, &store.logs()).await;
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
        server.restart().await;
        *address.write().unwrap() = server.address;
    }
    progress(&outcomes, seen, 40).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }

    let acknowledged = outcomes.acknowledged.lock().unwrap().clone();
    let unanswered = outcomes.unanswered.load(Ordering::Relaxed);
    let unexpected = outcomes.unexpected.lock().unwrap().clone();
    assert!(unexpected.is_empty(), "{unexpected:?}");

    // After the last restart, every acknowledged application is there.
    for promise in &acknowledged {
        assert_loads(server.address, promise).await;
    }
    server.kill();

    let entries = common::verify(&args);
    let record = export(&args);
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
         {entries} entries, {:.1} s",
        args[0],
        acknowledged.len(),
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
