//! A stop signal lets requests in flight finish: `qorgau serve` gets SIGTERM
//! while an application is half-way through its request body; the rest of the
//! body still arrives, the application is answered `201 Created` and is in the
//! record after a restart, new connections are no longer taken, and the
//! process exits 0 (API.md: "runs until SIGINT/SIGTERM, then drains and exits
//! 0"). Runs on the store `QORGAU_TEST_STORE` selects.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{Acknowledged, Server, TestStore, application, assert_loads, qorgau, request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_request_in_flight_at_sigterm_is_answered_and_kept() {
    let store = TestStore::from_env("drain");
    qorgau(&store, &["init"]).ok();
    let mut server = Server::start(&store, 0, &[]).await;
    let address = server.address;

    // Headers and half the body: the server has the request in hand.
    let body = application("in-flight", 1);
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    stream.flush().await.unwrap();
    // Ordering across processes: the server reads the head before the signal.
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.terminate();
    // Shutdown has begun: the listener closes and new clients are turned away.
    let mut turned_away = false;
    for _ in 0..100 {
        if request(address, "GET", "/healthz", None, None)
            .await
            .is_err()
        {
            turned_away = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        turned_away,
        "the server still takes new connections after SIGTERM"
    );

    // The request in flight is finished and answered.
    stream.write_all(rest).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    let (_, json) = text.split_once("\r\n\r\n").unwrap();
    let reply = common::Reply {
        status: 201,
        body: json.to_owned(),
    };
    let promise = Acknowledged::from_reply("in-flight", &reply);

    assert_eq!(
        server.wait_exit(Duration::from_secs(30)).await,
        Some(0),
        "drains and exits 0"
    );
    server.start_again().await;
    assert_loads(server.address, &promise).await;
    server.kill();
    common::verify(&store);
}
