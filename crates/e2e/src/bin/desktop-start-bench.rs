//! The desktop app's start-up time and memory, each against a bare Tauri
//! window (`wicket-bench-window`, built from crates/bench-window) measured in
//! the same run on the same virtual display.
//!
//! Each run starts the program afresh through tauri-driver under Xvfb, with
//! a new, empty home (its own XDG data, config and cache folders), app and
//! bare window in turn. It times from asking WebDriver for the session (which
//! starts the program) until the first screen's element a person uses first
//! is there: Wicket's local-mode name field on its first screen, the bare
//! window's one element. After the program has settled (`--settle`, 2 s) it
//! adds up the proportional set size (PSS, `/proc/<pid>/smaps_rollup`) of the
//! program's process and every process under it: WebKitGTK's web and network
//! processes included.
//!
//! Then memory with a large cache open: the app starts local mode once in a
//! home of its own and closes; `desktop-cache` (crates/bench, release) fills
//! that workspace's cache file with `--cache-messages` messages of the inbox
//! corpus; the app is opened on that home again (it restores the local
//! session), shows the inbox, settles, and its PSS is read as above. The
//! same on a home whose cache was left empty, in turn, tells what the
//! messages add to the signed-in app with its inbox shown.
//!
//! Prints medians and spreads; never pass/fail. With `--json` the medians
//! are printed once more as one `BENCH-JSON {...}` line, for `make bench`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use wicket_e2e::*;

/// WICKET_APP and WICKET_BENCH_WINDOW name the two programs (target/debug by default).
#[derive(Parser)]
struct Args {
    /// Starts of each program for the cold-start and idle-memory figures.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Seconds a started program is left to settle before its memory is read.
    #[arg(long = "settle", default_value_t = 2.0)]
    settle_s: f64,
    /// Messages in the cache the app opens (0: no cache rows).
    #[arg(long, default_value_t = 1_000_000)]
    cache_messages: usize,
    #[arg(long, default_value_t = 20_000)]
    cache_conversations: usize,
    /// The program that writes the cache (a release build of desktop-cache).
    #[arg(long, env = "DESKTOP_CACHE_BIN")]
    cache_writer: Option<PathBuf>,
    /// Only the memory with the cache open (and with it empty).
    #[arg(long)]
    cache_only: bool,
    /// Print the medians once more as one `BENCH-JSON {...}` line.
    #[arg(long)]
    json: bool,
}

impl Args {
    /// At least one.
    fn runs(&self) -> usize {
        self.runs.max(1)
    }

    fn settle(&self) -> Duration {
        Duration::from_secs_f64(self.settle_s)
    }

    fn cache_writer(&self) -> PathBuf {
        self.cache_writer.clone().unwrap_or_else(|| workspace_root().join("target/release/desktop-cache"))
    }
}

/// The parent of each process now running, from `/proc/<pid>/stat`.
fn parents() -> BTreeMap<u32, u32> {
    let mut parents = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return parents };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid …": the name may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parents.insert(pid, ppid);
        }
    }
    parents
}

/// `root` and every process under it.
fn tree(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, p)| **p == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    found
}

/// The file a process runs, by its name.
fn exe_name(pid: u32) -> Option<String> {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let name = exe.file_name()?.to_string_lossy().into_owned();
    Some(name.trim_end_matches(" (deleted)").to_owned())
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned()
}

/// The program's process: under tauri-driver (which starts WebKitWebDriver,
/// which starts the program), running the program's file.
fn program_pid(driver: &Process, program: &Path) -> u32 {
    let name = program.file_name().expect("a file name").to_string_lossy().into_owned();
    let found = tree(driver.pid()).into_iter().find(|pid| exe_name(*pid).as_deref() == Some(name.as_str()));
    found.unwrap_or_else(|| panic!("no process running {name} under tauri-driver ({})", driver.pid()))
}

/// PSS in KiB of one process (0 when it is gone or unreadable).
fn pss_kib(pid: u32) -> u64 {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

/// The PSS of the program's process tree in MiB, and each process's share.
fn tree_pss(root: u32) -> (f64, Vec<(String, f64)>) {
    let parts: Vec<(String, f64)> =
        tree(root).into_iter().map(|pid| (comm(pid), pss_kib(pid) as f64 / 1024.0)).collect();
    (parts.iter().map(|(_, mib)| mib).sum(), parts)
}

fn wait_gone(pid: u32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

/// Ends the session, which ends the program, and tauri-driver; the program
/// is stopped by its pid if it outlived them.
async fn finish(client: fantoccini::Client, mut driver: Process, pid: u32) {
    client.close().await.expect("the session ends");
    let gone = wait_gone(pid, Duration::from_secs(20));
    driver.stop();
    if !gone && !wait_gone(pid, Duration::from_secs(5)) {
        let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        wait_gone(pid, Duration::from_secs(10));
    }
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// One program on the virtual display.
struct Program<'a> {
    label: &'static str,
    path: PathBuf,
    /// The element a person uses first on its first screen.
    first: &'static str,
    display: &'a str,
    bus: &'a str,
    logs: &'a Path,
}

struct Measured {
    start_s: f64,
    pss_mib: f64,
}

impl Program<'_> {
    fn driver(&self, home: &Path) -> (Process, u16) {
        let mut env = vec![("DBUS_SESSION_BUS_ADDRESS", self.bus)];
        if !has_render_node() {
            // What the app chooses for itself on a machine without a GPU
            // (src-tauri's `choose_rendering_path`): the bare window takes
            // the same WebKit rendering path, so it is the same baseline.
            env.push(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"));
        }
        start_tauri_driver_with(self.display, home, self.logs, &env)
    }

    /// A start from nothing: a new home, the time to the first screen's
    /// element, then the settled memory.
    async fn cold_start(&self, settle: Duration) -> Measured {
        let home = tempfile::tempdir().expect("a home");
        let (driver, port) = self.driver(home.path());
        let asked = Instant::now();
        let client = open_app(port, &self.path, &driver).await;
        find(&client, self.first).await;
        let start_s = asked.elapsed().as_secs_f64();
        tokio::time::sleep(settle).await;
        let pid = program_pid(&driver, &self.path);
        let (pss_mib, parts) = tree_pss(pid);
        let parts: Vec<String> = parts.iter().map(|(name, mib)| format!("{name} {mib:.1}")).collect();
        println!("  {:<18} start {start_s:>6.2} s   PSS {pss_mib:>7.1} MiB   ({} MiB)", self.label, parts.join(", "));
        finish(client, driver, pid).await;
        Measured { start_s, pss_mib }
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn report(label: &str, unit: &str, values: &[f64]) -> f64 {
    let m = median(values);
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!("{label:<48} median {m:>8.2} {unit:<3}  spread {lo:.2}–{hi:.2}  runs {}", values.len());
    m
}

/// A home where the app has started local mode once, then closed; with
/// `corpus`, its workspace cache has the corpus added.
async fn local_home(app: &Program<'_>, corpus: Option<&Args>) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("a home");
    let (driver, port) = app.driver(home.path());
    let client = open_app(port, &app.path, &driver).await;
    type_into(&client, "local-name", "Bench").await;
    click(&client, "start-local").await;
    find(&client, "nav-conversations").await;
    let pid = program_pid(&driver, &app.path);
    finish(client, driver, pid).await;
    let Some(args) = corpus else { return home };
    let cache = home.path().join("data/app.wicket.console/workspaces/local/cache.sqlite");
    let started = Instant::now();
    let status = Command::new(args.cache_writer())
        .arg("--cache")
        .arg(&cache)
        .args(["--messages", &args.cache_messages.to_string()])
        .args(["--conversations", &args.cache_conversations.to_string()])
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e} (build it: cargo build --release -p wicket-bench)",
                args.cache_writer().display()
            )
        });
    assert!(status.success(), "desktop-cache failed ({status})");
    println!("  the cache of {} messages was written in {:.0} s", args.cache_messages, started.elapsed().as_secs_f64());
    home
}

/// The app on `home` (its local session restored), the inbox shown: the
/// settled memory. `rows`: the cache holds conversations, and the list
/// shows them.
async fn inbox_open(app: &Program<'_>, home: &Path, settle: Duration, rows: bool) -> f64 {
    let (driver, port) = app.driver(home);
    let client = open_app(port, &app.path, &driver).await;
    click(&client, "nav-conversations").await;
    find(&client, if rows { "conversation-row" } else { "inbox" }).await;
    tokio::time::sleep(settle).await;
    // Still the corpus: a sync that started the cache again from empty would
    // have emptied the list.
    let shown = count(&client, &testid("conversation-row")).await;
    assert_eq!(shown > 0, rows, "the inbox lists {shown} conversations");
    let pid = program_pid(&driver, &app.path);
    let (pss_mib, parts) = tree_pss(pid);
    let parts: Vec<String> = parts.iter().map(|(name, mib)| format!("{name} {mib:.1}")).collect();
    let label = if rows { "app, inbox, cache" } else { "app, inbox, empty" };
    println!("  {label:<18} PSS {pss_mib:>7.1} MiB   ({} MiB)", parts.join(", "));
    finish(client, driver, pid).await;
    pss_mib
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let (_bus, bus) = start_session_bus(logs.path());
    let app = Program {
        label: "app",
        path: built("WICKET_APP", "wicket"),
        first: "local-name",
        display: &display,
        bus: &bus,
        logs: logs.path(),
    };
    let window = Program {
        label: "bare Tauri window",
        path: built("WICKET_BENCH_WINDOW", "wicket-bench-window"),
        first: "ready",
        display: &display,
        bus: &bus,
        logs: logs.path(),
    };

    if has_render_node() {
        println!("A GPU render node is here: both programs keep WebKit's own rendering path.");
    } else {
        println!("No GPU render node: both programs take WebKit's CPU rendering path, as the app does by itself.");
    }
    let (mut app_runs, mut window_runs) = (Vec::new(), Vec::new());
    if !args.cache_only {
        println!("Cold start (new empty home each run) and settled memory, app and bare Tauri window in turn:");
        for run in 0..args.runs() {
            // Alternating which goes first: neither always meets the other's leftovers.
            if run % 2 == 0 {
                app_runs.push(app.cold_start(args.settle()).await);
                window_runs.push(window.cold_start(args.settle()).await);
            } else {
                window_runs.push(window.cold_start(args.settle()).await);
                app_runs.push(app.cold_start(args.settle()).await);
            }
        }
    }
    let (mut cache_runs, mut empty_runs, mut cache_window_runs) = (Vec::new(), Vec::new(), Vec::new());
    if args.cache_messages > 0 {
        println!(
            "The inbox open with {} messages in the cache, with an empty cache, and a bare Tauri window, in turn:",
            args.cache_messages
        );
        let full = local_home(&app, Some(&args)).await;
        let empty = local_home(&app, None).await;
        for _ in 0..args.runs() {
            cache_runs.push(inbox_open(&app, full.path(), args.settle(), true).await);
            empty_runs.push(inbox_open(&app, empty.path(), args.settle(), false).await);
            cache_window_runs.push(window.cold_start(args.settle()).await.pss_mib);
        }
    }

    println!();
    let pick = |runs: &[Measured], f: fn(&Measured) -> f64| runs.iter().map(f).collect::<Vec<f64>>();
    let mut figures = serde_json::Map::new();
    if !app_runs.is_empty() {
        let app_start = report("app: session asked to local-name shown", "s", &pick(&app_runs, |m| m.start_s));
        let window_start =
            report("bare window: session asked to its page shown", "s", &pick(&window_runs, |m| m.start_s));
        let app_pss = report("app: PSS idle, whole process tree", "MiB", &pick(&app_runs, |m| m.pss_mib));
        let window_pss = report("bare window: PSS idle, whole process tree", "MiB", &pick(&window_runs, |m| m.pss_mib));
        println!(
            "ratio of medians, app / bare window: start {:.2}, memory {:.2}",
            app_start / window_start,
            app_pss / window_pss
        );
        figures.insert("app_start_s".into(), json!(app_start));
        figures.insert("window_start_s".into(), json!(window_start));
        figures.insert("app_idle_pss_mib".into(), json!(app_pss));
        figures.insert("window_idle_pss_mib".into(), json!(window_pss));
    }
    if !cache_runs.is_empty() {
        let label = format!("app: PSS, {} messages cached, inbox open", args.cache_messages);
        let cached = report(&label, "MiB", &cache_runs);
        let empty = report("app: PSS, empty cache, inbox open", "MiB", &empty_runs);
        let window_pss = report("bare window: PSS idle, in turn with them", "MiB", &cache_window_runs);
        println!(
            "ratio of medians to the bare window: with the cache {:.2}, empty {:.2}",
            cached / window_pss,
            empty / window_pss
        );
        figures.insert("app_cache_pss_mib".into(), json!(cached));
        figures.insert("app_empty_inbox_pss_mib".into(), json!(empty));
        figures.insert("cache_window_pss_mib".into(), json!(window_pss));
    }
    if args.json {
        println!("BENCH-JSON {}", serde_json::Value::Object(figures));
    }
}
