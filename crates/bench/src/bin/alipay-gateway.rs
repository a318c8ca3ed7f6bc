//! Alipay 生活号 pushes to the application gateway: throughput and the time
//! to answer Alipay, measured with a load generator on loopback against
//! `GET /api/v1/health` in the same run. C connections, each a distinct
//! Alipay user, post M text notifies signed with Alipay's RSA2 key one after
//! another, as Alipay pushes them; the server checks each signature and
//! stores the message (synced to disk) before it answers with its signed
//! acknowledgement.
//!
//! The release `wicket-server` runs as its own process; Alipay's OpenAPI is
//! the Alipay double, on loopback in this process. Figures only.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use wicket_alipay::charset::Charset;
use wicket_alipay::gateway::signed_gateway_form;
use wicket_alipay::notify::{notify_xml, Notify, NotifyKind};
use wicket_alipay::sign::SignType;
use wicket_alipay_double::{AccountSpec, Double};
use wicket_bench::{default_server_binary, print_header, Figures, Run, ServerProcess};

const APP_ID: &str = "2021000000000001";
/// The application key of alipay-sdk-nodejs-all's tests (PKCS#8 PEM).
const APP_PRIVATE_KEY: &str =
    include_str!("../../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");

#[derive(Parser)]
struct Args {
    /// Concurrent connections (each one Alipay user).
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Notifies each user's connection posts.
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
    let binary = args.server.clone().unwrap_or_else(default_server_binary);
    let alipay_key = wicket_alipay_double::generate_key().expect("Alipay's key");
    let double = Double::with_alipay_key(alipay_key.clone()).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let keys = tempfile::tempdir().expect("a temp folder");
    std::env::set_var("WICKET_SECRETS_KEY_FILE", keys.path().join("secrets-key"));
    std::env::set_var("WICKET_ALIPAY_API_BASE", format!("{}/gateway.do", double.base_url()));
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
        "id": "bench", "name": "Benchmark Tea", "platform": "alipay", "category": "", "description": "", "avatar_color": "#1677ff"}}}]});
    let pushed =
        admin.post(format!("{base}/api/v1/push")).bearer_auth(&token).json(&create).send().await.expect("push");
    assert!(pushed.status().is_success(), "the account was created");
    let connect = json!({"app_id": APP_ID, "app_private_key": APP_PRIVATE_KEY,
        "alipay_public_key": double.alipay_public_key_base64(), "charset": "utf-8"});
    let connected = admin
        .put(format!("{base}/api/v1/accounts/bench/alipay"))
        .bearer_auth(&token)
        .json(&connect)
        .send()
        .await
        .expect("connect");
    assert!(connected.status().is_success(), "the account was connected to Alipay");
    let saved: serde_json::Value = connected.json().await.expect("the connection");
    double
        .add_account(AccountSpec {
            app_id: APP_ID.into(),
            app_public_key: saved["app_public_key"].as_str().expect("the application's public key").to_owned(),
            gateway_url: Some(format!("{base}/alipay/bench")),
            charset: "UTF-8".into(),
            chat_switch_on: false,
            name: Some("茶馆".into()),
        })
        .expect("the double knows the account");

    println!(
        "wicket-server {} — {} connections × {} requests each, loopback, Alipay gateway (RSA2)",
        binary.display(),
        args.connections,
        args.messages
    );
    // Signed before the clock starts: the load generator shares the CPU.
    let service = "alipay.mobile.public.message.notify";
    let forms: Vec<Vec<Vec<u8>>> = (0..args.connections)
        .map(|c| {
            (0..args.messages)
                .map(|i| {
                    let xml = notify_xml(&Notify {
                        app_id: APP_ID.into(),
                        from_user_id: format!("2088{c:012}"),
                        create_time: Some(1_700_000_000_000 + i as i64),
                        msg_id: Some(format!("{}", c * args.messages + i + 1)),
                        user_info: None,
                        kind: NotifyKind::Text { content: format!("第 {i} 条消息：今天营业到几点？") },
                    });
                    signed_gateway_form(service, &xml, Charset::Utf8, SignType::Rsa2, &alipay_key, &[])
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
    let forms = Arc::new(forms);
    let base_url = base.clone();
    let inbound = load("POST /alipay/{account}", args.connections, args.messages, move |client, c, i| {
        client
            .post(format!("{base_url}/alipay/bench"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(forms[c][i].clone())
    })
    .await;
    inbound.print(Some(&health));
    Figures::new().run("health", &health).run("inbound", &inbound).emit(args.json);
    drop(server);
    drop(double);
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
                let status = response.status();
                let body = response.bytes().await.expect("a body");
                assert!(status.is_success(), "request failed: {status} {}", String::from_utf8_lossy(&body));
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
