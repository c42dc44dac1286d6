//! Two `qorgau serve` processes on one PostgreSQL database, driven at once:
//! the record stays one chain (no fork, no gap), every acknowledged
//! application reads the same through either instance, case numbers are
//! handed out once each, without gaps, and the evidence jobs that intake
//! enqueues run once each although both instances' workers claim them (every
//! reported URL captured exactly once, from a local page server). A database
//! of the test's own on 127.0.0.1:5432 (`.ci/run` starts the server), dropped
//! at the end.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    Acknowledged, Server, TestStore, application, assert_loads, capture_here, export, page_server,
    qorgau, request,
};

const CLIENTS: usize = 8;
const PER_CLIENT: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_chain_and_one_numbering() {
    let store = TestStore::postgres("instances");
    qorgau(&store, &["init"]).ok();
    let pages = page_server().await;
    let first = Server::start(&store, 0, &capture_here(pages)).await;
    let second = Server::start(&store, 0, &capture_here(pages)).await;
    let instances = Arc::new([first.address, second.address]);

    // 8 clients, 200 applications, each client alternating between the instances.
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let instances = instances.clone();
        clients.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for number in 0..PER_CLIENT {
                let token = format!("c{client}-n{number}");
                let address = instances[(client + number) % 2];
                let body = application(&token, client + number);
                let reply = request(address, "POST", "/api/v1/applications", None, Some(&body))
                    .await
                    .unwrap_or_else(|error| panic!("{token} on {address}: {error}"));
                assert_eq!(reply.status, 201, "{token} on {address}: {}", reply.body);
                acknowledged.push(Acknowledged::from_reply(&token, &reply));
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for client in clients {
        acknowledged.extend(client.await.unwrap());
    }
    assert_eq!(acknowledged.len(), CLIENTS * PER_CLIENT);

    // Every case reads the same through both instances, and only with its code.
    for promise in &acknowledged {
        for address in instances.iter() {
            assert_loads(*address, promise).await;
        }
    }
    let stranger = request(
        instances[1],
        "GET",
        &format!("/api/v1/applications/{}", acknowledged[0].case_id),
        Some(&acknowledged[1].access_code),
        None,
    )
    .await
    .unwrap();
    assert_eq!(stranger.status, 404, "{}", stranger.body);

    // Both workers take the capture jobs; wait until every URL has one. A job
    // that failed for a passing reason waits for its retry (a minute or more
    // on the servers' clock, which is pinned): when captures stop coming,
    // restart both instances a few minutes later so the retries are due.
    let mut servers = [first, second];
    let mut minutes = 0;
    let mut last = (0, Instant::now());
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let record = export(&store);
        let captured: usize = record.captured.values().map(Vec::len).sum();
        if captured >= record.captures_due() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{captured} of {} URLs captured in 45 s",
            record.captures_due()
        );
        if captured > last.0 {
            last = (captured, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(2) {
            minutes += 5;
            for server in &mut servers {
                server.set_env(
                    "QORGAU_TEST_NOW",
                    format!("2026-12-02T10:{minutes:02}:00+05:00"),
                );
                server.restart().await;
            }
            last = (captured, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    eprintln!("captures complete after {minutes} minutes of server time");
    drop(servers);

    // One chain: two entries per application, one per captured URL and one
    // per automatic link, and
    // the record holds exactly what was acknowledged, numbered 1..=200.
    let entries = common::verify(&store);
    let record = export(&store);
    record.assert_whole();
    record.assert_holds(&acknowledged);
    record.assert_captured_once();
    assert_eq!(record.cases.len(), acknowledged.len());
    assert_eq!(record.application_events(), 2 * acknowledged.len() as u64);
    // …plus the automatic links between cases about one child or actor.
    assert_eq!(
        entries,
        2 * acknowledged.len() as u64 + record.captures_due() as u64 + record.links
    );
    assert_eq!(record.events, entries);
}
