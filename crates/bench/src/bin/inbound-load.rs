//! Inbound-message throughput and latency of wicket-server, measured with a
//! load generator on loopback: C connections, each a distinct subscriber of
//! the sandbox platform sending M messages one after another. The same run
//! measures `GET /api/v1/health` over the same connections as a baseline, so
//! the ratio holds on a noisy machine.
//!
//! `make bench-server` builds the release server and runs this.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use clap::Parser;
use serde_json::json;
use wicket_bench::{LoadArgs, Owner, ServerProcess};

/// Subscriber messages a second through the sandbox, against `GET /api/v1/health`.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    load: LoadArgs,
    /// Keep the server's data in this PostgreSQL database (a URL) instead of SQLite.
    #[arg(long)]
    database: Option<String>,
    /// Server processes on that database, behind a round-robin balancer on
    /// loopback (in this program, as nginx would be); the baseline goes
    /// through the same balancer.
    #[arg(long, default_value_t = 1, requires = "database")]
    processes: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let binary = args.load.server_binary();
    let mut servers = vec![ServerProcess::start_on(&binary, "benchmark password", args.database.as_deref())];
    if let Some(database) = args.database.as_deref() {
        servers.extend((1..args.processes).map(|_| ServerProcess::join(&binary, database)));
    }
    let base = if servers.len() == 1 {
        servers[0].base_url.clone()
    } else {
        let addrs = servers.iter().map(|s| s.base_url.trim_start_matches("http://").parse().expect("an address"));
        format!("http://{}", wicket_test_support::round_robin(addrs.collect()).await)
    };
    Owner::sign_in(&base, "benchmark password").await.create_account("alipay", "Benchmark Bank", "#1677ff").await;

    println!(
        "wicket-server {} × {} — {} connections × {} requests each, loopback",
        binary.display(),
        servers.len(),
        args.load.connections,
        args.load.messages
    );
    let visit = Some("/s/api/bench/view".to_owned());
    let target = args.load.target(base, visit);
    let inbound = |client: &reqwest::Client, base: &str, c: usize, i: usize| {
        client.post(format!("{base}/s/api/bench/messages")).json(&json!({
            "client_msg_id": format!("c{c}-m{i}"),
            "body": {"type": "text", "text": format!("第 {i} 条消息：我的账单什么时候出？")}
        }))
    };
    target.against_health("POST /s/api/…/messages", inbound, args.load.json).await;
    drop(servers);
}
