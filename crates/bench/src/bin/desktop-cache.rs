//! Fills the desktop app's own cache file with the inbox corpus (accounts,
//! subscribers, conversations and `--messages` messages of
//! `wicket_bench::inbox_corpus`), for `desktop-start-bench`'s "memory with
//! the 1,000,000-message cache open" figure. The app made the file first (in
//! local mode, then closed); the corpus goes in through `Cache::apply_pull`
//! as the sync engine takes pages, keeping the file's cursor, so the app's
//! next pull from its embedded server is not mistaken for a server behind
//! the console (which would start the cache again from empty).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use wicket_bench::inbox_corpus::{self, Rng};
use wicket_model::sync::PullResponse;
use wicket_model::Change;
use wicket_store::{Cache, PullTaken};

#[derive(Parser)]
struct Args {
    /// The app's cache file (`<data>/workspaces/local/cache.sqlite`).
    #[arg(long)]
    cache: PathBuf,
    /// Messages to add.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Conversations (one subscriber each) they fall into.
    #[arg(long, default_value_t = 20_000)]
    conversations: usize,
    /// Changes per page.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn apply(cache: &Cache, page: &PullResponse) -> Result<(), wicket_store::StoreError> {
    // A cache pulled under a narrower scope takes the first full page only
    // after widening its scope; the page is then given again.
    if matches!(cache.apply_pull(page, now_ms())?, PullTaken::Widened) {
        cache.apply_pull(page, now_ms())?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if !args.cache.exists() {
        return Err(format!("{} does not exist: the app makes it when local mode starts", args.cache.display()).into());
    }
    let started = Instant::now();
    let cache = Cache::open(&args.cache)?;
    let cursor = cache.cursor()?;
    let batch = args.batch.max(1);

    let mut rng = Rng::new(args.seed ^ 0x5EED);
    let mut directory: Vec<Change> = inbox_corpus::accounts().into_iter().map(Change::Account).collect();
    for i in 0..args.conversations {
        directory.push(Change::Subscriber(inbox_corpus::subscriber(i, &mut rng)));
        directory.push(Change::Conversation(inbox_corpus::conversation(i)));
    }
    for changes in directory.chunks(batch) {
        apply(&cache, &inbox_corpus::pull_page(changes.to_vec(), 1, cursor, now_ms()))?;
    }

    let mut rng = Rng::new(args.seed);
    let mut n = 0;
    let progress_every = (args.messages / 10).max(1);
    while n < args.messages {
        let size = batch.min(args.messages - n);
        let messages = (n..n + size).map(|i| Change::Message(inbox_corpus::message(i, args.conversations, &mut rng)));
        apply(&cache, &inbox_corpus::pull_page(messages.collect(), n as i64 + 1, cursor, now_ms()))?;
        if (n + size) / progress_every != n / progress_every {
            eprintln!("  cache: {} of {} messages", n + size, args.messages);
        }
        n += size;
    }
    let size = std::fs::metadata(&args.cache).map_or(0, |m| m.len());
    println!(
        "{} messages in {} conversations added to {} ({:.0} MB) in {:.1} s",
        args.messages,
        args.conversations,
        args.cache.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
