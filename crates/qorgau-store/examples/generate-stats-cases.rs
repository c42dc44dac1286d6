//! Fills the statistics read model of an initialized SQLite store with N
//! generated cases (`bench/stats/run.sh`): `case_stats` and
//! `case_stats_orders` rows, written in one transaction in multi-row
//! statements, with realistic shares (refusals, decisions within days,
//! extensions, orders per platform, removals in and out of time,
//! non-compliance), then the per-day tallies summed from them. Only these
//! tables: the report reads nothing else, and folding a million generated
//! event histories would measure the generator.
//!
//! Usage: generate-stats-cases DATA_DIR CASES [YEAR]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use qorgau_domain::deadline::almaty_date;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, QueryBuilder, Sqlite};

struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }

    fn pick<'a>(&mut self, weighted: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = weighted.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.below(total);
        for (item, weight) in weighted {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        weighted[0].0
    }
}

const PLATFORMS: [&str; 7] = [
    "telegram",
    "instagram",
    "tiktok",
    "vk",
    "web",
    "youtube",
    "whatsapp",
];

type CaseRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    bool,
    String,
    String,
    Option<i64>,
    Option<i64>,
    bool,
    i64,
    Option<i64>,
    Option<String>,
);
type OrderRow = (
    String,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
);

fn hours(instant: Timestamp, hours: u64, dice: &mut Dice) -> Timestamp {
    instant
        .checked_add(SignedDuration::from_secs(
            hours as i64 * 3600 + dice.below(3600) as i64,
        ))
        .unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let data = args.next().expect("DATA_DIR");
    let cases: u64 = args.next().expect("CASES").parse().unwrap();
    let year: i16 = args.next().map_or(2025, |year| year.parse().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(generate(&data, cases, year));
}

async fn generate(data: &str, cases: u64, year: i16) {
    let path = std::path::Path::new(data).join("qorgau.sqlite");
    // Foreign keys off: the `cases` rows these would point to are not generated.
    let mut connection = SqliteConnectOptions::from_str(&path.display().to_string())
        .unwrap()
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    let start: Timestamp = format!("{year}-01-01T00:00:00+05:00").parse().unwrap();
    let seconds_in_year = 365 * 24 * 3600;
    let mut dice = Dice(0x5eed_2025);
    let mut case_rows: Vec<CaseRow> = Vec::with_capacity(500);
    let mut order_rows: Vec<OrderRow> = Vec::with_capacity(1000);
    sqlx::query("BEGIN").execute(&mut connection).await.unwrap();
    let mut orders_total = 0_u64;
    for number in 0..cases {
        let case_id = format!("BENCH-{number:07}");
        let received_at = start
            .checked_add(SignedDuration::from_secs(dice.below(seconds_in_year) as i64))
            .unwrap();
        let received_on = almaty_date(received_at);
        let outcome = dice.pick(&[
            ("refused_resource_required", 40),
            ("refused_not_a_child", 20),
            ("refused_applicant_fields_missing", 10),
            ("confirmed", 550),
            ("not_confirmed", 300),
            ("pending", 80),
        ]);
        let refused = outcome.starts_with("refused");
        let age_band = if outcome == "refused_not_a_child" {
            "18_and_over"
        } else {
            dice.pick(&[
                ("under_10", 60),
                ("10_13", 380),
                ("14_15", 330),
                ("16_17", 200),
                ("unknown", 30),
            ])
        };
        let platform_count = if outcome == "refused_resource_required" {
            0
        } else {
            1 + dice.below(2)
        };
        let platforms: Vec<&str> = (0..platform_count)
            .map(|_| PLATFORMS[dice.below(PLATFORMS.len() as u64) as usize])
            .collect();
        let decided = matches!(outcome, "confirmed" | "not_confirmed");
        let extended = !refused && dice.below(100) < 5;
        let decision_due =
            (!refused).then(|| hours(received_at, if extended { 360 } else { 96 }, &mut dice));
        let decided_at = decided.then(|| {
            hours(
                received_at,
                2 + dice.below(if extended { 300 } else { 110 }),
                &mut dice,
            )
        });
        let category = match outcome {
            "confirmed" => Some(dice.pick(&[
                ("cyberbullying", 70),
                ("cyberstalking", 20),
                ("criminal", 10),
            ])),
            "not_confirmed" => Some("none"),
            _ => None,
        };
        let criminal = category == Some("criminal");
        let response_due = hours(received_at, 96, &mut dice);
        let response_sent_at =
            (dice.below(100) < 92).then(|| hours(received_at, 4 + dice.below(110), &mut dice));
        let first_incident = received_on
            .checked_sub(jiff::Span::new().days(1 + dice.below(30) as i64))
            .unwrap();
        if outcome == "confirmed" {
            let issued_at = decided_at.unwrap();
            for (position, platform) in platforms.iter().enumerate() {
                let delivered_at =
                    (dice.below(100) < 96).then(|| hours(issued_at, dice.below(3), &mut dice));
                let removal_due =
                    delivered_at.map(|at| at.checked_add(SignedDuration::from_hours(24)).unwrap());
                let fate = dice.below(100);
                let (reported, removed, not_complied) = match delivered_at {
                    Some(delivered) if fate < 75 => {
                        let reported = hours(delivered, dice.below(36), &mut dice);
                        (Some(reported), Some(reported), false)
                    }
                    Some(_) if fate < 88 => (None, None, true),
                    _ => (None, None, false),
                };
                order_rows.push((
                    case_id.clone(),
                    position as i64,
                    (*platform).to_owned(),
                    received_on.to_string(),
                    issued_at.as_millisecond(),
                    delivered_at.map(Timestamp::as_millisecond),
                    removal_due.map(Timestamp::as_millisecond),
                    reported.map(Timestamp::as_millisecond),
                    removed.map(Timestamp::as_millisecond),
                    not_complied,
                ));
            }
        }
        case_rows.push((
            case_id,
            received_at.as_millisecond(),
            received_on.to_string(),
            outcome.to_owned(),
            category.map(str::to_owned),
            if criminal {
                "threat_to_life_or_health".to_owned()
            } else {
                String::new()
            },
            criminal && dice.below(100) < 60,
            age_band.to_owned(),
            platforms.join(" "),
            decided_at.map(Timestamp::as_millisecond),
            decision_due.map(Timestamp::as_millisecond),
            extended,
            response_due.as_millisecond(),
            response_sent_at.map(Timestamp::as_millisecond),
            Some(first_incident.to_string()),
        ));
        if case_rows.len() == 500 || number + 1 == cases {
            orders_total += order_rows.len() as u64;
            flush(&mut connection, &mut case_rows, &mut order_rows).await;
        }
    }
    sqlx::query("COMMIT")
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    // The per-day tallies reports read, summed from the rows just written
    // (as applying migration 0008 sums them; a write would change them).
    let store = qorgau_store::SqliteStore::open(std::path::Path::new(data))
        .await
        .unwrap();
    store.rebuild_statistics_tallies().await.unwrap();
    sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    store.close().await;
    println!("{cases} cases, {orders_total} orders in {year}");
}

async fn flush(
    connection: &mut sqlx::SqliteConnection,
    cases: &mut Vec<CaseRow>,
    orders: &mut Vec<OrderRow>,
) {
    let mut builder = QueryBuilder::<Sqlite>::new(
        "INSERT INTO case_stats (case_id, received_at, received_on, outcome, category, \
         indicators, referred, age_band, platforms, decided_at, decision_due, extended, \
         response_due, response_sent_at, first_incident_on) ",
    );
    builder.push_values(cases.drain(..), |mut row, case| {
        row.push_bind(case.0)
            .push_bind(case.1)
            .push_bind(case.2)
            .push_bind(case.3)
            .push_bind(case.4)
            .push_bind(case.5)
            .push_bind(case.6)
            .push_bind(case.7)
            .push_bind(case.8)
            .push_bind(case.9)
            .push_bind(case.10)
            .push_bind(case.11)
            .push_bind(case.12)
            .push_bind(case.13)
            .push_bind(case.14);
    });
    builder
        .build()
        .persistent(false)
        .execute(&mut *connection)
        .await
        .unwrap();
    if orders.is_empty() {
        return;
    }
    let mut builder = QueryBuilder::<Sqlite>::new(
        "INSERT INTO case_stats_orders (case_id, position, owner, received_on, issued_at, \
         delivered_at, removal_due, removal_reported_at, removed_at, not_complied) ",
    );
    builder.push_values(orders.drain(..), |mut row, order| {
        row.push_bind(order.0)
            .push_bind(order.1)
            .push_bind(order.2)
            .push_bind(order.3)
            .push_bind(order.4)
            .push_bind(order.5)
            .push_bind(order.6)
            .push_bind(order.7)
            .push_bind(order.8)
            .push_bind(order.9);
    });
    builder
        .build()
        .persistent(false)
        .execute(&mut *connection)
        .await
        .unwrap();
}
