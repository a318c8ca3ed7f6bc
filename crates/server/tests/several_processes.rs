//! Several servers on one PostgreSQL database, in this test's process (each
//! with its own storage, pool and listening connection, as separate
//! processes have): the live feed and presence cross from one to the other
//! through LISTEN/NOTIFY, also after the listening connection is cut, and
//! a lease is held by one server at a time. Built with the `postgres`
//! feature: `cargo test -p wicket-server --features postgres --test
//! several_processes`.
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Frame;
use wicket_model::PlatformProfile;
use wicket_server::postgres::PgStorage;
use wicket_server::{RunningServer, ServerConfig, ServerOptions, SystemClock};
use wicket_test_support::{new_account, PostgresCluster, StaffClient, OWNER_LOGIN, OWNER_PASSWORD};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const ACCOUNT: &str = "shop";

async fn fresh_database() -> String {
    tokio::task::spawn_blocking(|| PostgresCluster::shared().fresh_database()).await.expect("a fresh database")
}

/// A server on the database at `url`, in a folder of its own (its secrets key).
async fn server_on(url: &str, dir: &tempfile::TempDir) -> RunningServer {
    let storage = PgStorage::connect(url).await.expect("PostgreSQL opens");
    let config = ServerConfig { data_dir: dir.path().to_owned(), listen: "127.0.0.1:0".parse().unwrap() };
    wicket_server::start_on(Arc::new(storage), config, Arc::new(SystemClock), ServerOptions::default())
        .await
        .expect("the server starts")
}

async fn live(server: &RunningServer, token: &str) -> Socket {
    let url = format!("ws://{}/api/v1/live", server.addr);
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the live feed opens");
    event_where(&mut socket, "the feed's position first", |_| true).await;
    socket
}

/// Waits (up to 20 s) for a live event that `wanted` accepts.
async fn event_where(socket: &mut Socket, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Frame::Text(text)))) => {
                let event: Value = serde_json::from_str(&text).unwrap();
                if wanted(&event) {
                    return event;
                }
            }
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the live socket ended waiting for {what}: {other:?}"),
            Err(_) => panic!("no live event: {what}"),
        }
    }
}

fn changes_with(event: &Value, conversation: &str, at_least: i64) -> bool {
    event["type"] == "changes"
        && event["seq"].as_i64().unwrap_or(0) >= at_least
        && event["conversations"].as_array().is_some_and(|ids| ids.iter().any(|id| id == conversation))
}

struct Pair {
    a: RunningServer,
    b: RunningServer,
    url: String,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn two_servers() -> Pair {
    let url = fresh_database().await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = server_on(&url, &dirs.0).await;
    let b = server_on(&url, &dirs.1).await;
    a.state.create_owner(OWNER_LOGIN, "Boss", OWNER_PASSWORD).await.unwrap();
    let owner = StaffClient::sign_in(&a.base_url(), OWNER_LOGIN, OWNER_PASSWORD).await;
    owner.create_account(new_account(ACCOUNT, "Tea House", PlatformProfile::Wechat)).await;
    Pair { a, b, url, _dirs: dirs }
}

/// Cuts every live listening connection (as a database restart or a network
/// break would).
fn cut_listeners(url: &str) {
    let database = url.rsplit('/').next().unwrap().to_owned();
    let sql = format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{}'",
        wicket_server::postgres::live::LISTENER_NAME
    );
    let cut = PostgresCluster::shared().psql(&database, &sql);
    assert!(cut.trim().parse::<u32>().unwrap_or(0) >= 2, "both servers' listeners were cut: {cut}");
}

/// A console connected to server A sees at once what a subscriber sent to
/// server B, and B's staff see A's staff's presence; after the listening
/// connections are cut, the next message still crosses.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_live_feed_and_presence_cross_servers() {
    let pair = two_servers().await;
    let on_a = StaffClient::sign_in(&pair.a.base_url(), OWNER_LOGIN, OWNER_PASSWORD).await;
    let on_b = StaffClient::sign_in(&pair.b.base_url(), OWNER_LOGIN, OWNER_PASSWORD).await;
    let mut socket_a = live(&pair.a, on_a.token()).await;
    let mut socket_b = live(&pair.b, on_b.token()).await;

    let mut visitor = wicket_test_support::SandboxSubscriber::new(&pair.b.base_url(), ACCOUNT);
    let sent = visitor.say("m1", "hello from B").await.message;
    let seq = pair.b.state.storage.last_seq().await.unwrap();
    let event =
        event_where(&mut socket_a, "the message sent to B, on A", |e| changes_with(e, &sent.conversation_id, seq))
            .await;
    assert_eq!(event["type"], "changes");

    let viewing = json!({"type": "presence", "conversation_id": sent.conversation_id, "state": "viewing"});
    socket_a.send(Frame::Text(viewing.to_string().into())).await.unwrap();
    let presence = event_where(&mut socket_b, "A's presence, on B", |e| e["type"] == "presence").await;
    assert_eq!(presence["conversation_id"], sent.conversation_id.as_str(), "B sees where A's staff member is");
    assert_eq!(presence["state"], "viewing");

    // The subscriber's own page, connected to A, hears of a reply made on B.
    let reply_target = sent.conversation_id.clone();
    on_b.reply(&reply_target, "r1", "hello from staff on B").await;
    let seq = pair.b.state.storage.last_seq().await.unwrap();
    event_where(&mut socket_a, "the reply made on B, on A", |e| changes_with(e, &reply_target, seq)).await;

    let url = pair.url.clone();
    tokio::task::spawn_blocking(move || cut_listeners(&url)).await.unwrap();
    visitor.say("m2", "after the cut").await;
    let seq = pair.b.state.storage.last_seq().await.unwrap();
    event_where(&mut socket_a, "a message after the listener was cut", |e| {
        e["type"] == "changes" && e["seq"].as_i64().unwrap_or(0) >= seq
    })
    .await;

    pair.a.stop().await;
    pair.b.stop().await;
}

/// A lease is one holder's until it lapses or is released; renewing keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_has_one_holder_at_a_time() {
    let url = fresh_database().await;
    let one = PgStorage::connect(&url).await.unwrap();
    let other = PgStorage::connect(&url).await.unwrap();
    use wicket_server::storage::Storage;
    let names = vec!["job:a".to_owned(), "job:b".to_owned()];
    let long = Duration::from_secs(60);
    assert_eq!(one.claim_leases(names.clone(), "one", long).await.unwrap().len(), 2, "free leases are taken");
    assert!(other.claim_leases(names.clone(), "other", long).await.unwrap().is_empty(), "held leases are not");
    assert_eq!(one.claim_leases(names.clone(), "one", long).await.unwrap().len(), 2, "the holder renews");
    one.release_lease("job:a", "one").await.unwrap();
    assert_eq!(other.claim_leases(names.clone(), "other", long).await.unwrap(), vec!["job:a".to_owned()]);
    one.release_lease("job:a", "one").await.unwrap();
    assert!(one.claim_leases(vec!["job:a".into()], "one", long).await.unwrap().is_empty(), "not another's to release");
    // A lease that lapses is anybody's.
    assert_eq!(one.claim_leases(vec!["job:c".into()], "one", Duration::from_millis(1)).await.unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(other.claim_leases(vec!["job:c".into()], "other", long).await.unwrap().len(), 1, "a lapsed lease");
}

/// The token API of one process: its own storage on the shared database
/// and the secrets key every process has.
async fn token_process(url: &str, double: &str, key: [u8; 32], holder: &str) -> wicket_server::wechat::api::WechatApi {
    use wicket_server::platform::secrets::{SecretsKey, Vault};
    use wicket_server::wechat::api::{SharedTokens, WechatApi};
    let storage = Arc::new(PgStorage::connect(url).await.unwrap());
    let vault = Arc::new(Vault::default());
    vault.set_key(SecretsKey::from_bytes(&key));
    let api = WechatApi::new(double, Duration::from_secs(5));
    api.share_tokens(SharedTokens { storage, vault, holder: holder.into() });
    api
}

/// Two processes share one WeChat token: the second reads the first's
/// instead of asking WeChat, and when WeChat refuses it, both asking at
/// once make one forced refresh (which ends the old token) and both use
/// the new one; without sharing, each would force its own and end the
/// other's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_share_a_wechat_token_and_refresh_it_once() {
    use wicket_server::wechat::api::Credentials;
    use wicket_wechat_double::{AccountSpec, Double, Mode};
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    double
        .add_account(AccountSpec {
            appid: "wx-shared".into(),
            secret: "secret".into(),
            token: "callback-token".into(),
            encoding_aes_key: None,
            mode: Mode::Plain,
            callback_url: None,
            original_id: None,
        })
        .unwrap();
    let token_calls = || double.calls().iter().filter(|c| c.path == "/cgi-bin/stable_token").count();
    let url = fresh_database().await;
    let key = [7u8; 32];
    let one = token_process(&url, &double.base_url(), key, "one").await;
    let other = token_process(&url, &double.base_url(), key, "other").await;
    let credentials = Credentials { app_id: "wx-shared".into(), app_secret: "secret".into() };
    let now = 1_700_000_000_000;

    let (first, _) = one.token("shop", &credentials, now, None).await.unwrap();
    let (seen, _) = other.token("shop", &credentials, now, None).await.unwrap();
    assert_eq!(seen, first, "the other process uses the token the first one fetched");
    assert_eq!(token_calls(), 1, "one fetch for both processes");

    let (a, b) = tokio::join!(
        one.token("shop", &credentials, now, Some(&first)),
        other.token("shop", &credentials, now, Some(&first))
    );
    let (a, b) = (a.unwrap().0, b.unwrap().0);
    assert_ne!(a, first, "a refused token is replaced");
    assert_eq!(a, b, "both processes use the one new token");
    assert_eq!(token_calls(), 2, "one forced refresh for both");
}

/// A rule saved through one server answers at once on the other, whose
/// reply matcher was built (empty) before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reply_rule_saved_on_one_server_answers_on_the_other() {
    use wicket_model::auto_reply::ReplyMode;
    use wicket_model::auto_reply::{AutoReplyContent, AutoReplyRuleDraft, AutoReplyTrigger, Keyword, KeywordMode};
    let pair = two_servers().await;
    let mut visitor = wicket_test_support::SandboxSubscriber::new(&pair.b.base_url(), ACCOUNT);
    visitor.say("m1", "opening hours?").await;
    assert!(visitor.replies().await.is_empty(), "no rule yet");

    let on_a = StaffClient::sign_in(&pair.a.base_url(), OWNER_LOGIN, OWNER_PASSWORD).await;
    let rule = AutoReplyRuleDraft {
        id: "hours".into(),
        account_id: ACCOUNT.into(),
        name: "hours".into(),
        trigger: AutoReplyTrigger::Keyword {
            keywords: vec![Keyword { text: "opening hours".into(), mode: KeywordMode::Contains }],
        },
        priority: 0,
        replies: vec![AutoReplyContent::Text { text: "9 to 18".into() }],
        reply_mode: ReplyMode::All,
        enabled: true,
    };
    let pushed = on_a.push("console-a", vec![wicket_model::Mutation::SaveAutoReplyRule(rule)]).await;
    assert!(pushed.rejected.is_empty(), "{:?}", pushed.rejected);

    let mut answered = Vec::new();
    for n in 2..200 {
        visitor.say(&format!("m{n}"), "opening hours?").await;
        answered = visitor.replies().await;
        if !answered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(answered, vec!["9 to 18".to_owned()], "server B answers with the rule saved on A");
    pair.a.stop().await;
    pair.b.stop().await;
}

/// Sign-in attempts are counted across servers: ten attempts for one name
/// from one address, alternating between the two, spend the name's budget
/// on both (each server alone would allow ten of its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_attempts_are_counted_across_servers() {
    let pair = two_servers().await;
    let http = reqwest::Client::new();
    let attempt = |server: &RunningServer| {
        http.post(format!("{}/api/v1/sessions", server.base_url()))
            .json(&json!({"login": OWNER_LOGIN, "password": "not the password"}))
            .send()
    };
    // The owner's sign-in on A (in `two_servers`) took one already.
    for n in 1..wicket_server::limits::SIGN_IN_PER_LOGIN {
        let server = if n % 2 == 0 { &pair.a } else { &pair.b };
        let status = attempt(server).await.unwrap().status().as_u16();
        assert_ne!(status, 429, "attempt {n} is within the budget");
    }
    for server in [&pair.a, &pair.b] {
        let response = attempt(server).await.unwrap();
        assert_eq!(response.status().as_u16(), 429, "the name's budget is spent on both servers");
        assert!(response.headers().contains_key("retry-after"), "the refusal says when to try again");
    }
    pair.a.stop().await;
    pair.b.stop().await;
}
