//! Fanning one broadcast out to N WeChat subscribers (1,000,000 by default)
//! with the caps: the time to decide everyone (the ledger, a page at a
//! time), the time until the last mass-send call is answered (WeChat takes
//! 10,000 OpenIDs a call and 60 calls a minute, so 100 calls need more than
//! a minute however fast the server is), and the server's peak memory
//! during the broadcast. A share of the subscribers has had this month's 4
//! broadcasts and some no longer follow, so the caps are decided too.
//!
//! The server runs in this process (its peak resident memory is reset just
//! before the broadcast, from /proc/self/clear_refs); the WeChat double runs
//! as its own process (`--double`, the `wechat-double` binary) so its
//! bookkeeping is not counted. Figures are printed, never asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{json, Value};
use wicket_bench::Figures;
use wicket_model::conversation::Subscriber;
use wicket_model::Change;
use wicket_server::{ServerOptions, SystemClock};
use wicket_test_support::{free_port, wait_for_port, ChildProcess, TestServer};

#[derive(Parser)]
struct Args {
    /// Subscribers of the account, all on WeChat.
    #[arg(long, default_value_t = 1_000_000)]
    subscribers: usize,
    /// One in this many has had this month's 4 broadcasts already.
    #[arg(long, default_value_t = 20)]
    capped_every: usize,
    /// One in this many no longer follows.
    #[arg(long, default_value_t = 50)]
    unfollowed_every: usize,
    /// The `wechat-double` binary.
    #[arg(long)]
    double: PathBuf,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// This process's resident memory now and at its peak, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn reset_peak_memory() {
    // "5" resets the peak resident set size to the current one (proc(5)).
    let _ignored = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let http = reqwest::Client::new();
    let port = free_port();
    let child = Command::new(&args.double)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", args.double.display()))?;
    let double = ChildProcess::adopt("wechat-double", child, None);
    wait_for_port(port, &double);
    let double_url = format!("http://127.0.0.1:{port}");

    let options = ServerOptions { wechat_api_base: double_url.clone(), ..ServerOptions::default() };
    let server = TestServer::start_with(Arc::new(SystemClock), options).await;
    let owner = server.owner().await;
    let base = server.base_url();
    let call = |method: &str, path: &str, body: Value| {
        http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(owner.token()).json(&body).send()
    };
    let create = json!({"client_id": "bench", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "shop", "name": "Oat Milk Shop", "platform": "wechat", "category": "Food", "description": "",
        "avatar_color": "#07c160"}}}]});
    call("POST", "/api/v1/push", create).await?.error_for_status()?;
    let connect = json!({"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
        "encoding_aes_key": AES_KEY, "mode": "safe"});
    call("PUT", "/api/v1/accounts/shop/wechat", connect).await?.error_for_status()?;
    http.post(format!("{double_url}/_double/accounts"))
        .json(&json!({"appid": APP_ID, "secret": APP_SECRET, "token": TOKEN, "encoding_aes_key": AES_KEY,
            "mode": "safe", "callback_url": format!("{base}/wechat/shop"), "original_id": "gh_shop"}))
        .send()
        .await?
        .error_for_status()?;

    let setup = Instant::now();
    let now = server.state.clock.now();
    for chunk in (0..args.subscribers).collect::<Vec<_>>().chunks(10_000) {
        let subscribers: Vec<Subscriber> = chunk
            .iter()
            .map(|i| Subscriber {
                id: format!("s{i:08}"),
                account_id: "shop".into(),
                platform: "wechat".into(),
                platform_user_id: format!("oFan{i:08}"),
                display_name: format!("fan {i}"),
                following: i % args.unfollowed_every != 0,
                followed_at: Some(now),
                tags: vec![],
                note: String::new(),
                created_at: now,
                updated_at: now,
            })
            .collect();
        let openids: Vec<&String> = subscribers.iter().filter(|s| s.following).map(|s| &s.platform_user_id).collect();
        http.post(format!("{double_url}/_double/accounts/{APP_ID}/followers"))
            .json(&json!({"openids": openids}))
            .send()
            .await?
            .error_for_status()?;
        let changes: Vec<Change> = subscribers.into_iter().map(Change::Subscriber).collect();
        server.state.storage.record(Box::new(move |_| Ok(changes)), now).await??;
    }
    // Four earlier broadcasts this month to one in `capped_every`, as the
    // ledger records them.
    let data = server.data_dir().join("wicket.sqlite");
    {
        let conn = wicket_sqlite::rusqlite::Connection::open(&data)?;
        let tx = conn.unchecked_transaction()?;
        for b in 0..4 {
            tx.execute(
                "INSERT INTO broadcasts (id, account_id, status, send_at, planned, body, created_at, updated_at)
                 VALUES (?1, 'shop', 'done', ?2, 1, '{}', ?2, ?2)",
                wicket_sqlite::rusqlite::params![format!("earlier-{b}"), now],
            )?;
            tx.execute(
                "INSERT INTO broadcast_recipients
                   (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, decided_at)
                 SELECT ?1, id, 'shop', 'wechat', platform_user_id, 'sent', ?2 FROM subscribers
                 WHERE CAST(substr(id, 2) AS INTEGER) % ?3 = 0",
                wicket_sqlite::rusqlite::params![format!("earlier-{b}"), now, args.capped_every as i64],
            )?;
        }
        tx.commit()?;
    }
    println!("set-up: {} subscribers in {:.1} s", args.subscribers, setup.elapsed().as_secs_f64());

    reset_peak_memory();
    let (before, _) = memory();
    let started = Instant::now();
    let body =
        json!({"id": "spring", "content": {"type": "text", "text": "春季新品：燕麦拿铁"}, "audience": {"kind": "all"}});
    call("POST", "/api/v1/accounts/shop/broadcasts", body).await?.error_for_status()?;
    let mut planned_at = None;
    let finished = loop {
        let broadcast: Value = call("GET", "/api/v1/accounts/shop/broadcasts/spring", Value::Null)
            .await?
            .error_for_status()?
            .json()
            .await?;
        if planned_at.is_none() && broadcast["planned"] == true {
            planned_at = Some(started.elapsed());
        }
        if broadcast["status"] == "done" {
            break broadcast;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let elapsed = started.elapsed();
    let (after, peak) = memory();
    let counts = &finished["counts"][0];
    println!("broadcast to {} subscribers", args.subscribers);
    println!(
        "  targeted {}  sent {}  skipped by the monthly cap {}  unfollowed {}  failed {}",
        counts["targeted"], counts["sent"], counts["skipped_subscriber_cap"], counts["unreachable"], counts["failed"]
    );
    let planned = planned_at.unwrap_or(elapsed).as_secs_f64();
    println!(
        "  decided (ledger written)      {planned:>8.1} s  ({:.0} subscribers/s)",
        args.subscribers as f64 / planned
    );
    println!("  last mass-send call answered  {:>8.1} s  (WeChat's 60 calls a minute bound it)", elapsed.as_secs_f64());
    println!(
        "  resident memory: {before:.0} MiB before, {after:.0} MiB after, peak {peak:.0} MiB during the broadcast"
    );
    // What WeChat's caps alone impose: 10,000 OpenIDs a call, 60 calls a
    // minute, so every minute after the first 60 calls is waited out.
    let calls = counts["sent"].as_u64().unwrap_or(0).div_ceil(10_000);
    let floor = (calls.saturating_sub(1) / 60 * 60) as f64;
    println!("  WeChat's caps alone: {calls} calls, at least {floor:.0} s");
    Figures::new()
        .set("decided_s", planned)
        .set("last_call_s", elapsed.as_secs_f64())
        .set("caps_floor_s", floor)
        .set("rss_before_mib", before)
        .set("peak_mib", peak)
        .emit(args.json);
    drop(double);
    Ok(())
}
