//! The request's language: `?lang=kk|ru|en`, else `Accept-Language`, else
//! Kazakh, the state language (API.md).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use qorgau_domain::message::Language;

/// The language to answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLanguage(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for RequestLanguage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLanguage(negotiate(
            parts.uri.query(),
            parts
                .headers
                .get("accept-language")
                .and_then(|value| value.to_str().ok()),
        )))
    }
}

/// Picks the language from the query string and the `Accept-Language` header.
pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Language {
    let from_query = query.and_then(|query| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| *name == "lang")
            .and_then(|(_, value)| Language::from_tag(value))
    });
    if let Some(language) = from_query {
        return language;
    }
    // RFC 9110 §12.5.4: weighted ranges; the highest-weighted supported one wins,
    // the first listed on a tie.
    let mut best: Option<(f32, Language)> = None;
    for range in accept_language.unwrap_or("").split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|value| value.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(language) = Language::from_tag(tag)
            && weight > 0.0
            && best.is_none_or(|(known, _)| weight > known)
        {
            best = Some((weight, language));
        }
    }
    best.map(|(_, language)| language).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_then_header_then_kazakh() {
        let check = |query: Option<&str>, header: Option<&str>, expected: Language| {
            assert_eq!(negotiate(query, header), expected, "{query:?} {header:?}");
        };
        check(Some("lang=ru"), Some("en"), Language::Ru);
        check(Some("x=1&lang=en"), None, Language::En);
        check(Some("lang=de"), Some("ru-KZ,ru;q=0.9"), Language::Ru);
        check(None, Some("de-DE,en;q=0.5,kk;q=0.8"), Language::Kk);
        check(None, Some("en;q=0,ru;q=0.1"), Language::Ru);
        check(None, Some("de, fr"), Language::Kk);
        check(None, None, Language::Kk);
    }
}
