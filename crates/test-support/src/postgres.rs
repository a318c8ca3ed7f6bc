//! A throwaway PostgreSQL cluster for tests: `initdb` in a temporary
//! folder, the server on a loopback port the test picks, a fresh database
//! per test, and the server stopped by its own process id at the end.
//!
//! Needs Debian's `postgresql` (the Makefile installs it). `initdb` refuses
//! to run as root, so as root the cluster is the `postgres` user's (the
//! package creates it), in a folder made theirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// The superuser a test cluster is made with (trusted on loopback).
const USER: &str = "wicket";

/// A running throwaway cluster. Dropped, it stops its server by pid and
/// deletes its folder; the one [`PostgresCluster::shared`] gives is stopped
/// by a watchdog when the test binary exits.
pub struct PostgresCluster {
    dir: PathBuf,
    port: u16,
    pid: u32,
}

static SHARED: OnceLock<PostgresCluster> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

impl PostgresCluster {
    /// One cluster for the whole test binary, started on first use and
    /// stopped (by its pid) once the binary has exited.
    pub fn shared() -> &'static PostgresCluster {
        SHARED.get_or_init(|| {
            let cluster = PostgresCluster::start();
            cluster.stop_when_gone(std::process::id());
            cluster
        })
    }

    /// Starts a new cluster (a few seconds).
    pub fn start() -> PostgresCluster {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("wicket-pg-")
            .tempdir()
            .unwrap_or_else(|e| panic!("expected a temporary folder for PostgreSQL: {e}"))
            .keep();
        let as_root = is_root();
        if as_root {
            run("chown", Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir));
        }
        let data = dir.join("db");
        run(
            "initdb",
            as_user(as_root, &bin.join("initdb")).arg("-D").arg(&data).args([
                "-A",
                "trust",
                "-U",
                USER,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]),
        );
        let port = crate::free_port();
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off \
             -c full_page_writes=off",
            dir.display()
        );
        run(
            "pg_ctl start",
            as_user(as_root, &bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]),
        );
        let pid_file = std::fs::read_to_string(data.join("postmaster.pid"))
            .unwrap_or_else(|e| panic!("expected PostgreSQL's postmaster.pid: {e}"));
        let pid = pid_file
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("expected a process id in postmaster.pid, found {pid_file:?}"));
        PostgresCluster { dir, port, pid }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The address of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates an empty database of its own and returns its address.
    pub fn fresh_database(&self) -> String {
        let name = format!("wicket_{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::SeqCst));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs `sql` in `database` with `psql`; panics with its output if it fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = Command::new("psql")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER, "-d", database])
            .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-t", "-A", "-c", sql])
            .output()
            .unwrap_or_else(|e| panic!("expected psql to run: {e}"));
        assert!(
            out.status.success(),
            "expected psql to run {sql:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A plain-text dump of the database at `url` on this cluster (`pg_dump`).
    pub fn dump(&self, url: &str) -> Vec<u8> {
        let out = Command::new(bin_dir().join("pg_dump"))
            .arg(url)
            .output()
            .unwrap_or_else(|e| panic!("expected pg_dump to run: {e}"));
        assert!(out.status.success(), "expected pg_dump of {url}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// A watchdog shell that waits for process `owner` to end, then stops
    /// this cluster by its pid and deletes its folder.
    #[allow(clippy::zombie_processes, reason = "the watchdog outlives this process on purpose; init reaps it")]
    fn stop_when_gone(&self, owner: u32) {
        let script =
            format!("while kill -0 {owner} 2>/dev/null; do sleep 0.5; done; {}", stop_script(self.pid, &self.dir));
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("expected the cluster's watchdog to start: {e}"));
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        let _ = Command::new("sh").args(["-c", &stop_script(self.pid, &self.dir)]).status();
    }
}

/// Fast shutdown (SIGINT) of the server `pid`, waited for (SIGKILL after
/// 30 s), then the folder removed.
fn stop_script(pid: u32, dir: &Path) -> String {
    format!(
        "kill -INT {pid} 2>/dev/null; i=0; while kill -0 {pid} 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; \
         kill -KILL {pid} 2>/dev/null; rm -rf '{}'",
        dir.display()
    )
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program`, run as the `postgres` user when we are root.
fn as_user(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Debian's PostgreSQL programs (the newest installed version).
fn bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|v| v.parse::<u32>().ok()))
        .max()
        .unwrap_or_else(|| panic!("expected PostgreSQL in {} (Debian's postgresql; `make deps`)", root.display()));
    root.join(newest.to_string()).join("bin")
}

fn run(what: &str, command: &mut Command) {
    let started = Instant::now();
    let out = command.output().unwrap_or_else(|e| panic!("expected {what} to run: {e}"));
    assert!(
        out.status.success(),
        "expected {what} to succeed (after {:?}): {}{}",
        started.elapsed(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
