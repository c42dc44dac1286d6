//! `GET /api/v1/stats` against a real server: applications filed and decided
//! through the API, then the public figures, with every small count hidden.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::TestApp;
use serde_json::{Value, json};

/// An application for a child born on `birth_date`, naming `resources`.
fn application(birth_date: &str, resources: &[&str]) -> Value {
    json!({
        "language": "kk",
        "applicant": {"name": "Айгерім Сапарова", "relation": "parent", "email": "aigerim@example.kz"},
        "child": {"name": "Әлихан Құпиянов", "birth_date": birth_date},
        "resources": resources.iter().map(|url| json!({"url": url})).collect::<Vec<_>>(),
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": resources[0], "description": "мазақ"},
            {"occurred_on": "2026-11-25", "resource_url": resources[0], "description": "қорлау"}
        ]
    })
}

/// Keys whose integer values are counts (not the threshold, shares or hours).
const COUNT_KEYS: [&str; 9] = [
    "count",
    "total",
    "applications",
    "referred_to_law_enforcement",
    "orders",
    "removed_in_time",
    "removed_late",
    "past_due",
    "pending",
];

/// Every count is a string or at least `threshold`; returns how many counts
/// were hidden.
fn check_no_small_count(value: &Value, threshold: u64) -> usize {
    let mut hidden = 0;
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if COUNT_KEYS.contains(&key.as_str()) {
                    match value {
                        Value::Number(number) => {
                            let count = number.as_u64().unwrap();
                            assert!(count >= threshold, "{key} = {count}");
                        }
                        Value::String(text) => {
                            assert!(
                                *text == format!("<{threshold}") || text == "suppressed",
                                "{key} = {text}"
                            );
                            hidden += 1;
                        }
                        _ => {}
                    }
                }
                hidden += check_no_small_count(value, threshold);
            }
        }
        Value::Array(items) => {
            for item in items {
                hidden += check_no_small_count(item, threshold);
            }
        }
        _ => {}
    }
    hidden
}

fn row<'a>(table: &'a Value, key: &str) -> &'a Value {
    &table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {table}"))["count"]
}

#[tokio::test]
async fn the_public_figures_hide_every_small_count() {
    let app = TestApp::spawn().await;
    // Seven applications on the same day: children of 8, 11, 12, 13, 14, 15 and 16.
    let births = [
        "2018-03-01",
        "2015-05-10",
        "2014-01-20",
        "2013-06-30",
        "2012-02-14",
        "2011-07-07",
        "2010-09-09",
    ];
    let mut cases = Vec::new();
    for (index, birth_date) in births.iter().enumerate() {
        let resources: &[&str] = if index < 2 {
            &[
                "https://t.me/school_memes_kz",
                "https://instagram.com/fake_profile_kz",
            ]
        } else {
            &["https://t.me/class_chat_kz"]
        };
        let (case_id, _) = app.apply(application(birth_date, resources)).await;
        cases.push(case_id);
    }
    // Two confirmed (orders to Telegram and Instagram each); five left pending.
    for case_id in &cases[..2] {
        app.confirm(case_id).await;
    }
    // Telegram sees its orders (that is their delivery) and reports one removed.
    let telegram_orders = app.get("/api/v1/orders", Some("qgk_telegram")).await;
    assert_eq!(telegram_orders.status, 200, "{}", telegram_orders.body);
    let order = telegram_orders.json()[0]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let removal = app
        .post(
            &format!("/api/v1/orders/{order}/removal"),
            Some("qgk_telegram"),
            json!({}),
        )
        .await;
    assert_eq!(removal.status, 200, "{}", removal.body);
    // A week later: the five pending cases are past their decision deadline.
    app.clock.set("2026-12-10T12:00:00+05:00".parse().unwrap());

    // No login needed.
    let reply = app.get("/api/v1/stats", None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    // Nothing personal: no names, no case numbers.
    for secret in ["Әлихан", "Айгерім", "aigerim@", "QG-2026"] {
        assert!(!reply.body.contains(secret), "{secret} in {}", reply.body);
    }
    let stats = reply.json();
    assert_eq!(stats["threshold"], 5);
    assert_eq!(stats["computed_at"], "2026-12-10T12:00:00+05:00");
    assert!(check_no_small_count(&stats, 5) > 0);

    // Seven applications in December: enough to publish.
    assert_eq!(stats["applications"], 7);
    assert_eq!(row(&stats["applications_per_month"], "2026-12"), 7);
    // 2 confirmed is below 5; hiding it alone would leave 7 − 5 = 2, so the
    // pending 5 is hidden with it.
    let outcomes = &stats["outcomes"];
    assert_eq!(outcomes["total"], 7);
    assert_eq!(row(outcomes, "confirmed"), "<5");
    assert_eq!(row(outcomes, "pending"), "suppressed");
    assert_eq!(row(outcomes, "not_confirmed"), "<5");
    assert_eq!(stats["categories"]["total"], "<5");
    // Age bands at receipt: one under 10, three of 10–13, two of 14–15, one of
    // 16–17 — every band is small, and the total stays 7.
    let bands = &stats["age_bands"];
    assert_eq!(bands["total"], 7);
    for band in [
        "under_10",
        "10_13",
        "14_15",
        "16_17",
        "18_and_over",
        "unknown",
    ] {
        assert!(row(bands, band).is_string(), "{band}: {bands}");
    }
    // Platforms: 9 resources, 7 on Telegram — published; 2 on Instagram — not.
    let platforms = &stats["platforms"];
    assert_eq!(platforms["total"], 9);
    assert_eq!(row(platforms, "instagram"), "<5");
    assert!(row(platforms, "telegram").is_string(), "its complement");
    // Decisions: two on time (<5), five overdue (hidden with them).
    let deadlines = &stats["decision_deadlines"];
    assert_eq!(row(deadlines, "on_time"), "<5");
    assert!(row(deadlines, "overdue_undecided").is_string());
    assert!(stats["decision_on_time_share"].is_null());
    // Fewer than five decisions: no median that would be somebody's own time.
    assert_eq!(stats["time_to_decision"]["count"], "<5");
    assert!(stats["time_to_decision"]["median_hours"].is_null());
    assert!(stats["time_to_decision"]["p90_hours"].is_null());
    // Owners: four orders in all, every cell hidden.
    let owners = stats["compliance"]["owners"].as_array().unwrap();
    assert_eq!(owners.len(), 2, "{owners:?}");
    assert!(owners.iter().all(|owner| owner["orders"] == "<5"));
    assert_eq!(stats["compliance"]["totals"]["orders"], "<5");

    // No caller-chosen threshold or period: each would be a second table over
    // the same cases, and subtracting two tables undoes suppression.
    let with_parameters = app
        .get(
            "/api/v1/stats?threshold=1&from=2026-12-02&until=2026-12-03",
            None,
        )
        .await;
    assert_eq!(with_parameters.status, 200);
    assert_eq!(with_parameters.body, reply.body);
}

#[tokio::test]
async fn the_stats_route_is_documented() {
    let app = TestApp::spawn().await;
    let document = app.get("/api/openapi.json", None).await.json();
    let stats = &document["paths"]["/api/v1/stats"]["get"];
    assert!(stats.is_object(), "{document}");
    assert!(
        stats.get("security").is_none(),
        "public: no security scheme"
    );
}
