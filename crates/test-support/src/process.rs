//! Child processes a test starts, stopped by their own pid.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process, stopped by its own pid when dropped: SIGTERM, then
/// SIGKILL if it is still there after ten seconds. Nothing else is
/// signalled, so a test never stops a process it did not start.
pub struct ChildProcess {
    name: String,
    child: Option<Child>,
    log: Option<PathBuf>,
}

impl ChildProcess {
    /// Starts `command` with its output (stdout and stderr) in
    /// `log_dir/<name>.log`.
    pub fn spawn(name: &str, command: &mut Command, log_dir: &Path) -> ChildProcess {
        let log = log_dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("expected to create {name}'s log {}: {e}", log.display()));
        let err = out.try_clone().unwrap_or_else(|e| panic!("expected a second handle on {name}'s log: {e}"));
        let child = command.stdout(out).stderr(err).spawn().unwrap_or_else(|e| panic!("expected {name} to start: {e}"));
        ChildProcess { name: name.to_owned(), child: Some(child), log: Some(log) }
    }

    /// Takes charge of a child already started (with its own output set
    /// up); its log, if any, is at `log`.
    pub fn adopt(name: &str, child: Child, log: Option<PathBuf>) -> ChildProcess {
        ChildProcess { name: name.to_owned(), child: Some(child), log }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id, 0 once stopped.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Where its output goes, when it was started with a log.
    pub fn log(&self) -> Option<&Path> {
        self.log.as_deref()
    }

    /// What it wrote so far (empty without a log).
    pub fn log_text(&self) -> String {
        self.log.as_ref().and_then(|log| std::fs::read_to_string(log).ok()).unwrap_or_default()
    }

    /// Whether it has ended (by itself or stopped).
    pub fn exited(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(Some(_))),
            None => true,
        }
    }

    /// Stops it by its pid: SIGTERM, and SIGKILL if it lingers.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Kills it by its pid at once (SIGKILL), as a crash would, and waits
    /// until it is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("expected a free loopback port: {e}"))
}

/// Waits (30 s at most) until something accepts connections on `port`;
/// otherwise panics with the process's log.
pub fn wait_for_port(port: u16, process: &ChildProcess) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("expected {} to listen on port {port} within 30 s; its log:\n{}", process.name, process.log_text());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_process_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let mut process = ChildProcess::spawn("sleeper", Command::new("sleep").arg("600"), dir.path());
        let pid = process.pid();
        assert!(!process.exited(), "sleep 600 is still running");
        drop(process);
        let alive = Command::new("kill").args(["-0", &pid.to_string()]).stderr(Stdio::null()).status().unwrap();
        assert!(!alive.success(), "the dropped process {pid} is gone");
    }

    #[test]
    fn its_output_is_in_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut process = ChildProcess::spawn("echo", Command::new("echo").arg("hello"), dir.path());
        crate::eventually_blocking("echo has ended", Duration::from_secs(10), || process.exited());
        assert_eq!(process.log_text(), "hello\n");
    }
}
