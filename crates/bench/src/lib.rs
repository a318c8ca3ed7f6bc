//! Shared pieces of the benchmarks: latency statistics and a server process.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

pub mod inbox_corpus;
pub mod table;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

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

pub fn default_server_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/wicket-server")
}
