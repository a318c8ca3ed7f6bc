//! The console's sync, as staff live it, against a server on loopback:
//! (a) a console signing in to a server holding N messages (100,000 by
//!     default) with an empty cache: the time until its sync engine
//!     (`wicket_sync::SyncEngine`, the console's own, into a
//!     `wicket_store::Cache`) has them all, and how far it has come when;
//!     against fetching the same feed pages with the same client and
//!     throwing them away (what the server and the wire cost alone);
//! (b) a subscriber's message on the sandbox until it is in that console's
//!     cache (the live socket nudges the engine, which pulls), p50 and p99,
//!     against a `GET /api/v1/health` round trip;
//! (c) with `--across-processes`: two servers on one PostgreSQL database (a
//!     throwaway cluster), as two processes of a deployment are (each its
//!     own storage, pool and listening connection): a subscriber's message
//!     sent to server B until a console connected to server A has it,
//!     against the same message sent to A.
//!
//! The server runs in this process (`wicket_server`, SQLite, over HTTP on
//! loopback); its feed is filled directly through its storage, untimed.
//! Figures are printed, never asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use wicket_bench::inbox_corpus::{self, Rng};
use wicket_bench::{Figures, Run};
use wicket_model::Change;
use wicket_server::{ServerConfig, ServerOptions, SystemClock};
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncEvent};
use wicket_test_support::{PostgresCluster, SandboxSubscriber, TestServer};

#[derive(Parser)]
struct Args {
    /// Messages on the server before the console signs in.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// Conversations (one subscriber each) they fall into.
    #[arg(long, default_value_t = 2_000)]
    conversations: usize,
    /// Live messages sent one after another for (b).
    #[arg(long, default_value_t = 200)]
    live: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Also (c): a console on one server, a subscriber on another, one PostgreSQL database.
    #[arg(long)]
    across_processes: bool,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

/// Feed pages as the engine takes them.
const PAGE: u32 = 500;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // The subscriber of (b) sends from 127.0.0.1 faster than the sandbox's
    // per-address limit lets a browser: the limit is lifted.
    let options = ServerOptions { sandbox_requests_per_minute: 100_000_000, ..ServerOptions::default() };
    let server = TestServer::start_with(Arc::new(SystemClock), options).await;
    let owner = server.owner().await;
    let base = server.base_url();
    let seeded = Instant::now();
    seed(&server, &args).await?;
    let newest = server.state.storage.last_seq().await?;
    println!(
        "sync benchmark — {} messages in {} conversations ({} feed entries), fed in {:.1} s, untimed",
        args.messages,
        args.conversations,
        newest,
        seeded.elapsed().as_secs_f64()
    );
    let client = ServerClient::new(&base)?;
    let token = owner.token().to_owned();

    // The baseline of (a): the same pages, fetched and thrown away.
    let started = Instant::now();
    let (mut after, mut first_page) = (0, None);
    loop {
        let page = client.pull_page(&token, "bench-baseline", after, PAGE).await?.response;
        first_page.get_or_insert(started.elapsed());
        after = page.cursor;
        if !page.more {
            break;
        }
    }
    let fetched = started.elapsed();
    let first_page = first_page.unwrap_or_default();

    // (a): an empty cache and the console's sync engine.
    let dir = tempfile::tempdir()?;
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite"))?);
    let (events, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let listener: wicket_sync::SyncListener = Arc::new(move |event: SyncEvent| {
        if matches!(event, SyncEvent::DataChanged) {
            let _closed = events.send(());
        }
    });
    let started = Instant::now();
    let engine = SyncEngine::start(cache.clone(), client.clone(), token.clone(), listener);
    // How far it has come, as cursor / newest: read every 20 ms.
    let mut marks: Vec<(f64, Duration)> = Vec::new();
    let mut next_mark = 0.1;
    let mut first_shown = None;
    loop {
        let cursor = cache.cursor()?;
        if cursor > 0 && first_shown.is_none() {
            first_shown = Some(started.elapsed());
        }
        let share = cursor as f64 / newest.max(1) as f64;
        while share >= next_mark && next_mark <= 1.0 {
            marks.push((next_mark, started.elapsed()));
            next_mark += 0.1;
        }
        if cursor >= newest {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pulled = started.elapsed();
    let first_shown = first_shown.unwrap_or(pulled);
    let held = cache.search("退款", 1)?.len();
    println!();
    println!("(a) pulling {} messages into an empty cache", args.messages);
    println!(
        "  the same pages fetched and thrown away (baseline) {:>8.2} s   first page {:>7.1} ms",
        fetched.as_secs_f64(),
        first_page.as_secs_f64() * 1e3
    );
    println!(
        "  SyncEngine into an empty Cache                   {:>8.2} s   first page in the cache {:>7.1} ms",
        pulled.as_secs_f64(),
        first_shown.as_secs_f64() * 1e3
    );
    println!(
        "  ratio {:.2} (searchable at the end: {held} hit for 退款)",
        pulled.as_secs_f64() / fetched.as_secs_f64()
    );
    let progress: Vec<String> =
        marks.iter().map(|(share, at)| format!("{:.0}% {:.1}s", share * 100.0, at.as_secs_f64())).collect();
    println!("  progress (cursor / server's newest): {}", progress.join(", "));
    println!(
        "  the console shows \"Syncing\" until the round ends; the share above is what cursor / newest would show"
    );

    // Wait for the engine's round to end (the live socket is up by then).
    while engine.status().connection != wicket_model::sync::Connection::Online {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while heard.try_recv().is_ok() {}

    // (b): a subscriber's message until the console's cache has it.
    let account = &inbox_corpus::accounts()[0].id;
    let mut subscriber = server.subscriber(account);
    let warm_up = subscriber.say("warm-up", "你好").await.message;
    let conversation = warm_up.conversation_id.clone();
    wait_for(&cache, &mut heard, &conversation, &warm_up.id).await;
    let mut live = Vec::with_capacity(args.live);
    let live_started = Instant::now();
    for i in 0..args.live {
        let sent = Instant::now();
        let message = subscriber.say(&format!("live-{i}"), &format!("第 {i} 条：我的账单什么时候出？")).await.message;
        wait_for(&cache, &mut heard, &conversation, &message.id).await;
        live.push(sent.elapsed());
    }
    let live = Run { name: "subscriber → console".into(), latencies: live, elapsed: live_started.elapsed() };
    let http = reqwest::Client::new();
    let mut health = Vec::with_capacity(args.live);
    let health_started = Instant::now();
    for _ in 0..args.live {
        let sent = Instant::now();
        http.get(format!("{base}/api/v1/health")).send().await?.error_for_status()?.bytes().await?;
        health.push(sent.elapsed());
    }
    let health = Run { name: "GET /api/v1/health".into(), latencies: health, elapsed: health_started.elapsed() };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!();
    println!("(b) {} live messages, one after another: subscriber's POST until the console's cache has it", args.live);
    print_runs(&[&health, &live]);
    engine.stop();
    let mut figures = Figures::new();
    if args.across_processes {
        let (same, across) = across_processes(args.live).await?;
        println!();
        println!("(c) {} live messages to a console on server A; two servers on one PostgreSQL database", args.live);
        print_runs(&[&same, &across]);
        figures
            .set("across_p50_ms", ms(across.percentile(50.0)))
            .set("across_p99_ms", ms(across.percentile(99.0)))
            .set("same_p50_ms", ms(same.percentile(50.0)))
            .set("same_p99_ms", ms(same.percentile(99.0)));
    }
    let at = |share: f64| {
        marks.iter().find(|(s, _)| *s + 1e-9 >= share).map_or(pulled.as_secs_f64(), |(_, at)| at.as_secs_f64())
    };
    figures
        .set("pull_s", pulled.as_secs_f64())
        .set("fetch_only_s", fetched.as_secs_f64())
        .set("pull_messages_per_s", args.messages as f64 / pulled.as_secs_f64())
        .set("first_shown_ms", ms(first_shown))
        .set("first_page_ms", ms(first_page))
        .set("half_s", at(0.5))
        .set("live_p50_ms", ms(live.percentile(50.0)))
        .set("live_p99_ms", ms(live.percentile(99.0)))
        .set("health_p50_ms", ms(health.percentile(50.0)))
        .set("health_p99_ms", ms(health.percentile(99.0)))
        .emit(args.json);
    Ok(())
}

/// One line a run: its name and its p50, p99 and longest latency in ms.
fn print_runs(runs: &[&Run]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for run in runs {
        println!(
            "  {:<24} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
            run.name,
            ms(run.percentile(50.0)),
            ms(run.percentile(99.0)),
            ms(run.percentile(100.0))
        );
    }
}

/// (c): servers A and B on one database of a throwaway PostgreSQL cluster,
/// a console's sync engine on A; `live` messages from a subscriber on A,
/// then `live` from one on B, each until the console's cache has it.
async fn across_processes(live: usize) -> Result<(Run, Run), Box<dyn std::error::Error>> {
    let cluster = PostgresCluster::start();
    let url = cluster.fresh_database();
    let options = ServerOptions { sandbox_requests_per_minute: 100_000_000, ..ServerOptions::default() };
    let dir = tempfile::tempdir()?;
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let data = dir.path().join(name);
        let storage = wicket_server::open_storage_for(&data, Some(&url)).await?;
        let config = ServerConfig { data_dir: data, listen: "127.0.0.1:0".parse()? };
        servers.push(wicket_server::start_on(storage, config, Arc::new(SystemClock), options.clone()).await?);
    }
    let (a, b) = (&servers[0], &servers[1]);
    let token = a.state.local_owner_session("Owner").await.map_err(|e| format!("{e:?}"))?.token;
    let account = inbox_corpus::accounts().remove(0);
    let account_id = account.id.clone();
    a.state.storage.record(Box::new(move |_| Ok(vec![Change::Account(account)])), inbox_corpus::START).await??;

    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite"))?);
    let (events, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let listener: wicket_sync::SyncListener = Arc::new(move |event: SyncEvent| {
        if matches!(event, SyncEvent::DataChanged) {
            let _closed = events.send(());
        }
    });
    let engine = SyncEngine::start(cache.clone(), ServerClient::new(&a.base_url())?, token, listener);
    while engine.status().connection != wicket_model::sync::Connection::Online {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut runs = Vec::new();
    for (name, server) in [("sent to A (baseline)", a), ("sent to B, console on A", b)] {
        let mut subscriber = SandboxSubscriber::new(&server.base_url(), &account_id);
        let warm_up = subscriber.say("warm-up", "你好").await.message;
        let conversation = warm_up.conversation_id.clone();
        wait_for(&cache, &mut heard, &conversation, &warm_up.id).await;
        let mut latencies = Vec::with_capacity(live);
        let started = Instant::now();
        for i in 0..live {
            let sent = Instant::now();
            let message = subscriber.say(&format!("c-{i}"), &format!("第 {i} 条：额度可以提高吗？")).await.message;
            wait_for(&cache, &mut heard, &conversation, &message.id).await;
            latencies.push(sent.elapsed());
        }
        runs.push(Run { name: name.into(), latencies, elapsed: started.elapsed() });
    }
    engine.stop();
    for server in servers {
        server.stop().await;
    }
    let across = runs.pop().ok_or("no run")?;
    let same = runs.pop().ok_or("no run")?;
    Ok((same, across))
}

/// Accounts, subscribers, conversations and messages, through the server's
/// storage as one recorded batch per few thousand, so they are in its feed.
async fn seed(server: &TestServer, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::new(args.seed);
    let mut changes: Vec<Change> = inbox_corpus::accounts().into_iter().map(Change::Account).collect();
    for i in 0..args.conversations {
        changes.push(Change::Subscriber(inbox_corpus::subscriber(i, &mut rng)));
        changes.push(Change::Conversation(inbox_corpus::conversation(i)));
    }
    for n in 0..args.messages {
        changes.push(Change::Message(inbox_corpus::message(n, args.conversations, &mut rng)));
    }
    let now = inbox_corpus::START;
    let mut rest = changes.into_iter().peekable();
    while rest.peek().is_some() {
        let batch: Vec<Change> = rest.by_ref().take(5_000).collect();
        server.state.storage.record(Box::new(move |_| Ok(batch)), now).await??;
    }
    Ok(())
}

/// Waits until `message` is among the newest of `conversation` in the
/// cache, checking each time the engine says the cache changed (and every
/// 200 ms besides).
async fn wait_for(
    cache: &Cache,
    heard: &mut tokio::sync::mpsc::UnboundedReceiver<()>,
    conversation: &str,
    message: &str,
) {
    loop {
        let found = cache
            .messages(conversation, None, 5)
            .map(|page| page.messages.iter().any(|m| m.message.id == message))
            .unwrap_or(false);
        if found {
            return;
        }
        let _ = tokio::time::timeout(Duration::from_millis(200), heard.recv()).await;
    }
}
