//! The server's housekeeping, called directly with a chosen "now": expired
//! sessions and long-idle consoles' sync records go, everything else stays.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use wicket_model::Role;
use wicket_server::purge::CLIENT_IDLE_DAYS;
use wicket_server::storage::{NewStaff, Purged, Storage};
use wicket_server::{AppState, ManualClock};
use wicket_sqlite::rusqlite::{params, Connection};

const T0: i64 = 1_767_225_600_000;
const DAY: i64 = 24 * 3600 * 1000;

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn expired_sessions_and_idle_clients_are_purged_and_the_rest_stays() {
    let dir = tempfile::tempdir().unwrap();
    let storage = wicket_server::open_storage(dir.path()).unwrap();
    let staff =
        NewStaff { login: "boss".into(), display_name: "Boss".into(), role: Role::Owner, password_hash: "x".into() };
    let boss = storage.create_staff(staff, T0).await.unwrap();
    storage.create_session("expired", &boss.id, T0, T0 + DAY).await.unwrap();
    storage.create_session("live", &boss.id, T0, T0 + 40 * DAY).await.unwrap();
    let db = Connection::open(dir.path().join("wicket.sqlite")).unwrap();
    for (client, last_push) in [("idle", T0), ("busy", T0 + 100 * DAY)] {
        db.execute(
            "INSERT INTO clients (client_id, staff_id, last_mutation_id, updated_at) VALUES (?1, ?2, 7, ?3)",
            params![client, boss.id, last_push],
        )
        .unwrap();
        db.execute("INSERT INTO rejections (client_id, mutation_id, error) VALUES (?1, 3, '{}')", [client]).unwrap();
        db.execute("INSERT INTO mutation_digests (client_id, mutation_id, digest) VALUES (?1, 7, 'd')", [client])
            .unwrap();
    }

    let now = T0 + 2 * DAY;
    let purged = storage.purge(now, now - CLIENT_IDLE_DAYS * DAY).await.unwrap();
    assert_eq!(purged, Purged { sessions: 1, clients: 0, rejections: 0 }, "two days on, only the expired session goes");
    assert!(storage.session("live", now).await.unwrap().is_some(), "a live session stays");
    assert_eq!(
        count(&db, "SELECT count(*) FROM sessions WHERE token_hash = 'expired'"),
        0,
        "the row is gone, not just refused"
    );

    let clock = Arc::new(ManualClock::at(T0 + (CLIENT_IDLE_DAYS + 1) * DAY));
    let state = AppState::new(Arc::new(storage), clock);
    let purged = state.purge().await.unwrap();
    assert_eq!(purged, Purged { sessions: 1, clients: 1, rejections: 1 }, "after the idle time, the idle console goes");
    assert_eq!(
        count(&db, "SELECT count(*) FROM clients WHERE client_id = 'busy'"),
        1,
        "a console that pushed lately stays"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM rejections WHERE client_id = 'busy'"), 1, "with its refusals");
    assert_eq!(count(&db, "SELECT count(*) FROM clients"), 1);
    let digests = count(&db, "SELECT count(*) FROM mutation_digests WHERE client_id = 'idle'");
    assert_eq!(digests, 0, "the idle console's mutation digests go with it");
    assert_eq!(count(&db, "SELECT count(*) FROM mutation_digests WHERE client_id = 'busy'"), 1);
}
