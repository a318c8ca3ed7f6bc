//! Settings › Updates in the real app: pointed at an update manifest served
//! on loopback (through `WICKET_UPDATE_ENDPOINTS` and `WICKET_UPDATE_PUBKEY`,
//! read when the console starts), it offers the newer version with its notes
//! and lets staff put it off. Nothing is installed here: the signature checks
//! are src-tauri/src/updates_tests.rs's. The fixtures are a package signed
//! with `tauri signer sign --app-version 0.2.0` and its test-only public key.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wicket_e2e::*;

/// Serves `/latest.json` and `/wicket-0.2.0.pkg` on 127.0.0.1; returns the base URL.
async fn serve_release() -> String {
    let fixtures = workspace_root().join("crates/e2e/tests/fixtures/update");
    let package = std::fs::read(fixtures.join("wicket-0.2.0.pkg")).unwrap();
    let signature = std::fs::read_to_string(fixtures.join("wicket-0.2.0.pkg.sig")).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let platforms: serde_json::Map<String, serde_json::Value> = ["linux-x86_64", "linux-aarch64"]
        .iter()
        .map(|p| {
            (
                p.to_string(),
                serde_json::json!({ "url": format!("{base}/wicket-0.2.0.pkg"), "signature": signature.trim() }),
            )
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "version": "0.2.0",
        "notes": "会员卡菜单修复；收件箱搜索更快。",
        "pub_date": "2025-03-01T08:00:00Z",
        "platforms": platforms,
    }))
    .unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (manifest, package) = (manifest.clone(), package.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request).into_owned();
                let (status, body) = match text.split_whitespace().nth(1) {
                    Some("/latest.json") => ("200 OK", manifest),
                    Some("/wicket-0.2.0.pkg") => ("200 OK", package),
                    _ => ("404 Not Found", b"not here".to_vec()),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_offers_an_update_from_the_configured_server() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let base = serve_release().await;
    let endpoint = format!("{base}/latest.json");
    let pubkey =
        std::fs::read_to_string(workspace_root().join("crates/e2e/tests/fixtures/update/updates-test-key.pub"))
            .unwrap();
    let home = tempfile::tempdir().unwrap();
    let env = [("WICKET_UPDATE_ENDPOINTS", endpoint.as_str()), ("WICKET_UPDATE_PUBKEY", pubkey.trim())];
    let (driver, driver_port) = start_tauri_driver_with(&display, home.path(), logs.path(), &env);
    let client = open_app(driver_port, &app, &driver).await;

    type_into(&client, "local-name", "李雷").await;
    click(&client, "start-local").await;
    click(&client, "nav-settings").await;
    let current = find(&client, "updates-current").await.text().await.unwrap();
    assert!(current.contains("0.1.0"), "the installed version is shown: {current}");
    let scroll = "document.querySelector('[data-testid=\"settings-updates\"]').scrollIntoView()";
    client.execute(scroll, vec![]).await.unwrap();
    click(&client, "updates-check").await;
    let offer = find(&client, "updates-offer").await.text().await.unwrap();
    assert!(offer.contains("0.2.0"), "the newer version is offered: {offer}");
    let notes = find(&client, "updates-notes").await.text().await.unwrap();
    assert_eq!(notes, "会员卡菜单修复；收件箱搜索更快。");
    find(&client, "updates-install").await;
    client.execute(scroll, vec![]).await.unwrap();
    screenshot(&client, &display, "settings-update-offer").await;

    click(&client, "updates-later").await;
    eventually("Later puts the offer away", Duration::from_secs(10), || async {
        count(&client, &testid("updates-offer")).await == 0
    })
    .await;
    find(&client, "updates-check").await;
    client.close().await.unwrap();
}
