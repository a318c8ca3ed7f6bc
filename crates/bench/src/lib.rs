//! Shared pieces of the benchmarks: latency statistics, a server process,
//! the owner setting up its account, and the load generator.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

pub mod inbox_corpus;
pub mod table;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wicket_test_support::{free_port, wait_for_port, ChildProcess};

/// Latencies of one run, and its wall-clock time.
pub struct Run {
    pub name: String,
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

impl Run {
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[rank.min(sorted.len() - 1)]
    }

    pub fn print(&self, baseline: Option<&Run>) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let ratio =
            baseline.map(|b| format!("{:.2}", self.throughput() / b.throughput())).unwrap_or_else(|| "—".into());
        println!(
            "{:<28} {:>8} {:>12.0} {:>9.2} {:>9.2} {:>9.2} {:>10}",
            self.name,
            self.latencies.len(),
            self.throughput(),
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.percentile(100.0)),
            ratio
        );
    }
}

/// The figures of one run, printed as one line `BENCH-JSON {...}` when a
/// benchmark is given `--json`: `bench-table` reads that line and nothing
/// else of what a benchmark prints.
#[derive(Default)]
pub struct Figures(serde_json::Map<String, serde_json::Value>);

impl Figures {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: &str, value: f64) -> &mut Self {
        self.0.insert(name.to_owned(), serde_json::json!(value));
        self
    }

    /// The throughput (`{prefix}_per_s`) and the p50 / p99 latencies in ms
    /// (`{prefix}_p50_ms`, `{prefix}_p99_ms`) of a run.
    pub fn run(&mut self, prefix: &str, run: &Run) -> &mut Self {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        self.set(&format!("{prefix}_per_s"), run.throughput());
        self.set(&format!("{prefix}_p50_ms"), ms(run.percentile(50.0)));
        self.set(&format!("{prefix}_p99_ms"), ms(run.percentile(99.0)))
    }

    /// Prints the line when `json` (the benchmark's `--json` flag).
    pub fn emit(&self, json: bool) {
        if json {
            println!("{}{}", table::JSON_PREFIX, serde_json::Value::Object(self.0.clone()));
        }
    }
}

pub fn print_header() {
    println!(
        "{:<28} {:>8} {:>12} {:>9} {:>9} {:>9} {:>10}",
        "run", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "vs health"
    );
}

/// A `wicket-server` process on a free loopback port, stopped by its pid
/// when dropped.
pub struct ServerProcess {
    _process: ChildProcess,
    pub base_url: String,
    _data: tempfile::TempDir,
}

impl ServerProcess {
    pub fn start(binary: &Path, owner_password: &str) -> ServerProcess {
        Self::start_on(binary, owner_password, None)
    }

    /// With its data in the PostgreSQL database `database` (a URL) when
    /// given, else in SQLite in a temporary folder.
    pub fn start_on(binary: &Path, owner_password: &str, database: Option<&str>) -> ServerProcess {
        let data = tempfile::tempdir().expect("a temp folder");
        let database: Vec<&str> = database.map(|url| vec!["--database", url]).unwrap_or_default();
        let mut setup = Command::new(binary)
            .arg("--data")
            .arg(data.path())
            .args(&database)
            .args(["create-owner", "--login", "owner"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        use std::io::Write;
        setup.stdin.take().expect("stdin").write_all(format!("{owner_password}\n").as_bytes()).expect("password sent");
        assert!(setup.wait().expect("create-owner ends").success(), "the owner was created");
        Self::listen(binary, data, &database)
    }

    /// One more process on the PostgreSQL database `database`, which an
    /// earlier [`ServerProcess::start_on`] made and gave its owner.
    pub fn join(binary: &Path, database: &str) -> ServerProcess {
        let data = tempfile::tempdir().expect("a temp folder");
        Self::listen(binary, data, &["--database", database])
    }

    fn listen(binary: &Path, data: tempfile::TempDir, database: &[&str]) -> ServerProcess {
        let port = free_port();
        let child = Command::new(binary)
            .arg("--data")
            .arg(data.path())
            .args(database)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            // Every simulated subscriber comes from 127.0.0.1: the sandbox's
            // per-address limit would refuse the load, not measure it.
            .env("WICKET_SANDBOX_REQUESTS_PER_MINUTE", "100000000")
            .stdout(Stdio::null())
            .spawn()
            .expect("the server starts");
        let process = ChildProcess::adopt("wicket-server", child, None);
        wait_for_port(port, &process);
        ServerProcess { _process: process, base_url: format!("http://127.0.0.1:{port}"), _data: data }
    }
}

/// The owner signed in to a benchmark's server over HTTP, to set up the
/// account `bench` before the clock starts.
pub struct Owner {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Owner {
    /// Signs in as `owner` with `password` at `base` (the server's URL).
    pub async fn sign_in(base: &str, password: &str) -> Owner {
        let client = reqwest::Client::new();
        let session: serde_json::Value = client
            .post(format!("{base}/api/v1/sessions"))
            .json(&serde_json::json!({"login": "owner", "password": password}))
            .send()
            .await
            .expect("sign-in")
            .json()
            .await
            .expect("a session");
        let token = session["token"].as_str().expect("a token").to_owned();
        Owner { client, base: base.to_owned(), token }
    }

    /// Creates the account `bench` on `platform` (`wechat`, `alipay`).
    pub async fn create_account(&self, platform: &str, name: &str, avatar_color: &str) {
        let create = serde_json::json!({"client_id": "bench", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
            "id": "bench", "name": name, "platform": platform, "category": "", "description": "", "avatar_color": avatar_color}}}]});
        let pushed = self
            .client
            .post(format!("{}/api/v1/push", self.base))
            .bearer_auth(&self.token)
            .json(&create)
            .send()
            .await
            .expect("push");
        assert!(pushed.status().is_success(), "the account was created");
    }

    /// Connects the account `bench` to `platform` (`wechat`, `alipay`) with
    /// `connection`, the body of `PUT /api/v1/accounts/bench/{platform}`; the
    /// server's answer.
    pub async fn connect(&self, platform: &str, connection: &serde_json::Value) -> reqwest::Response {
        let connected = self
            .client
            .put(format!("{}/api/v1/accounts/bench/{platform}", self.base))
            .bearer_auth(&self.token)
            .json(connection)
            .send()
            .await
            .expect("connect");
        assert!(connected.status().is_success(), "the account was connected to {platform}");
        connected
    }
}

/// The options every load benchmark of the server takes (flattened into
/// each one's own `Args`, so they read and default alike).
#[derive(clap::Args)]
pub struct LoadArgs {
    /// Concurrent connections, each one subscriber of the platform.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
    /// Requests each connection sends, one after another.
    #[arg(long, default_value_t = 200)]
    pub messages: usize,
    /// The wicket-server binary (a release build).
    #[arg(long)]
    pub server: Option<PathBuf>,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    pub json: bool,
}

impl LoadArgs {
    /// The server binary to run: the one named, or this workspace's release build.
    pub fn server_binary(&self) -> PathBuf {
        self.server.clone().unwrap_or_else(default_server_binary)
    }

    /// The load these options describe, against `base`.
    pub fn target(&self, base: String, visit: Option<String>) -> LoadTarget {
        LoadTarget { base, connections: self.connections, messages: self.messages, visit }
    }
}

/// A server under load from loopback: `connections` tasks, each with its own
/// client (one connection, made before the clock starts), sending `messages`
/// requests one after another.
pub struct LoadTarget {
    /// The server's URL (or its balancer's).
    pub base: String,
    pub connections: usize,
    pub messages: usize,
    /// A path each client visits before the clock starts, keeping the cookie
    /// it gets (the sandbox gives each connection its own subscriber).
    pub visit: Option<String>,
}

impl LoadTarget {
    /// `GET /api/v1/health` as the baseline, then the requests `request`
    /// builds (given a client, the base URL, the connection's and the
    /// request's index), each run printed under [`print_header`], and their
    /// figures as `health` and `inbound` (see [`Figures::run`]) when `json`.
    pub async fn against_health<F>(&self, name: &str, request: F, json: bool)
    where
        F: Fn(&reqwest::Client, &str, usize, usize) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
    {
        print_header();
        let health = self
            .run("GET /api/v1/health (baseline)", |client, base, _, _| client.get(format!("{base}/api/v1/health")))
            .await;
        health.print(None);
        let inbound = self.run(name, request).await;
        inbound.print(Some(&health));
        Figures::new().run("health", &health).run("inbound", &inbound).emit(json);
    }

    /// One timed run of the requests `request` builds.
    pub async fn run<F>(&self, name: &str, request: F) -> Run
    where
        F: Fn(&reqwest::Client, &str, usize, usize) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
    {
        let base = Arc::new(self.base.clone());
        let mut clients = Vec::with_capacity(self.connections);
        for _ in 0..self.connections {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .cookie_store(self.visit.is_some())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client");
            if let Some(path) = &self.visit {
                client.get(format!("{base}{path}")).send().await.expect("a visit");
            }
            clients.push(client);
        }
        let count = self.messages;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (c, client) in clients.into_iter().enumerate() {
            let request = request.clone();
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(count);
                for i in 0..count {
                    let sent = Instant::now();
                    let response = request(&client, &base, c, i).send().await.expect("a response");
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
}

pub fn default_server_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/wicket-server")
}
