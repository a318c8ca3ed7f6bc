//! `make bench`: runs every benchmark several times with `--json`, and
//! prints one table of medians, spreads and ratios to each figure's
//! baseline from the same run; writes it to `docs/benchmarks.md` with the
//! date, the machine, the commit and the exact command of each row.
//!
//! `--quick` runs smaller sizes (within about 3 minutes on 2 cores). The
//! numbers are figures: nothing here passes or fails on a time.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use wicket_bench::table::{self, Meta, Row};
use wicket_test_support::PostgresCluster;

#[derive(Parser)]
struct Args {
    /// Smaller sizes and fewer runs.
    #[arg(long)]
    quick: bool,
    /// Runs of each benchmark (default: 3, or 2 with --quick; the slowest
    /// ones run fewer, as their rows say).
    #[arg(long)]
    runs: Option<usize>,
    /// Where the release binaries are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
    /// The designer benchmark (it drives the built app under Xvfb through
    /// tauri-driver); its row is left out when the file is not there.
    #[arg(long, default_value = "target/debug/designer-webview-bench")]
    designer: PathBuf,
    /// The desktop start-up and memory benchmark (the built app and the bare
    /// Tauri window of crates/bench-window, both debug builds, under Xvfb
    /// through tauri-driver); its rows are left out when it is not there.
    #[arg(long, default_value = "target/debug/desktop-start-bench")]
    desktop: PathBuf,
    /// Where the table goes.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
    /// Only the benchmarks whose name contains one of these (all when none).
    #[arg(long)]
    only: Vec<String>,
    /// A note for the page (say, that the machine was shared).
    #[arg(long)]
    note: Vec<String>,
    /// The command that made the table, as the page says it.
    #[arg(long, default_value = "make bench")]
    invocation: String,
}

/// A figure of a benchmark's output and the figure of the same run it is
/// held against.
struct Spec {
    group: &'static str,
    figure: &'static str,
    unit: &'static str,
    key: &'static str,
    baseline: &'static str,
    baseline_key: &'static str,
}

fn spec(
    group: &'static str,
    figure: &'static str,
    unit: &'static str,
    key: &'static str,
    baseline: &'static str,
    baseline_key: &'static str,
) -> Spec {
    Spec { group, figure, unit, key, baseline, baseline_key }
}

/// One benchmark command, run `runs` times.
struct Job {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    runs: usize,
    /// A run taking longer is stopped and counted as failed.
    limit: Duration,
    specs: Vec<Spec>,
    /// Arguments added for each run (a fresh PostgreSQL database, say).
    per_run: Option<Box<dyn Fn() -> Vec<String>>>,
}

/// Rows that have no benchmark yet: shown, with why.
struct Missing {
    group: &'static str,
    figure: &'static str,
    baseline: &'static str,
    why: String,
}

fn main() {
    let args = Args::parse();
    let runs = args.runs.unwrap_or(if args.quick { 2 } else { 3 });
    let started = Instant::now();
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let bin = |name: &str| args.bin_dir.join(name);
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<String>>();
    let q = args.quick;
    let mut missing: Vec<Missing> = Vec::new();

    // PostgreSQL: a throwaway cluster when its programs are installed.
    let postgres = if selected(&args.only, "inbound-load-postgres") {
        match std::panic::catch_unwind(PostgresCluster::start) {
            Ok(cluster) => Some(std::sync::Arc::new(cluster)),
            Err(_) => {
                missing.push(Missing {
                    group: "server",
                    figure: "sandbox inbound on PostgreSQL, one process",
                    baseline: "GET /api/v1/health",
                    why: "no PostgreSQL cluster could be started here (initdb and postgres from Debian's postgresql)"
                        .into(),
                });
                None
            }
        }
    } else {
        None
    };

    let load =
        if q { ["--connections", "16", "--messages", "50"] } else { ["--connections", "16", "--messages", "200"] };
    let wide =
        if q { ["--connections", "32", "--messages", "25"] } else { ["--connections", "32", "--messages", "200"] };
    let server_rows = |name: &'static str| {
        vec![
            spec("server", name, "msg/s", "inbound_per_s", "GET /api/v1/health, req/s", "health_per_s"),
            spec("server", name, "ms p99", "inbound_p99_ms", "GET /api/v1/health, p99", "health_p99_ms"),
        ]
    };
    let mut jobs = vec![
        Job {
            name: "inbound-load",
            program: bin("inbound-load"),
            args: [&load[..], &["--json"]].concat().iter().map(|a| (*a).to_owned()).collect(),
            runs,
            limit: Duration::from_secs(300),
            specs: server_rows("sandbox inbound (SQLite)"),
            per_run: None,
        },
        // The same server with twice the subscribers writing at once: their
        // messages share each group commit, so this is nearer its limit.
        Job {
            name: "inbound-load-32",
            program: bin("inbound-load"),
            args: [&wide[..], &["--json"]].concat().iter().map(|a| (*a).to_owned()).collect(),
            runs,
            limit: Duration::from_secs(300),
            specs: server_rows("sandbox inbound (SQLite, 32 connections)"),
            per_run: None,
        },
        Job {
            name: "wechat-callbacks",
            program: bin("wechat-callbacks"),
            args: [&load[..], &["--json"]].concat().iter().map(|a| (*a).to_owned()).collect(),
            runs,
            limit: Duration::from_secs(300),
            specs: server_rows("WeChat safe-mode callbacks (SQLite)"),
            per_run: None,
        },
    ];
    jobs.push(Job {
        name: "alipay-gateway",
        program: bin("alipay-gateway"),
        args: [&load[..], &["--json"]].concat().iter().map(|a| (*a).to_owned()).collect(),
        runs,
        limit: Duration::from_secs(300),
        specs: server_rows("Alipay gateway pushes, RSA2 (SQLite)"),
        per_run: None,
    });
    if let Some(cluster) = postgres.clone() {
        let rows = [
            (1, "inbound-load-postgres", "sandbox inbound (PostgreSQL, one process)"),
            (2, "inbound-load-postgres-2", "sandbox inbound (PostgreSQL, two processes)"),
            (3, "inbound-load-postgres-3", "sandbox inbound (PostgreSQL, three processes)"),
        ];
        for (processes, name, label) in rows {
            let cluster = cluster.clone();
            let extra = ["--processes".to_owned(), processes.to_string()];
            jobs.push(Job {
                name,
                program: bin("inbound-load"),
                args: [&load[..], &["--json"]].concat().iter().map(|a| (*a).to_owned()).chain(extra).collect(),
                runs,
                limit: Duration::from_secs(300),
                specs: server_rows(label),
                per_run: Some(Box::new(move || vec!["--database".to_owned(), cluster.fresh_database()])),
            });
        }
    }
    // (c) needs PostgreSQL: two servers on one database, a console on one.
    let across: &[&str] = if postgres.is_some() { &["--across-processes"] } else { &[] };
    let mut sync_specs = Vec::new();
    if postgres.is_some() {
        for (p, across_key, same_key) in [(50, "across_p50_ms", "same_p50_ms"), (99, "across_p99_ms", "same_p99_ms")] {
            sync_specs.push(spec(
                "sync",
                if p == 50 {
                    "live message to a console on process A, sent to process B (PostgreSQL), p50"
                } else {
                    "live message to a console on process A, sent to process B (PostgreSQL), p99"
                },
                "ms",
                across_key,
                if p == 50 { "the same, sent to process A, p50" } else { "the same, sent to process A, p99" },
                same_key,
            ));
        }
    } else {
        missing.push(Missing {
            group: "sync",
            figure: "live message across processes (PostgreSQL)",
            baseline: "the same, sent to the console's own process",
            why: "PostgreSQL is not installed".into(),
        });
    }
    jobs.push(Job {
        name: "sync-bench",
        program: bin("sync-bench"),
        args: if q {
            [&["--messages", "10000", "--conversations", "500", "--live", "50", "--json"][..], across].concat()
        } else {
            [&["--messages", "100000", "--conversations", "2000", "--live", "200", "--json"][..], across].concat()
        }
        .iter()
        .map(|a| (*a).to_owned())
        .collect(),
        runs,
        limit: Duration::from_secs(600),
        specs: vec![
            spec(
                "sync",
                if q {
                    "pull 10,000 messages into an empty cache"
                } else {
                    "pull 100,000 messages into an empty cache"
                },
                "s",
                "pull_s",
                "the same pages fetched, not stored",
                "fetch_only_s",
            ),
            spec(
                "sync",
                "first page in the empty cache (first progress)",
                "ms",
                "first_shown_ms",
                "one page fetched",
                "first_page_ms",
            ),
            spec(
                "sync",
                "live message, subscriber to console cache, p50",
                "ms",
                "live_p50_ms",
                "GET /api/v1/health, p50",
                "health_p50_ms",
            ),
            spec(
                "sync",
                "live message, subscriber to console cache, p99",
                "ms",
                "live_p99_ms",
                "GET /api/v1/health, p99",
                "health_p99_ms",
            ),
        ]
        .into_iter()
        .chain(sync_specs)
        .collect(),
        per_run: None,
    });
    let point = "one message by its key (raw SQLite), p50";
    jobs.push(Job {
        name: "inbox-bench",
        program: bin("inbox-bench"),
        args: if q {
            s(&["--messages", "50000", "--conversations", "2000", "--opens", "200", "--search-runs", "20", "--json"])
        } else {
            s(&["--messages", "1000000", "--conversations", "20000", "--json"])
        },
        runs: if q { runs } else { 2.min(runs) },
        limit: Duration::from_secs(900),
        specs: vec![
            spec(
                "cache",
                if q { "ingest 50,000 messages (apply_pull)" } else { "ingest 1,000,000 messages (apply_pull)" },
                "rows/s",
                "ingest_rows_per_s",
                "raw bulk insert of the same rows",
                "raw_rows_per_s",
            ),
            spec("cache", "open a conversation (newest 50), p50", "ms", "open_p50_ms", point, "point_p50_ms"),
            spec("cache", "search 1-char Chinese 款, p50", "ms", "search_zh1_p50_ms", point, "point_p50_ms"),
            spec("cache", "search 2-char Chinese 还款, p50", "ms", "search_zh2_p50_ms", point, "point_p50_ms"),
            spec("cache", "search 3-char Chinese 还款日, p50", "ms", "search_zh3_p50_ms", point, "point_p50_ms"),
            spec("cache", "search English refund, p50", "ms", "search_en_p50_ms", point, "point_p50_ms"),
            spec("cache", "the list's first page (200), p50", "ms", "first_page_p50_ms", point, "point_p50_ms"),
        ],
        per_run: None,
    });
    if args.designer.exists() {
        jobs.push(Job {
            name: "designer-webview-bench",
            program: args.designer.clone(),
            args: s(&["--json"]),
            runs: if q { 1 } else { 2.min(runs) },
            limit: Duration::from_secs(600),
            specs: vec![
                spec(
                    "designer",
                    "edit reaching the phone mock, 200 modules",
                    "ms",
                    "large_ms",
                    "two idle frames",
                    "idle_frame_ms",
                ),
                spec(
                    "designer",
                    "edit reaching the phone mock, 10 modules",
                    "ms",
                    "small_ms",
                    "two idle frames",
                    "idle_frame_ms",
                ),
            ],
            per_run: None,
        });
    } else {
        missing.push(Missing {
            group: "designer",
            figure: "edit reaching the phone mock, 200 modules",
            baseline: "two idle frames",
            why: format!("{} was not built", args.designer.display()),
        });
    }
    let double = bin("wechat-double");
    jobs.push(Job {
        name: "broadcast-bench",
        program: bin("broadcast-bench"),
        args: vec![
            "--subscribers".into(),
            if q { "20000".into() } else { "1000000".into() },
            "--double".into(),
            double.display().to_string(),
            "--json".into(),
        ],
        runs: if q { 1 } else { 2.min(runs) },
        limit: Duration::from_secs(900),
        specs: vec![
            spec(
                "broadcasts",
                if q { "fan-out to 20,000: last send answered" } else { "fan-out to 1,000,000: last send answered" },
                "s",
                "last_call_s",
                "WeChat's caps alone (60 calls a minute)",
                "caps_floor_s",
            ),
            spec("broadcasts", "fan-out: every recipient decided", "s", "decided_s", "", ""),
            spec(
                "broadcasts",
                "fan-out: peak resident memory",
                "MiB",
                "peak_mib",
                "resident before the broadcast",
                "rss_before_mib",
            ),
        ],
        per_run: None,
    });
    jobs.push(Job {
        name: "auto-reply-bench",
        program: bin("auto-reply-bench"),
        args: s(&["--rules", "200", "--messages", if q { "20000" } else { "100000" }, "--json"]),
        runs,
        limit: Duration::from_secs(300),
        specs: vec![
            spec(
                "automatic replies",
                "match a message, 200 rules, p50",
                "µs",
                "p50_us",
                "one rule, p50",
                "one_rule_p50_us",
            ),
            spec(
                "automatic replies",
                "match a message, 200 rules, p99",
                "µs",
                "p99_us",
                "one rule, p99",
                "one_rule_p99_us",
            ),
        ],
        per_run: None,
    });
    jobs.push(Job {
        name: "sign-in-bench",
        program: bin("sign-in-bench"),
        args: s(&["--json"]),
        runs,
        limit: Duration::from_secs(120),
        specs: vec![
            spec(
                "sign-in",
                "wrong password for a name nobody has, p50",
                "ms",
                "unknown_p50_ms",
                "the same for a real name, p50",
                "known_p50_ms",
            ),
            spec(
                "sign-in",
                "GET /api/v1/health while six sign-ins hash, p50",
                "ms",
                "busy_health_p50_ms",
                "the same on an idle server, p50",
                "idle_health_p50_ms",
            ),
        ],
        per_run: None,
    });
    // The desktop app and a bare Tauri window, both debug builds (what
    // `make app` builds), each start in a new empty home. Cold start and idle
    // memory: one app start and one window start per run, so each run's ratio
    // pairs them. The cache: written once (desktop-cache, release), then the
    // app opened on it a few times, a bare window in turn.
    let cache_messages = if q { "50000" } else { "1000000" };
    let cache_label = if q {
        "desktop app (debug build): memory with a 50,000-message cache open, the inbox shown (PSS, whole process tree)"
    } else {
        "desktop app (debug build): memory with the 1,000,000-message cache open, the inbox shown (PSS, whole process tree)"
    };
    let window = "a bare Tauri window (debug build), its one page";
    if args.desktop.exists() {
        jobs.push(Job {
            name: "desktop-start-bench",
            program: args.desktop.clone(),
            args: s(&["--runs", "1", "--cache-messages", "0", "--json"]),
            runs: if q { 2 } else { 5 },
            limit: Duration::from_secs(300),
            specs: vec![
                spec(
                    "desktop",
                    "desktop app (debug build): cold start to the first interactive screen (local mode's name field)",
                    "s",
                    "app_start_s",
                    window,
                    "window_start_s",
                ),
                spec(
                    "desktop",
                    "desktop app (debug build): memory idle on its first screen (PSS, whole process tree)",
                    "MiB",
                    "app_idle_pss_mib",
                    window,
                    "window_idle_pss_mib",
                ),
            ],
            per_run: None,
        });
        jobs.push(Job {
            name: "desktop-start-bench-cache",
            program: args.desktop.clone(),
            args: [
                &["--cache-only", "--runs", if q { "1" } else { "3" }, "--cache-messages", cache_messages][..],
                if q { &["--cache-conversations", "2000"][..] } else { &[] },
                &["--cache-writer", &bin("desktop-cache").display().to_string(), "--json"],
            ]
            .concat()
            .iter()
            .map(|a| (*a).to_owned())
            .collect(),
            runs: 1,
            limit: Duration::from_secs(900),
            specs: vec![
                spec("desktop", cache_label, "MiB", "app_cache_pss_mib", window, "cache_window_pss_mib"),
                spec(
                    "desktop",
                    "desktop app (debug build): memory with an empty cache, the inbox shown (PSS, whole process tree)",
                    "MiB",
                    "app_empty_inbox_pss_mib",
                    window,
                    "cache_window_pss_mib",
                ),
            ],
            per_run: None,
        });
    } else {
        for figure in [
            "desktop app: cold start to the first interactive screen",
            "desktop app: memory idle (PSS, whole process tree)",
            "desktop app: memory with the 1,000,000-message cache open",
        ] {
            missing.push(Missing {
                group: "desktop",
                figure,
                baseline: "a bare Tauri window",
                why: format!("{} was not built", args.desktop.display()),
            });
        }
    }

    let mut rows: Vec<Row> = Vec::new();
    let mut commands: Vec<String> = Vec::new();
    for job in jobs.iter().filter(|j| selected(&args.only, j.name)) {
        let shown = format!("{} {}", job.program.display(), job.args.join(" "));
        let command = match &job.per_run {
            Some(_) => format!("{shown} --database <a fresh database of a throwaway cluster>"),
            None => shown,
        };
        commands.push(command.clone());
        let number = commands.len();
        let mut results: Vec<BTreeMap<String, f64>> = Vec::new();
        let mut failure = None;
        for run in 0..job.runs {
            let mut argv = job.args.clone();
            if let Some(extra) = &job.per_run {
                argv.extend(extra());
            }
            eprintln!("[{:>5.0} s] {} run {} of {}", started.elapsed().as_secs_f64(), job.name, run + 1, job.runs);
            match run_once(&job.program, &argv, job.limit) {
                Ok(figures) => results.push(figures),
                Err(why) => {
                    eprintln!("  {}: {why}", job.name);
                    failure = Some(why);
                }
            }
        }
        for spec in &job.specs {
            let pick =
                |key: &str| results.iter().map(|r| r.get(key).copied().unwrap_or(f64::NAN)).collect::<Vec<f64>>();
            let values = pick(spec.key);
            let baseline_values = if spec.baseline_key.is_empty() { Vec::new() } else { pick(spec.baseline_key) };
            let row = Row {
                group: spec.group.into(),
                figure: spec.figure.into(),
                unit: spec.unit.into(),
                values,
                baseline: spec.baseline.into(),
                baseline_values,
                command: number,
                missing: results.is_empty().then(|| failure.clone().unwrap_or_default()),
            };
            rows.push(row);
        }
    }
    for m in missing {
        rows.push(Row {
            group: m.group.into(),
            figure: m.figure.into(),
            unit: String::new(),
            values: Vec::new(),
            baseline: m.baseline.into(),
            baseline_values: Vec::new(),
            command: 0,
            missing: Some(m.why),
        });
    }
    // Rows keep the order of the groups as first named.
    let mut order: Vec<String> = Vec::new();
    for row in &rows {
        if !order.contains(&row.group) {
            order.push(row.group.clone());
        }
    }
    rows.sort_by_key(|row| order.iter().position(|g| *g == row.group));

    let mut notes = args.note.clone();
    notes.push(format!(
        "Load average before / after: {} / {}",
        load_before.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    ));
    notes.push(format!("The whole run took {:.0} s.", started.elapsed().as_secs_f64()));
    let meta = Meta {
        date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into()),
        machine: machine(),
        commit: commit(),
        invocation: args.invocation.clone(),
        notes,
    };
    let page = table::render(&meta, &rows, &commands);
    println!("{page}");
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).expect("the folder for the table");
    }
    std::fs::write(&args.out, &page).unwrap_or_else(|e| panic!("cannot write {}: {e}", args.out.display()));
    eprintln!("written to {}", args.out.display());
    drop(postgres);
}

fn selected(only: &[String], name: &str) -> bool {
    only.is_empty() || only.iter().any(|o| name.contains(o.as_str()))
}

/// Runs a benchmark once: its figures, or why there are none. Its own
/// output goes to stderr as it comes, so a long run shows it is alive.
fn run_once(program: &Path, args: &[String], limit: Duration) -> Result<BTreeMap<String, f64>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let mut stdout = child.stdout.take().expect("its output");
    let reader = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader};
        let mut all = String::new();
        for line in BufReader::new(&mut stdout).lines().map_while(Result::ok) {
            if !line.starts_with(table::JSON_PREFIX) {
                eprintln!("  | {line}");
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            // This process's own child, by its handle.
            let _gone = child.kill();
            let _reaped = child.wait();
            return Err(format!("stopped after {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("it failed ({status})"));
    }
    table::parse_figures(&out).ok_or_else(|| "it printed no figures".to_owned())
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn commit() -> String {
    let head = output("git", &["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = output("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{head} (the work tree had uncommitted changes)")
    } else {
        head
    }
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("unknown memory".into(), |kb| format!("{:.1} GiB memory", kb / 1_048_576.0));
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".into(), |m| m.trim().to_owned());
    let kernel = output("uname", &["-sr"]).unwrap_or_default();
    format!("{cores} cores ({model}), {memory}, {kernel}")
}
