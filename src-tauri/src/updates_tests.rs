//! The update path as the console runs it: tauri-plugin-updater on a mock
//! runtime, a manifest and a package served on loopback by the test, signed
//! with a key pair made here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

const PACKAGE: &[u8] = b"Wicket 0.2.0 package: the bytes the merchant's IT signed";

struct Keys {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Keys {
    fn new() -> Self {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        Self { pk: pair.pk, sk: pair.sk }
    }

    /// The public key as tauri.conf.json holds it: the `.pub` file in base64.
    fn public(&self) -> String {
        b64(self.pk.to_box().unwrap().into_string().as_bytes())
    }

    /// What `tauri signer sign --app-version <version>` writes, in base64.
    fn sign(&self, data: &[u8], version: &str) -> String {
        let comment = format!("timestamp:1700000000\tfile:wicket.deb\tversion:{version}");
        let signature = minisign::sign(Some(&self.pk), &self.sk, data, Some(&comment), None).unwrap();
        b64(signature.into_string().as_bytes())
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The key the updater looks up in a static manifest on this machine.
fn platform_key() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{}", std::env::consts::ARCH)
}

fn manifest(version: &str, url: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "version": version,
        "notes": "会员卡菜单修复 / Member card menu fixed",
        "pub_date": "2025-03-01T08:00:00Z",
        "platforms": { platform_key(): { "url": url, "signature": signature } }
    }))
    .unwrap()
}

/// The console (version 0.1.0) with the updater configured as tauri.conf.json
/// would configure it.
fn app(endpoints: Vec<String>, pubkey: &str) -> App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        serde_json::json!({ "endpoints": endpoints, "pubkey": pubkey, "requireSignedVersion": true }),
    );
    mock_builder().plugin(tauri_plugin_updater::Builder::new().build()).build(context).expect("the mock app starts")
}

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A tiny HTTP server on 127.0.0.1:0: each path answers with its bytes, any
/// other with 404. Returns its base URL.
async fn serve(files: Files) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let files = files.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let found = files.lock().unwrap().get(&path).cloned();
                let (status, body) = match found {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", b"not here".to_vec()),
                };
                let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    base
}

/// Serves `/latest.json` announcing `version`, whose package `/wicket.deb`
/// holds `package` and whose signature is `signature`; the console points
/// at it with the keys' public key.
async fn release(keys: &Keys, version: &str, package: &[u8], signature: String) -> App<MockRuntime> {
    let files: Files = Arc::default();
    let base = serve(files.clone()).await;
    let manifest = manifest(version, &format!("{base}/wicket.deb"), &signature);
    files.lock().unwrap().insert("/latest.json".into(), manifest);
    files.lock().unwrap().insert("/wicket.deb".into(), package.to_vec());
    app(vec![format!("{base}/latest.json")], &keys.public())
}

/// Runs the install path with an installer that only records what it got.
async fn install_recorded(app: &App<MockRuntime>) -> (Result<(), UpdateError>, Option<Vec<u8>>) {
    let installed = Mutex::new(None);
    let result = download_and_apply(app.handle(), |_, package| {
        *installed.lock().unwrap() = Some(package);
        Ok(())
    })
    .await;
    (result, installed.into_inner().unwrap())
}

fn offered(app: &App<MockRuntime>) -> bool {
    updates(app.handle()).found().is_some()
}

#[tokio::test]
async fn a_newer_signed_version_is_offered_and_its_verified_package_installed() {
    let keys = Keys::new();
    let app = release(&keys, "0.2.0", PACKAGE, keys.sign(PACKAGE, "0.2.0")).await;
    assert_eq!(setup(app.handle()), UpdateSetup { current_version: "0.1.0".into(), configured: true });

    let offer = check(app.handle()).await.expect("the check succeeds").expect("0.2.0 is offered");
    assert_eq!(offer.version, "0.2.0");
    assert_eq!(offer.notes.as_deref(), Some("会员卡菜单修复 / Member card menu fixed"));
    assert_eq!(offer.date.as_deref(), Some("2025-03-01T08:00:00Z"));

    let (result, installed) = install_recorded(&app).await;
    assert_eq!(result, Ok(()));
    assert_eq!(installed.as_deref(), Some(PACKAGE), "the installer got the very bytes that were signed");
    assert!(!offered(&app), "an installed update is no longer offered");
}

#[tokio::test]
async fn a_tampered_package_is_refused_and_nothing_is_installed() {
    let keys = Keys::new();
    let mut tampered = PACKAGE.to_vec();
    tampered[0] ^= 1;
    let app = release(&keys, "0.2.0", &tampered, keys.sign(PACKAGE, "0.2.0")).await;
    check(app.handle()).await.unwrap().expect("the manifest itself offers 0.2.0");

    let (result, installed) = install_recorded(&app).await;
    let error = result.expect_err("a package that does not match its signature is refused");
    assert_eq!(error.problem, UpdateProblem::BadSignature, "{}", error.detail);
    assert_eq!(installed, None, "nothing reached the installer");
    assert!(offered(&app), "the failure changed nothing: the offer stays");
}

#[tokio::test]
async fn a_signature_from_another_key_is_refused() {
    let keys = Keys::new();
    let stranger = Keys::new();
    let app = release(&keys, "0.2.0", PACKAGE, stranger.sign(PACKAGE, "0.2.0")).await;
    check(app.handle()).await.unwrap().expect("0.2.0 is offered");

    let (result, installed) = install_recorded(&app).await;
    assert_eq!(result.expect_err("another key's signature is refused").problem, UpdateProblem::BadSignature);
    assert_eq!(installed, None);
}

#[tokio::test]
async fn an_older_release_announced_as_newer_is_refused() {
    // A genuine 0.0.9 package and signature, announced as 0.2.0: the version
    // the signature carries gives it away.
    let keys = Keys::new();
    let app = release(&keys, "0.2.0", PACKAGE, keys.sign(PACKAGE, "0.0.9")).await;
    check(app.handle()).await.unwrap().expect("0.2.0 is announced");

    let (result, installed) = install_recorded(&app).await;
    let error = result.expect_err("the signed version differs from the announced one");
    assert_eq!(error.problem, UpdateProblem::BadSignature);
    assert!(error.detail.contains("0.0.9"), "{}", error.detail);
    assert_eq!(installed, None);
}

#[tokio::test]
async fn the_same_or_an_older_version_offers_nothing() {
    let keys = Keys::new();
    for version in ["0.1.0", "0.0.5"] {
        let app = release(&keys, version, PACKAGE, keys.sign(PACKAGE, version)).await;
        assert_eq!(check(app.handle()).await, Ok(None), "{version} is not offered to 0.1.0");
        let (result, installed) = install_recorded(&app).await;
        assert_eq!(result.expect_err("nothing to install").problem, UpdateProblem::NothingOffered);
        assert_eq!(installed, None);
    }
}

#[tokio::test]
async fn without_an_endpoint_updates_are_not_set_up() {
    let keys = Keys::new();
    let app = app(Vec::new(), &keys.public());
    assert!(!setup(app.handle()).configured);
    assert_eq!(check(app.handle()).await.expect_err("no check without an endpoint").problem, UpdateProblem::NotSetUp);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error_that_keeps_the_last_offer() {
    let keys = Keys::new();
    let files: Files = Arc::default();
    let base = serve(files.clone()).await;
    let manifest_path = format!("{base}/latest.json");
    files
        .lock()
        .unwrap()
        .insert("/latest.json".into(), manifest("0.2.0", &format!("{base}/wicket.deb"), &keys.sign(PACKAGE, "0.2.0")));
    let app = app(vec![manifest_path], &keys.public());
    check(app.handle()).await.unwrap().expect("0.2.0 is offered");

    files.lock().unwrap().clear();
    let error = check(app.handle()).await.expect_err("a 404 is no manifest");
    assert_eq!(error.problem, UpdateProblem::Network, "{}", error.detail);
    assert!(offered(&app), "the failed check left the offer as it was");

    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gone = format!("http://{}/latest.json", closed.local_addr().unwrap());
    drop(closed);
    let app = self::app(vec![gone], &keys.public());
    assert_eq!(check(app.handle()).await.expect_err("nobody listens").problem, UpdateProblem::Network);
}

#[test]
fn the_environment_replaces_the_configured_source() {
    let config =
        serde_json::json!({ "endpoints": ["https://updates.example.test/wicket/latest.json"], "pubkey": "S0VZ" });
    let configured = UpdateSource::resolve(Some(&config), None, None);
    assert_eq!(configured.endpoints.len(), 1);
    assert_eq!(configured.pubkey, "S0VZ");
    assert!(configured.configured());

    let replaced = UpdateSource::resolve(
        Some(&config),
        Some("http://127.0.0.1:9/a.json, http://127.0.0.1:9/b.json not a url"),
        Some(" T1RIRVI= \n"),
    );
    let urls: Vec<String> = replaced.endpoints.iter().map(|u| u.to_string()).collect();
    assert_eq!(
        urls,
        ["http://127.0.0.1:9/a.json", "http://127.0.0.1:9/b.json"],
        "words that are not URLs are left out"
    );
    assert_eq!(replaced.pubkey, "T1RIRVI=");

    assert!(!UpdateSource::resolve(None, None, None).configured(), "no configuration: not set up");
    let empty = serde_json::json!({ "endpoints": [], "pubkey": "" });
    assert!(!UpdateSource::resolve(Some(&empty), None, None).configured());
    assert!(
        !UpdateSource::resolve(Some(&config), None, Some("")).configured(),
        "an endpoint without a key is not set up"
    );
}
