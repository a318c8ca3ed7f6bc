//! The platform adapters' storage on SQLite (`platform::store`).

use async_trait::async_trait;
use wicket_model::Millis;
use wicket_sqlite::rusqlite::{params, OptionalExtension};

use wicket_model::WicketError;

use super::world::decide_and_save;
use super::{durable, sql, SqliteStorage};
use crate::platform::store::{PlatformStore, QueuedSend, SendState, StoredConnection};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

const SEND_COLUMNS: &str = "message_id, platform, account_id, state, attempts, next_at";
/// A send `p` with no earlier send of its conversation pending or in flight.
const HEAD_OF_CONVERSATION: &str = "NOT EXISTS (SELECT 1 FROM platform_sends e \
     WHERE e.conversation_id = p.conversation_id AND e.rowid < p.rowid AND e.state IN ('pending', 'sending'))";

fn send_from_row(row: &wicket_sqlite::rusqlite::Row<'_>) -> wicket_sqlite::rusqlite::Result<(QueuedSend, String)> {
    let state: String = row.get(3)?;
    Ok((
        QueuedSend {
            message_id: row.get(0)?,
            platform: row.get(1)?,
            account_id: row.get(2)?,
            state: SendState::Pending,
            attempts: row.get(4)?,
            next_at: row.get(5)?,
        },
        state,
    ))
}

fn with_state((send, state): (QueuedSend, String)) -> Result<QueuedSend> {
    let state = SendState::parse(&state).ok_or_else(|| StorageError::Corrupt(format!("send state {state:?}")))?;
    Ok(QueuedSend { state, ..send })
}

#[async_trait]
impl PlatformStore for SqliteStorage {
    async fn record_durably(
        &self,
        decide: DecideFn,
        now: Millis,
    ) -> Result<std::result::Result<Recorded, WicketError>> {
        // Synced before the answer, in a group with the others waiting.
        self.writer.record(decide, now).await
    }

    async fn connection(&self, account_id: &str) -> Result<Option<StoredConnection>> {
        let account_id = account_id.to_owned();
        self.read_point(move |conn| {
            conn.query_row(
                "SELECT account_id, platform, settings, sealed, state, updated_at FROM platform_connections
                 WHERE account_id = ?1",
                [account_id],
                |row| {
                    Ok(StoredConnection {
                        account_id: row.get(0)?,
                        platform: row.get(1)?,
                        settings: row.get(2)?,
                        sealed: row.get(3)?,
                        state: row.get(4)?,
                        updated_at: row.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(sql)
        })
        .await
    }

    async fn save_connection(&self, c: StoredConnection) -> Result<()> {
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO platform_connections (account_id, platform, settings, sealed, state, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account_id) DO UPDATE SET platform = excluded.platform, settings = excluded.settings,
                   sealed = excluded.sealed, state = excluded.state, updated_at = excluded.updated_at",
                params![c.account_id, c.platform, c.settings, c.sealed, c.state, c.updated_at],
            )
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn delete_connection(&self, account_id: &str) -> Result<bool> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let deleted = conn
                .execute("DELETE FROM platform_connections WHERE account_id = ?1", params![account_id])
                .map_err(sql)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn save_connection_state(&self, account_id: &str, state: String) -> Result<()> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            conn.execute(
                "UPDATE platform_connections SET state = ?2 WHERE account_id = ?1",
                params![account_id, state],
            )
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn queue_outbound(&self, now: Millis) -> Result<u64> {
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let cursor: i64 =
                tx.query_row("SELECT seq FROM platform_feed_cursor WHERE id = 1", [], |r| r.get(0)).map_err(sql)?;
            let last: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql)?;
            if last <= cursor {
                return Ok(0);
            }
            // Inserted in the feed's order: a send's position is its place in
            // the queue, so one subscriber's replies go out as they were written.
            let queued = tx
                .execute(
                    "INSERT OR IGNORE INTO platform_sends
                       (message_id, platform, account_id, conversation_id, state, attempts, next_at, error, updated_at)
                     SELECT m.id, s.platform, s.account_id, m.conversation_id, 'pending', 0, ?3, NULL, ?3
                     FROM changes c
                     JOIN messages m ON m.id = c.entity_id
                     JOIN conversations cv ON cv.id = m.conversation_id
                     JOIN subscribers s ON s.id = cv.subscriber_id
                     WHERE c.seq > ?1 AND c.seq <= ?2 AND c.kind = 'message'
                       AND m.direction = 'outbound' AND s.platform <> 'sandbox'
                       AND json_extract(m.body, '$.delivery.state') = 'sent'
                       AND coalesce(json_extract(m.body, '$.auto_reply.passive'), 0) = 0
                     GROUP BY m.id, s.platform, s.account_id, m.conversation_id
                     ORDER BY min(c.seq)",
                    params![cursor, last, now],
                )
                .map_err(sql)?;
            tx.execute("UPDATE platform_feed_cursor SET seq = ?1 WHERE id = 1", [last]).map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(queued as u64)
        })
        .await
    }

    async fn due_sends(&self, now: Millis, limit: u32) -> Result<Vec<QueuedSend>> {
        self.read(move |conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {SEND_COLUMNS} FROM platform_sends p WHERE state = 'pending' AND next_at <= ?1
                       AND {HEAD_OF_CONVERSATION}
                     ORDER BY next_at, rowid LIMIT ?2"
                ))
                .map_err(sql)?;
            let rows = stmt.query_map(params![now, limit], send_from_row).map_err(sql)?;
            rows.map(|row| row.map_err(sql).and_then(with_state)).collect()
        })
        .await
    }

    async fn next_send_at(&self) -> Result<Option<Millis>> {
        self.read(move |conn| {
            conn.query_row(
                &format!(
                    "SELECT min(next_at) FROM platform_sends p WHERE state = 'pending' AND {HEAD_OF_CONVERSATION}"
                ),
                [],
                |r| r.get(0),
            )
            .map_err(sql)
        })
        .await
    }

    async fn send(&self, message_id: &str) -> Result<Option<QueuedSend>> {
        let id = message_id.to_owned();
        self.read(move |conn| {
            let found = conn
                .query_row(
                    &format!("SELECT {SEND_COLUMNS} FROM platform_sends WHERE message_id = ?1"),
                    [id],
                    send_from_row,
                )
                .optional()
                .map_err(sql)?;
            found.map(with_state).transpose()
        })
        .await
    }

    async fn set_send_state(
        &self,
        message_id: &str,
        state: SendState,
        attempts: u32,
        next_at: Millis,
        error: Option<String>,
        now: Millis,
    ) -> Result<bool> {
        let id = message_id.to_owned();
        self.run(move |conn| {
            let sending = state == SendState::Sending;
            let only_from = if sending { " AND state = 'pending'" } else { "" };
            let update = |conn: &mut wicket_sqlite::rusqlite::Connection| {
                conn.execute(
                    &format!(
                        "UPDATE platform_sends SET state = ?2, attempts = ?3, next_at = ?4, error = ?5, updated_at = ?6
                         WHERE message_id = ?1{only_from}"
                    ),
                    params![id, state.as_str(), attempts, next_at, error, now],
                )
                .map_err(sql)
            };
            // `sending` is on disk before the request leaves: a power cut
            // cannot make a send that may have arrived look unsent.
            let changed = if sending { durable(conn, |conn| update(conn))? } else { update(conn)? };
            Ok(changed == 1)
        })
        .await
    }

    async fn abandon_in_flight(&self, now: Millis) -> Result<Vec<String>> {
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let ids = {
                let mut stmt =
                    tx.prepare("SELECT message_id FROM platform_sends WHERE state = 'sending'").map_err(sql)?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
                rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql)?
            };
            tx.execute("UPDATE platform_sends SET state = 'unknown', updated_at = ?1 WHERE state = 'sending'", [now])
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(ids)
        })
        .await
    }

    async fn follower_import(&self, account_id: &str) -> Result<Option<String>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| {
            conn.query_row("SELECT job FROM follower_imports WHERE account_id = ?1", [account_id], |r| r.get(0))
                .optional()
                .map_err(sql)
        })
        .await
    }

    async fn save_follower_import(&self, account_id: &str, running: bool, job: String, now: Millis) -> Result<()> {
        let account_id = account_id.to_owned();
        self.run(move |conn| save_import(conn, &account_id, running, &job, now)).await
    }

    async fn begin_follower_import(&self, account_id: &str, job: String, now: Millis) -> Result<bool> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "INSERT INTO follower_imports (account_id, running, job, updated_at) VALUES (?1, 1, ?2, ?3)
                     ON CONFLICT (account_id) DO UPDATE SET running = 1, job = excluded.job,
                       updated_at = excluded.updated_at
                     WHERE follower_imports.running = 0",
                    params![account_id, job, now],
                )
                .map_err(sql)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn running_follower_imports(&self) -> Result<Vec<String>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare("SELECT account_id FROM follower_imports WHERE running = 1").map_err(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
            rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql)
        })
        .await
    }

    async fn record_import(
        &self,
        decide: DecideFn,
        now: Millis,
        account_id: &str,
        job: String,
    ) -> Result<std::result::Result<Recorded, WicketError>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            durable(conn, |conn| {
                let tx = conn.transaction().map_err(sql)?;
                let recorded = decide_and_save(&tx, decide, now)?;
                if recorded.is_ok() {
                    save_import(&tx, &account_id, true, &job, now)?;
                    tx.commit().map_err(sql)?;
                }
                Ok(recorded)
            })
        })
        .await
    }
}

fn save_import(
    conn: &wicket_sqlite::rusqlite::Connection,
    account_id: &str,
    running: bool,
    job: &str,
    now: Millis,
) -> Result<()> {
    conn.execute(
        "INSERT INTO follower_imports (account_id, running, job, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET running = excluded.running, job = excluded.job,
           updated_at = excluded.updated_at",
        params![account_id, running, job, now],
    )
    .map_err(sql)?;
    Ok(())
}
