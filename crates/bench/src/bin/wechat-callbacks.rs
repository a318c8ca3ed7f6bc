//! WeChat callbacks in safe mode: throughput and the time to answer WeChat
//! (which gives up after 5 s), measured with a load generator on loopback
//! against `GET /api/v1/health` in the same run. C connections, each a
//! distinct subscriber, post M encrypted, signed text messages one after
//! another, as WeChat pushes them; every one is stored (synced to disk)
//! before the server answers "success".
//!
//! `make bench-server` builds the release server and runs this.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use wicket_bench::{default_server_binary, print_header, Figures, Run, ServerProcess};
use wicket_wechat::{KeySlot, WechatCrypto};

const APP_ID: &str = "wx5823bf96d3bd56c7";
const TOKEN: &str = "benchToken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

#[derive(Parser)]
struct Args {
    /// Concurrent connections (each one subscriber).
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Callbacks each subscriber's connection posts.
    #[arg(long, default_value_t = 200)]
    messages: usize,
    /// The wicket-server binary (a release build).
    #[arg(long)]
    server: Option<std::path::PathBuf>,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let binary = args.server.unwrap_or_else(default_server_binary);
    // The platform secrets key goes in a folder removed at the end.
    let keys = tempfile::tempdir().expect("a temp folder");
    std::env::set_var("WICKET_SECRETS_KEY_FILE", keys.path().join("secrets-key"));
    let server = ServerProcess::start(&binary, "benchmark password");
    let base = Arc::new(server.base_url.clone());
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
        "id": "bench", "name": "Benchmark Noodles", "platform": "wechat", "category": "", "description": "", "avatar_color": "#07c160"}}}]});
    let pushed =
        admin.post(format!("{base}/api/v1/push")).bearer_auth(&token).json(&create).send().await.expect("push");
    assert!(pushed.status().is_success(), "the account was created");
    let connect = json!({"app_id": APP_ID, "app_secret": "benchsecret0123456789abcdef012345", "token": TOKEN,
        "encoding_aes_key": AES_KEY, "mode": "safe"});
    let connected = admin
        .put(format!("{base}/api/v1/accounts/bench/wechat"))
        .bearer_auth(&token)
        .json(&connect)
        .send()
        .await
        .expect("connect");
    assert!(connected.status().is_success(), "the account was connected to WeChat");

    println!(
        "wicket-server {} — {} connections × {} requests each, loopback, WeChat safe mode",
        binary.display(),
        args.connections,
        args.messages
    );
    // Sealed before the clock starts: the load generator shares the CPU.
    let crypto = WechatCrypto::new(TOKEN, AES_KEY, APP_ID).expect("a key");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("a clock").as_secs() as i64;
    let callbacks: Vec<Vec<(String, String)>> = (0..args.connections)
        .map(|c| {
            (0..args.messages)
                .map(|i| {
                    let xml = format!(
                        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBenchFan{c:05}]]></FromUserName>\
                         <CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
                         <Content><![CDATA[第 {i} 条消息：今天还有位子吗？]]></Content><MsgId>{}</MsgId></xml>",
                        c * args.messages + i + 1
                    );
                    let nonce = format!("n{c}x{i}");
                    let envelope = crypto.encrypt_reply(&xml, now, &nonce, KeySlot::Current);
                    let parsed = wicket_wechat::parse_reply_envelope(envelope.as_bytes()).expect("an envelope");
                    let query = format!(
                        "timestamp={now}&nonce={nonce}&encrypt_type=aes&msg_signature={}",
                        parsed.msg_signature
                    );
                    (query, envelope)
                })
                .collect()
        })
        .collect();
    print_header();
    let health_base = base.clone();
    let health = load("GET /api/v1/health (baseline)", args.connections, args.messages, move |client, _, _| {
        client.get(format!("{health_base}/api/v1/health"))
    })
    .await;
    health.print(None);
    let callbacks = Arc::new(callbacks);
    let base_url = base.clone();
    let inbound = load("POST /wechat/{account} (safe mode)", args.connections, args.messages, move |client, c, i| {
        let (query, body) = &callbacks[c][i];
        client.post(format!("{base_url}/wechat/bench?{query}")).body(body.clone())
    })
    .await;
    inbound.print(Some(&health));
    Figures::new().run("health", &health).run("inbound", &inbound).emit(args.json);
    drop(server);
}

/// Runs `connections` tasks, each with its own client (one connection, made
/// before the clock starts), sending `count` requests built by `request` in
/// sequence.
async fn load<F>(name: &str, connections: usize, count: usize, request: F) -> Run
where
    F: Fn(&reqwest::Client, usize, usize) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
{
    let clients: Vec<reqwest::Client> = (0..connections)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client")
        })
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(count);
            for i in 0..count {
                let sent = Instant::now();
                let response = request(&client, c, i).send().await.expect("a response");
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
