//! The console's inbox cache under a realistic load: N messages in M
//! conversations, two thirds Chinese. Measures, in one run:
//! (a) ingest through `Cache::apply_pull` in pages as the sync engine takes
//!     them, against a raw bulk insert of the same rows into the same schema
//!     (same indexes and search rows; prepared statements, one transaction
//!     per batch of the same size), batch by batch in turn so noise hits both;
//! (b) opening a conversation: its newest 50 messages;
//! (c) search, newest 50 hits, for Chinese of 1, 2 and 3 characters and an
//!     English word;
//! (b) and (c) against one message read by its key straight from SQLite.
//! Figures are printed, never asserted. `make bench-inbox` runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use wicket_bench::inbox_corpus::{self, Rng};
use wicket_bench::Figures;
use wicket_model::conversation::Message;
use wicket_model::Change;
use wicket_sqlite::rusqlite::{params, Connection};
use wicket_store::{search, Cache};

#[derive(Parser)]
struct Args {
    /// Messages to ingest.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Conversations (one subscriber each) they fall into.
    #[arg(long, default_value_t = 20_000)]
    conversations: usize,
    /// Changes per pull page and rows per raw transaction.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Conversations opened for (b).
    #[arg(long, default_value_t = 1_000)]
    opens: usize,
    /// Runs of each search for (c).
    #[arg(long, default_value_t = 100)]
    search_runs: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the two cache files go (a temporary folder when not given).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let temp = tempfile::tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let store_path = dir.join("inbox-store.sqlite");
    let raw_path = dir.join("inbox-raw.sqlite");
    for path in [&store_path, &raw_path] {
        remove_database(path)?;
    }
    let cache = Cache::open(&store_path)?;
    // The raw side gets its schema from the cache too, then writes directly.
    seed_directory(&Cache::open(&raw_path)?, &args)?;
    seed_directory(&cache, &args)?;
    let mut raw = wicket_sqlite::open_unmigrated(&raw_path)?;

    println!(
        "inbox cache benchmark — {} messages in {} conversations, pages of {}, seed {}",
        args.messages, args.conversations, args.batch, args.seed
    );
    let (store_time, raw_time) = ingest(&cache, &mut raw, &args)?;
    let mut figures = Figures::new();
    let rate = |d: Duration| args.messages as f64 / d.as_secs_f64();
    println!();
    println!("{:<44} {:>12} {:>10}", "(a) ingest", "rows/s", "seconds");
    println!(
        "{:<44} {:>12.0} {:>10.1}",
        "raw bulk insert, same schema + FTS rows",
        rate(raw_time),
        raw_time.as_secs_f64()
    );
    println!("{:<44} {:>12.0} {:>10.1}", "Cache::apply_pull", rate(store_time), store_time.as_secs_f64());
    println!("{:<44} {:>11.0}%", "apply_pull / raw", 100.0 * rate(store_time) / rate(raw_time));
    figures.set("ingest_rows_per_s", rate(store_time)).set("raw_rows_per_s", rate(raw_time));

    println!();
    println!("{:<44} {:>8} {:>9} {:>9} {:>9}", "(b, c) query", "runs", "p50 ms", "p99 ms", "max ms");
    let mut rng = Rng::new(args.seed ^ 0xB0B);
    // The floor every read below is held against: one message by its key,
    // straight from SQLite (a prepared statement on the raw copy).
    let keys: Vec<String> = (0..args.opens).map(|_| format!("m{}", rng.below(args.messages))).collect();
    let mut point = raw.prepare("SELECT body FROM messages WHERE id = ?1")?;
    let points = time_each(&keys, |id| {
        let _body: String = point.query_row([id], |r| r.get(0)).map_err(wicket_store::StoreError::from)?;
        Ok(())
    })?;
    drop(point);
    drop(raw);
    report("one message by its key (raw SQLite)", &points);
    figures.set("point_p50_ms", ms(median(&points)));
    let opens: Vec<String> = (0..args.opens).map(|_| format!("c{}", rng.below(args.conversations))).collect();
    let mut rows = 0;
    let open = time_each(&opens, |id| {
        rows += cache.messages(id, None, 50)?.messages.len();
        Ok(())
    })?;
    report("open: messages(conv, None, 50)", &open);
    figures.set("open_p50_ms", ms(median(&open)));
    let threads = time_each(&opens[..opens.len().min(200)], |id| cache.thread(id, inbox_corpus::START).map(|_| ()))?;
    report("thread header: thread(conv, now)", &threads);
    for (key, label, query) in [
        ("search_zh1", "search 1-char Chinese 款", "款"),
        ("search_zh2", "search 2-char Chinese 还款", "还款"),
        ("search_zh3", "search 3-char Chinese 还款日", "还款日"),
        ("search_en", "search English word refund", "refund"),
    ] {
        let runs: Vec<&str> = vec![query; args.search_runs];
        let mut hits = 0;
        let times = time_each(&runs, |q| {
            hits = cache.search(q, 50)?.len();
            Ok(())
        })?;
        report(&format!("{label} ({hits} hits)"), &times);
        figures.set(&format!("{key}_p50_ms"), ms(median(&times)));
    }
    let all = wicket_model::inbox::InboxFilter {
        account_id: None,
        scope: wicket_model::inbox::InboxScope::All,
        status: None,
        label: None,
        unread_only: false,
    };
    // The baseline: the whole list, as the console read it before pages.
    let lists = time_each(&[(); 5], |_| cache.conversations(&all, "staff-1").map(|_| ()))?;
    report(&format!("list every conversation ({})", args.conversations), &lists);
    let pages = time_each(&[(); 20], |_| cache.conversation_page(&all, "staff-1", 200).map(|_| ()))?;
    report("the list's first page (200)", &pages);
    figures.set("list_all_p50_ms", ms(median(&lists))).set("first_page_p50_ms", ms(median(&pages)));
    let mut attention = 0;
    let unread = time_each(&[(); 20], |_| {
        attention = 0;
        for scope in [wicket_model::inbox::InboxScope::Mine, wicket_model::inbox::InboxScope::Unassigned] {
            let filter = wicket_model::inbox::InboxFilter { scope, unread_only: true, ..all.clone() };
            attention += cache.conversation_page(&filter, "staff-1", 1_000)?.items.len();
        }
        Ok(())
    })?;
    report(&format!("attention: mine + unassigned unread ({attention})"), &unread);
    let everyone = wicket_model::inbox::SubscriberFilter::default();
    let subscribers = time_each(&[(); 20], |_| cache.subscriber_page(&everyone, 200).map(|_| ()))?;
    report(&format!("subscribers: first page of {}", args.conversations), &subscribers);
    let mut found = 0;
    let by_name = wicket_model::inbox::SubscriberFilter { text: "张".into(), ..everyone.clone() };
    let searched = time_each(&[(); 20], |_| {
        found = cache.subscriber_page(&by_name, 200)?.items.len();
        Ok(())
    })?;
    report(&format!("subscribers: 张 in name, tag or note ({found})"), &searched);
    println!(
        "first page vs whole list: {:.1}x faster (medians)",
        median(&lists).as_secs_f64() / median(&pages).as_secs_f64().max(1e-9)
    );
    println!();
    println!("opened conversations held {:.1} messages on average", rows as f64 / opens.len().max(1) as f64);
    println!("cache file: {:.0} MB (raw copy: {:.0} MB)", file_mb(&store_path), file_mb(&raw_path));
    figures.emit(args.json);
    Ok(())
}

/// Accounts, subscribers and conversations, untimed: the timed part is the
/// messages, which are nearly all the rows.
fn seed_directory(cache: &Cache, args: &Args) -> Result<(), wicket_store::StoreError> {
    let mut rng = Rng::new(args.seed ^ 0x5EED);
    let mut changes: Vec<Change> = inbox_corpus::accounts().into_iter().map(Change::Account).collect();
    for i in 0..args.conversations {
        changes.push(Change::Subscriber(inbox_corpus::subscriber(i, &mut rng)));
        changes.push(Change::Conversation(inbox_corpus::conversation(i)));
    }
    for page in changes.chunks(args.batch.max(1)) {
        cache.apply_pull(&pull_page(page.to_vec(), 0), inbox_corpus::START)?;
    }
    Ok(())
}

/// A page of the corpus's feed, its cursor just past its last change.
fn pull_page(changes: Vec<Change>, first_seq: i64) -> wicket_model::sync::PullResponse {
    let cursor = first_seq + changes.len() as i64;
    inbox_corpus::pull_page(changes, first_seq, cursor, inbox_corpus::START)
}

/// A message as the raw insert takes it: everything computed beforehand.
struct RawRow {
    id: String,
    conversation_id: String,
    created_at: i64,
    body: String,
    unigrams: String,
    bigrams: String,
}

fn raw_row(message: &Message) -> Result<RawRow, serde_json::Error> {
    let tokens = search::message_text(&message.body).map(search::index_tokens).unwrap_or_default();
    Ok(RawRow {
        id: message.id.clone(),
        conversation_id: message.conversation_id.clone(),
        created_at: message.created_at,
        body: serde_json::to_string(message)?,
        unigrams: tokens.unigrams,
        bigrams: tokens.bigrams,
    })
}

/// Both ingests, batch by batch in turn; returns the time each spent inside
/// its writes (generating the rows is not counted for either).
fn ingest(
    cache: &Cache,
    raw: &mut Connection,
    args: &Args,
) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let mut rng = Rng::new(args.seed);
    let (mut store_time, mut raw_time) = (Duration::ZERO, Duration::ZERO);
    let batch = args.batch.max(1);
    let mut n = 0;
    let progress_every = (args.messages / 10).max(1);
    while n < args.messages {
        let size = batch.min(args.messages - n);
        let messages: Vec<Message> =
            (n..n + size).map(|i| inbox_corpus::message(i, args.conversations, &mut rng)).collect();
        let rows = messages.iter().map(raw_row).collect::<Result<Vec<_>, _>>()?;
        let page = pull_page(messages.into_iter().map(Change::Message).collect(), n as i64 + 1);

        let started = Instant::now();
        cache.apply_pull(&page, inbox_corpus::START)?;
        store_time += started.elapsed();

        let started = Instant::now();
        raw_insert(raw, &rows)?;
        raw_time += started.elapsed();

        if (n + size) / progress_every != n / progress_every {
            eprintln!("  ingested {} of {}", n + size, args.messages);
        }
        n += size;
    }
    Ok((store_time, raw_time))
}

fn raw_insert(conn: &mut Connection, rows: &[RawRow]) -> wicket_sqlite::rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut message = tx.prepare_cached(
            "INSERT INTO messages (id, conversation_id, created_at, body) VALUES (?1, ?2, ?3, ?4) RETURNING rowid",
        )?;
        let mut index =
            tx.prepare_cached("INSERT INTO message_search (rowid, unigrams, bigrams) VALUES (?1, ?2, ?3)")?;
        for row in rows {
            let rowid: i64 =
                message.query_row(params![row.id, row.conversation_id, row.created_at, row.body], |r| r.get(0))?;
            index.execute(params![rowid, row.unigrams, row.bigrams])?;
        }
    }
    tx.commit()
}

fn time_each<T>(
    items: &[T],
    mut run: impl FnMut(&T) -> Result<(), wicket_store::StoreError>,
) -> Result<Vec<Duration>, wicket_store::StoreError> {
    let mut times = Vec::with_capacity(items.len());
    for item in items {
        let started = Instant::now();
        run(item)?;
        times.push(started.elapsed());
    }
    Ok(times)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn report(label: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |p: f64| {
        let rank = ((p / 100.0) * (sorted.len().saturating_sub(1)) as f64).round() as usize;
        sorted.get(rank).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!("{:<44} {:>8} {:>9.3} {:>9.3} {:>9.3}", label, sorted.len(), at(50.0), at(99.0), at(100.0));
}

/// A run starts from empty files; files that are not there are fine.
fn remove_database(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        match std::fs::remove_file(format!("{}{suffix}", path.display())) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn file_mb(path: &Path) -> f64 {
    let wal = std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len());
    std::fs::metadata(path).map_or(0, |m| m.len() + wal) as f64 / 1_048_576.0
}
