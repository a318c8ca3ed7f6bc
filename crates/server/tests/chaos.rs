//! Chaos: a console and the server, both real processes, killed (SIGKILL) at
//! random moments while staff write, the console pushes and pulls, over and
//! over. Every change the console said it had written must reach the server
//! exactly once and in the order written, and after a last sync the
//! console's cache must show what the server holds.
//!
//! The server is the `wicket-server` binary on a loopback port picked here,
//! its data in a temporary folder. The console is this program run again in
//! a console role: it opens a real cache file, writes numbered changes
//! through the outbox (saying `written k` once each has committed) and runs
//! the sync engine. Meanwhile an observer reads the server's change feed
//! after every kill and checks that the changes so far are exactly 1, 2, 3…
//!
//! Seeded: `WICKET_CHAOS_SEED` replays a run (the seed is printed, and named
//! in every failure); `WICKET_CHAOS_KILLS` sets how many kills (120 by
//! default). Each kill comes at most a second after the last restart, so the
//! run's length is bounded by the number of kills.
//!
//! No libtest harness (`harness = false` in Cargo.toml): the same program is
//! both the test and the console it kills.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use wicket_model::conversation::{ConversationStatus, MessageBody};
use wicket_model::inbox::{InboxFilter, InboxScope};
use wicket_model::sync::{Connection, NumberedMutation, PullResponse, PushRequest};
use wicket_model::{Change, Mutation, NewAccount, PlatformProfile};
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncOptions};
use wicket_test_support::{free_port, ChildProcess};

const TEST_NAME: &str = "chaos_console_and_server_killed_at_random_lose_and_double_no_change";
const DEFAULT_SEED: u64 = 20_261_203;
const DEFAULT_KILLS: u32 = 120;
/// The console stops writing here (a bound on the run's work, far above
/// what a run writes at its pace).
const MAX_CHANGES: u64 = 50_000;
const ACCOUNT: &str = "chaos-shop";
const OWNER: &str = "owner";
const PASSWORD: &str = "chaos-password";

fn main() -> ExitCode {
    if std::env::var_os("WICKET_CHAOS_ROLE").is_some() {
        return console_role();
    }
    if !selected(std::env::args().skip(1).collect()) {
        return ExitCode::SUCCESS;
    }
    println!("running 1 test");
    chaos();
    println!("test {TEST_NAME} ... ok");
    ExitCode::SUCCESS
}

/// Whether libtest's arguments, as `cargo test` passes them on, select this
/// test: a name filter (`--exact` for the whole name), `--skip`, `--ignored`
/// (it is not ignored) and `--list` are understood; other flags are ignored.
fn selected(args: Vec<String>) -> bool {
    let (mut filters, mut skips, mut exact, mut ignored_only, mut list) = (Vec::new(), Vec::new(), false, false, false);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--exact" => exact = true,
            "--ignored" => ignored_only = true,
            "--list" => list = true,
            "--skip" => skips.extend(args.next()),
            // Flags that take a value as the next argument.
            "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" | "--report-time" => {
                args.next();
            }
            flag if flag.starts_with('-') => {}
            filter => filters.push(filter.to_owned()),
        }
    }
    let matches = |pattern: &str| if exact { TEST_NAME == pattern } else { TEST_NAME.contains(pattern) };
    let chosen = !ignored_only
        && (filters.is_empty() || filters.iter().any(|f| matches(f)))
        && !skips.iter().any(|s| TEST_NAME.contains(s.as_str()));
    if list {
        if chosen {
            println!("{TEST_NAME}: test");
        }
        return false;
    }
    chosen
}

// ---- The changes ------------------------------------------------------------

/// Every third change adds a note whose id names its number; the two
/// between set the conversation's status, each time to another one than the
/// last, so that each shows in the feed and a change applied twice shows too
/// (setting an earlier status again, between two later ones).
fn is_note(k: u64) -> bool {
    k % 3 == 1
}

fn is_status(k: u64) -> bool {
    !is_note(k)
}

/// The status change `k` sets: the statuses cycle over the status changes,
/// so any three in a row differ (`k` 2 is the first, from `Open`).
fn status_of(k: u64) -> ConversationStatus {
    const CYCLE: [ConversationStatus; 3] =
        [ConversationStatus::Pending, ConversationStatus::Resolved, ConversationStatus::Open];
    let notes_up_to_k = k.div_ceil(3);
    CYCLE[((k - notes_up_to_k - 1) % 3) as usize]
}

fn note_id(k: u64) -> String {
    format!("chaos-{k:06}")
}

fn note_number(id: &str) -> Option<u64> {
    id.strip_prefix("chaos-")?.parse().ok()
}

fn change(k: u64, conversation: &str) -> Mutation {
    if is_status(k) {
        Mutation::SetConversationStatus { id: conversation.to_owned(), status: status_of(k) }
    } else {
        Mutation::SendMessage {
            id: note_id(k),
            conversation_id: conversation.to_owned(),
            body: MessageBody::Text { text: format!("第 {k} 条备注") },
            note: true,
        }
    }
}

// ---- The console's process --------------------------------------------------

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the console role needs {name}"))
}

/// The console: opens the cache, finds the last change it wrote, then either
/// writes on (`write`) until it is killed, or syncs until nothing waits and
/// says what its cache shows (`settle`).
fn console_role() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(console(
        PathBuf::from(env("WICKET_CHAOS_CACHE")),
        env("WICKET_CHAOS_SERVER"),
        env("WICKET_CHAOS_TOKEN"),
        env("WICKET_CHAOS_CONVERSATION"),
        env("WICKET_CHAOS_ROLE") == "settle",
        env("WICKET_CHAOS_SEED").parse().expect("a numeric seed"),
    ));
    ExitCode::SUCCESS
}

async fn console(cache: PathBuf, server: String, token: String, conversation: String, settle: bool, seed: u64) {
    let cache = Arc::new(Cache::open(&cache).expect("the cache opens"));
    let client = ServerClient::new(&server).expect("a client");
    let options = SyncOptions { poll_every: Duration::from_millis(100), poll_every_live: Duration::from_millis(100) };
    let engine = SyncEngine::start_with(cache.clone(), client, token, Arc::new(|_| {}), options);
    let last = last_written(&cache, &conversation);
    println!("resumed {last}");
    if settle {
        // Nudged now and then: after failed rounds the engine backs off.
        let mut said_at = std::time::Instant::now();
        loop {
            let status = engine.status();
            if status.connection == Connection::Online && status.pending == 0 {
                break;
            }
            if said_at.elapsed() > Duration::from_secs(5) {
                eprintln!("still syncing: {status:?}");
                said_at = std::time::Instant::now();
            }
            engine.nudge();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (pending, rejected) = cache.outbox_counts().expect("the outbox counts");
        let notes: Vec<String> = cached_notes(&cache, &conversation).iter().map(u64::to_string).collect();
        println!("outbox {pending} {rejected}");
        println!("notes {}", notes.join(","));
        println!("status {:?}", cached_status(&cache, &conversation));
        println!("client {}", cache.client_id().expect("a client id"));
        println!("settled");
        engine.stop();
        return;
    }
    // Staff work in bursts (a reply typed, a few clicks), with pauses.
    let mut rng = StdRng::seed_from_u64(seed);
    let mut k = last + 1;
    loop {
        for _ in 0..rng.gen_range(1..=20) {
            if k > MAX_CHANGES {
                std::future::pending::<()>().await
            }
            cache.enqueue(&change(k, &conversation), now_ms()).expect("the change is written");
            println!("written {k}");
            engine.nudge();
            k += 1;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..5))).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(10..300))).await;
    }
}

/// The number of the last change this cache holds (pulled, or waiting in
/// the outbox): the newest note, or one of the two status changes after it
/// when the conversation shows its status.
fn last_written(cache: &Cache, conversation: &str) -> u64 {
    let newest_note = cached_notes(cache, conversation).into_iter().max().unwrap_or(0);
    let status = cached_status(cache, conversation);
    [newest_note + 2, newest_note + 1]
        .into_iter()
        .find(|k| is_status(*k) && status == Some(status_of(*k)))
        .unwrap_or(newest_note)
}

/// The numbers of the notes in the cached thread (waiting ones included),
/// oldest first.
fn cached_notes(cache: &Cache, conversation: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut before = None;
    loop {
        let page = cache.messages(conversation, before.as_ref(), 500).expect("the thread reads");
        let mut older: Vec<u64> = page.messages.iter().filter_map(|m| note_number(&m.message.id)).collect();
        older.append(&mut ids);
        ids = older;
        match page.older {
            Some(cursor) => before = Some(cursor),
            None => return ids,
        }
    }
}

/// The conversation's status with the waiting changes on top.
fn cached_status(cache: &Cache, conversation: &str) -> Option<ConversationStatus> {
    let everything =
        InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false };
    let listed = cache.conversations(&everything, "").expect("the inbox reads");
    listed.into_iter().find(|item| item.conversation.id == conversation).map(|item| item.conversation.status)
}

fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

// ---- Processes --------------------------------------------------------------

fn append_log(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new().create(true).append(true).open(path).expect("a log file")
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

struct Server {
    binary: PathBuf,
    data: PathBuf,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn create_owner(&self) {
        use std::io::Write;
        let mut child = Command::new(&self.binary)
            .arg("--data")
            .arg(&self.data)
            .args(["create-owner", "--login", OWNER])
            .stdin(Stdio::piped())
            .stdout(append_log(&self.log))
            .stderr(append_log(&self.log))
            .spawn()
            .expect("wicket-server create-owner starts");
        child.stdin.take().expect("stdin").write_all(format!("{PASSWORD}\n").as_bytes()).expect("the password");
        assert!(child.wait().expect("create-owner ends").success(), "the owner is created: {}", tail(&self.log));
    }

    /// Starts the server and waits until it listens; tries again if the
    /// port is not free yet after a kill.
    fn start(&self) -> ChildProcess {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let child = Command::new(&self.binary)
                .arg("--data")
                .arg(&self.data)
                .args(["--listen", &format!("127.0.0.1:{}", self.port)])
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(append_log(&self.log))
                .stderr(append_log(&self.log))
                .spawn()
                .expect("wicket-server starts");
            let mut server = ChildProcess::adopt("wicket-server", child, None);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                    return server;
                }
                if server.exited() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            assert!(Instant::now() < deadline, "wicket-server did not listen on {}: {}", self.port, tail(&self.log));
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// What the console processes said on their standard output.
#[derive(Default)]
struct Said {
    /// The highest change number a console said was written.
    reported: u64,
    written_lines: u64,
    /// Each run's starting point, as its cache showed it.
    resumed: Vec<u64>,
    /// A settling run's report, by its first word.
    settled: BTreeMap<String, String>,
    /// Anything that does not add up, as it was seen.
    problems: Vec<String>,
}

struct ConsoleRun {
    process: ChildProcess,
    reader: JoinHandle<()>,
}

impl ConsoleRun {
    /// Kills the console; returns once everything it said is read.
    fn kill(mut self) {
        self.process.kill();
        let _ = self.reader.join();
    }
}

struct Setup {
    exe: PathBuf,
    cache: PathBuf,
    log: PathBuf,
    base: String,
    token: String,
    conversation: String,
}

fn start_console(setup: &Setup, role: &str, seed: u64, said: &Arc<Mutex<Said>>) -> ConsoleRun {
    let child = Command::new(&setup.exe)
        .env("WICKET_CHAOS_ROLE", role)
        .env("WICKET_CHAOS_CACHE", &setup.cache)
        .env("WICKET_CHAOS_SERVER", &setup.base)
        .env("WICKET_CHAOS_TOKEN", &setup.token)
        .env("WICKET_CHAOS_CONVERSATION", &setup.conversation)
        .env("WICKET_CHAOS_SEED", seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(append_log(&setup.log))
        .spawn()
        .expect("the console starts");
    let mut child = child;
    let stdout = child.stdout.take().expect("the console's output");
    let process = ChildProcess::adopt("console", child, None);
    let said = said.clone();
    let reader = std::thread::spawn(move || {
        let mut expected = None;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let (word, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let mut said = said.lock().unwrap();
            match word {
                "resumed" => {
                    let k: u64 = rest.parse().expect("a number");
                    if k < said.reported {
                        let problem = format!(
                            "the cache holds changes up to {k} only, but change {} was written (lost)",
                            said.reported
                        );
                        said.problems.push(problem);
                    }
                    said.resumed.push(k);
                    expected = Some(k + 1);
                }
                "written" => {
                    let k: u64 = rest.parse().expect("a number");
                    if Some(k) != expected {
                        said.problems.push(format!("the console wrote change {k} after {expected:?}"));
                    }
                    expected = Some(k + 1);
                    said.reported = said.reported.max(k);
                    said.written_lines += 1;
                }
                _ => {
                    said.settled.insert(word.to_owned(), rest.to_owned());
                }
            }
        }
    });
    ConsoleRun { process, reader }
}

// ---- The observer -----------------------------------------------------------

/// Reads the server's change feed as it grows and checks that the console's
/// changes in it are exactly 1, 2, 3… in that order.
struct Observer {
    client: ServerClient,
    token: String,
    conversation: String,
    cursor: i64,
    status: ConversationStatus,
    /// The next change number the feed should show.
    next: u64,
    /// Feed entries per note.
    notes: BTreeMap<u64, u32>,
    doubled: u64,
    /// Status changes where another change was expected.
    out_of_order: u64,
    problems: Vec<String>,
}

impl Observer {
    async fn page(&self) -> PullResponse {
        // The server may have just been restarted: a pooled connection to
        // the old process fails once.
        let mut tries = 0;
        loop {
            match self.client.pull(&self.token, "chaos-observer", self.cursor, 1000).await {
                Ok(page) => return page,
                Err(_) if tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => panic!("the observer cannot read the feed: {error}"),
            }
        }
    }

    /// Reads the feed to its end.
    async fn catch_up(&mut self) {
        loop {
            let page = self.page().await;
            if let Some(newest) = page.newest.filter(|newest| *newest < self.cursor) {
                self.problems.push(format!("the server's feed went back from position {} to {newest}", self.cursor));
            }
            for entry in &page.changes {
                self.take(entry.seq, &entry.change);
            }
            self.cursor = page.cursor;
            if !page.more {
                return;
            }
        }
    }

    fn take(&mut self, seq: i64, change: &Change) {
        match change {
            Change::Message(message) => {
                let Some(k) = note_number(&message.id) else { return };
                let seen = self.notes.entry(k).or_default();
                *seen += 1;
                if *seen > 1 {
                    self.doubled += 1;
                    self.problems.push(format!("note {k} is in the feed again at position {seq} (doubled)"));
                } else if k != self.next {
                    self.problems.push(format!(
                        "note {k} is in the feed at position {seq} where change {} was expected (lost or out of order)",
                        self.next
                    ));
                    self.next = self.next.max(k + 1);
                } else {
                    self.next += 1;
                }
            }
            Change::Conversation(conversation) if conversation.id == self.conversation => {
                if conversation.status == self.status {
                    return; // a note touched it
                }
                if is_status(self.next) && conversation.status == status_of(self.next) {
                    self.next += 1;
                } else {
                    self.out_of_order += 1;
                    self.problems.push(format!(
                        "the status became {:?} at position {seq} where change {} was expected (doubled or out of order)",
                        conversation.status, self.next
                    ));
                }
                self.status = conversation.status;
            }
            _ => {}
        }
    }
}

// ---- Setting up -------------------------------------------------------------

async fn prepare(base: &str) -> (String, String, Observer) {
    let client = ServerClient::new(base).expect("a client");
    let token = client.sign_in(OWNER, PASSWORD).await.expect("the owner signs in").token;
    let shop = NewAccount {
        id: ACCOUNT.into(),
        name: "混沌咖啡".into(),
        platform: PlatformProfile::Alipay,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    };
    let request = PushRequest {
        client_id: "chaos-setup".into(),
        mutations: vec![NumberedMutation { id: 1, mutation: Mutation::CreateAccount(shop) }],
    };
    let answer = client.push(&token, &request).await.expect("the account is pushed");
    assert!(answer.rejected.is_empty(), "the account is valid: {:?}", answer.rejected);

    // A subscriber writes: the conversation the console's changes go to.
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{base}/s/api/{ACCOUNT}/{path}");
    let followed = http.post(url("follow")).send().await.expect("the sandbox answers");
    assert!(followed.status().is_success(), "the sandbox takes the follow");
    let cookie = followed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body = serde_json::json!({"client_msg_id": "hello", "body": {"type": "text", "text": "你好"}});
    let said = http.post(url("messages")).header("cookie", &cookie).json(&body).send().await.unwrap();
    assert!(said.status().is_success(), "the sandbox takes the message");

    let mut observer = Observer {
        client,
        token: token.clone(),
        conversation: String::new(),
        cursor: 0,
        status: ConversationStatus::Open,
        next: 1,
        notes: BTreeMap::new(),
        doubled: 0,
        out_of_order: 0,
        problems: Vec::new(),
    };
    let mut conversation = None;
    loop {
        let page = observer.page().await;
        for entry in page.changes {
            if let Change::Conversation(c) = entry.change {
                if c.account_id == ACCOUNT {
                    conversation = Some((c.id, c.status));
                }
            }
        }
        observer.cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let (conversation, status) = conversation.expect("the subscriber's conversation is in the feed");
    assert!(![status_of(2), status_of(3)].contains(&status), "the first status changes change the status");
    observer.conversation = conversation.clone();
    observer.status = status;
    (token, conversation, observer)
}

// ---- The run ----------------------------------------------------------------

/// Fails the test naming the seed, with the end of both logs.
struct Failure {
    seed: u64,
    dir: PathBuf,
}

impl Failure {
    fn fail(&self, what: String) -> ! {
        let (seed, dir) = (self.seed, self.dir.display());
        panic!(
            "chaos (seed {seed}; replay with WICKET_CHAOS_SEED={seed}): {what}\n\
             The server's data, the console's cache and both logs are kept in {dir}.\n\
             The server's log ends:\n{}\nThe console's log ends:\n{}",
            tail(&self.dir.join("server.log")),
            tail(&self.dir.join("console.log"))
        )
    }
}

#[derive(Default)]
struct Kills {
    console: u32,
    server: u32,
}

fn chaos() {
    let seed = std::env::var("WICKET_CHAOS_SEED").ok().map_or(DEFAULT_SEED, |s| s.parse().expect("a numeric seed"));
    let wanted = std::env::var("WICKET_CHAOS_KILLS").ok().map_or(DEFAULT_KILLS, |s| s.parse().expect("a number"));
    println!("chaos: seed {seed} (WICKET_CHAOS_SEED replays it), {wanted} kills");
    let began = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    // Kept when the test fails, for a look at both databases and logs.
    let dir = tempfile::Builder::new().prefix("wicket-chaos-").tempdir().expect("a temporary folder").keep();
    let server = Server {
        binary: PathBuf::from(env!("CARGO_BIN_EXE_wicket-server")),
        data: dir.join("server"),
        port: free_port(),
        log: dir.join("server.log"),
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    server.create_owner();
    let mut server_process = Some(server.start());
    let (token, conversation, mut observer) = runtime.block_on(prepare(&server.base()));
    let setup = Setup {
        exe: std::env::current_exe().expect("this program's path"),
        cache: dir.join("console.sqlite"),
        log: dir.join("console.log"),
        base: server.base(),
        token,
        conversation,
    };
    let said = Arc::new(Mutex::new(Said::default()));
    let failure = Failure { seed, dir: dir.clone() };
    let fail = |what: String| failure.fail(what);

    // The console pulls the conversation first, as a signed-in console has.
    settle(&setup, &said, &failure);

    let mut kills = Kills::default();
    let mut console = None;
    let mut server_down_rounds = 0_u32;
    while kills.console + kills.server < wanted {
        if server_process.is_none() && server_down_rounds == 0 {
            server_process = Some(server.start());
        }
        server_down_rounds = server_down_rounds.saturating_sub(1);
        if console.is_none() {
            console = Some(start_console(&setup, "write", rng.gen(), &said));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(10..1000)));
        // Most often the console, often the server, sometimes both at once
        // (a power cut on a one-machine setup).
        let pick = rng.gen_range(0..10);
        if pick <= 5 || pick == 9 {
            if let Some(run) = console.take() {
                run.kill();
                kills.console += 1;
            }
        }
        if pick >= 6 {
            if let Some(mut process) = server_process.take() {
                process.kill();
                kills.server += 1;
                // Now and then the server stays down a while: the console
                // writes offline and catches up later.
                if rng.gen_bool(0.25) {
                    server_down_rounds = 1;
                }
            }
        }
        if server_process.is_some() {
            runtime.block_on(observer.catch_up());
        }
        let problems = [said.lock().unwrap().problems.clone(), observer.problems.clone()].concat();
        if !problems.is_empty() {
            fail(format!("after {} console and {} server kills: {}", kills.console, kills.server, problems.join("; ")));
        }
    }

    // The end: the server up, the console's last run killed too, then a
    // console that syncs until nothing waits.
    if let Some(run) = console.take() {
        run.kill();
        kills.console += 1;
    }
    if server_process.is_none() {
        server_process = Some(server.start());
    }
    let report = settle(&setup, &said, &failure);
    runtime.block_on(observer.catch_up());
    let processed = runtime.block_on(async {
        observer.client.pull(&observer.token, &report["client"], observer.cursor, 1).await.map(|p| p.last_mutation_id)
    });
    drop(server_process);

    let said = said.lock().unwrap();
    let written = *said.resumed.last().expect("the settling console said where it stood");
    let on_server: BTreeSet<u64> = (1..observer.next).collect();
    let lost: Vec<u64> = (1..=written.max(said.reported)).filter(|k| !on_server.contains(k)).collect();
    let unknown: Vec<u64> = on_server.iter().copied().filter(|k| *k > written).collect();
    println!(
        "chaos: {} kills ({} console, {} server), {written} changes ({} said written, {} more committed unsaid), \
         lost {}, doubled {}, status changes out of order {}, the server processed the console's changes up to {}, {:.0} s",
        kills.console + kills.server,
        kills.console,
        kills.server,
        said.written_lines,
        written.saturating_sub(said.written_lines),
        lost.len(),
        observer.doubled,
        observer.out_of_order,
        processed.map_or_else(|e| format!("? ({e})"), |n| n.to_string()),
        began.elapsed().as_secs_f64(),
    );

    let mut problems = [said.problems.clone(), observer.problems.clone()].concat();
    if !lost.is_empty() {
        problems.push(format!("{} changes written are not on the server (lost): {lost:?}", lost.len()));
    }
    if !unknown.is_empty() {
        problems.push(format!("the server has changes the console's cache no longer knows: {unknown:?}"));
    }
    // The cache agrees with the server.
    let expected_notes: Vec<String> = (1..=written).filter(|k| is_note(*k)).map(|k| k.to_string()).collect();
    if report["notes"] != expected_notes.join(",") {
        problems.push(format!(
            "the cache's thread is not the server's: it shows notes {}, the server {}",
            report["notes"],
            expected_notes.join(",")
        ));
    }
    if report["status"] != format!("Some({:?})", observer.status) {
        problems.push(format!("the cache shows status {}, the server {:?}", report["status"], observer.status));
    }
    if report["outbox"] != "0 0" {
        problems.push(format!("the outbox still holds changes (waiting, refused): {}", report["outbox"]));
    }
    if !problems.is_empty() {
        fail(problems.join("; "));
    }
    std::fs::remove_dir_all(&dir).expect("the temporary folder is removed");
}

/// Runs a console until it has synced everything; returns what it said.
fn settle(setup: &Setup, said: &Arc<Mutex<Said>>, failure: &Failure) -> BTreeMap<String, String> {
    said.lock().unwrap().settled.clear();
    let run = start_console(setup, "settle", 0, said);
    let ConsoleRun { mut process, reader } = run;
    let deadline = Instant::now() + Duration::from_secs(120);
    while !process.exited() {
        if Instant::now() > deadline {
            process.kill();
            failure.fail("the console did not finish syncing within 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = reader.join();
    let settled = said.lock().unwrap().settled.clone();
    if !settled.contains_key("settled") {
        failure.fail(format!("the settling console stopped without saying so: {settled:?}"));
    }
    settled
}
