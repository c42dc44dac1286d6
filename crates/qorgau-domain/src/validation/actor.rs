//! An account that acts in a case: the person, channel or community who posts.
//!
//! Linking cases by actor (PRODUCT.md: "detects persistent pursuit by one actor
//! across cases") only works if the same account written three ways is one
//! actor: `@Name` with "Telegram", `t.me/name` and `https://t.me/s/Name/` all
//! become `telegram:channel:name`. So an actor is parsed by the resource
//! normalizer and keeps its key; nothing here normalizes on its own.

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
