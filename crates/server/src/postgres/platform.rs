//! The platform adapters' storage on PostgreSQL (`platform::store`): the
//! queries of `sqlite/platform.rs`. Every commit is synced before it returns
//! (PostgreSQL's default), so the durable writes need nothing more.

use async_trait::async_trait;
use r2d2_postgres::postgres::{self, GenericClient};
use wicket_model::{Millis, WicketError};

use super::world::decide_and_save;
use super::{get, pg, PgStorage};
use crate::platform::store::{PlatformStore, QueuedSend, SendState, StoredConnection};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

const SEND_COLUMNS: &str = "message_id, platform, account_id, state, attempts, next_at";
/// A send `p` with no earlier send of its conversation pending or in flight.
const HEAD_OF_CONVERSATION: &str = "NOT EXISTS (SELECT 1 FROM platform_sends e \
     WHERE e.conversation_id = p.conversation_id AND e.pos < p.pos AND e.state IN ('pending', 'sending'))";

fn send_from_row(row: &postgres::Row) -> Result<QueuedSend> {
    let state: String = get(row, 3)?;
    Ok(QueuedSend {
        message_id: get(row, 0)?,
        platform: get(row, 1)?,
        account_id: get(row, 2)?,
        state: SendState::parse(&state).ok_or_else(|| StorageError::Corrupt(format!("send state {state:?}")))?,
        attempts: u32::try_from(get::<i64>(row, 4)?).unwrap_or(u32::MAX),
        next_at: get(row, 5)?,
    })
}

/// `decide_and_save` in a transaction of its own, committed when the
/// decision is not refused; `more` adds to the same transaction.
fn record_with(
    conn: &mut postgres::Client,
    decide: DecideFn,
    now: Millis,
    more: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<()>,
) -> Result<std::result::Result<Recorded, WicketError>> {
    let mut tx = conn.transaction().map_err(pg)?;
    let recorded = decide_and_save(&mut tx, decide, now)?;
    if recorded.is_ok() {
        more(&mut tx)?;
        tx.commit().map_err(pg)?;
    }
    Ok(recorded)
}

#[async_trait]
impl PlatformStore for PgStorage {
    async fn record_durably(
        &self,
        decide: DecideFn,
        now: Millis,
    ) -> Result<std::result::Result<Recorded, WicketError>> {
        // Committed (synced, PostgreSQL's default) before the answer, in a
        // group with the others waiting.
        self.writer.record(decide, now).await
    }

    async fn connection(&self, account_id: &str) -> Result<Option<StoredConnection>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let row = conn
                .query_opt(
                    "SELECT account_id, platform, settings, sealed, state, updated_at FROM platform_connections
                     WHERE account_id = $1",
                    &[&account_id],
                )
                .map_err(pg)?;
            row.map(|row| {
                Ok(StoredConnection {
                    account_id: get(&row, 0)?,
                    platform: get(&row, 1)?,
                    settings: get(&row, 2)?,
                    sealed: get(&row, 3)?,
                    state: get(&row, 4)?,
                    updated_at: get(&row, 5)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn save_connection(&self, c: StoredConnection) -> Result<()> {
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO platform_connections (account_id, platform, settings, sealed, state, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (account_id) DO UPDATE SET platform = excluded.platform, settings = excluded.settings,
                   sealed = excluded.sealed, state = excluded.state, updated_at = excluded.updated_at",
                &[&c.account_id, &c.platform, &c.settings, &c.sealed, &c.state, &c.updated_at],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn delete_connection(&self, account_id: &str) -> Result<bool> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let deleted =
                conn.execute("DELETE FROM platform_connections WHERE account_id = $1", &[&account_id]).map_err(pg)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn save_connection_state(&self, account_id: &str, state: String) -> Result<()> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            conn.execute("UPDATE platform_connections SET state = $2 WHERE account_id = $1", &[&account_id, &state])
                .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn queue_outbound(&self, now: Millis) -> Result<u64> {
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            // One dispatcher reads the feed at a time (the cursor row stays
            // locked until the commit).
            let row = tx.query_one("SELECT seq FROM platform_feed_cursor WHERE id = 1 FOR UPDATE", &[]).map_err(pg)?;
            let cursor: i64 = get(&row, 0)?;
            let last = super::newest_seq(&mut tx)?;
            if last <= cursor {
                return Ok(0);
            }
            // Inserted in the feed's order: a send's position is its place in
            // the queue, so one subscriber's replies go out as they were written.
            let queued = tx
                .execute(
                    "INSERT INTO platform_sends
                       (message_id, platform, account_id, conversation_id, state, attempts, next_at, error, updated_at)
                     SELECT m.id, s.platform, s.account_id, m.conversation_id, 'pending', 0, $3::BIGINT, NULL, $3::BIGINT
                     FROM changes c
                     JOIN messages m ON m.id = c.entity_id
                     JOIN conversations cv ON cv.id = m.conversation_id
                     JOIN subscribers s ON s.id = cv.subscriber_id
                     WHERE c.seq > $1 AND c.seq <= $2 AND c.kind = 'message'
                       AND m.direction = 'outbound' AND s.platform <> 'sandbox'
                       AND (m.body::jsonb -> 'delivery' ->> 'state') = 'sent'
                       AND coalesce((m.body::jsonb -> 'auto_reply' -> 'passive') = 'true'::jsonb, false) = false
                     GROUP BY m.id, s.platform, s.account_id, m.conversation_id
                     ORDER BY min(c.seq)
                     ON CONFLICT (message_id) DO NOTHING",
                    &[&cursor, &last, &now],
                )
                .map_err(pg)?;
            tx.execute("UPDATE platform_feed_cursor SET seq = $1 WHERE id = 1", &[&last]).map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(queued)
        })
        .await
    }

    async fn due_sends(&self, now: Millis, limit: u32) -> Result<Vec<QueuedSend>> {
        self.run(move |conn| {
            let rows = conn
                .query(
                    &format!(
                        "SELECT {SEND_COLUMNS} FROM platform_sends p WHERE state = 'pending' AND next_at <= $1
                           AND {HEAD_OF_CONVERSATION}
                         ORDER BY next_at, pos LIMIT $2"
                    ),
                    &[&now, &i64::from(limit)],
                )
                .map_err(pg)?;
            rows.iter().map(send_from_row).collect()
        })
        .await
    }

    async fn next_send_at(&self) -> Result<Option<Millis>> {
        self.run(move |conn| {
            let row = conn
                .query_one(
                    &format!(
                        "SELECT min(next_at) FROM platform_sends p WHERE state = 'pending' AND {HEAD_OF_CONVERSATION}"
                    ),
                    &[],
                )
                .map_err(pg)?;
            get(&row, 0)
        })
        .await
    }

    async fn send(&self, message_id: &str) -> Result<Option<QueuedSend>> {
        let id = message_id.to_owned();
        self.run(move |conn| {
            let row = conn
                .query_opt(&format!("SELECT {SEND_COLUMNS} FROM platform_sends WHERE message_id = $1"), &[&id])
                .map_err(pg)?;
            row.as_ref().map(send_from_row).transpose()
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
            // `sending` only from `pending`, in the one statement: of two
            // workers (or processes), one takes the send.
            let only_from = if state == SendState::Sending { " AND state = 'pending'" } else { "" };
            let changed = conn
                .execute(
                    &format!(
                        "UPDATE platform_sends SET state = $2, attempts = $3, next_at = $4, error = $5, updated_at = $6
                         WHERE message_id = $1{only_from}"
                    ),
                    &[&id, &state.as_str(), &i64::from(attempts), &next_at, &error, &now],
                )
                .map_err(pg)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn abandon_in_flight(&self, now: Millis) -> Result<Vec<String>> {
        self.run(move |conn| {
            let rows = conn
                .query(
                    "UPDATE platform_sends SET state = 'unknown', updated_at = $1 WHERE state = 'sending'
                     RETURNING message_id",
                    &[&now],
                )
                .map_err(pg)?;
            rows.iter().map(|r| get(r, 0)).collect()
        })
        .await
    }

    async fn follower_import(&self, account_id: &str) -> Result<Option<String>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let row =
                conn.query_opt("SELECT job FROM follower_imports WHERE account_id = $1", &[&account_id]).map_err(pg)?;
            row.map(|r| get(&r, 0)).transpose()
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
                    "INSERT INTO follower_imports (account_id, running, job, updated_at) VALUES ($1, true, $2, $3)
                     ON CONFLICT (account_id) DO UPDATE SET running = true, job = excluded.job,
                       updated_at = excluded.updated_at
                     WHERE NOT follower_imports.running",
                    &[&account_id, &job, &now],
                )
                .map_err(pg)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn running_follower_imports(&self) -> Result<Vec<String>> {
        self.run(move |conn| {
            let rows = conn.query("SELECT account_id FROM follower_imports WHERE running", &[]).map_err(pg)?;
            rows.iter().map(|r| get(r, 0)).collect()
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
        self.run(move |conn| record_with(conn, decide, now, |tx| save_import(tx, &account_id, true, &job, now))).await
    }
}

fn save_import(conn: &mut impl GenericClient, account_id: &str, running: bool, job: &str, now: Millis) -> Result<()> {
    conn.execute(
        "INSERT INTO follower_imports (account_id, running, job, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET running = excluded.running, job = excluded.job,
           updated_at = excluded.updated_at",
        &[&account_id, &running, &job, &now],
    )
    .map_err(pg)?;
    Ok(())
}
