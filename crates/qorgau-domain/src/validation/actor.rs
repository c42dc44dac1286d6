//! An account that acts in a case: the person, channel or community who posts.
//!
//! Linking cases by actor (PRODUCT.md: "detects persistent pursuit by one actor
//! across cases") only works if the same account written three ways is one
//! actor: `@Name` with "Telegram", `t.me/name` and `https://t.me/s/Name/` all
//! become `telegram:channel:name`. So an actor is parsed by the resource
//! normalizer and keeps its key.
//!
//! The one exception is a numeric account id, which no public link carries:
//! Telegram Desktop's export names a sender by `from_id` (`user123456789`),
//! and a person without a username is reachable only as `tg://user?id=…`.
//! Such an account is `telegram:account:123456789` — the kind `account`,
//! which a Telegram username never has, so an id never collides with a
//! handle (`@user123456789` and `t.me/user123456789` stay the username).
//! On VK, `123`, `id123` and `vk.com/id123` are all the profile number 123.

use serde::{Deserialize, Serialize};

use crate::message::{Explain, Message};
use crate::validation::resource::{InternetResource, Platform, ResourceError, ResourceKind};

/// An account, channel, community or website on a known platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActorAccount {
    pub platform: Platform,
    pub kind: ResourceKind,
    /// The resource key of the account: equal for every spelling.
    pub key: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    #[error(transparent)]
    Resource(#[from] ResourceError),
    #[error("this link is on {found}, not on {expected}")]
    PlatformMismatch { expected: Platform, found: Platform },
    #[error("this link is to a {}, not to an account: give the account's name or link", kind.slug())]
    NotAnAccount { kind: ResourceKind },
}

impl ActorAccount {
    /// Parses an account given as a handle (`@name`, `name`) or as a link, on
    /// `platform`. Anything with a `/` or a scheme is a link; otherwise it is a
    /// handle (so `john.smith` on Facebook is a handle, not a website). On
    /// `Platform::Web` the input is always a link: the actor is a website.
    pub fn parse(platform: Platform, handle_or_url: &str) -> Result<ActorAccount, ActorError> {
        let trimmed = handle_or_url.trim();
        if let Some(account) = ActorAccount::numeric_id(platform, trimmed) {
            return Ok(account);
        }
        let is_link = platform == Platform::Web || trimmed.contains('/') || trimmed.contains(':');
        let resource = if is_link {
            InternetResource::parse(trimmed)?
        } else {
            InternetResource::from_handle(platform, trimmed)?
        };
        if resource.platform != platform {
            return Err(ActorError::PlatformMismatch {
                expected: platform,
                found: resource.platform,
            });
        }
        ActorAccount::from_resource(resource)
    }

    /// An account given by its platform's numeric id, when `text` is one:
    /// on Telegram `123456789`, `user123456789` (an export's `from_id`) or
    /// `tg://user?id=123456789`; on VK `123456789`, `id123456789` or
    /// `@id123456789` (a profile number). Leading zeros do not make another
    /// account. `None` when `text` is not an id, so it is read as a handle.
    pub fn numeric_id(platform: Platform, text: &str) -> Option<ActorAccount> {
        let digits = match platform {
            Platform::Telegram => {
                let lower = text.to_ascii_lowercase();
                let id = lower
                    .strip_prefix("tg://user?id=")
                    .or_else(|| lower.strip_prefix("user"))
                    .unwrap_or(&lower);
                account_number(id)?
            }
            Platform::Vk => {
                let lower = text.to_ascii_lowercase();
                let handle = lower.strip_prefix('@').unwrap_or(&lower);
                account_number(handle.strip_prefix("id").unwrap_or(handle))?
            }
            _ => return None,
        };
        let (key, url) = match platform {
            Platform::Vk => (
                format!("vk:account:id{digits}"),
                format!("https://vk.com/id{digits}"),
            ),
            _ => (
                format!("telegram:account:{digits}"),
                format!("tg://user?id={digits}"),
            ),
        };
        Some(ActorAccount {
            platform,
            kind: ResourceKind::Account,
            key,
            url,
        })
    }

    /// An account written as a link, whose platform the link names; a
    /// Telegram `tg://user?id=` deep link is an account id, not a website.
    pub fn parse_link(link: &str) -> Result<ActorAccount, ActorError> {
        let trimmed = link.trim();
        if trimmed.to_ascii_lowercase().starts_with("tg://") {
            return ActorAccount::parse(Platform::Telegram, trimmed);
        }
        InternetResource::parse(trimmed)
            .map_err(ActorError::from)
            .and_then(ActorAccount::from_resource)
    }

    /// The actor a resource is, when it is an account rather than one piece of
    /// content. A post's URL may carry a user name (`x.com/name/status/1`), but
    /// platforms open a post under any name, so the name proves nothing and no
    /// actor is derived from it.
    pub fn from_resource(resource: InternetResource) -> Result<ActorAccount, ActorError> {
        if !resource.kind.is_actor() {
            return Err(ActorError::NotAnAccount {
                kind: resource.kind,
            });
        }
        Ok(ActorAccount {
            platform: resource.platform,
            kind: resource.kind,
            key: resource.key,
            url: resource.url,
        })
    }
}

/// The digits of a numeric account id without leading zeros; `None` unless
/// `text` is 1 to 20 ASCII digits and not zero (ids are 64-bit at most).
fn account_number(text: &str) -> Option<String> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    (!digits.is_empty()).then(|| digits.to_owned())
}

impl Explain for ActorError {
    fn code(&self) -> &'static str {
        match self {
            ActorError::Resource(error) => error.code(),
            ActorError::PlatformMismatch { .. } => "actor_platform_mismatch",
            ActorError::NotAnAccount { .. } => "actor_not_an_account",
        }
    }

    fn explain(&self) -> Message {
        match self {
            ActorError::Resource(error) => error.explain(),
            ActorError::PlatformMismatch { expected, found } => {
                Message::new("validation-actor-platform-mismatch")
                    .with("expected", expected.display_name())
                    .with("found", found.display_name())
            }
            ActorError::NotAnAccount { kind } => {
                Message::new("validation-actor-not-an-account").with("kind", kind.slug())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `expected` is `Ok(key)` or the error.
    fn check(platform: Platform, input: &str, expected: Result<&str, ActorError>) {
        let actual = ActorAccount::parse(platform, input);
        assert_eq!(
            actual.as_ref().map(|actor| actor.key.as_str()),
            expected.as_ref().map(|key| *key),
            "{platform:?} {input:?}"
        );
    }

    #[test]
    fn one_account_written_many_ways_is_one_actor() {
        for (platform, spellings, key) in [
            (
                Platform::Telegram,
                &[
                    "@Qorgau_Channel",
                    "qorgau_channel",
                    "t.me/qorgau_channel",
                    "https://t.me/s/Qorgau_Channel/",
                ][..],
                "telegram:channel:qorgau_channel",
            ),
            (
                Platform::Instagram,
                &[
                    "@aigerim.bullied",
                    "https://www.instagram.com/Aigerim.Bullied/?igsh=x",
                    "instagram.com/aigerim.bullied/reels",
                ][..],
                "instagram:account:aigerim.bullied",
            ),
            (
                Platform::Tiktok,
                &[
                    "@bully.account",
                    "Bully.Account",
                    "https://www.tiktok.com/@bully.account?lang=kk",
                ][..],
                "tiktok:account:bully.account",
            ),
            (
                Platform::X,
                &[
                    "@SomeBully",
                    "https://twitter.com/somebully",
                    "x.com/SOMEBULLY/media",
                ][..],
                "x:account:somebully",
            ),
            (
                Platform::Youtube,
                &["@QorgauKZ", "youtube.com/@qorgaukz/videos"][..],
                "youtube:channel:@qorgaukz",
            ),
            (
                Platform::Vk,
                &["durov", "@Durov", "https://m.vk.com/durov"][..],
                "vk:account:durov",
            ),
            (
                Platform::Facebook,
                &["some.person", "https://m.facebook.com/Some.Person/"][..],
                "facebook:account:some.person",
            ),
            (
                // Telegram Desktop's `from_id`, the bare id and the deep link.
                Platform::Telegram,
                &[
                    "user123456789",
                    "User123456789",
                    "123456789",
                    " 000123456789 ",
                    "tg://user?id=123456789",
                    "TG://USER?ID=123456789",
                ][..],
                "telegram:account:123456789",
            ),
            (
                Platform::Vk,
                &[
                    "id1",
                    "1",
                    "@id1",
                    "https://vk.com/id1",
                    "m.vk.com/id1?from=x",
                ][..],
                "vk:account:id1",
            ),
            (
                Platform::Web,
                &["bully-site.kz", "https://www.bully-site.kz/"][..],
                "web:website:bully-site.kz",
            ),
        ] {
            for spelling in spellings {
                check(platform, spelling, Ok(key));
            }
        }
    }

    #[test]
    fn a_numeric_id_is_never_the_handle_that_looks_like_it() {
        // `@user1234567` and `t.me/user1234567` are a username; the same
        // letters without `@` are the export's id of another account.
        let id = ActorAccount::parse(Platform::Telegram, "user1234567").unwrap();
        assert_eq!(id.key, "telegram:account:1234567");
        assert_eq!(id.kind, ResourceKind::Account);
        assert_eq!(id.url, "tg://user?id=1234567");
        for handle in [
            "@user1234567",
            "t.me/user1234567",
            "https://t.me/User1234567",
        ] {
            check(
                Platform::Telegram,
                handle,
                Ok("telegram:channel:user1234567"),
            );
        }
        // An incident's actor written as a deep link, with no platform given.
        assert_eq!(
            ActorAccount::parse_link("tg://user?id=1234567").map(|actor| actor.key),
            Ok(id.key.clone())
        );
        // Not ids: zero, too long for a 64-bit id, letters, other platforms.
        check(
            Platform::Telegram,
            "tg://user?id=0",
            Err(ActorError::Resource(ResourceError::UnsupportedScheme {
                scheme: "tg".into(),
            })),
        );
        assert!(ActorAccount::numeric_id(Platform::Telegram, "user0").is_none());
        assert!(ActorAccount::numeric_id(Platform::Telegram, &"9".repeat(21)).is_none());
        assert!(ActorAccount::numeric_id(Platform::Telegram, "user12a").is_none());
        assert!(ActorAccount::numeric_id(Platform::Instagram, "123").is_none());
        check(
            Platform::Instagram,
            "user123",
            Ok("instagram:account:user123"),
        );
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every spelling of an id normalizes to one key, and the account read
        /// back from its own URL is the same account: the normalizer is
        /// idempotent, so a timeline never splits one account in two.
        #[test]
        fn numeric_ids_normalize_idempotently(
            digits in "[0-9]{1,20}",
            spelling in 0usize..4,
            platform in prop::sample::select(vec![Platform::Telegram, Platform::Vk]),
        ) {
            let written = match (platform, spelling) {
                (_, 0) => digits.clone(),
                (Platform::Telegram, 1) => format!("user{digits}"),
                (Platform::Telegram, 2) => format!("tg://user?id={digits}"),
                (Platform::Vk, 1) => format!("id{digits}"),
                (Platform::Vk, 2) => format!("https://vk.com/id{digits}"),
                _ => format!(" {digits} "),
            };
            let parsed = ActorAccount::parse(platform, &written);
            if digits.bytes().all(|byte| byte == b'0') {
                // Zero is no account id; what else it may be is the link rules'.
                prop_assert!(ActorAccount::numeric_id(platform, &written).is_none());
                return Ok(());
            }
            let account = parsed.unwrap();
            let bare = digits.trim_start_matches('0');
            let expected = match platform {
                Platform::Vk => format!("vk:account:id{bare}"),
                _ => format!("telegram:account:{bare}"),
            };
            prop_assert_eq!(&account.key, &expected);
            prop_assert_eq!(ActorAccount::parse(platform, &account.url), Ok(account.clone()));
            // The id part of the key, given again, is the same account.
            let id_part = account.key.rsplit(':').next().unwrap_or_default();
            prop_assert_eq!(ActorAccount::parse(platform, id_part).map(|again| again.key), Ok(expected));
        }
    }

    #[test]
    fn refusals() {
        check(
            Platform::Telegram,
            "https://instagram.com/name",
            Err(ActorError::PlatformMismatch {
                expected: Platform::Telegram,
                found: Platform::Instagram,
            }),
        );
        check(
            Platform::X,
            "x.com/somebully/status/1790000000000000000",
            Err(ActorError::NotAnAccount {
                kind: ResourceKind::Post,
            }),
        );
        check(
            Platform::Whatsapp,
            "chat.whatsapp.com/AbC",
            Err(ActorError::NotAnAccount {
                kind: ResourceKind::Invite,
            }),
        );
        check(
            Platform::Telegram,
            "@",
            Err(ActorError::Resource(ResourceError::InvalidHandle {
                platform: Platform::Telegram,
                handle: "@".into(),
            })),
        );
        check(
            Platform::Web,
            "",
            Err(ActorError::Resource(ResourceError::Empty)),
        );
        assert_eq!(
            ActorError::NotAnAccount {
                kind: ResourceKind::Post
            }
            .code(),
            "actor_not_an_account"
        );
        assert_eq!(
            ActorError::Resource(ResourceError::Empty).code(),
            "resource_empty"
        );
    }
}
