//! A small HTTP/1.1 server on 127.0.0.1:0 serving the pages the capture tests
//! need: normal, chunked, huge, slow, stalled, redirecting, gzip bomb, image,
//! removed. Raw tokio so each route controls its bytes and timing exactly.
//! Every loop is bounded and stops when the client goes away.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const PAGE_TEXT: &str = "Сен ешкімге керек емессің, барлығы сенен күледі. \
    Ертең мектепке келме, әйтпесе видеоны бәріне жіберемін. \
    Мұны бүкіл сынып көрді және бәрі сенің үстіңнен күледі.";

pub fn page_html(body_text: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=utf-8><title>Пост</title>\
         <style>p{{margin:0}}</style><script>var tracking = 1;</script></head>\
         <body><nav>Басты бет · Лента · Профиль</nav><article><p>{body_text}</p></article>\
         <footer>12 ұнатады · 3 пікір</footer></body></html>"
    )
}

/// A tiny valid PNG (1×1, transparent).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// Bytes the huge page claims and would send.
pub const HUGE_SIZE: usize = 50 * 1024 * 1024;
/// Bytes the gzip bomb inflates to.
pub const BOMB_SIZE: usize = 64 * 1024 * 1024;

pub struct TestServer {
    pub address: SocketAddr,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // Compressed once per test binary, not per server.
        static BOMB: std::sync::OnceLock<Arc<Vec<u8>>> = std::sync::OnceLock::new();
        let bomb = BOMB
            .get_or_init(|| Arc::new(gzip_of_zeros(BOMB_SIZE)))
            .clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let bomb = bomb.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &bomb).await;
                });
            }
        });
        TestServer { address }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.address.port())
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }
}

fn gzip_of_zeros(size: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1024 * 1024];
    for _ in 0..size / block.len() {
        encoder.write_all(&block).unwrap();
    }
    encoder.finish().unwrap()
}

async fn read_request_path(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|window| window == b"\r\n\r\n") {
        let count = stream.read(&mut chunk).await?;
        if count == 0 || buffer.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..count]);
        if buffer[0] == 0x16 {
            // A TLS ClientHello to this plain-HTTP server: answer in plain
            // HTTP, as a misconfigured server would, and close.
            stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")
                .await?;
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    }
    let text = String::from_utf8_lossy(&buffer);
    Ok(text.split_whitespace().nth(1).unwrap_or("/").to_owned())
}

async fn respond(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

async fn serve(mut stream: TcpStream, bomb: &[u8]) -> std::io::Result<()> {
    let path = read_request_path(&mut stream).await?;
    let html = || ("content-type", "text/html; charset=utf-8".to_owned());
    match path.as_str() {
        "/page" => {
            respond(
                &mut stream,
                "200 OK",
                &[html()],
                page_html(PAGE_TEXT).as_bytes(),
            )
            .await
        }
        "/page-edited" => {
            // The same post with the page around it changed.
            let body = page_html(PAGE_TEXT)
                .replace("12 ұнатады · 3 пікір", "57 ұнатады · 9 пікір · жарнама");
            respond(&mut stream, "200 OK", &[html()], body.as_bytes()).await
        }
        "/page-removed" => {
            let body = page_html("Бұл жазба енді қолжетімсіз.");
            respond(&mut stream, "200 OK", &[html()], body.as_bytes()).await
        }
        "/chunked" => {
            let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: text/html; charset=utf-8\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let body = page_html(PAGE_TEXT);
            for piece in body.as_bytes().chunks(100) {
                stream
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
                stream.write_all(piece).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await?;
            stream.flush().await
        }
        "/huge" => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: {HUGE_SIZE}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            let block = vec![b'x'; 64 * 1024];
            for _ in 0..HUGE_SIZE / block.len() {
                stream.write_all(&block).await?;
            }
            stream.flush().await
        }
        "/slow" => {
            let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: 60\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            for _ in 0..60 {
                stream.write_all(b"s").await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Ok(())
        }
        "/stall" => {
            // Accepts and never answers (bounded: the client gives up first).
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        "/loop" => {
            respond(
                &mut stream,
                "302 Found",
                &[("location", "/loop".to_owned())],
                b"",
            )
            .await
        }
        "/hop" => {
            respond(
                &mut stream,
                "301 Moved Permanently",
                &[("location", "/page".to_owned())],
                b"",
            )
            .await
        }
        "/to-metadata" => {
            respond(
                &mut stream,
                "302 Found",
                &[(
                    "location",
                    "http://169.254.169.254/latest/meta-data/".to_owned(),
                )],
                b"",
            )
            .await
        }
        "/to-mapped-loopback" => {
            respond(
                &mut stream,
                "302 Found",
                &[("location", "http://[::ffff:127.0.0.1]/page".to_owned())],
                b"",
            )
            .await
        }
        // A redirect to a host name, on this server's port: what the name
        // resolves to decides (tests give it an answer of their own).
        name if name.starts_with("/to-name/") => {
            let port = stream.local_addr()?.port();
            let host = &name["/to-name/".len()..];
            respond(
                &mut stream,
                "302 Found",
                &[("location", format!("http://{host}:{port}/page"))],
                b"",
            )
            .await
        }
        "/to-file" => {
            respond(
                &mut stream,
                "302 Found",
                &[("location", "file:///etc/passwd".to_owned())],
                b"",
            )
            .await
        }
        "/bomb" => {
            respond(
                &mut stream,
                "200 OK",
                &[
                    ("content-type", "text/html".to_owned()),
                    ("content-encoding", "gzip".to_owned()),
                ],
                bomb,
            )
            .await
        }
        "/image.png" => {
            respond(
                &mut stream,
                "200 OK",
                &[("content-type", "image/png".to_owned())],
                PNG,
            )
            .await
        }
        "/gone" => respond(&mut stream, "410 Gone", &[html()], b"<p>gone</p>").await,
        "/login" => respond(&mut stream, "403 Forbidden", &[html()], b"<p>log in</p>").await,
        _ => respond(&mut stream, "404 Not Found", &[html()], b"<p>not found</p>").await,
    }
}
