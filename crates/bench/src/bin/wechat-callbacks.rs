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

use clap::Parser;
use serde_json::json;
use wicket_bench::{LoadArgs, Owner, ServerProcess};
use wicket_wechat::{KeySlot, WechatCrypto};

const APP_ID: &str = "wx5823bf96d3bd56c7";
const TOKEN: &str = "benchToken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// WeChat safe-mode callbacks a second, against `GET /api/v1/health`.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    load: LoadArgs,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let binary = args.load.server_binary();
    // The platform secrets key goes in a folder removed at the end.
    let keys = tempfile::tempdir().expect("a temp folder");
    std::env::set_var("WICKET_SECRETS_KEY_FILE", keys.path().join("secrets-key"));
    let server = ServerProcess::start(&binary, "benchmark password");
    let base = server.base_url.clone();
    let owner = Owner::sign_in(&base, "benchmark password").await;
    owner.create_account("wechat", "Benchmark Noodles", "#07c160").await;
    let connect = json!({"app_id": APP_ID, "app_secret": "benchsecret0123456789abcdef012345", "token": TOKEN,
        "encoding_aes_key": AES_KEY, "mode": "safe"});
    owner.connect("wechat", &connect).await;

    println!(
        "wicket-server {} — {} connections × {} requests each, loopback, WeChat safe mode",
        binary.display(),
        args.load.connections,
        args.load.messages
    );
    // Sealed before the clock starts: the load generator shares the CPU.
    let crypto = WechatCrypto::new(TOKEN, AES_KEY, APP_ID).expect("a key");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("a clock").as_secs() as i64;
    let callbacks: Vec<Vec<(String, String)>> = (0..args.load.connections)
        .map(|c| {
            (0..args.load.messages)
                .map(|i| {
                    let xml = format!(
                        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBenchFan{c:05}]]></FromUserName>\
                         <CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
                         <Content><![CDATA[第 {i} 条消息：今天还有位子吗？]]></Content><MsgId>{}</MsgId></xml>",
                        c * args.load.messages + i + 1
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
    let target = args.load.target(base, None);
    let callbacks = Arc::new(callbacks);
    let inbound = move |client: &reqwest::Client, base: &str, c: usize, i: usize| {
        let (query, body) = &callbacks[c][i];
        client.post(format!("{base}/wechat/bench?{query}")).body(body.clone())
    };
    target.against_health("POST /wechat/{account} (safe mode)", inbound, args.load.json).await;
    drop(server);
}
