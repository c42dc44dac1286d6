//! Web sites on loopback for the suites whose service captures a reported
//! page or checks that it was removed.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A site on 127.0.0.1:0 whose answer to every request is `answer(path)`: a
/// status code and an HTML page, sent as UTF-8 with `Connection: close`,
/// until the test's runtime ends. Its address.
pub async fn html_site<F>(answer: F) -> SocketAddr
where
    F: Fn(&str) -> (u16, String) + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port for the test site");
    let address = listener.local_addr().expect("the test site's address");
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 2048];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(count) => request.extend_from_slice(&buffer[..count]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (status, page) = answer(path);
                let response = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    reason(status),
                    page.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

/// A site on 127.0.0.1:0 answering every request with `page`.
pub async fn one_page_site(page: &'static str) -> SocketAddr {
    html_site(move |_| (200, page.to_owned())).await
}

/// The reason phrase of the codes the suites answer with.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        410 => "Gone",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
