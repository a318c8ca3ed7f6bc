//! Inbound-message throughput and latency of wicket-server, measured with a
//! load generator on loopback: C connections, each a distinct subscriber of
//! the sandbox platform sending M messages one after another. The same run
//! measures `GET /api/v1/health` over the same connections as a baseline, so
//! the ratio holds on a noisy machine.
//!
//! `make bench-server` builds the release server and runs this.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use wicket_bench::{default_server_binary, print_header, Figures, Run, ServerProcess};

#[derive(Parser)]
struct Args {
    /// Concurrent connections (each one subscriber).
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Messages each subscriber sends.
    #[arg(long, default_value_t = 200)]
    messages: usize,
    /// The wicket-server binary (a release build).
    #[arg(long)]
    server: Option<std::path::PathBuf>,
    /// Keep the server's data in this PostgreSQL database (a URL) instead of SQLite.
    #[arg(long)]
    database: Option<String>,
    /// Server processes on that database, behind a round-robin balancer on
    /// loopback (in this program, as nginx would be); the baseline goes
    /// through the same balancer.
    #[arg(long, default_value_t = 1, requires = "database")]
    processes: usize,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let binary = args.server.unwrap_or_else(default_server_binary);
    let mut servers = vec![ServerProcess::start_on(&binary, "benchmark password", args.database.as_deref())];
    if let Some(database) = args.database.as_deref() {
        servers.extend((1..args.processes).map(|_| ServerProcess::join(&binary, database)));
    }
    let base = if servers.len() == 1 {
        Arc::new(servers[0].base_url.clone())
    } else {
        let addrs = servers.iter().map(|s| s.base_url.trim_start_matches("http://").parse().expect("an address"));
        Arc::new(format!("http://{}", wicket_test_support::round_robin(addrs.collect()).await))
    };
    let admin = reqwest::Client::new();
    let session: serde_json::Value = admin
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"login": "owner", "password": "benchmark password"}))
        .send()
        .await
        .expect("sign-in")
        .json()
        .await
        .expect("a session");
    let token = session["token"].as_str().expect("a token").to_owned();
    let create = json!({"client_id": "bench", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "bench", "name": "Benchmark Bank", "platform": "alipay", "category": "", "description": "", "avatar_color": "#1677ff"}}}]});
    let pushed =
        admin.post(format!("{base}/api/v1/push")).bearer_auth(&token).json(&create).send().await.expect("push");
    assert!(pushed.status().is_success(), "the account was created");

    println!(
        "wicket-server {} × {} — {} connections × {} requests each, loopback",
        binary.display(),
        servers.len(),
        args.connections,
        args.messages
    );
    print_header();
    let health = load("GET /api/v1/health (baseline)", &base, args.connections, args.messages, |client, base, _, _| {
        client.get(format!("{base}/api/v1/health"))
    })
    .await;
    health.print(None);
    let inbound = load("POST /s/api/…/messages", &base, args.connections, args.messages, |client, base, c, i| {
        client.post(format!("{base}/s/api/bench/messages")).json(&json!({
            "client_msg_id": format!("c{c}-m{i}"),
            "body": {"type": "text", "text": format!("第 {i} 条消息：我的账单什么时候出？")}
        }))
    })
    .await;
    inbound.print(Some(&health));
    Figures::new().run("health", &health).run("inbound", &inbound).emit(args.json);
    drop(servers);
}

/// Runs `connections` tasks, each with its own client (one connection, its
/// own cookie), sending `count` requests built by `request` in sequence.
async fn load<F>(name: &str, base: &Arc<String>, connections: usize, count: usize, request: F) -> Run
where
    F: Fn(&reqwest::Client, &str, usize, usize) -> reqwest::RequestBuilder + Send + Sync + Copy + 'static,
{
    let mut clients = Vec::new();
    for _ in 0..connections {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client");
        // A first visit gives each connection its own subscriber.
        client.get(format!("{base}/s/api/bench/view")).send().await.expect("a visit");
        clients.push(client);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(count);
            for i in 0..count {
                let sent = Instant::now();
                let response = request(&client, &base, c, i).send().await.expect("a response");
                assert!(response.status().is_success(), "request failed: {}", response.status());
                response.bytes().await.expect("a body");
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a load task"));
    }
    Run { name: name.to_owned(), latencies, elapsed: started.elapsed() }
}
