//! Several `wicket-server` processes on one database behind a round-robin
//! TCP balancer on loopback, for tests and benchmarks of a multi-process
//! deployment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use crate::{free_port, wait_for_port, ChildProcess};

/// `n` `wicket-server` processes (the binary at `binary`, built with the
/// `postgres` feature) on the database `database`, each with a data folder
/// of its own under a temporary folder (which also holds their logs), and
/// a round-robin balancer in front. Dropping it stops them by their pids.
pub struct ServerProcesses {
    pub processes: Vec<ChildProcess>,
    /// Each process's own address, in the order of `processes`.
    pub addrs: Vec<SocketAddr>,
    /// The balancer's address.
    pub front: SocketAddr,
    dir: tempfile::TempDir,
}

impl ServerProcesses {
    /// Starts them (with `extra_args` each, say a higher sandbox rate
    /// limit) and waits until each listens.
    pub async fn start(binary: &Path, database: &str, n: usize, extra_args: &[&str]) -> ServerProcesses {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("expected a temporary folder: {e}"));
        let mut processes = Vec::new();
        let mut addrs = Vec::new();
        for i in 0..n {
            let port = free_port();
            let data: PathBuf = dir.path().join(format!("data-{i}"));
            let mut command = Command::new(binary);
            command
                .args(["--data", &data.to_string_lossy(), "--database", database])
                .args(["--listen", &format!("127.0.0.1:{port}")])
                .args(extra_args)
                .env("RUST_LOG", "info")
                .env("NO_COLOR", "1");
            let process = ChildProcess::spawn(&format!("server-{i}"), &mut command, dir.path());
            wait_for_port(port, &process);
            processes.push(process);
            addrs.push(SocketAddr::from(([127, 0, 0, 1], port)));
        }
        let front = round_robin(addrs.clone()).await;
        ServerProcesses { processes, addrs, front, dir }
    }

    /// `http://` and the balancer's address.
    pub fn front_url(&self) -> String {
        format!("http://{}", self.front)
    }

    /// The folder holding the processes' data folders and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process whose log names `instance` (the id a server logs when it
    /// listens, which its leases are held under).
    pub fn by_instance(&self, instance: &str) -> Option<usize> {
        self.processes.iter().position(|p| p.log_text().contains(instance))
    }
}

/// A round-robin TCP balancer on a loopback port: each connection goes to
/// the next backend that accepts it (a dead one is skipped, as nginx's
/// `proxy_next_upstream error` does). It runs until the runtime ends.
pub async fn round_robin(backends: Vec<SocketAddr>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("expected a loopback port for the balancer: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("expected the balancer's address: {e}"));
    let next = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let Ok((mut down, _)) = listener.accept().await else { continue };
            let (backends, next) = (backends.clone(), next.clone());
            tokio::spawn(async move {
                for _ in 0..backends.len() {
                    let backend = backends[next.fetch_add(1, Ordering::Relaxed) % backends.len()];
                    if let Ok(mut up) = TcpStream::connect(backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                        return;
                    }
                }
            });
        }
    });
    addr
}
