//! Two `qorgau serve` processes on one PostgreSQL database, driven at once:
//! the record stays one chain (no fork, no gap), every acknowledged
//! application reads the same through either instance, and case numbers are
//! handed out once each, without gaps. A database of the test's own on
//! 127.0.0.1:5432 (`.ci/run` starts the server), dropped at the end.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{Acknowledged, Server, TestStore, application, assert_loads, export, qorgau, request};

const CLIENTS: usize = 8;
const PER_CLIENT: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_chain_and_one_numbering() {
    let store = TestStore::postgres("instances");
    let args = store.args();
    qorgau(&args, &["init"]).ok();
    // Intake only: evidence jobs (`QORGAU_JOBS`, once the worker runs in
    // `serve`) would add events of their own and fetch the reported URLs.
    let intake_only = [("QORGAU_JOBS", "0")];
    let first = Server::start_with(&args, 0, &store.logs(), &intake_only).await;
    let second = Server::start_with(&args, 0, &store.logs(), &intake_only).await;
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

    drop(first);
    drop(second);

    // One chain: two entries per application, and the record holds exactly
    // what was acknowledged, numbered 1..=200.
    let entries = common::verify(&args);
    assert_eq!(entries, 2 * acknowledged.len() as u64);
    let record = export(&args);
    record.assert_whole();
    record.assert_holds(&acknowledged);
    assert_eq!(record.cases.len(), acknowledged.len());
    assert_eq!(record.events, entries);
}
