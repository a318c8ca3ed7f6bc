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

use clap::Parser;
use serde_json::json;
use wicket_alipay::charset::Charset;
use wicket_alipay::gateway::signed_gateway_form;
use wicket_alipay::notify::{notify_xml, Notify, NotifyKind};
use wicket_alipay::sign::SignType;
use wicket_alipay_double::{AccountSpec, Double};
use wicket_bench::{LoadArgs, Owner, ServerProcess};

const APP_ID: &str = "2021000000000001";
/// The application key of alipay-sdk-nodejs-all's tests (PKCS#8 PEM).
const APP_PRIVATE_KEY: &str =
    include_str!("../../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");

/// Alipay gateway pushes a second (RSA2 signed), against `GET /api/v1/health`.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    load: LoadArgs,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let binary = args.load.server_binary();
    let alipay_key = wicket_alipay_double::generate_key().expect("Alipay's key");
    let double = Double::with_alipay_key(alipay_key.clone()).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let keys = tempfile::tempdir().expect("a temp folder");
    std::env::set_var("WICKET_SECRETS_KEY_FILE", keys.path().join("secrets-key"));
    std::env::set_var("WICKET_ALIPAY_API_BASE", format!("{}/gateway.do", double.base_url()));
    let server = ServerProcess::start(&binary, "benchmark password");
    let base = server.base_url.clone();
    let owner = Owner::sign_in(&base, "benchmark password").await;
    owner.create_account("alipay", "Benchmark Tea", "#1677ff").await;
    let connect = json!({"app_id": APP_ID, "app_private_key": APP_PRIVATE_KEY,
        "alipay_public_key": double.alipay_public_key_base64(), "charset": "utf-8"});
    let saved: serde_json::Value = owner.connect("alipay", &connect).await.json().await.expect("the connection");
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
        args.load.connections,
        args.load.messages
    );
    // Signed before the clock starts: the load generator shares the CPU.
    let service = "alipay.mobile.public.message.notify";
    let forms: Vec<Vec<Vec<u8>>> = (0..args.load.connections)
        .map(|c| {
            (0..args.load.messages)
                .map(|i| {
                    let xml = notify_xml(&Notify {
                        app_id: APP_ID.into(),
                        from_user_id: format!("2088{c:012}"),
                        create_time: Some(1_700_000_000_000 + i as i64),
                        msg_id: Some(format!("{}", c * args.load.messages + i + 1)),
                        user_info: None,
                        kind: NotifyKind::Text { content: format!("第 {i} 条消息：今天营业到几点？") },
                    });
                    signed_gateway_form(service, &xml, Charset::Utf8, SignType::Rsa2, &alipay_key, &[])
                })
                .collect()
        })
        .collect();
    let target = args.load.target(base, None);
    let forms = Arc::new(forms);
    let inbound = move |client: &reqwest::Client, base: &str, c: usize, i: usize| {
        client
            .post(format!("{base}/alipay/bench"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(forms[c][i].clone())
    };
    target.against_health("POST /alipay/{account}", inbound, args.load.json).await;
    drop(server);
    drop(double);
}
