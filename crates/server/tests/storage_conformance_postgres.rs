//! The storage conformance suite (`wicket_server::storage::conformance`) on
//! PostgreSQL: each case on a fresh database of a throwaway cluster that
//! this test binary starts (and stops by its pid when it exits). Built with
//! the `postgres` feature: `cargo test -p wicket-server --features postgres
//! --test storage_conformance_postgres`.
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wicket_model::{Account, Change, ChangeKind, NewAccount, PlatformProfile, World};
use wicket_server::postgres::PgStorage;
use wicket_server::storage::Storage;
use wicket_test_support::{broadcast_tallies, PostgresCluster};

async fn fresh_database() -> String {
    tokio::task::spawn_blocking(|| PostgresCluster::shared().fresh_database()).await.expect("a fresh database")
}

async fn fresh_postgres() -> (Arc<dyn Storage>, ()) {
    let url = fresh_database().await;
    let storage = PgStorage::connect(&url).await.expect("PostgreSQL opens a fresh database");
    (Arc::new(storage), ())
}

wicket_server::storage_conformance_tests!(fresh_postgres);

fn account(id: String) -> Account {
    NewAccount {
        id,
        name: "Shop".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    }
    .into_account(1)
}

/// Eight writers on eight connections commit as fast as they can while a
/// reader follows the feed from its cursor: every change it pulls is past
/// its cursor, and every change ever committed is pulled, so no cursor
/// passed a change that committed later with a lower number.
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_commits_never_land_behind_a_cursor() {
    const WRITERS: usize = 8;
    const EACH: usize = 150;
    let storage: Arc<dyn Storage> = Arc::new(PgStorage::connect(&fresh_database().await).await.unwrap());
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (storage, done) = (storage.clone(), done.clone());
        tokio::spawn(async move {
            let (mut cursor, mut pulls, mut seen) = (0_i64, 0_usize, BTreeMap::new());
            loop {
                let finished = done.load(Ordering::SeqCst);
                let page = storage.pull("reader", "staff", &ChangeKind::ALL, cursor, 7, 0).await.unwrap();
                pulls += 1;
                for entry in &page.changes {
                    assert!(entry.seq > cursor, "a pulled change is past the cursor it was pulled from");
                    let Change::Account(account) = &entry.change else { continue };
                    assert!(seen.insert(account.id.clone(), entry.seq).is_none(), "no change is pulled twice");
                }
                cursor = page.cursor;
                if finished && !page.more {
                    return (seen, pulls, cursor);
                }
            }
        })
    };
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let storage = storage.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..EACH {
                let account = account(format!("w{w}-{n}"));
                let decide = Box::new(move |_: &dyn World| Ok(vec![Change::Account(account)]));
                storage.record(decide, 1).await.unwrap().unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let (seen, pulls, cursor) = reader.await.unwrap();
    let committed = WRITERS * EACH;
    let skipped = committed - seen.len();
    println!("writers {WRITERS}, commits {committed}, pulls {pulls}, pulled {}, skipped {skipped}", seen.len());
    assert_eq!(skipped, 0, "no committed change was passed by the reader's cursor");
    assert_eq!(cursor, storage.last_seq().await.unwrap(), "the reader ends at the feed's newest position");
    assert!(pulls > 1, "the reader pulled while the writers committed");
}

/// Processes starting at once on an empty database migrate it once, each
/// step in its own transaction; a database newer than the program is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn processes_starting_at_once_migrate_once_and_a_newer_schema_is_refused() {
    let url = fresh_database().await;
    let opening: Vec<_> = (0..3).map(|_| PgStorage::connect(&url)).collect();
    for opened in futures_util::future::join_all(opening).await {
        opened.expect("every process starting at once opens the database");
    }
    let versions = tokio::task::spawn_blocking(|| {
        let database = url.rsplit('/').next().unwrap().to_owned();
        let cluster = PostgresCluster::shared();
        let versions = cluster.psql(&database, "SELECT count(*), count(DISTINCT version) FROM schema_migrations");
        cluster.psql(&database, "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999-future')");
        (versions, url)
    })
    .await
    .unwrap();
    let (versions, url) = versions;
    let expected = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations-postgres")).unwrap().count();
    assert_eq!(versions.trim(), format!("{expected}|{expected}"), "each migration is applied once");
    let refused = PgStorage::connect(&url).await.err().expect("a database newer than the program is refused");
    assert!(refused.to_string().contains("newer"), "the refusal says why: {refused}");
}

/// The ledger grouped as the tallies keep it, and the tallies.
type Grouped = Vec<(String, String, String, i64)>;
fn tallies_and_ledger(client: &mut postgres::Client) -> (Grouped, Grouped) {
    let mut read = |sql: &str| -> Grouped {
        client.query(sql, &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
    };
    (read(broadcast_tallies::TALLIES), read(broadcast_tallies::LEDGER))
}

/// The statement-level triggers keep a broadcast's tallies equal to its
/// ledger through every kind of change the server makes (many rows in one
/// statement, a conflict that inserts nothing, an update that moves nobody).
#[tokio::test]
async fn the_tallies_follow_every_change_to_the_ledger() {
    let url = fresh_database().await;
    let _migrated = PgStorage::connect(&url).await.unwrap();
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        client
            .batch_execute(
                "INSERT INTO accounts (id, name, platform, category, description, avatar_color, archived,
                   created_at, updated_at) VALUES ('shop', 'Shop', 'wechat', '', '', '#07c160', false, 0, 0);
                 INSERT INTO broadcasts (id, account_id, status, send_at, body, created_at, updated_at)
                 VALUES ('b1', 'shop', 'sending', 0, '{}', 0, 0);",
            )
            .unwrap();
        let recipients = "INSERT INTO broadcast_recipients
               (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, reason, decided_at)
             VALUES ('b1', 's1', 'shop', 'wechat', 'o1', 'sent', NULL, 0),
                    ('b1', 's2', 'shop', 'wechat', 'o2', 'sent', NULL, 0),
                    ('b1', 's3', 'shop', 'wechat', 'o3', 'failed', 'wechat.mass.refused', 0),
                    ('b1', 's4', 'shop', 'wechat', 'o4', 'pending', NULL, 0),
                    ('b1', 's5', 'shop', 'wechat', 'o5', 'unfollowed', NULL, 0),
                    ('b1', 's6', 'shop', 'alipay', 'a6', 'pending', NULL, 0)";
        for step in std::iter::once(recipients).chain(broadcast_tallies::LEDGER_CHANGES) {
            client.execute(step, &[]).unwrap();
            let (tallies, ledger) = tallies_and_ledger(&mut client);
            assert_eq!(tallies, ledger, "after {step}");
        }
        let (tallies, _) = tallies_and_ledger(&mut client);
        assert!(tallies.contains(&("b1/wechat".into(), "sent".into(), String::new(), 1)), "{tallies:?}");
    })
    .await
    .unwrap();
}
