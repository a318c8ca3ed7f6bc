//! How long an edit takes to reach the phone mock in the app's own webview:
//! the built desktop app under Xvfb, a 200-module layout (and a 10-module one
//! as the baseline, measured in the same run), one field edited 60 times;
//! each edit timed from the input event to the frame after the phone shows
//! it (two animation frames: the second starts once the first is painted).
//! Prints medians and p95; never pass/fail. With `--json` the medians are
//! printed once more as one `BENCH-JSON {...}` line, for `make bench`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use fantoccini::Client;
use serde_json::{json, Value};
use wicket_e2e::*;

const PASSWORD: &str = "bench password 1";
const EDITS: usize = 60;

/// The timing loop, run inside the webview.
const MEASURE: &str = r#"
const done = arguments[arguments.length - 1];
const id = arguments[0], edits = arguments[1];
const phone = document.querySelector('[data-testid="phone"]');
const field = document.querySelector('[data-testid="inspector"] [data-field="text"]');
const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
const times = [];
const scripts = [];
let i = 0;
function one() {
  const text = '编辑 ' + i + ' 次';
  const start = performance.now();
  const shown = () => (phone.querySelector('[data-module-id="' + id + '"]') || {}).textContent || '';
  const observer = new MutationObserver(() => {
    if (!shown().includes(text)) return;
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      times.push(performance.now() - start);
      i += 1;
      if (i < edits) setTimeout(one, 40); else done({ times, scripts });
    }));
  });
  observer.observe(phone, { subtree: true, childList: true, characterData: true });
  setter.call(field, text);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  scripts.push(performance.now() - start);
}
one();
"#;

/// The floor: two animation frames with no edit at all, as this webview
/// schedules them under Xvfb (no compositor, no vsync).
const FRAMES: &str = r#"
const done = arguments[arguments.length - 1];
const edits = arguments[0];
const times = [];
function one() {
  const start = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    times.push(performance.now() - start);
    if (times.length < edits) setTimeout(one, 40); else done(times);
  }));
}
one();
"#;

fn layout(modules: usize) -> Value {
    let modules: Vec<Value> = (0..modules)
        .map(|i| json!({"id": format!("n{i}"), "props": {"kind": "notice", "text": format!("第 {i} 条通知"), "action": null}}))
        .collect();
    json!({"schema_version": 1, "modules": modules, "pages": [], "menu": {"items": []}})
}

async fn account_with_layout(base: &str, token: &str, id: &str, modules: usize) {
    let http = reqwest::Client::new();
    let push = json!({"client_id": format!("bench-{id}"), "mutations": [{"id": 1, "mutation": {"name": "create_account",
        "args": {"id": id, "name": format!("{modules} 个模块"), "platform": "wechat", "category": "", "description": "",
                 "avatar_color": "#1677ff"}}}]});
    let pushed = http.post(format!("{base}/api/v1/push")).bearer_auth(token).json(&push).send().await.unwrap();
    assert!(pushed.status().is_success(), "the account is created");
    let saved = http
        .put(format!("{base}/api/v1/accounts/{id}/layout/draft"))
        .bearer_auth(token)
        .header("if-match", "0")
        .json(&json!({"layout": layout(modules)}))
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "the {modules}-module draft is saved");
}

/// Each edit's whole time, and the part of it spent in the input event's own
/// script (React's render and commit; the rest is style, layout and paint).
async fn measure(client: &Client, account: &str, modules: usize) -> (Vec<f64>, Vec<f64>) {
    let picker = find(client, "designer-account").await;
    picker.select_by_value(account).await.expect("the account is chosen");
    let css = "[data-testid=\"phone\"] [data-module-id]";
    eventually(&format!("{modules} modules on the phone"), Duration::from_secs(60), || async {
        count(client, css).await == modules
    })
    .await;
    let target = format!("n{}", modules / 2);
    let select = format!("document.querySelector('[data-testid=\"phone\"] [data-module-id=\"{target}\"]').click();");
    client.execute(&select, vec![]).await.expect("the module is selected");
    find(client, "inspector").await;
    let answer = client.execute_async(MEASURE, vec![json!(target), json!(EDITS)]).await.expect("the edits are timed");
    let list = |key: &str| -> Vec<f64> {
        answer[key].as_array().expect("a list of times").iter().filter_map(Value::as_f64).collect()
    };
    (list("times"), list("scripts"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(label: &str, mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    let (median, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    println!(
        "{label:<22} edits {:>3}   median {median:>6.2} ms   p95 {p95:>6.2} ms   max {:>6.2} ms",
        times.len(),
        times[times.len() - 1]
    );
    median
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let data = tempfile::tempdir().unwrap();
    create_owner(data.path(), "bench", PASSWORD);
    let port = free_port();
    let _server = start_server(data.path(), port, logs.path(), 0);
    let base = format!("http://127.0.0.1:{port}");
    let token = api_token(&base, "bench", PASSWORD).await;
    account_with_layout(&base, &token, "small", 10).await;
    account_with_layout(&base, &token, "large", 200).await;

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;
    sign_in_to_team(&client, &base, "bench", PASSWORD).await;
    click(&client, "nav-designer").await;
    find(&client, "canvas").await;

    println!("An edit in the inspector until the phone mock has repainted, in the app's webview (WebKitGTK, Xvfb):");
    let floor = client.execute_async(FRAMES, vec![json!(EDITS)]).await.expect("the frames are timed");
    let floor = report("two frames, no edit", floor.as_array().unwrap().iter().filter_map(Value::as_f64).collect());
    let (small, small_script) = measure(&client, "small", 10).await;
    let small = report("10 modules (baseline)", small);
    report("  of which the script", small_script);
    let (large, large_script) = measure(&client, "large", 200).await;
    let large = report("200 modules", large);
    report("  of which the script", large_script);
    // The floor again with the 200 modules on screen: idle frames cost no more than before.
    let shown = client.execute_async(FRAMES, vec![json!(EDITS)]).await.expect("the frames are timed");
    let shown = report("two frames, 200 shown", shown.as_array().unwrap().iter().filter_map(Value::as_f64).collect());
    println!("ratio of medians, 200 / 10 modules: {:.2}", large / small);
    println!(
        "above the two-frame floor: 10 modules {:.2} ms, 200 modules {:.2} ms",
        (small - floor).max(0.0),
        (large - floor).max(0.0)
    );
    println!("one frame at 60 Hz is 16.7 ms");
    if std::env::args().any(|arg| arg == "--json") {
        let figures =
            json!({"idle_frame_ms": floor, "small_ms": small, "large_ms": large, "idle_frame_shown_ms": shown});
        println!("BENCH-JSON {figures}");
    }
    client.close().await.unwrap();
}
