//! What sign-in costs an attacker and everyone else, as figures rather than
//! timed assertions: a wrong password for a name nobody has against one for
//! a real name (equal, or names could be told apart by the clock), and
//! `GET /api/v1/health` while six sign-ins hash against the same request on
//! an idle server (password hashing runs off the request threads, so others
//! are not kept waiting). The server runs in this process on loopback; each
//! attempt comes from a loopback address of its own (127.0.x.y), so the
//! sign-in limits, which are per name and address, never answer first.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::net::IpAddr;
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::StatusCode;
use serde_json::json;
use wicket_bench::{Figures, Run};
use wicket_test_support::{TestServer, OWNER_LOGIN};

#[derive(Parser)]
struct Args {
    /// Attempts of each kind (known and unknown names alternate).
    #[arg(long, default_value_t = 20)]
    attempts: usize,
    /// Health requests asked while six sign-ins hash (and as many on the
    /// idle server). The server takes a burst of 120 sign-ins in all, then
    /// five a second: attempts × 2 + rounds × 6 stays within it.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

/// Hands out loopback addresses, one per client.
struct Addresses(u32);

impl Addresses {
    fn client(&mut self) -> reqwest::Client {
        self.0 += 1;
        let address: IpAddr = format!("127.0.{}.{}", 10 + self.0 / 250, 1 + self.0 % 250).parse().unwrap();
        reqwest::Client::builder().local_address(address).build().unwrap()
    }
}

async fn wrong_password(http: &reqwest::Client, base: &str, login: &str) -> Duration {
    let started = Instant::now();
    let answer = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"login": login, "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "a wrong password is refused, not limited");
    took
}

async fn health(http: &reqwest::Client, base: &str) -> Duration {
    let started = Instant::now();
    let answer = http.get(format!("{base}/api/v1/health")).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(answer.status(), StatusCode::OK);
    took
}

fn run(name: &str, latencies: Vec<Duration>, elapsed: Duration) -> Run {
    Run { name: name.into(), latencies, elapsed }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let server = TestServer::start().await;
    let base = server.base_url();
    let mut addresses = Addresses(0);
    let local = addresses.client();
    // Warm up the connection pool and the hasher.
    wrong_password(&addresses.client(), &base, OWNER_LOGIN).await;

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for n in 0..args.attempts {
        known.push(wrong_password(&addresses.client(), &base, OWNER_LOGIN).await);
        unknown.push(wrong_password(&addresses.client(), &base, &format!("nobody{n}")).await);
    }
    let elapsed = started.elapsed() / 2;
    let (known, unknown) = (run("wrong password, known name", known, elapsed), run("unknown name", unknown, elapsed));

    let (mut idle, mut busy) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for _ in 0..args.rounds {
        idle.push(health(&local, &base).await);
        let guesses: Vec<_> = (0..6)
            .map(|_| {
                let (http, base) = (addresses.client(), base.clone());
                tokio::spawn(async move { wrong_password(&http, &base, OWNER_LOGIN).await })
            })
            .collect();
        // The guesses are on the server, hashing, before health is asked.
        tokio::time::sleep(Duration::from_millis(5)).await;
        busy.push(health(&local, &base).await);
        for guess in guesses {
            guess.await.unwrap();
        }
    }
    let elapsed = started.elapsed() / 2;
    let (idle, busy) = (run("health, idle", idle, elapsed), run("health, 6 sign-ins hashing", busy, elapsed));

    wicket_bench::print_header();
    for one in [&known, &unknown, &idle, &busy] {
        one.print(None);
    }
    let ms = |run: &Run| run.percentile(50.0).as_secs_f64() * 1000.0;
    Figures::new()
        .set("known_p50_ms", ms(&known))
        .set("unknown_p50_ms", ms(&unknown))
        .set("idle_health_p50_ms", ms(&idle))
        .set("busy_health_p50_ms", ms(&busy))
        .emit(args.json);
}
