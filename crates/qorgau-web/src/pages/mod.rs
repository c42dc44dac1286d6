//! The pages: the applicant's form and tracking, and the staff workspace. No
//! JavaScript anywhere; every text is a Fluent message; the language switch
//! keeps the reader on the same page.

pub(crate) mod apply;
mod apply_steps;
mod deliveries;
pub(crate) mod drafts;
mod linked;
mod owner;
mod people;
mod receipt;
mod staff;
pub mod stats;
mod track;
mod verify;

pub(crate) use verify::{DocumentQuery, order_pdf, response_pdf};

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use qorgau_domain::message::{Language, Message};
use qorgau_i18n::Localizer;

use crate::language::RequestLanguage;
use crate::state::AppState;

/// A session cookie (staff pages, the owners' portal): `HttpOnly;
/// SameSite=Strict`, and `Secure` unless the operator serves plain HTTP for
/// development; a `max_age_seconds` of 0 clears it.
pub(crate) fn session_cookie(
    state: &crate::state::AppState,
    name: &str,
    path: &str,
    value: &str,
    max_age_seconds: i64,
) -> axum::http::HeaderValue {
    let secure = if state.config.insecure_cookies {
        ""
    } else {
        "; Secure"
    };
    let text = format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age_seconds}{secure}"
    );
    // Tokens are ASCII; should a value ever not be, the cookie is cleared
    // rather than set.
    axum::http::HeaderValue::from_str(&text)
        .or_else(|_| axum::http::HeaderValue::from_str(&format!("{name}=; Path={path}; Max-Age=0")))
        .unwrap_or(axum::http::HeaderValue::from_static(""))
}

/// Words for a template, in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub language: Language,
}

impl Tr {
    pub fn tag(&self) -> &'static str {
        self.language.tag()
    }

    /// A message without arguments.
    pub fn t(&self, id: &'static str) -> String {
        Localizer::embedded().render(self.language, &Message::new(id))
    }

    /// A message with one argument.
    pub fn t_with(
        &self,
        id: &'static str,
        name: &'static str,
        value: impl std::fmt::Display,
    ) -> String {
        Localizer::embedded().render(
            self.language,
            &Message::new(id).with(name, value.to_string()),
        )
    }

    pub fn say(&self, message: &Message) -> String {
        Localizer::embedded().render(self.language, message)
    }

    /// An instant as people write it, in Almaty time: "3 декабря 2026 г.,
    /// 10:00", "2026 жылғы 3 желтоқсан, сағат 10:00", "3 December 2026,
    /// 10:00" (the month's name is the locale's, so it is a Fluent message);
    /// midnight as 24:00 of the day it ends.
    pub fn when(&self, instant: jiff::Timestamp) -> String {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let local = instant.to_zoned_datetime(qorgau_domain::deadline::almaty().clone());
        // Deadlines fall at the midnight that ends their last day: "by
        // 7 December, 24:00" says which day is the last, where "by 8 December,
        // 00:00" reads as a day too late.
        let (date, time) = match (local.hour(), local.minute(), local.date().yesterday()) {
            (0, 0, Ok(last_day)) => (last_day, "24:00".to_owned()),
            _ => (local.date(), local.strftime("%H:%M").to_string()),
        };
        let month = usize::try_from(date.month() - 1).map_or("jan", |index| MONTHS[index]);
        self.say(
            &Message::new("when-in-words")
                .with("day", date.day().to_string())
                .with("month", month)
                .with("year", date.year().to_string())
                .with("time", time),
        )
    }

    /// The language switch: (tag, name in its own language, current?).
    pub fn switch(&self) -> Vec<(&'static str, &'static str, bool)> {
        [
            (Language::Kk, "Қазақша"),
            (Language::Ru, "Русский"),
            (Language::En, "English"),
        ]
        .into_iter()
        .map(|(language, name)| (language.tag(), name, language == self.language))
        .collect()
    }
}

/// Renders a template as an HTML page that no cache keeps (pages may show an
/// access code or a case).
pub fn page(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => {
            eprintln!("qorgau: a page failed to render: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The value of a cookie in a request.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The CSRF token for a session secret: derived from it, so a page on another
/// site can neither read nor forge it.
pub fn csrf_token(secret: &str) -> String {
    qorgau_app::credentials::secret_hash(&format!("csrf:{secret}"))
}

/// Whether a submitted form carries the expected CSRF token (constant time).
pub fn csrf_matches(values: &std::collections::HashMap<String, String>, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    let sent = values.get("csrf").map(String::as_str).unwrap_or("");
    sent.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    tr: Tr,
    path: &'static str,
}

async fn start(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &StartPage {
            tr: Tr { language },
            path: "/",
        },
        StatusCode::OK,
    )
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/static/app.css", get(stylesheet))
        .route(
            "/apply",
            get(apply::form)
                .post(apply::submit)
                .layer(DefaultBodyLimit::max(
                    // The files, and room for the typed fields and the multipart framing.
                    qorgau_app::upload::MAX_UPLOADS_TOTAL_BYTES + 1024 * 1024,
                )),
        )
        .route(
            "/apply/step",
            axum::routing::post(apply_steps::step).layer(DefaultBodyLimit::max(
                // Every answer in hidden fields: ten incidents of up to 20,000
                // characters each, percent-encoded, with room to spare.
                2 * 1024 * 1024,
            )),
        )
        .route("/track", get(track::form).post(track::show))
        .route("/track/receipt", axum::routing::post(receipt::download))
        .route("/track/receipt/view", axum::routing::post(receipt::view))
        .route("/verify/{order_id}/{code}", get(verify::verify))
        .route("/owner", get(owner::login_form))
        .route("/owner/login", axum::routing::post(owner::login))
        .route("/owner/logout", axum::routing::post(owner::logout))
        .route("/owner/orders", get(owner::orders))
        .route(
            "/owner/orders/{order_id}/document.pdf",
            get(owner::document),
        )
        .route(
            "/owner/orders/{order_id}/acknowledge",
            axum::routing::post(owner::acknowledge),
        )
        .route(
            "/owner/orders/{order_id}/removal",
            axum::routing::post(owner::removal),
        )
        .route("/staff", get(staff::queue))
        .route(
            "/staff/register",
            get(staff::register_form).post(staff::register),
        )
        .route("/staff/login", get(staff::login_form).post(staff::login))
        .route("/staff/logout", axum::routing::post(staff::logout))
        .route("/staff/deliveries", get(deliveries::board))
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/document.pdf",
            get(deliveries::order_document),
        )
        .route(
            "/staff/cases/{case_id}/response.pdf",
            get(deliveries::response_document),
        )
        .route(
            "/staff/deliveries/retry",
            axum::routing::post(deliveries::retry),
        )
        .route("/staff/people", get(people::people))
        .route(
            "/staff/people/staff",
            axum::routing::post(people::add_staff),
        )
        .route(
            "/staff/people/password",
            axum::routing::post(people::reset_password),
        )
        .route(
            "/staff/people/owners",
            axum::routing::post(people::add_owner),
        )
        .route("/staff/cases/{case_id}", get(staff::case))
        .route("/staff/cases/{case_id}/linked", get(linked::show))
        .route("/staff/actors/{key}", get(linked::actor))
        .route(
            "/staff/cases/{case_id}/links",
            axum::routing::post(linked::link),
        )
        .route(
            "/staff/cases/{case_id}/links/{other_case_id}/unlink",
            axum::routing::post(linked::unlink),
        )
        .route(
            "/staff/cases/{case_id}/actors/links",
            axum::routing::post(linked::link_actors),
        )
        .route(
            "/staff/cases/{case_id}/actors/links/unlink",
            axum::routing::post(linked::unlink_actors),
        )
        .route(
            "/staff/cases/{case_id}/actors/blocks",
            axum::routing::post(linked::record_block),
        )
        .route(
            "/staff/cases/{case_id}/signs",
            axum::routing::post(linked::sign),
        )
        .route(
            "/staff/cases/{case_id}/chats",
            axum::routing::post(linked::import_chat).layer(DefaultBodyLimit::max(
                qorgau_app::linked::MAX_CHAT_IMPORT_BYTES + 1024 * 1024,
            )),
        )
        .route(
            "/staff/cases/{case_id}/referral",
            axum::routing::post(linked::referral),
        )
        .route(
            "/staff/cases/{case_id}/referral-package.pdf",
            get(linked::referral_pdf),
        )
        .route(
            "/staff/cases/{case_id}/evidence/{evidence_id}",
            get(staff::evidence_file),
        )
        .route(
            "/staff/cases/{case_id}/captures",
            axum::routing::post(staff::request_capture),
        )
        .route(
            "/staff/cases/{case_id}/vote",
            axum::routing::post(staff::vote),
        )
        .route(
            "/staff/cases/{case_id}/decide",
            axum::routing::post(staff::decide),
        )
        .route(
            "/staff/cases/{case_id}/respond",
            axum::routing::post(staff::respond),
        )
        .route(
            "/staff/cases/{case_id}/extension",
            axum::routing::post(staff::extend),
        )
        .route(
            "/staff/cases/{case_id}/draft-orders/{number}/document.pdf",
            get(staff::draft_order_pdf),
        )
        .route(
            "/staff/cases/{case_id}/draft-orders/{number}/document.html",
            get(staff::draft_order_html),
        )
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/verify",
            axum::routing::post(staff::verify_order),
        )
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/not-complied",
            axum::routing::post(staff::not_complied),
        )
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/escalate",
            axum::routing::post(staff::escalate),
        )
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/pause",
            axum::routing::post(staff::pause),
        )
        .route(
            "/staff/cases/{case_id}/orders/{order_id}/resume",
            axum::routing::post(staff::resume),
        )
}
