//! What a page looks like in a browser: headless Chromium's screenshot (PNG)
//! and DOM (the markup after scripts ran), taken beside the WARC capture for
//! pages that build themselves with scripts.
//!
//! **SSRF.** The browser loads a page strangers chose, and that page may ask
//! for anything — `http://169.254.169.254/`, `http://10.0.0.1/`, a name that
//! resolves to loopback. So Chromium gets no network of its own: every
//! request goes through a proxy on loopback that this module runs for the one
//! visit (`--proxy-server`, with `<-loopback>` so loopback is proxied too),
//! and that proxy connects only to the one socket address the capturer has
//! already checked and connected to (`pinned`), and only for requests to the
//! page's own origin; everything else gets `403`. Chromium never resolves a
//! name either (`--host-resolver-rules` maps every name to "not found"), and
//! WebRTC may use no UDP outside the proxy. A request the page makes to its
//! own origin reaches the same checked address; a request anywhere else never
//! leaves the machine.
//!
//! Each visit gets a new, empty profile in a temporary folder (removed
//! afterwards), a time limit after which the browser process is killed (its
//! helper processes watch it and end with it), and a cap on the DOM it may
//! print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// How to run the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserConfig {
    /// The Chromium executable.
    pub program: PathBuf,
    /// The whole visit: start, load, screenshot, DOM.
    pub timeout: Duration,
    /// The viewport, and so the screenshot: width × height in CSS pixels.
    pub window: (u32, u32),
    /// The largest DOM kept; a larger one gives no snapshot.
    pub max_dom: usize,
}

impl BrowserConfig {
    /// A browser at `program` with the default bounds (30 s, 1280 × 1600,
    /// 16 MiB of DOM).
    pub fn new(program: impl Into<PathBuf>) -> BrowserConfig {
        BrowserConfig {
            program: program.into(),
            timeout: Duration::from_secs(30),
            window: (1280, 1600),
            max_dom: 16 * 1024 * 1024,
        }
    }

    /// From the setting `QORGAU_CAPTURE_BROWSER`: unset, empty, `off` or `0`
    /// is no browser; `auto` the first Chromium found on `PATH` (none: no
    /// browser); anything else the path of the executable, which must exist.
    pub fn from_setting(setting: Option<&str>) -> Result<Option<BrowserConfig>, BrowserError> {
        let setting = setting.map(str::trim).unwrap_or_default();
        match setting {
            "" | "off" | "0" | "false" => Ok(None),
            "auto" => Ok(find_on_path().map(BrowserConfig::new)),
            path => {
                let path = Path::new(path);
                if path.is_file() {
                    Ok(Some(BrowserConfig::new(path)))
                } else {
                    Err(BrowserError::NotFound(path.display().to_string()))
                }
            }
        }
    }
}

/// `chromium`, `chromium-browser` or `google-chrome`, first on `PATH`.
fn find_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for folder in std::env::split_paths(&path) {
            let candidate = folder.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Why a browser snapshot was not taken. The capture itself stands without it.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("no browser at {0}")]
    NotFound(String),
    #[error("the browser could not be started: {0}")]
    Spawn(std::io::Error),
    #[error("the page's address cannot be visited by the browser: {0}")]
    Url(String),
    #[error("the browser did not finish within {0:?}")]
    Timeout(Duration),
    #[error("the browser exited with {0}")]
    Failed(std::process::ExitStatus),
    #[error("the browser wrote no screenshot")]
    NoScreenshot,
    #[error("the page's DOM is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the browser's temporary folder or output: {0}")]
    Io(#[from] std::io::Error),
}

impl BrowserError {
    /// A stable code (for the operator's log).
    pub fn reason(&self) -> &'static str {
        match self {
            BrowserError::NotFound(_) => "browser_not_found",
            BrowserError::Spawn(_) => "browser_spawn",
            BrowserError::Url(_) => "browser_url",
            BrowserError::Timeout(_) => "browser_timeout",
            BrowserError::Failed(_) => "browser_failed",
            BrowserError::NoScreenshot => "browser_no_screenshot",
            BrowserError::TooLarge(_) => "browser_dom_too_large",
            BrowserError::Io(_) => "browser_io",
        }
    }
}

/// What the browser showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSnapshot {
    /// PNG.
    pub screenshot: Vec<u8>,
    /// The serialized DOM (HTML text as Chromium prints it).
    pub dom: Vec<u8>,
}

/// The origin the proxy lets through: scheme's default port filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    host: String,
    port: u16,
}

impl Origin {
    fn of(url: &Url) -> Option<Origin> {
        Some(Origin {
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default()?,
        })
    }

    /// `host:port` as a CONNECT request names it.
    fn of_authority(authority: &str) -> Option<Origin> {
        Origin::of(&Url::parse(&format!("https://{authority}/")).ok()?)
    }
}

/// Visits `url` with headless Chromium, letting it reach only `pinned` — the
/// address the capturer checked and fetched `url` from — and returns the
/// screenshot and the DOM.
pub async fn snapshot(
    config: &BrowserConfig,
    url: &str,
    pinned: SocketAddr,
) -> Result<BrowserSnapshot, BrowserError> {
    let parsed = Url::parse(url).map_err(|error| BrowserError::Url(error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BrowserError::Url(format!("scheme {}", parsed.scheme())));
    }
    let origin = Origin::of(&parsed).ok_or_else(|| BrowserError::Url("no host".to_owned()))?;
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let proxy_address = listener.local_addr()?;
    let proxy = tokio::spawn(run_proxy(listener, origin, pinned));
    let result = visit(config, parsed.as_str(), proxy_address).await;
    proxy.abort();
    result
}

/// Runs Chromium once against the proxy at `proxy_address`.
async fn visit(
    config: &BrowserConfig,
    url: &str,
    proxy_address: SocketAddr,
) -> Result<BrowserSnapshot, BrowserError> {
    let profile = tempfile::Builder::new()
        .prefix("qorgau-browser-")
        .tempdir()?;
    let screenshot_path = profile.path().join("screenshot.png");
    let mut command = tokio::process::Command::new(&config.program);
    command
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg("--disable-extensions")
        .arg("--disable-default-apps")
        .arg("--mute-audio")
        .arg("--hide-scrollbars")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        // Every request, loopback included, through the pinning proxy.
        .arg(format!("--proxy-server=http://{proxy_address}"))
        .arg("--proxy-bypass-list=<-loopback>")
        // No name is resolved by the browser (the proxy's address is a literal).
        .arg("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")
        .arg("--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
        .arg(format!(
            "--window-size={},{}",
            config.window.0, config.window.1
        ))
        .arg(format!("--screenshot={}", screenshot_path.display()))
        .arg("--dump-dom");
    if running_as_root() {
        // Chromium refuses to sandbox its renderers as root; run the service
        // as an ordinary user to keep the sandbox (docs/evidence.md).
        command.arg("--no-sandbox");
    }
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(BrowserError::Spawn)?;
    let mut stdout = child.stdout.take();
    let max_dom = config.max_dom;
    let run = async {
        let mut dom = Vec::new();
        if let Some(stdout) = stdout.as_mut() {
            stdout
                .take(max_dom as u64 + 1)
                .read_to_end(&mut dom)
                .await?;
        }
        if dom.len() > max_dom {
            return Err(BrowserError::TooLarge(max_dom));
        }
        let status = child.wait().await?;
        Ok((status, dom))
    };
    let outcome = tokio::time::timeout(config.timeout, run).await;
    let (status, dom) = match outcome {
        Err(_) => {
            // Chromium's helper processes end with the browser process
            // (they watch their parent), so killing it ends the visit.
            let _ = child.start_kill();
            let _ = child.wait().await;
            return Err(BrowserError::Timeout(config.timeout));
        }
        Ok(result) => result?,
    };
    if !status.success() {
        return Err(BrowserError::Failed(status));
    }
    let screenshot = match tokio::fs::read(&screenshot_path).await {
        Ok(bytes) if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => bytes,
        _ => return Err(BrowserError::NoScreenshot),
    };
    Ok(BrowserSnapshot { screenshot, dom })
}

/// Whether this process runs as root (`/proc/self/status`, effective uid).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

/// The largest request head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;

/// Accepts the browser's connections until aborted.
async fn run_proxy(listener: TcpListener, origin: Origin, pinned: SocketAddr) {
    let mut connections = tokio::task::JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        let origin = origin.clone();
        connections.spawn(async move {
            let _ = proxy_one(stream, &origin, pinned).await;
        });
    }
}

const FORBIDDEN: &[u8] =
    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// One proxied connection: a CONNECT tunnel or one plain-HTTP request, to
/// `pinned` only and only for `origin`; anything else is refused.
async fn proxy_one(
    mut client: TcpStream,
    origin: &Origin,
    pinned: SocketAddr,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    let end = loop {
        if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        if head.len() > MAX_HEAD {
            return client.write_all(FORBIDDEN).await;
        }
        let count = client.read(&mut buffer).await?;
        if count == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..count]);
    };
    let (head, rest) = head.split_at(end);
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target, version) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    if method.eq_ignore_ascii_case("CONNECT") {
        if Origin::of_authority(target).as_ref() != Some(origin) {
            return client.write_all(FORBIDDEN).await;
        }
        let mut server = TcpStream::connect(pinned).await?;
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        server.write_all(rest).await?;
        tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        return Ok(());
    }
    // A plain-HTTP request in absolute form: only to the page's origin.
    let Ok(url) = Url::parse(target) else {
        return client.write_all(FORBIDDEN).await;
    };
    if url.scheme() != "http" || Origin::of(&url).as_ref() != Some(origin) {
        return client.write_all(FORBIDDEN).await;
    }
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    // One request per connection: the next one comes on a new connection
    // and is checked again.
    let mut forwarded = format!("{method} {path} {version}\r\n");
    for line in lines.filter(|line| !line.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if [
            "proxy-connection",
            "connection",
            "keep-alive",
            "proxy-authorization",
        ]
        .iter()
        .any(|hop| name.eq_ignore_ascii_case(hop))
        {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    let mut server = TcpStream::connect(pinned).await?;
    server.write_all(forwarded.as_bytes()).await?;
    server.write_all(rest).await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_fill_in_default_ports_and_compare_hosts_without_case() {
        let page = Origin::of(&Url::parse("https://Example.kz/post").unwrap()).unwrap();
        assert_eq!(Origin::of_authority("example.kz:443"), Some(page.clone()));
        assert_ne!(Origin::of_authority("example.kz:8443"), Some(page.clone()));
        assert_ne!(Origin::of_authority("169.254.169.254:443"), Some(page));
        let local = Origin::of(&Url::parse("http://127.0.0.1:8123/").unwrap()).unwrap();
        assert_eq!(Origin::of_authority("127.0.0.1:8123"), Some(local));
        let v6 = Origin::of(&Url::parse("https://[2001:db8::1]/").unwrap()).unwrap();
        assert_eq!(Origin::of_authority("[2001:db8::1]:443"), Some(v6));
    }

    #[test]
    fn the_setting_turns_the_browser_off_or_names_it() {
        assert_eq!(BrowserConfig::from_setting(None).unwrap(), None);
        assert_eq!(BrowserConfig::from_setting(Some("off")).unwrap(), None);
        assert!(BrowserConfig::from_setting(Some("/nonexistent/chromium")).is_err());
    }
}
