//! The Internet resource an application names (Order 562-НҚ: an application that
//! names no Internet resource is refused consideration).
//!
//! People write the same place many ways: `t.me/s/Name`, `https://telegram.me/name/`,
//! `@name` with "Telegram" chosen separately. Parsing turns each into one
//! [`InternetResource`] with
//! - `url`: a normalized `https` URL (what evidence capture fetches and what an
//!   order names), and
//! - `key`: `platform:kind:id`, the same for every spelling of the same resource,
//!   so repeated reports and cases about one channel or account can be linked.
//!
//! Normalization, in order: trim; add `https://` when the scheme is missing;
//! refuse schemes other than http(s), user names and passwords in the URL,
//! hosts without a dot and non-public IP addresses; lower-case the host and turn
//! internationalized names into punycode (WHATWG URL host parsing, UTS #46);
//! drop the default port and the fragment; fold `www.`, `m.` and `mobile.`
//! mirrors; then per platform keep only the parts that name the resource
//! (YouTube `v`, Facebook `id`/`story_fbid`, VK `w`, Telegram `comment`) and
//! fold handle case where the platform ignores it. On other sites the path is
//! kept as written (paths are case-sensitive), a trailing slash is removed and
//! known tracking parameters are dropped.
//!
//! Decisions (docs/validation.md):
//! - YouTube `t` (start time) is dropped: the resource is the video, and two
//!   reports of one video at different moments are one resource. Playlist
//!   context (`list`, `index`) on a video is dropped for the same reason.
//! - IP literals are accepted only when public: content can live on a bare
//!   server, but `http://127.0.0.1` or `10.0.0.1` is never a place on the
//!   Internet and would point evidence capture inside our own network. (Capture
//!   still checks every resolved address; this is only the first gate.)
//! - Short links (`vm.tiktok.com/…`, `fb.watch/…`) are kept as their own key:
//!   resolving them needs the network, which this crate never touches.
//! - The bare home page of a platform (`instagram.com`) is refused: it names the
//!   platform, not the account, channel or post the application is about.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::message::{Explain, Message};
use crate::validation::iin::count;

/// Where a resource lives. `Web` is any other website.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Web,
    Telegram,
    Vk,
    Instagram,
    Tiktok,
    Youtube,
    Facebook,
    X,
    Odnoklassniki,
    Whatsapp,
}

/// What the resource is on its platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A whole website (`example.kz`).
    Website,
    /// Any other page, on a website or on a platform.
    Page,
    /// A person's or organization's profile (`instagram.com/name`, `vk.com/id1`).
    Account,
    /// A broadcast channel or public name (`t.me/name`, `youtube.com/@name`).
    /// A Telegram username may also be a group, a bot or a person.
    Channel,
    /// A community (`vk.com/club1`, `facebook.com/groups/…`, `ok.ru/group/…`).
    Group,
    Video,
    /// A post, photo, story or message.
    Post,
    Playlist,
    /// An invitation link to a closed chat (`t.me/+…`, `chat.whatsapp.com/…`).
    Invite,
    /// A platform's short link, kept as written (resolving it needs the network).
    ShortLink,
}

/// A parsed, normalized Internet resource.
///
/// Construct it with [`InternetResource::parse`] or
/// [`InternetResource::from_handle`]; `Deserialize` reads back stored records
/// as they were written (a later normalizer must not silently rewrite keys in
/// the case record).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InternetResource {
    pub platform: Platform,
    pub kind: ResourceKind,
    /// `platform:kind:id`, equal for every spelling of the same resource.
    pub key: String,
    /// The normalized `https` URL.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("no Internet resource is given: give a link, a channel or an account")]
    Empty,
    #[error("a link is at most 2048 characters long; this one has {length}")]
    TooLong { length: usize },
    #[error("a link has no spaces; give one link at a time")]
    ContainsSpace,
    #[error("{handle} is an account name: say which platform it is on (Telegram, Instagram, …)")]
    HandleNeedsPlatform { handle: String },
    #[error("a link starts with https:// or http://; {scheme}: links are not accepted")]
    UnsupportedScheme { scheme: String },
    #[error("{input:?} is not a link to a website")]
    Unparseable { input: String },
    #[error("a link must not contain a user name or password (the part before @)")]
    UserInfo,
    #[error("{host:?} is not a website address: a site name has a dot, as in example.kz")]
    HostWithoutDot { host: String },
    #[error("{address} is a private or reserved address, not a place on the Internet")]
    IpNotPublic { address: String },
    #[error("this is the home page of {platform}: give the link to the account, channel or post")]
    PlatformHome { platform: Platform },
    #[error("{name:?} is not a platform Qorgau knows; give a link instead")]
    UnknownPlatform { name: String },
    #[error("{handle:?} is not an account name on {platform}")]
    InvalidHandle { platform: Platform, handle: String },
    #[error("{platform} has no account names; give a link instead")]
    HandleNotSupported { platform: Platform },
}

const MAX_LENGTH: usize = 2048;

impl Platform {
    pub const ALL: [Platform; 10] = [
        Platform::Web,
        Platform::Telegram,
        Platform::Vk,
        Platform::Instagram,
        Platform::Tiktok,
        Platform::Youtube,
        Platform::Facebook,
        Platform::X,
        Platform::Odnoklassniki,
        Platform::Whatsapp,
    ];

    /// The stable name used in keys and in JSON (`telegram`, `vk`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Platform::Web => "web",
            Platform::Telegram => "telegram",
            Platform::Vk => "vk",
            Platform::Instagram => "instagram",
            Platform::Tiktok => "tiktok",
            Platform::Youtube => "youtube",
            Platform::Facebook => "facebook",
            Platform::X => "x",
            Platform::Odnoklassniki => "odnoklassniki",
            Platform::Whatsapp => "whatsapp",
        }
    }

    /// The brand as people write it (brands are not translated).
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Web => "Web",
            Platform::Telegram => "Telegram",
            Platform::Vk => "VK",
            Platform::Instagram => "Instagram",
            Platform::Tiktok => "TikTok",
            Platform::Youtube => "YouTube",
            Platform::Facebook => "Facebook",
            Platform::X => "X (Twitter)",
            Platform::Odnoklassniki => "Odnoklassniki (OK)",
            Platform::Whatsapp => "WhatsApp",
        }
    }

    /// Parses a platform name as a person or a form writes it: the slug, the
    /// brand, a common abbreviation or the Russian/Kazakh spelling, in any case.
    pub fn parse(name: &str) -> Result<Platform, ResourceError> {
        let folded = name.trim().to_lowercase();
        let platform = match folded.as_str() {
            "web" | "website" | "site" | "сайт" | "веб-сайт" | "вебсайт" => {
                Platform::Web
            }
            "telegram" | "tg" | "телеграм" | "телеграмм" => Platform::Telegram,
            "vk" | "vkontakte" | "vk.com" | "вконтакте" | "вк" => Platform::Vk,
            "instagram" | "ig" | "insta" | "инстаграм" => Platform::Instagram,
            "tiktok" | "tik tok" | "тикток" | "тик ток" | "тик-ток" => {
                Platform::Tiktok
            }
            "youtube" | "yt" | "ютуб" | "ютюб" => Platform::Youtube,
            "facebook" | "fb" | "фейсбук" => Platform::Facebook,
            "x" | "twitter" | "x (twitter)" | "твиттер" | "твитер" => Platform::X,
            "odnoklassniki" | "ok" | "ok.ru" | "odnoklassniki (ok)" | "одноклассники" => {
                Platform::Odnoklassniki
            }
            "whatsapp" | "wa" | "ватсап" | "вотсап" | "уатсап" | "вацап" => {
                Platform::Whatsapp
            }
            _ => {
                return Err(ResourceError::UnknownPlatform {
                    name: name.trim().to_owned(),
                });
            }
        };
        Ok(platform)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.display_name())
    }
}

impl FromStr for Platform {
    type Err = ResourceError;
    fn from_str(name: &str) -> Result<Platform, ResourceError> {
        Platform::parse(name)
    }
}

impl ResourceKind {
    /// The stable name used in keys and in JSON.
    pub fn slug(self) -> &'static str {
        match self {
            ResourceKind::Website => "website",
            ResourceKind::Page => "page",
            ResourceKind::Account => "account",
            ResourceKind::Channel => "channel",
            ResourceKind::Group => "group",
            ResourceKind::Video => "video",
            ResourceKind::Post => "post",
            ResourceKind::Playlist => "playlist",
            ResourceKind::Invite => "invite",
            ResourceKind::ShortLink => "short_link",
        }
    }

    /// Whether the resource is someone who posts (an account, a channel, a
    /// community or a website) rather than one piece of content.
    pub fn is_actor(self) -> bool {
        matches!(
            self,
            ResourceKind::Account
                | ResourceKind::Channel
                | ResourceKind::Group
                | ResourceKind::Website
        )
    }
}

impl InternetResource {
    /// Parses a link as written: with or without `https://`, any mirror host,
    /// any tracking parameters.
    pub fn parse(input: &str) -> Result<InternetResource, ResourceError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ResourceError::Empty);
        }
        let length = trimmed.chars().count();
        if length > MAX_LENGTH {
            return Err(ResourceError::TooLong { length });
        }
        if trimmed.starts_with('@') {
            return Err(ResourceError::HandleNeedsPlatform {
                handle: trimmed.to_owned(),
            });
        }
        if trimmed
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
        {
            return Err(ResourceError::ContainsSpace);
        }
        let unparseable = || ResourceError::Unparseable {
            input: trimmed.to_owned(),
        };
        let url = Url::parse(&with_scheme(trimmed)?).map_err(|_| unparseable())?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(ResourceError::UnsupportedScheme {
                scheme: url.scheme().to_owned(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ResourceError::UserInfo);
        }
        let host = match url.host() {
            Some(Host::Domain(domain)) => fold_mirror(&normalize_domain(domain)?),
            Some(Host::Ipv4(address)) => {
                if !ipv4_is_public(address) {
                    return Err(ResourceError::IpNotPublic {
                        address: address.to_string(),
                    });
                }
                address.to_string()
            }
            Some(Host::Ipv6(address)) => {
                if !ipv6_is_public(address) {
                    return Err(ResourceError::IpNotPublic {
                        address: address.to_string(),
                    });
                }
                format!("[{address}]")
            }
            None => return Err(unparseable()),
        };
        let located = Located {
            segments: url
                .path_segments()
                .map(|segments| segments.filter(|s| !s.is_empty()).collect())
                .unwrap_or_default(),
            host,
            url: &url,
        };
        let platform = platform_of(&located.host);
        let normal = match platform {
            Platform::Web => Some(web_page(&located, true)),
            Platform::Telegram => telegram(&located),
            Platform::Vk => vk(&located),
            Platform::Instagram => instagram(&located),
            Platform::Tiktok => tiktok(&located),
            Platform::Youtube => youtube(&located),
            Platform::Facebook => facebook(&located),
            Platform::X => x(&located),
            Platform::Odnoklassniki => odnoklassniki(&located),
            Platform::Whatsapp => whatsapp(&located),
        };
        let normal = match normal {
            Some(normal) => normal,
            None if located.segments.is_empty() => {
                return Err(ResourceError::PlatformHome { platform });
            }
            None => web_page(&located, false),
        };
        let url = Url::parse(&normal.url)
            .map_err(|_| unparseable())?
            .to_string();
        Ok(InternetResource {
            platform,
            kind: normal.kind,
            key: format!("{}:{}:{}", platform.slug(), normal.kind.slug(), normal.id),
            url,
        })
    }

    /// An account written as a handle (`@name` or `name`) with its platform
    /// given separately, normalized exactly as the account's link would be.
    pub fn from_handle(
        platform: Platform,
        handle: &str,
    ) -> Result<InternetResource, ResourceError> {
        let trimmed = handle.trim();
        let name = trimmed.strip_prefix('@').unwrap_or(trimmed);
        let invalid = || ResourceError::InvalidHandle {
            platform,
            handle: trimmed.to_owned(),
        };
        let allowed = |character: char| match platform {
            // YouTube handles may be in any script.
            Platform::Youtube => character.is_alphanumeric() || "._-·".contains(character),
            _ => character.is_ascii_alphanumeric() || "._-".contains(character),
        };
        if name.is_empty() || name.chars().count() > 100 || !name.chars().all(allowed) {
            return Err(invalid());
        }
        let link = match platform {
            Platform::Web | Platform::Whatsapp => {
                return Err(ResourceError::HandleNotSupported { platform });
            }
            Platform::Telegram => format!("https://t.me/{name}"),
            Platform::Vk => format!("https://vk.com/{name}"),
            Platform::Instagram => format!("https://instagram.com/{name}"),
            Platform::Tiktok => format!("https://tiktok.com/@{name}"),
            Platform::Youtube => format!("https://youtube.com/@{name}"),
            Platform::Facebook => format!("https://facebook.com/{name}"),
            Platform::X => format!("https://x.com/{name}"),
            Platform::Odnoklassniki => format!("https://ok.ru/{name}"),
        };
        // A reserved word (`t.me/joinchat`, `x.com/home`) parses to a page, not
        // an account: it is not a handle.
        match InternetResource::parse(&link) {
            Ok(resource) if resource.platform == platform && resource.kind.is_actor() => {
                Ok(resource)
            }
            _ => Err(invalid()),
        }
    }
}

impl FromStr for InternetResource {
    type Err = ResourceError;
    fn from_str(input: &str) -> Result<InternetResource, ResourceError> {
        InternetResource::parse(input)
    }
}

impl fmt::Display for InternetResource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.url)
    }
}

/// The parts of a URL the platform rules look at.
struct Located<'a> {
    /// Lower-case ASCII host without `www.`/`m.`/`mobile.` and without port.
    host: String,
    /// Non-empty path segments, still percent-encoded.
    segments: Vec<&'a str>,
    url: &'a Url,
}

impl Located<'_> {
    /// The first value of a query parameter, decoded.
    fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
}

/// A resource in normal form: its kind, the id part of its key, its URL.
struct Normal {
    kind: ResourceKind,
    id: String,
    url: String,
}

impl Normal {
    fn new(kind: ResourceKind, id: impl Into<String>, url: impl Into<String>) -> Option<Normal> {
        Some(Normal {
            kind,
            id: id.into(),
            url: url.into(),
        })
    }
}

/// Adds `https://` where the scheme is missing; refuses schemes other than
/// http(s). `example.kz:8080/x` and `localhost:3000` have a port, not a scheme.
fn with_scheme(input: &str) -> Result<String, ResourceError> {
    if input.starts_with("//") {
        return Ok(format!("https:{input}"));
    }
    if let Some((candidate, rest)) = input.split_once(':') {
        let is_scheme = candidate.starts_with(|c: char| c.is_ascii_alphabetic())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-".contains(c));
        let is_port = rest.starts_with(|c: char| c.is_ascii_digit());
        if is_scheme && !is_port {
            let scheme = candidate.to_ascii_lowercase();
            return if scheme == "https" || scheme == "http" {
                Ok(input.to_owned())
            } else {
                Err(ResourceError::UnsupportedScheme { scheme })
            };
        }
    }
    Ok(format!("https://{input}"))
}

/// The host as parsed by the URL parser (already lower-case punycode), without
/// a final dot; refused when it has no dot or an empty label.
fn normalize_domain(domain: &str) -> Result<String, ResourceError> {
    let host = domain.strip_suffix('.').unwrap_or(domain);
    if !host.contains('.') {
        return Err(ResourceError::HostWithoutDot {
            host: host.to_owned(),
        });
    }
    if host.split('.').any(str::is_empty) {
        return Err(ResourceError::Unparseable {
            input: domain.to_owned(),
        });
    }
    Ok(host.to_owned())
}

/// `www.`, `m.` and `mobile.` serve the same site as the name without them.
fn fold_mirror(host: &str) -> String {
    let mut folded = host;
    for prefix in ["www.", "m.", "mobile."] {
        if let Some(rest) = folded.strip_prefix(prefix)
            && rest.contains('.')
        {
            folded = rest;
        }
    }
    folded.to_owned()
}

fn ipv4_is_public(address: Ipv4Addr) -> bool {
    let [first, second, third, _] = address.octets();
    !(address.is_private()
        || address.is_loopback()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || address.is_documentation()
        || address.is_multicast()
        || first == 0
        || (first == 100 && (64..128).contains(&second)) // shared, RFC 6598
        || (first == 192 && second == 0 && third == 0) // IETF protocol assignments
        || (first == 198 && (18..20).contains(&second)) // benchmarking, RFC 2544
        || first >= 240) // reserved
}

fn ipv6_is_public(address: Ipv6Addr) -> bool {
    if let Some(mapped) = address.to_ipv4_mapped() {
        return ipv4_is_public(mapped);
    }
    let first = address.segments()[0];
    !(address.is_loopback()
        || address.is_unspecified()
        || address.is_multicast()
        || address.is_unique_local()
        || address.is_unicast_link_local()
        || (first == 0x2001 && address.segments()[1] == 0x0db8)) // documentation
}

/// Whether `host` is `domain` or one of its subdomains.
fn is_within(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

fn platform_of(host: &str) -> Platform {
    let within_any = |domains: &[&str]| domains.iter().any(|domain| is_within(host, domain));
    if within_any(&["t.me", "telegram.me", "telegram.dog"]) {
        Platform::Telegram
    } else if within_any(&["vk.com", "vk.ru", "vkontakte.ru", "vkvideo.ru"]) {
        Platform::Vk
    } else if within_any(&["instagram.com", "instagr.am"]) {
        Platform::Instagram
    } else if within_any(&["tiktok.com"]) {
        Platform::Tiktok
    } else if within_any(&["youtube.com", "youtu.be", "youtube-nocookie.com"]) {
        Platform::Youtube
    } else if within_any(&["facebook.com", "fb.com", "fb.me", "fb.watch"]) {
        Platform::Facebook
    } else if within_any(&["x.com", "twitter.com"]) {
        Platform::X
    } else if within_any(&["ok.ru", "odnoklassniki.ru"]) {
        Platform::Odnoklassniki
    } else if within_any(&["whatsapp.com", "wa.me"]) {
        Platform::Whatsapp
    } else {
        Platform::Web
    }
}

/// Any page kept as written: the path (case-sensitive) without trailing
/// slashes, the query without tracking parameters. The key sorts the query so
/// parameter order does not matter; the URL keeps the order given.
fn web_page(located: &Located<'_>, is_website: bool) -> Normal {
    let url = located.url;
    // On a platform, a mirror domain serves the same pages as the main one.
    let host = if is_website {
        located.host.as_str()
    } else {
        main_domain(&located.host)
    };
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let path = uppercase_escapes(url.path().trim_end_matches('/'));
    let path = path.as_str();
    let raw_query = uppercase_escapes(url.query().unwrap_or(""));
    let mut query: Vec<&str> = raw_query
        .split('&')
        .filter(|piece| !piece.is_empty() && !is_tracking(piece.split('=').next().unwrap_or(piece)))
        .collect();
    let url_query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    query.sort_unstable();
    let key_query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let kind = if is_website && path.is_empty() && query.is_empty() {
        ResourceKind::Website
    } else {
        ResourceKind::Page
    };
    let id = if kind == ResourceKind::Website {
        host.clone()
    } else {
        format!("{host}{path}{key_query}")
    };
    let url_path = if path.is_empty() { "/" } else { path };
    Normal {
        kind,
        id,
        url: format!("https://{host}{url_path}{url_query}"),
    }
}

/// Parameters that identify a campaign, a click or a sharer, never the content
/// (plus every `utm_*`).
const TRACKING_PARAMETERS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "ysclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "_openstat",
    "igshid",
    "igsh",
    "si",
    "feature",
    "ref",
    "ref_src",
    "ref_url",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING_PARAMETERS.contains(&name.as_str())
}

/// The main domain of a platform's mirror domain (`telegram.me` → `t.me`).
fn main_domain(host: &str) -> &str {
    match host {
        "telegram.me" | "telegram.dog" => "t.me",
        "vk.ru" | "vkontakte.ru" => "vk.com",
        "instagr.am" => "instagram.com",
        "fb.com" | "web.facebook.com" | "touch.facebook.com" | "mbasic.facebook.com" => {
            "facebook.com"
        }
        "twitter.com" => "x.com",
        "odnoklassniki.ru" => "ok.ru",
        other => other,
    }
}

/// `%d1%85` and `%D1%85` are the same octet (RFC 3986 §6.2.2.1); the URL
/// parser keeps escapes as written, so their case is folded here.
fn uppercase_escapes(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        folded.push_str(&rest[..at]);
        let escape = rest[at..]
            .get(..3)
            .filter(|escape| escape[1..].bytes().all(|b| b.is_ascii_hexdigit()));
        let taken = escape.unwrap_or("%");
        folded.push_str(&taken.to_ascii_uppercase());
        rest = &rest[at + taken.len()..];
    }
    folded.push_str(rest);
    folded
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|byte| char::from(*byte).to_digit(16))
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(u8::try_from(high * 16 + low).ok()?);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

/// A case-insensitive account name: ASCII letters, digits and `extra`;
/// returned lower-cased.
fn handle(segment: &str, extra: &str) -> Option<String> {
    let decoded = percent_decode(segment)?;
    let valid = !decoded.is_empty()
        && decoded.len() <= 100
        && decoded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c));
    valid.then(|| decoded.to_ascii_lowercase())
}

/// A case-sensitive identifier: ASCII letters, digits, `_` and `-`.
fn token(segment: &str) -> Option<String> {
    let decoded = percent_decode(segment)?;
    let valid = !decoded.is_empty()
        && decoded.len() <= 200
        && decoded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some(decoded)
}

/// A numeric identifier.
fn number(segment: &str) -> Option<String> {
    let valid =
        !segment.is_empty() && segment.len() <= 30 && segment.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| segment.to_owned())
}

// ---- Telegram: t.me, telegram.me, telegram.dog --------------------------------

const TELEGRAM_RESERVED: &[&str] = &[
    "addstickers",
    "addemoji",
    "addtheme",
    "addlist",
    "share",
    "proxy",
    "socks",
    "iv",
    "login",
    "setlanguage",
    "confirmphone",
    "invoice",
    "boost",
    "giftcode",
    "joinchat",
    "s",
    "c",
    "k",
    "a",
    "z",
];

fn telegram(located: &Located<'_>) -> Option<Normal> {
    // `name.t.me` is another spelling of `t.me/name`.
    let subdomain = ["t.me", "telegram.me", "telegram.dog"]
        .iter()
        .find_map(|domain| located.host.strip_suffix(domain)?.strip_suffix('.'))
        .filter(|name| !name.contains('.'));
    let mut segments: Vec<&str> = subdomain
        .into_iter()
        .chain(located.segments.iter().copied())
        .collect();
    // `t.me/s/name` is the web preview of `t.me/name`.
    if segments.first() == Some(&"s") && segments.len() > 1 {
        segments.remove(0);
    }
    let decoded_first = segments.first().and_then(|first| percent_decode(first))?;
    if let Some(code) = decoded_first.strip_prefix('+') {
        let code = token(code)?;
        return Normal::new(
            ResourceKind::Invite,
            format!("+{code}"),
            format!("https://t.me/+{code}"),
        );
    }
    match segments.as_slice() {
        ["joinchat", code] => {
            let code = token(code)?;
            Normal::new(
                ResourceKind::Invite,
                format!("+{code}"),
                format!("https://t.me/+{code}"),
            )
        }
        ["c", channel, rest @ ..] => {
            let channel = number(channel)?;
            let numbers: Option<Vec<String>> = rest.iter().map(|segment| number(segment)).collect();
            let path = std::iter::once(channel)
                .chain(numbers?)
                .collect::<Vec<_>>()
                .join("/");
            let kind = if rest.is_empty() {
                ResourceKind::Channel
            } else {
                ResourceKind::Post
            };
            Normal::new(kind, format!("c/{path}"), format!("https://t.me/c/{path}"))
        }
        [name, rest @ ..] => {
            let name = handle(name, "_")?;
            if TELEGRAM_RESERVED.contains(&name.as_str()) {
                return None;
            }
            if rest.is_empty() {
                return Normal::new(
                    ResourceKind::Channel,
                    name.clone(),
                    format!("https://t.me/{name}"),
                );
            }
            let numbers: Option<Vec<String>> = rest.iter().map(|segment| number(segment)).collect();
            let path = format!("{name}/{}", numbers?.join("/"));
            // `?comment=` names one comment under a channel post: the comment may
            // be the harmful content, so it stays part of the resource.
            match located
                .query("comment")
                .and_then(|comment| number(&comment))
            {
                Some(comment) => Normal::new(
                    ResourceKind::Post,
                    format!("{path}?comment={comment}"),
                    format!("https://t.me/{path}?comment={comment}"),
                ),
                None => Normal::new(
                    ResourceKind::Post,
                    path.clone(),
                    format!("https://t.me/{path}"),
                ),
            }
        }
        [] => None,
    }
}

// ---- VK: vk.com, vk.ru, m.vk.com, vkontakte.ru, vkvideo.ru --------------------

const VK_RESERVED: &[&str] = &[
    "feed",
    "im",
    "friends",
    "search",
    "settings",
    "groups",
    "video",
    "videos",
    "music",
    "audio",
    "login",
    "away.php",
    "photos",
    "albums",
    "apps",
    "docs",
    "bookmarks",
    "market",
    "services",
    "clips",
    "support",
    "dev",
    "about",
    "terms",
    "privacy",
    "wall",
    "edit",
    "notifications",
];

/// `wall-1_2`, `video1_2`, `clip-1_2`, `photo1_2`: one object of a VK owner.
/// Anything after a `/` (`video-1_2/pl_cat_trends`) is the list it was opened from.
fn vk_object(text: &str) -> Option<(ResourceKind, String)> {
    let text = text.split('/').next().unwrap_or(text);
    for (prefix, kind) in [
        ("wall", ResourceKind::Post),
        ("photo", ResourceKind::Post),
        ("video", ResourceKind::Video),
        ("clip", ResourceKind::Video),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let (owner, item) = rest.split_once('_')?;
            let owner_digits = owner.strip_prefix('-').unwrap_or(owner);
            number(owner_digits)?;
            number(item)?;
            return Some((kind, format!("{prefix}{owner}_{item}")));
        }
    }
    None
}

fn vk(located: &Located<'_>) -> Option<Normal> {
    // `vk.com/durov?w=wall1_45` is the post opened over the profile: the `w`
    // (or `z`) parameter names the resource.
    for parameter in ["w", "z"] {
        if let Some((kind, object)) = located.query(parameter).and_then(|value| vk_object(&value)) {
            return Normal::new(kind, object.clone(), format!("https://vk.com/{object}"));
        }
    }
    let [segment] = located.segments.as_slice() else {
        return None;
    };
    if let Some((kind, object)) = vk_object(segment) {
        return Normal::new(kind, object.clone(), format!("https://vk.com/{object}"));
    }
    let name = handle(segment, "_.")?;
    // `id01` opens profile 1: leading zeros must not make a second account.
    if let Some(id) = name
        .strip_prefix("id")
        .and_then(number)
        .map(|id| id.trim_start_matches('0').to_owned())
        .filter(|id| !id.is_empty())
    {
        return Normal::new(
            ResourceKind::Account,
            format!("id{id}"),
            format!("https://vk.com/id{id}"),
        );
    }
    // `club1`, `public1` and `event1` are the same community number 1.
    for prefix in ["club", "public", "event"] {
        if let Some(id) = name.strip_prefix(prefix).and_then(number) {
            return Normal::new(
                ResourceKind::Group,
                format!("club{id}"),
                format!("https://vk.com/club{id}"),
            );
        }
    }
    if VK_RESERVED.contains(&name.as_str()) {
        return None;
    }
    // A short name may belong to a person or a community; VK does not say which.
    Normal::new(
        ResourceKind::Account,
        name.clone(),
        format!("https://vk.com/{name}"),
    )
}

// ---- Instagram ----------------------------------------------------------------

const INSTAGRAM_RESERVED: &[&str] = &[
    "explore",
    "accounts",
    "direct",
    "about",
    "legal",
    "developer",
    "p",
    "reel",
    "reels",
    "tv",
    "stories",
    "web",
    "challenge",
    "emails",
    "session",
    "privacy",
    "help",
];

fn instagram_media(code: &str) -> Option<Normal> {
    let code = token(code)?;
    // A reel and a post share one shortcode space, and `/p/CODE` opens both.
    Normal::new(
        ResourceKind::Post,
        code.clone(),
        format!("https://instagram.com/p/{code}"),
    )
}

fn instagram(located: &Located<'_>) -> Option<Normal> {
    match located.segments.as_slice() {
        ["p" | "reel" | "reels" | "tv", code, ..] => instagram_media(code),
        ["stories", name, story, ..] => {
            let name = handle(name, "._")?;
            let story = number(story)?;
            let path = format!("stories/{name}/{story}");
            Normal::new(
                ResourceKind::Post,
                path.clone(),
                format!("https://instagram.com/{path}"),
            )
        }
        // The newer `instagram.com/name/p/CODE` form.
        [_, "p" | "reel", code, ..] => instagram_media(code),
        ["stories", name] | [name, ..] => {
            let name = handle(name, "._")?;
            if INSTAGRAM_RESERVED.contains(&name.as_str()) {
                return None;
            }
            Normal::new(
                ResourceKind::Account,
                name.clone(),
                format!("https://instagram.com/{name}"),
            )
        }
        [] => None,
    }
}

// ---- TikTok -------------------------------------------------------------------

fn tiktok(located: &Located<'_>) -> Option<Normal> {
    let segments = located.segments.as_slice();
    // `vm.tiktok.com/ZM…` and `vt.tiktok.com/…` redirect to a video; the target
    // is unknown offline, so the short link is its own resource.
    if located.host == "vm.tiktok.com" || located.host == "vt.tiktok.com" {
        let [code, ..] = segments else { return None };
        let code = token(code)?;
        let id = format!("{}/{code}", located.host);
        return Normal::new(ResourceKind::ShortLink, id.clone(), format!("https://{id}"));
    }
    let item = |name: &str, kind_path: &str, item_id: &str| {
        let item_id = number(item_id)?;
        let name = if name.is_empty() {
            String::new()
        } else {
            handle(name, "._")?
        };
        // The item id is global: TikTok opens it under any user name, so the
        // name stays in the URL but not in the key.
        let kind = if kind_path == "video" {
            ResourceKind::Video
        } else {
            ResourceKind::Post
        };
        Normal::new(
            kind,
            item_id.clone(),
            format!("https://tiktok.com/@{name}/{kind_path}/{item_id}"),
        )
    };
    match segments {
        ["t", code, ..] => {
            let code = token(code)?;
            Normal::new(
                ResourceKind::ShortLink,
                format!("tiktok.com/t/{code}"),
                format!("https://tiktok.com/t/{code}"),
            )
        }
        [user, kind_path @ ("video" | "photo"), item_id, ..] => {
            item(user.strip_prefix('@')?, kind_path, item_id)
        }
        ["v", file] => item("", "video", file.strip_suffix(".html").unwrap_or(file)),
        ["embed", "v2", item_id] | ["embed", item_id] => item("", "video", item_id),
        [user, ..] => {
            let name = handle(user.strip_prefix('@')?, "._")?;
            Normal::new(
                ResourceKind::Account,
                name.clone(),
                format!("https://tiktok.com/@{name}"),
            )
        }
        [] => None,
    }
}

// ---- YouTube ------------------------------------------------------------------

fn youtube_video(id: &str) -> Option<Normal> {
    let id = token(id)?;
    Normal::new(
        ResourceKind::Video,
        id.clone(),
        format!("https://youtube.com/watch?v={id}"),
    )
}

fn youtube(located: &Located<'_>) -> Option<Normal> {
    let segments = located.segments.as_slice();
    if located.host == "youtu.be" {
        return youtube_video(segments.first()?);
    }
    match segments {
        ["watch"] => youtube_video(&located.query("v")?),
        ["shorts" | "live" | "embed" | "v" | "e", id, ..] => youtube_video(id),
        ["playlist"] => {
            let list = token(&located.query("list")?)?;
            Normal::new(
                ResourceKind::Playlist,
                list.clone(),
                format!("https://youtube.com/playlist?list={list}"),
            )
        }
        ["post", id] => {
            let id = token(id)?;
            Normal::new(
                ResourceKind::Post,
                id.clone(),
                format!("https://youtube.com/post/{id}"),
            )
        }
        ["channel", id, ..] => {
            let id = token(id)?;
            Normal::new(
                ResourceKind::Channel,
                format!("channel/{id}"),
                format!("https://youtube.com/channel/{id}"),
            )
        }
        [prefix @ ("c" | "user"), name, ..] => {
            let name = handle(name, "_.-")?;
            let path = format!("{prefix}/{name}");
            Normal::new(
                ResourceKind::Channel,
                path.clone(),
                format!("https://youtube.com/{path}"),
            )
        }
        [first, ..] => {
            // `@handle`, case-insensitive, in any script.
            let name = percent_decode(first)?.strip_prefix('@')?.to_lowercase();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._-·".contains(c));
            valid.then(|| Normal {
                kind: ResourceKind::Channel,
                id: format!("@{name}"),
                url: format!("https://youtube.com/@{name}"),
            })
        }
        [] => None,
    }
}

// ---- Facebook -----------------------------------------------------------------

const FACEBOOK_RESERVED: &[&str] = &[
    "home.php",
    "login",
    "login.php",
    "watch",
    "groups",
    "events",
    "marketplace",
    "gaming",
    "pages",
    "help",
    "settings",
    "friends",
    "messages",
    "notifications",
    "search",
    "hashtag",
    "reel",
    "share",
    "sharer.php",
    "sharer",
    "dialog",
    "l.php",
    "privacy",
    "policies",
    "photo.php",
    "photo",
    "permalink.php",
    "story.php",
    "profile.php",
    "people",
    "videos",
    "stories",
    "media",
    "bookmarks",
];

fn facebook_account(id: &str) -> Option<Normal> {
    let id = number(id)?;
    Normal::new(
        ResourceKind::Account,
        format!("id/{id}"),
        format!("https://facebook.com/profile.php?id={id}"),
    )
}

fn facebook_video(id: &str) -> Option<Normal> {
    let id = number(id)?;
    Normal::new(
        ResourceKind::Video,
        id.clone(),
        format!("https://facebook.com/watch/?v={id}"),
    )
}

fn facebook_post(id: &str, url: String) -> Option<Normal> {
    Normal::new(ResourceKind::Post, token(id)?, url)
}

fn facebook(located: &Located<'_>) -> Option<Normal> {
    let segments = located.segments.as_slice();
    if located.host == "fb.watch" {
        let code = token(segments.first()?)?;
        return Normal::new(
            ResourceKind::ShortLink,
            format!("fb.watch/{code}"),
            format!("https://fb.watch/{code}"),
        );
    }
    match segments {
        ["profile.php"] => facebook_account(&located.query("id")?),
        ["people", _, id, ..] => facebook_account(id),
        ["watch"] => facebook_video(&located.query("v")?),
        ["reel" | "videos", id, ..] => facebook_video(id),
        [_, "videos", .., id] => facebook_video(id),
        ["permalink.php" | "story.php"] => {
            let story = token(&located.query("story_fbid")?)?;
            let owner = number(&located.query("id")?)?;
            facebook_post(
                &story,
                format!("https://facebook.com/permalink.php?story_fbid={story}&id={owner}"),
            )
        }
        ["photo.php" | "photo"] => {
            let photo = number(&located.query("fbid")?)?;
            facebook_post(&photo, format!("https://facebook.com/photo/?fbid={photo}"))
        }
        ["groups", group, "posts" | "permalink", post, ..] => {
            let group = handle(group, "._-")?;
            let post = token(post)?;
            facebook_post(
                &post,
                format!("https://facebook.com/groups/{group}/posts/{post}"),
            )
        }
        ["groups", group, ..] => {
            let group = handle(group, "._-")?;
            Normal::new(
                ResourceKind::Group,
                group.clone(),
                format!("https://facebook.com/groups/{group}"),
            )
        }
        ["share", rest @ ..] if !rest.is_empty() => {
            let codes: Option<Vec<String>> = rest.iter().map(|segment| token(segment)).collect();
            let path = format!("share/{}", codes?.join("/"));
            Normal::new(
                ResourceKind::ShortLink,
                path.clone(),
                format!("https://facebook.com/{path}"),
            )
        }
        [page, "posts", post, ..] => {
            let page = handle(page, ".-")?;
            let post = token(post)?;
            facebook_post(&post, format!("https://facebook.com/{page}/posts/{post}"))
        }
        [id, ..] if number(id).is_some() => facebook_account(id),
        [name, ..] => {
            let name = handle(name, ".-")?;
            if FACEBOOK_RESERVED.contains(&name.as_str()) {
                return None;
            }
            Normal::new(
                ResourceKind::Account,
                name.clone(),
                format!("https://facebook.com/{name}"),
            )
        }
        [] => None,
    }
}

// ---- X (Twitter) --------------------------------------------------------------

const X_RESERVED: &[&str] = &[
    "home",
    "explore",
    "search",
    "i",
    "settings",
    "notifications",
    "messages",
    "hashtag",
    "intent",
    "share",
    "login",
    "logout",
    "signup",
    "compose",
    "tos",
    "privacy",
    "about",
    "download",
];

fn x(located: &Located<'_>) -> Option<Normal> {
    let status = |id: &str| {
        let id = number(id)?;
        Normal::new(
            ResourceKind::Post,
            id.clone(),
            format!("https://x.com/i/status/{id}"),
        )
    };
    match located.segments.as_slice() {
        ["i", "web", "status", id, ..] | ["i", "status", id, ..] => status(id),
        // The status id is global; x.com opens it under any user name.
        [_, "status" | "statuses", id, ..] => status(id),
        [name, ..] => {
            let name = handle(name, "_")?;
            if X_RESERVED.contains(&name.as_str()) {
                return None;
            }
            Normal::new(
                ResourceKind::Account,
                name.clone(),
                format!("https://x.com/{name}"),
            )
        }
        [] => None,
    }
}

// ---- Odnoklassniki ------------------------------------------------------------

const OK_RESERVED: &[&str] = &[
    "feed",
    "messages",
    "guests",
    "music",
    "video",
    "games",
    "group",
    "profile",
    "search",
    "settings",
    "dk",
    "live",
    "friends",
    "discussions",
    "notifications",
    "help",
    "groups",
    "marks",
    "events",
];

fn odnoklassniki(located: &Located<'_>) -> Option<Normal> {
    let make = |kind: ResourceKind, path: String| {
        Normal::new(kind, path.clone(), format!("https://ok.ru/{path}"))
    };
    match located.segments.as_slice() {
        ["video" | "live", id, ..] => {
            let id = number(id)?;
            Normal::new(
                ResourceKind::Video,
                id.clone(),
                format!("https://ok.ru/video/{id}"),
            )
        }
        ["profile", id] => make(ResourceKind::Account, format!("profile/{}", number(id)?)),
        ["group", id] => make(ResourceKind::Group, format!("group/{}", number(id)?)),
        [
            owner_kind @ ("profile" | "group"),
            id,
            object @ ("statuses" | "topic"),
            post,
            ..,
        ] => make(
            ResourceKind::Post,
            format!("{owner_kind}/{}/{object}/{}", number(id)?, number(post)?),
        ),
        [name, object @ ("statuses" | "topic"), post, ..] => make(
            ResourceKind::Post,
            format!("{}/{object}/{}", handle(name, "._-")?, number(post)?),
        ),
        [name] => {
            let name = handle(name, "._-")?;
            if OK_RESERVED.contains(&name.as_str()) {
                return None;
            }
            make(ResourceKind::Account, name)
        }
        _ => None,
    }
}

// ---- WhatsApp -----------------------------------------------------------------

fn whatsapp(located: &Located<'_>) -> Option<Normal> {
    let segments = located.segments.as_slice();
    let phone = |digits: &str| {
        let digits = number(digits.strip_prefix('+').unwrap_or(digits))?;
        Normal::new(
            ResourceKind::Account,
            digits.clone(),
            format!("https://wa.me/{digits}"),
        )
    };
    match (located.host.as_str(), segments) {
        ("chat.whatsapp.com", [code, ..]) => {
            let code = token(code)?;
            Normal::new(
                ResourceKind::Invite,
                code.clone(),
                format!("https://chat.whatsapp.com/{code}"),
            )
        }
        ("wa.me", [digits, ..]) => phone(&percent_decode(digits)?),
        (_, ["send"]) => phone(&located.query("phone")?),
        (_, ["channel", id, ..]) => {
            let id = token(id)?;
            Normal::new(
                ResourceKind::Channel,
                id.clone(),
                format!("https://whatsapp.com/channel/{id}"),
            )
        }
        _ => None,
    }
}

impl Explain for ResourceError {
    fn code(&self) -> &'static str {
        match self {
            ResourceError::Empty => "resource_empty",
            ResourceError::TooLong { .. } => "resource_too_long",
            ResourceError::ContainsSpace => "resource_contains_space",
            ResourceError::HandleNeedsPlatform { .. } => "resource_handle_needs_platform",
            ResourceError::UnsupportedScheme { .. } => "resource_unsupported_scheme",
            ResourceError::Unparseable { .. } => "resource_unparseable",
            ResourceError::UserInfo => "resource_userinfo",
            ResourceError::HostWithoutDot { .. } => "resource_host_without_dot",
            ResourceError::IpNotPublic { .. } => "resource_ip_not_public",
            ResourceError::PlatformHome { .. } => "resource_platform_home",
            ResourceError::UnknownPlatform { .. } => "resource_unknown_platform",
            ResourceError::InvalidHandle { .. } => "resource_invalid_handle",
            ResourceError::HandleNotSupported { .. } => "resource_handle_not_supported",
        }
    }

    fn explain(&self) -> Message {
        match self {
            ResourceError::Empty => Message::new("validation-resource-empty"),
            ResourceError::TooLong { length } => {
                Message::new("validation-resource-too-long").with("length", count(*length))
            }
            ResourceError::ContainsSpace => Message::new("validation-resource-contains-space"),
            ResourceError::HandleNeedsPlatform { handle } => {
                Message::new("validation-resource-handle-needs-platform")
                    .with("handle", handle.as_str())
            }
            ResourceError::UnsupportedScheme { scheme } => {
                Message::new("validation-resource-unsupported-scheme")
                    .with("scheme", scheme.as_str())
            }
            ResourceError::Unparseable { input } => {
                Message::new("validation-resource-unparseable").with("input", input.as_str())
            }
            ResourceError::UserInfo => Message::new("validation-resource-userinfo"),
            ResourceError::HostWithoutDot { host } => {
                Message::new("validation-resource-host-without-dot").with("host", host.as_str())
            }
            ResourceError::IpNotPublic { address } => {
                Message::new("validation-resource-ip-not-public").with("address", address.as_str())
            }
            ResourceError::PlatformHome { platform } => {
                Message::new("validation-resource-platform-home")
                    .with("platform", platform.display_name())
            }
            ResourceError::UnknownPlatform { name } => {
                Message::new("validation-resource-unknown-platform").with("name", name.as_str())
            }
            ResourceError::InvalidHandle { platform, handle } => {
                Message::new("validation-resource-invalid-handle")
                    .with("handle", handle.as_str())
                    .with("platform", platform.display_name())
            }
            ResourceError::HandleNotSupported { platform } => {
                Message::new("validation-resource-handle-not-supported")
                    .with("platform", platform.display_name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `expected` is `Ok("platform:kind:id url")` or the error.
    fn check(input: &str, expected: Result<&str, ResourceError>) {
        let actual = InternetResource::parse(input)
            .map(|resource| format!("{} {}", resource.key, resource.url));
        assert_eq!(actual, expected.map(str::to_owned), "input {input:?}");
    }

    /// Every spelling gives the key and URL of the first.
    fn check_same(spellings: &[&str]) {
        let first = InternetResource::parse(spellings[0]).expect("the first spelling parses");
        for spelling in spellings {
            let resource = InternetResource::parse(spelling);
            assert_eq!(
                resource.as_ref().map(|r| (&r.key, &r.url)),
                Ok((&first.key, &first.url)),
                "spelling {spelling:?}"
            );
        }
    }

    fn check_different(inputs: &[&str]) {
        let keys: Vec<String> = inputs
            .iter()
            .map(|input| InternetResource::parse(input).expect("parses").key)
            .collect();
        for (index, key) in keys.iter().enumerate() {
            assert!(
                !keys[index + 1..].contains(key),
                "{key} appears twice in {inputs:?}"
            );
        }
    }

    #[test]
    fn telegram() {
        check_same(&[
            "https://t.me/Qorgau_Channel",
            "t.me/qorgau_channel",
            "http://telegram.me/QORGAU_CHANNEL/",
            "https://t.me/s/qorgau_channel",
            "telegram.dog/qorgau_channel?start=abc",
            "www.t.me/qorgau_channel#top",
            "qorgau_channel.t.me",
        ]);
        check(
            "t.me/qorgau_channel",
            Ok("telegram:channel:qorgau_channel https://t.me/qorgau_channel"),
        );
        check_same(&[
            "t.me/qorgau_channel/15",
            "https://t.me/s/Qorgau_Channel/15?single",
            "t.me/qorgau_channel/15/",
        ]);
        check(
            "t.me/qorgau_channel/15",
            Ok("telegram:post:qorgau_channel/15 https://t.me/qorgau_channel/15"),
        );
        check(
            "t.me/qorgau_channel/15?comment=7&utm_source=x",
            Ok(
                "telegram:post:qorgau_channel/15?comment=7 https://t.me/qorgau_channel/15?comment=7",
            ),
        );
        check_same(&[
            "https://t.me/+AbCdEf123_-x",
            "t.me/joinchat/AbCdEf123_-x",
            "https://telegram.me/joinchat/AbCdEf123_-x/",
        ]);
        check(
            "t.me/+AbCdEf123_-x",
            Ok("telegram:invite:+AbCdEf123_-x https://t.me/+AbCdEf123_-x"),
        );
        check(
            "t.me/c/1234567890/55",
            Ok("telegram:post:c/1234567890/55 https://t.me/c/1234567890/55"),
        );
        // Invite codes are case-sensitive; usernames are not.
        check_different(&[
            "t.me/+AbC",
            "t.me/+abc",
            "t.me/qorgau_channel",
            "t.me/qorgau_channel/15",
            "t.me/qorgau_channel/16",
        ]);
        check(
            "t.me/addstickers/Pack",
            Ok("telegram:page:t.me/addstickers/Pack https://t.me/addstickers/Pack"),
        );
        check_same(&["t.me/addstickers/Pack", "telegram.me/addstickers/Pack/"]);
        check_same(&[
            "x.com/explore",
            "twitter.com/explore",
            "mobile.twitter.com/explore/",
        ]);
        check(
            "https://t.me/",
            Err(ResourceError::PlatformHome {
                platform: Platform::Telegram,
            }),
        );
    }

    #[test]
    fn vk() {
        check_same(&[
            "https://vk.com/id123",
            "m.vk.com/id123",
            "vk.ru/id123/",
            "https://www.vk.com/ID123?from=search",
            "vkontakte.ru/id123",
        ]);
        check("vk.com/id123", Ok("vk:account:id123 https://vk.com/id123"));
        check_same(&["vk.com/Durov", "https://m.vk.com/durov", "vk.ru/DUROV"]);
        check_same(&["vk.com/club42", "vk.com/public42", "m.vk.com/event42"]);
        check(
            "vk.com/public42",
            Ok("vk:group:club42 https://vk.com/club42"),
        );
        check_same(&[
            "vk.com/wall-42_7",
            "https://vk.com/durov?w=wall-42_7",
            "vk.com/feed?w=wall-42_7&z=x",
        ]);
        check(
            "vk.com/wall-42_7",
            Ok("vk:post:wall-42_7 https://vk.com/wall-42_7"),
        );
        check_same(&[
            "vk.com/video-42_9",
            "vkvideo.ru/video-42_9",
            "vk.com/videos-42?z=video-42_9",
        ]);
        check_different(&[
            "vk.com/id123",
            "vk.com/id124",
            "vk.com/club123",
            "vk.com/wall-42_7",
            "vk.com/wall-42_8",
            "vk.com/wall42_7",
        ]);
        check("vk.com/feed", Ok("vk:page:vk.com/feed https://vk.com/feed"));
    }

    #[test]
    fn instagram() {
        check_same(&[
            "https://www.instagram.com/Aigerim.Bullied/",
            "instagram.com/aigerim.bullied?igshid=abc123",
            "http://m.instagram.com/aigerim.bullied/reels/",
            "instagr.am/aigerim.bullied",
        ]);
        check(
            "instagram.com/aigerim.bullied",
            Ok("instagram:account:aigerim.bullied https://instagram.com/aigerim.bullied"),
        );
        check_same(&[
            "instagram.com/p/CxYz_12-AB/",
            "https://www.instagram.com/reel/CxYz_12-AB/?igsh=MWQ1ZGUxMzBkMA==",
            "instagram.com/aigerim.bullied/p/CxYz_12-AB",
            "instagram.com/reels/CxYz_12-AB",
        ]);
        check(
            "instagram.com/p/CxYz_12-AB",
            Ok("instagram:post:CxYz_12-AB https://instagram.com/p/CxYz_12-AB"),
        );
        // Shortcodes are case-sensitive.
        check_different(&[
            "instagram.com/p/AbC",
            "instagram.com/p/abc",
            "instagram.com/abc",
        ]);
        check(
            "instagram.com/explore/tags/x",
            Ok("instagram:page:instagram.com/explore/tags/x https://instagram.com/explore/tags/x"),
        );
        check(
            "https://www.instagram.com/",
            Err(ResourceError::PlatformHome {
                platform: Platform::Instagram,
            }),
        );
    }

    #[test]
    fn tiktok() {
        check_same(&[
            "tiktok.com/@Bully.Account",
            "https://www.tiktok.com/@bully.account?lang=ru",
            "m.tiktok.com/@bully.account/",
        ]);
        check(
            "tiktok.com/@bully.account",
            Ok("tiktok:account:bully.account https://tiktok.com/@bully.account"),
        );
        check_same(&[
            "https://www.tiktok.com/@bully.account/video/7234567890123456789?is_from_webapp=1&sender_device=pc",
            "tiktok.com/@Bully.Account/video/7234567890123456789",
        ]);
        check(
            "tiktok.com/@bully.account/video/7234567890123456789",
            Ok(
                "tiktok:video:7234567890123456789 https://tiktok.com/@bully.account/video/7234567890123456789",
            ),
        );
        // The id is global: another user name in the URL is the same video.
        assert_eq!(
            InternetResource::parse("tiktok.com/@other/video/7234567890123456789").map(|r| r.key),
            Ok("tiktok:video:7234567890123456789".to_owned())
        );
        check(
            "m.tiktok.com/v/7234567890123456789.html",
            Ok("tiktok:video:7234567890123456789 https://tiktok.com/@/video/7234567890123456789"),
        );
        check(
            "https://vm.tiktok.com/ZMabc123/",
            Ok("tiktok:short_link:vm.tiktok.com/ZMabc123 https://vm.tiktok.com/ZMabc123"),
        );
        check_different(&[
            "vm.tiktok.com/ZMabc123",
            "vm.tiktok.com/ZMABC123",
            "vt.tiktok.com/ZMabc123",
            "tiktok.com/t/ZMabc123",
        ]);
    }

    #[test]
    fn youtube() {
        check_same(&[
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube.com/watch?v=dQw4w9WgXcQ&t=42s&feature=share",
            "https://youtu.be/dQw4w9WgXcQ?si=abcdef",
            "m.youtube.com/watch?feature=youtu.be&v=dQw4w9WgXcQ",
            "youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ?start=10",
            "music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ",
            "youtube.com/live/dQw4w9WgXcQ",
        ]);
        check(
            "youtu.be/dQw4w9WgXcQ",
            Ok("youtube:video:dQw4w9WgXcQ https://youtube.com/watch?v=dQw4w9WgXcQ"),
        );
        check_different(&[
            "youtu.be/dQw4w9WgXcQ",
            "youtu.be/dQw4w9WgXcq",
            "youtu.be/aaaaaaaaaaa",
            "youtube.com/@dQw4w9WgXcQ",
        ]);
        check_same(&[
            "youtube.com/@QorgauKZ",
            "https://www.youtube.com/@qorgaukz/videos",
            "m.youtube.com/@QORGAUKZ/featured?si=x",
        ]);
        check(
            "youtube.com/@QorgauKZ",
            Ok("youtube:channel:@qorgaukz https://youtube.com/@qorgaukz"),
        );
        check(
            "youtube.com/@Қорғау",
            Ok("youtube:channel:@қорғау https://youtube.com/@%D2%9B%D0%BE%D1%80%D2%93%D0%B0%D1%83"),
        );
        check_same(&[
            "youtube.com/@Қорғау",
            "youtube.com/@%D2%9A%D0%BE%D1%80%D2%93%D0%B0%D1%83",
        ]);
        check(
            "youtube.com/channel/UCabcDEF123/about",
            Ok("youtube:channel:channel/UCabcDEF123 https://youtube.com/channel/UCabcDEF123"),
        );
        check(
            "youtube.com/playlist?list=PLx1&si=z",
            Ok("youtube:playlist:PLx1 https://youtube.com/playlist?list=PLx1"),
        );
        check(
            "youtube.com/watch",
            Ok("youtube:page:youtube.com/watch https://youtube.com/watch"),
        );
    }

    #[test]
    fn facebook() {
        check_same(&[
            "facebook.com/Some.Person",
            "https://m.facebook.com/some.person/",
            "fb.com/some.person?ref=bookmarks",
            "mobile.facebook.com/some.person",
            "web.facebook.com/some.person",
        ]);
        check(
            "facebook.com/some.person",
            Ok("facebook:account:some.person https://facebook.com/some.person"),
        );
        check_same(&[
            "facebook.com/profile.php?id=100001234567",
            "m.facebook.com/profile.php?id=100001234567&sk=photos",
            "facebook.com/100001234567",
            "facebook.com/people/Some-Person/100001234567/",
        ]);
        check(
            "facebook.com/profile.php?id=100001234567",
            Ok("facebook:account:id/100001234567 https://facebook.com/profile.php?id=100001234567"),
        );
        check_different(&[
            "facebook.com/profile.php?id=1",
            "facebook.com/profile.php?id=2",
            "facebook.com/profile.php",
        ]);
        check_same(&[
            "facebook.com/watch/?v=123456",
            "facebook.com/watch?v=123456&ref=sharing",
            "facebook.com/somepage/videos/123456/",
            "facebook.com/reel/123456",
        ]);
        check(
            "facebook.com/groups/KZParents/",
            Ok("facebook:group:kzparents https://facebook.com/groups/kzparents"),
        );
        check_same(&[
            "facebook.com/groups/kzparents/posts/987",
            "facebook.com/groups/KZParents/permalink/987/",
        ]);
        check(
            "facebook.com/permalink.php?story_fbid=pfbid02abc&id=100001234567&mibextid=x",
            Ok(
                "facebook:post:pfbid02abc https://facebook.com/permalink.php?story_fbid=pfbid02abc&id=100001234567",
            ),
        );
        check(
            "fb.watch/aBc123/",
            Ok("facebook:short_link:fb.watch/aBc123 https://fb.watch/aBc123"),
        );
        check(
            "facebook.com/share/p/AbC123/",
            Ok("facebook:short_link:share/p/AbC123 https://facebook.com/share/p/AbC123"),
        );
    }

    #[test]
    fn x_and_twitter_are_one_platform() {
        check_same(&[
            "x.com/SomeBully",
            "https://twitter.com/somebully",
            "mobile.twitter.com/somebully/with_replies",
            "www.x.com/SOMEBULLY?s=20",
        ]);
        check(
            "twitter.com/somebully",
            Ok("x:account:somebully https://x.com/somebully"),
        );
        check_same(&[
            "x.com/somebully/status/1790000000000000000",
            "https://twitter.com/SomeBully/status/1790000000000000000?s=46&t=abc",
            "x.com/i/web/status/1790000000000000000",
            "x.com/somebully/status/1790000000000000000/photo/1",
        ]);
        check(
            "x.com/i/status/1790000000000000000",
            Ok("x:post:1790000000000000000 https://x.com/i/status/1790000000000000000"),
        );
        check("x.com/home", Ok("x:page:x.com/home https://x.com/home"));
    }

    #[test]
    fn odnoklassniki() {
        check_same(&[
            "ok.ru/profile/5712345",
            "https://m.ok.ru/profile/5712345/",
            "odnoklassniki.ru/profile/5712345",
        ]);
        check(
            "ok.ru/profile/5712345",
            Ok("odnoklassniki:account:profile/5712345 https://ok.ru/profile/5712345"),
        );
        check(
            "ok.ru/group/5398/topic/1555",
            Ok("odnoklassniki:post:group/5398/topic/1555 https://ok.ru/group/5398/topic/1555"),
        );
        check(
            "ok.ru/video/12345",
            Ok("odnoklassniki:video:12345 https://ok.ru/video/12345"),
        );
        check_same(&["ok.ru/SomeName", "ok.ru/somename/"]);
    }

    #[test]
    fn whatsapp() {
        check_same(&[
            "https://chat.whatsapp.com/AbCdEfGh123",
            "chat.whatsapp.com/AbCdEfGh123/?utm_source=x",
        ]);
        check(
            "chat.whatsapp.com/AbCdEfGh123",
            Ok("whatsapp:invite:AbCdEfGh123 https://chat.whatsapp.com/AbCdEfGh123"),
        );
        check_different(&[
            "chat.whatsapp.com/AbCdEfGh123",
            "chat.whatsapp.com/abcdefgh123",
        ]);
        check_same(&[
            "wa.me/77011234567",
            "https://api.whatsapp.com/send?phone=77011234567&text=hi",
            "wa.me/+77011234567",
        ]);
        check(
            "whatsapp.com/channel/0029VaAbc",
            Ok("whatsapp:channel:0029VaAbc https://whatsapp.com/channel/0029VaAbc"),
        );
        check(
            "whatsapp.com",
            Err(ResourceError::PlatformHome {
                platform: Platform::Whatsapp,
            }),
        );
    }

    #[test]
    fn websites() {
        check_same(&[
            "example.kz",
            "https://example.kz/",
            "HTTP://WWW.EXAMPLE.KZ",
            "https://example.kz:443/#top",
            "//example.kz",
            "example.kz.",
            "m.example.kz",
        ]);
        check(
            "example.kz",
            Ok("web:website:example.kz https://example.kz/"),
        );
        check_same(&[
            "https://example.kz/News/Item?id=5&utm_source=tg&utm_medium=x&fbclid=abc",
            "example.kz/News/Item/?id=5#comments",
            "www.example.kz/News/Item?gclid=1&id=5",
        ]);
        check(
            "example.kz/News/Item?id=5",
            Ok("web:page:example.kz/News/Item?id=5 https://example.kz/News/Item?id=5"),
        );
        check(
            "example.kz/a?b=2&a=1",
            Ok("web:page:example.kz/a?a=1&b=2 https://example.kz/a?b=2&a=1"),
        );
        check(
            "example.kz/a?a=1&b=2",
            Ok("web:page:example.kz/a?a=1&b=2 https://example.kz/a?a=1&b=2"),
        );
        // Paths are case-sensitive on websites; ports are kept.
        check_different(&[
            "example.kz/Page",
            "example.kz/page",
            "example.kz:8080/page",
            "example.kz/page?x=1",
        ]);
        check(
            "мектеп.қаз/хабар",
            Ok(
                "web:page:xn--e1aaogsq.xn--80ao21a/%D1%85%D0%B0%D0%B1%D0%B0%D1%80 https://xn--e1aaogsq.xn--80ao21a/%D1%85%D0%B0%D0%B1%D0%B0%D1%80",
            ),
        );
        check_same(&["пример.рф", "https://ПРИМЕР.РФ/", "xn--e1afmkfd.xn--p1ai"]);
        check_same(&[
            "example.kz/%d1%85?q=%d1%85",
            "example.kz/х?q=х",
            "example.kz/%D1%85?q=%D1%85",
        ]);
        check(
            "пример.рф",
            Ok("web:website:xn--e1afmkfd.xn--p1ai https://xn--e1afmkfd.xn--p1ai/"),
        );
        check(
            "1.1.1.1/page",
            Ok("web:page:1.1.1.1/page https://1.1.1.1/page"),
        );
        check(
            "http://[2606:4700:4700::1111]/",
            Ok("web:website:[2606:4700:4700::1111] https://[2606:4700:4700::1111]/"),
        );
    }

    #[test]
    fn refusals() {
        check("", Err(ResourceError::Empty));
        check("   ", Err(ResourceError::Empty));
        check(
            &format!("example.kz/{}", "a".repeat(2048)),
            Err(ResourceError::TooLong { length: 2059 }),
        );
        check("https://example.kz/a b", Err(ResourceError::ContainsSpace));
        check("t.me/a\nt.me/b", Err(ResourceError::ContainsSpace));
        check(
            "@somebully",
            Err(ResourceError::HandleNeedsPlatform {
                handle: "@somebully".into(),
            }),
        );
        for (input, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
            ("data:text/html,<b>x</b>", "data"),
            ("ftp://example.kz/file", "ftp"),
            ("mailto:someone@example.kz", "mailto"),
            ("tg://resolve?domain=name", "tg"),
        ] {
            check(
                input,
                Err(ResourceError::UnsupportedScheme {
                    scheme: scheme.into(),
                }),
            );
        }
        check(
            "https://",
            Err(ResourceError::Unparseable {
                input: "https://".into(),
            }),
        );
        check(
            "https://exa<mple.kz",
            Err(ResourceError::Unparseable {
                input: "https://exa<mple.kz".into(),
            }),
        );
        check(
            "https://user:secret@example.kz/",
            Err(ResourceError::UserInfo),
        );
        check("https://t.me@evil.example/", Err(ResourceError::UserInfo));
        check("user@example.kz", Err(ResourceError::UserInfo));
        check(
            "localhost",
            Err(ResourceError::HostWithoutDot {
                host: "localhost".into(),
            }),
        );
        check(
            "localhost:3000/admin",
            Err(ResourceError::HostWithoutDot {
                host: "localhost".into(),
            }),
        );
        check(
            "somebully",
            Err(ResourceError::HostWithoutDot {
                host: "somebully".into(),
            }),
        );
        for (input, address) in [
            ("http://127.0.0.1/", "127.0.0.1"),
            ("10.1.2.3", "10.1.2.3"),
            ("192.168.0.1:8080", "192.168.0.1"),
            ("169.254.169.254/latest/meta-data", "169.254.169.254"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("100.64.0.1", "100.64.0.1"),
            ("http://[::1]/", "::1"),
            ("http://[fd00::1]/", "fd00::1"),
            ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1"),
        ] {
            check(
                input,
                Err(ResourceError::IpNotPublic {
                    address: address.into(),
                }),
            );
        }
        check(
            "youtube.com",
            Err(ResourceError::PlatformHome {
                platform: Platform::Youtube,
            }),
        );
        check(
            "https://www.facebook.com/?ref=x",
            Err(ResourceError::PlatformHome {
                platform: Platform::Facebook,
            }),
        );
    }

    #[test]
    fn handles_with_a_platform() {
        let check_handle =
            |platform: Platform, handle: &str, expected: Result<&str, ResourceError>| {
                let actual = InternetResource::from_handle(platform, handle)
                    .map(|r| format!("{} {}", r.key, r.url));
                assert_eq!(
                    actual,
                    expected.map(str::to_owned),
                    "{platform:?} {handle:?}"
                );
            };
        check_handle(
            Platform::Telegram,
            "@Qorgau_Channel",
            Ok("telegram:channel:qorgau_channel https://t.me/qorgau_channel"),
        );
        check_handle(
            Platform::Instagram,
            "aigerim.bullied",
            Ok("instagram:account:aigerim.bullied https://instagram.com/aigerim.bullied"),
        );
        check_handle(
            Platform::Tiktok,
            " @Bully.Account ",
            Ok("tiktok:account:bully.account https://tiktok.com/@bully.account"),
        );
        check_handle(
            Platform::Youtube,
            "@QorgauKZ",
            Ok("youtube:channel:@qorgaukz https://youtube.com/@qorgaukz"),
        );
        check_handle(
            Platform::X,
            "@SomeBully",
            Ok("x:account:somebully https://x.com/somebully"),
        );
        check_handle(
            Platform::Vk,
            "id123",
            Ok("vk:account:id123 https://vk.com/id123"),
        );
        check_handle(
            Platform::Facebook,
            "some.person",
            Ok("facebook:account:some.person https://facebook.com/some.person"),
        );
        check_handle(
            Platform::Odnoklassniki,
            "SomeName",
            Ok("odnoklassniki:account:somename https://ok.ru/somename"),
        );
        let invalid = |platform, handle: &str| {
            Err(ResourceError::InvalidHandle {
                platform,
                handle: handle.into(),
            })
        };
        check_handle(Platform::Telegram, "@", invalid(Platform::Telegram, "@"));
        check_handle(
            Platform::Telegram,
            "@bad/name",
            invalid(Platform::Telegram, "@bad/name"),
        );
        check_handle(
            Platform::Telegram,
            "joinchat",
            invalid(Platform::Telegram, "joinchat"),
        );
        check_handle(Platform::X, "home", invalid(Platform::X, "home"));
        check_handle(
            Platform::Web,
            "name",
            Err(ResourceError::HandleNotSupported {
                platform: Platform::Web,
            }),
        );
        check_handle(
            Platform::Whatsapp,
            "name",
            Err(ResourceError::HandleNotSupported {
                platform: Platform::Whatsapp,
            }),
        );
        // The handle and the link are one resource.
        assert_eq!(
            InternetResource::from_handle(Platform::Telegram, "@Qorgau_Channel"),
            InternetResource::parse("https://t.me/s/qorgau_channel/")
        );
    }

    #[test]
    fn platform_names() {
        for platform in Platform::ALL {
            assert_eq!(Platform::parse(platform.slug()), Ok(platform));
            assert_eq!(Platform::parse(platform.display_name()), Ok(platform));
            let json = serde_json::to_string(&platform).expect("serializes");
            assert_eq!(json, format!("\"{}\"", platform.slug()));
        }
        assert_eq!(Platform::parse(" Telegram "), Ok(Platform::Telegram));
        assert_eq!(Platform::parse("ВКонтакте"), Ok(Platform::Vk));
        assert_eq!(Platform::parse("twitter"), Ok(Platform::X));
        assert_eq!(
            Platform::parse("myspace"),
            Err(ResourceError::UnknownPlatform {
                name: "myspace".into()
            })
        );
        assert_eq!(
            serde_json::to_string(&ResourceKind::ShortLink).expect("serializes"),
            "\"short_link\""
        );
    }

    /// URL-like strings built from the pieces people and platforms use.
    fn url_like() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec!["", "https://", "http://", "HTTPS://", "//"]);
        let host = prop::sample::select(vec![
            "t.me",
            "telegram.me",
            "name.t.me",
            "vk.com",
            "m.vk.com",
            "vk.ru",
            "vkvideo.ru",
            "instagram.com",
            "www.instagram.com",
            "tiktok.com",
            "vm.tiktok.com",
            "m.tiktok.com",
            "youtube.com",
            "m.youtube.com",
            "youtu.be",
            "facebook.com",
            "fb.com",
            "fb.watch",
            "x.com",
            "twitter.com",
            "ok.ru",
            "chat.whatsapp.com",
            "wa.me",
            "api.whatsapp.com",
            "whatsapp.com",
            "example.kz",
            "www.example.kz",
            "m.example.kz",
            "мектеп.қаз",
            "пример.рф",
            "Example.KZ:8080",
            "1.1.1.1",
            "[2606:4700::1111]",
        ]);
        let segment = prop_oneof![
            prop::sample::select(vec![
                "s",
                "p",
                "reel",
                "reels",
                "watch",
                "shorts",
                "channel",
                "c",
                "user",
                "@Name",
                "@",
                "status",
                "video",
                "photo",
                "profile.php",
                "permalink.php",
                "groups",
                "posts",
                "id123",
                "club5",
                "public5",
                "wall-1_2",
                "video1_2",
                "joinchat",
                "+AbC",
                "%2BAbC",
                "123",
                "i",
                "web",
                "t",
                "v",
                "7234.html",
                "share",
                "profile",
                "group",
                "topic",
                "send",
                "Name",
                "name.x",
                "%D2%9A",
                "Қорғау",
                "a%2Fb",
                "%",
                "..",
                ".",
            ])
            .prop_map(str::to_owned),
            "[A-Za-z0-9@+._%~-]{0,12}",
        ];
        let path = prop::collection::vec(segment, 0..5);
        let parameter = (
            prop::sample::select(vec![
                "v",
                "t",
                "utm_source",
                "id",
                "w",
                "z",
                "list",
                "fbclid",
                "q",
                "story_fbid",
                "comment",
                "si",
                "phone",
                "fbid",
                "igsh",
                "",
            ]),
            "[A-Za-z0-9_=%-]{0,12}",
        );
        let query = prop::collection::vec(parameter, 0..4);
        let fragment = prop::option::of("[A-Za-z0-9/]{0,8}");
        (scheme, host, path, any::<bool>(), query, fragment).prop_map(
            |(scheme, host, path, trailing_slash, query, fragment)| {
                let mut url = format!("{scheme}{host}");
                for segment in &path {
                    url.push('/');
                    url.push_str(segment);
                }
                if trailing_slash {
                    url.push('/');
                }
                for (index, (name, value)) in query.iter().enumerate() {
                    url.push(if index == 0 { '?' } else { '&' });
                    url.push_str(&format!("{name}={value}"));
                }
                if let Some(fragment) = fragment {
                    url.push('#');
                    url.push_str(&fragment);
                }
                url
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn normalizing_is_idempotent(input in url_like()) {
            if let Ok(resource) = InternetResource::parse(&input) {
                let again = InternetResource::parse(&resource.url);
                prop_assert_eq!(again.as_ref(), Ok(&resource), "input {:?}", input);
                prop_assert!(resource.url.starts_with("https://"));
                prop_assert!(!resource.url.contains('#'));
            }
        }

        #[test]
        fn parse_never_panics(input in "\\PC*") {
            if let Ok(resource) = InternetResource::parse(&input) {
                prop_assert_eq!(InternetResource::parse(&resource.url), Ok(resource.clone()));
            }
        }

        #[test]
        fn parse_never_panics_on_links(input in "https?://\\PC{0,60}") {
            if let Ok(resource) = InternetResource::parse(&input) {
                prop_assert_eq!(InternetResource::parse(&resource.url), Ok(resource.clone()));
            }
        }

        #[test]
        fn from_handle_never_panics(handle in "\\PC{0,30}", index in 0usize..10) {
            let _ = InternetResource::from_handle(Platform::ALL[index], &handle);
        }
    }
}
