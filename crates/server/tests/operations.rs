//! Operations: `wicket-server migrate` and `migrate --check`, run as the
//! built binary on SQLite (and on PostgreSQL with the `postgres` feature).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::process::{Command, Output};

fn wicket_server<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wicket-server"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("WICKET_DATA")
        .env_remove("WICKET_DATABASE")
        .output()
        .expect("wicket-server runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The schema version this program wants: the number of SQLite migrations.
fn known_sqlite_version() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count() as i64
}

/// `migrate` on `target` (`--data <dir>` or `--database <url>`): applies
/// every version on an empty database, nothing the second time; `--check`
/// fails before, passes after, and fails when the database is ahead.
fn migrate_and_check(target: &[&str], known: i64, set_ahead: impl FnOnce()) {
    let args = |extra: &[&str]| -> Vec<String> { target.iter().chain(extra).map(|a| (*a).to_owned()).collect() };

    let before = wicket_server(&args(&["migrate", "--check"]));
    assert!(!before.status.success(), "an empty database is behind: {}", text(&before.stdout));
    let message = text(&before.stderr);
    assert!(
        message.contains(&format!("schema version 0, behind this program's {known}")),
        "the refusal names both versions: {message}"
    );
    assert!(message.contains(&format!("versions 1–{known}")), "and the versions to apply: {message}");

    let first = wicket_server(&args(&["migrate"]));
    assert!(first.status.success(), "migrate succeeds: {}", text(&first.stderr));
    let all: Vec<String> = (1..=known).map(|v| v.to_string()).collect();
    let said = text(&first.stdout);
    assert!(
        said.contains(&format!("applied migrations {}; the database is at schema version {known}", all.join(", "))),
        "migrate names the versions it applied: {said}"
    );

    let again = wicket_server(&args(&["migrate"]));
    assert!(again.status.success(), "migrating again succeeds: {}", text(&again.stderr));
    assert!(text(&again.stdout).contains("nothing to apply"), "and applies nothing: {}", text(&again.stdout));

    let check = wicket_server(&args(&["migrate", "--check"]));
    assert!(check.status.success(), "a migrated database passes the check: {}", text(&check.stderr));

    set_ahead();
    let ahead = wicket_server(&args(&["migrate", "--check"]));
    assert!(!ahead.status.success(), "a database ahead of the program fails the check");
    let message = text(&ahead.stderr);
    assert!(
        message.contains(&format!("schema version {}, ahead of this program's {known}", known + 7)),
        "the refusal names both versions: {message}"
    );
    let refused = wicket_server(&args(&["migrate"]));
    assert!(!refused.status.success(), "migrate refuses a database ahead of the program");
}

#[test]
fn migrate_and_check_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap().to_owned();
    let known = known_sqlite_version();
    migrate_and_check(&["--data", &data_arg], known, || {
        let conn = wicket_sqlite::open_unmigrated(&data.join("wicket.sqlite")).unwrap();
        conn.pragma_update(None, "user_version", known + 7).unwrap();
    });
    assert!(data.join("wicket.sqlite").exists(), "migrate made the database in the data folder");
}

#[test]
fn check_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let check = wicket_server(&["--data", data.to_str().unwrap(), "migrate", "--check"]);
    assert!(!check.status.success(), "a missing database is behind");
    assert!(!data.exists(), "--check made nothing");
}

#[cfg(feature = "postgres")]
#[test]
fn migrate_and_check_on_postgres() {
    use wicket_test_support::PostgresCluster;
    let cluster = PostgresCluster::shared();
    let url = cluster.fresh_database();
    let database = url.rsplit('/').next().unwrap().to_owned();
    let known = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations-postgres")).unwrap().count() as i64;
    let dir = tempfile::tempdir().unwrap();
    migrate_and_check(&["--data", dir.path().to_str().unwrap(), "--database", &url], known, || {
        cluster.psql(
            &database,
            &format!("INSERT INTO schema_migrations (version, name) VALUES ({}, 'future')", known + 7),
        );
    });
}

async fn ready(http: &reqwest::Client, base: &str) -> (u16, serde_json::Value) {
    let response = http.get(format!("{base}/api/v1/ready")).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// `/api/v1/ready` is 200 while the storage answers and the server is not
/// stopping; 503 when the database fails a query, and at once when the
/// server starts to stop, while it still serves.
#[tokio::test]
async fn ready_follows_the_storage_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        wicket_server::ServerConfig { data_dir: dir.path().to_owned(), listen: "127.0.0.1:0".parse().unwrap() };
    let server = wicket_server::start(config, std::sync::Arc::new(wicket_server::SystemClock)).await.unwrap();
    let (http, base) = (reqwest::Client::new(), server.base_url());
    assert_eq!(ready(&http, &base).await, (200, serde_json::json!({"status": "ready"})));

    let side = wicket_sqlite::open_unmigrated(&dir.path().join("wicket.sqlite")).unwrap();
    side.execute_batch("ALTER TABLE changes RENAME TO changes_away").unwrap();
    assert_eq!(ready(&http, &base).await, (503, serde_json::json!({"status": "storage_unavailable"})));
    side.execute_batch("ALTER TABLE changes_away RENAME TO changes").unwrap();
    assert_eq!(ready(&http, &base).await, (200, serde_json::json!({"status": "ready"})), "ready again");

    server.state.close();
    assert_eq!(ready(&http, &base).await, (503, serde_json::json!({"status": "shutting_down"})));
    let health = http.get(format!("{base}/api/v1/health")).send().await.unwrap();
    assert_eq!(health.status(), 200, "requests are still served while it drains");
    server.stop().await;
}

/// SIGTERM stops the binary cleanly (exit 0) once it listens.
#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wicket-server"))
        .args(["--data", dir.path().to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("wicket-server listening on http://127.0.0.1:"), "it listens: {line}");
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM ends it with success, not by the signal: {status:?}");
}
