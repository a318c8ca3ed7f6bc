//! The broadcast job's storage on SQLite (`broadcast::store`).

use async_trait::async_trait;
use wicket_model::broadcast::{
    Activity, Audience, Broadcast, BroadcastStatus, CapRule, Decision, FailureCount, PlatformCounts, PlatformTotals,
};
use wicket_model::conversation::{Conversation, ConversationStatus, Delivery, Direction, Message, Subscriber};
use wicket_model::{Account, Change, Millis};
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::world::{decode, save_change};
use super::{durable, sql, SqliteStorage};
use crate::broadcast::ledger::{batch_size, client_msg_id, counts_for, parse_status, state_of, tally, COUNTED};
use crate::broadcast::store::{
    Batch, BatchOutcome, BroadcastLabel, BroadcastStore, DueLabel, Pending, Planned, StoredBroadcast,
};
use crate::storage::{Result, StorageError};

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StorageError::Database(e.to_string()))
}

fn read_broadcast(conn: &Connection, id: &str) -> Result<Option<StoredBroadcast>> {
    let row: Option<(String, String, i64)> = conn
        .query_row("SELECT body, status, planned FROM broadcasts WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .map_err(sql)?;
    row.map(stored).transpose()
}

fn stored((body, status, planned): (String, String, i64)) -> Result<StoredBroadcast> {
    let mut broadcast: Broadcast = decode(&body)?;
    broadcast.status = parse_status(&status)?;
    Ok(StoredBroadcast { broadcast, planned: planned == 1 })
}

fn account(conn: &Connection, id: &str) -> Result<Account> {
    conn.query_row(
        "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
         FROM accounts WHERE id = ?1",
        [id],
        super::account_from_row,
    )
    .optional()
    .map_err(sql)?
    .ok_or_else(|| StorageError::Corrupt(format!("the account {id} of a broadcast is gone")))
}

/// What a decision about one subscriber reads besides the subscriber.
struct Reader<'a> {
    conn: &'a Connection,
    rule: CapRule,
    period_start: Millis,
    /// This broadcast, left out of the counts (its own rows are not "before").
    exclude: &'a str,
    window_hours: u32,
    needs_activity: bool,
}

impl Reader<'_> {
    fn activity(&self, subscriber_id: &str) -> Result<Activity> {
        if !self.needs_activity {
            return Ok(Activity::default());
        }
        self.conn
            .prepare_cached(
                "SELECT max(m.created_at),
                        max(CASE WHEN json_extract(m.body, '$.body.type') != 'event' THEN m.created_at END)
                 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE c.subscriber_id = ?1 AND m.direction = 'inbound'",
            )
            .map_err(sql)?
            .query_row([subscriber_id], |r| Ok(Activity { last_active_at: r.get(0)?, last_wrote_at: r.get(1)? }))
            .map_err(sql)
    }

    fn had(&self, subscriber_id: &str) -> Result<u32> {
        // Prepared once per connection: this runs once per subscriber.
        self.conn
            .prepare_cached(
                "SELECT count(*) FROM broadcast_recipients
                 WHERE subscriber_id = ?1 AND decided_at >= ?2 AND state IN ('pending', 'sending', 'sent')
                   AND broadcast_id != ?3",
            )
            .map_err(sql)?
            .query_row(params![subscriber_id, self.period_start, self.exclude], |r| r.get(0))
            .map_err(sql)
    }

    fn account_had(&self, account_id: &str) -> Result<u32> {
        self.conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM broadcasts b
                     WHERE b.account_id = ?1 AND b.id != ?2 AND b.send_at >= ?3 AND EXISTS
                       (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.state IN {COUNTED})"
                ),
                params![account_id, self.exclude, self.period_start],
                |r| r.get(0),
            )
            .map_err(sql)
    }

    /// The decision for `subscriber`, or `None` when the audience does not hold them.
    fn decide(
        &self,
        audience: &Audience,
        subscriber: &Subscriber,
        account_had: u32,
        now: Millis,
    ) -> Result<Option<Decision>> {
        let activity = self.activity(&subscriber.id)?;
        if !audience.matches(subscriber, activity, now, self.window_hours) {
            return Ok(None);
        }
        let had = self.had(&subscriber.id)?;
        Ok(Some(self.rule.decide(subscriber.following, had, account_had)))
    }
}

fn subscribers_after(conn: &Connection, account_id: &str, after: &str, limit: usize) -> Result<Vec<Subscriber>> {
    let mut statement = conn
        .prepare_cached("SELECT body FROM subscribers WHERE account_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
        .map_err(sql)?;
    let rows = statement
        .query_map(params![account_id, after, limit as i64], |r| r.get::<_, String>(0))
        .map_err(sql)?
        .collect::<std::result::Result<Vec<String>, _>>()
        .map_err(sql)?;
    rows.iter().map(|body| decode(body)).collect()
}

#[async_trait]
impl BroadcastStore for SqliteStorage {
    async fn create_broadcast(&self, broadcast: &Broadcast) -> Result<bool> {
        let broadcast = broadcast.clone();
        self.run(move |conn| {
            let inserted = conn
                .execute(
                    "INSERT INTO broadcasts (id, account_id, status, send_at, body, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (id) DO NOTHING",
                    params![
                        broadcast.id,
                        broadcast.account_id,
                        broadcast.status.as_str(),
                        broadcast.send_at,
                        to_json(&broadcast)?,
                        broadcast.created_at
                    ],
                )
                .map_err(sql)?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn broadcast(&self, id: &str) -> Result<Option<StoredBroadcast>> {
        let id = id.to_owned();
        self.run(move |conn| read_broadcast(conn, &id)).await
    }

    async fn broadcasts(&self, account_id: &str, limit: u32) -> Result<Vec<StoredBroadcast>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT body, status, planned FROM broadcasts WHERE account_id = ?1
                     ORDER BY created_at DESC, id DESC LIMIT ?2",
                )
                .map_err(sql)?;
            let rows = statement
                .query_map(params![account_id, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(sql)?
                .collect::<std::result::Result<Vec<(String, String, i64)>, _>>()
                .map_err(sql)?;
            rows.into_iter().map(stored).collect()
        })
        .await
    }

    async fn start_due(&self, now: Millis) -> Result<Vec<String>> {
        self.run(move |conn| {
            conn.execute(
                "UPDATE broadcasts SET status = 'sending', updated_at = ?1 WHERE status = 'scheduled' AND send_at <= ?1",
                [now],
            )
            .map_err(sql)?;
            let mut statement =
                conn.prepare("SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY send_at, id").map_err(sql)?;
            let ids = statement
                .query_map([], |r| r.get(0))
                .map_err(sql)?
                .collect::<std::result::Result<Vec<String>, _>>()
                .map_err(sql)?;
            Ok(ids)
        })
        .await
    }

    async fn next_due(&self) -> Result<Option<Millis>> {
        self.run(|conn| {
            conn.query_row("SELECT min(send_at) FROM broadcasts WHERE status = 'scheduled'", [], |r| r.get(0))
                .map_err(sql)
        })
        .await
    }

    async fn cancel_broadcast(&self, id: &str, now: Millis) -> Result<Option<BroadcastStatus>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            tx.execute(
                "UPDATE broadcasts SET status = 'cancelled', updated_at = ?2
                 WHERE id = ?1 AND status IN ('scheduled', 'sending')",
                params![id, now],
            )
            .map_err(sql)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = 'cancelled' WHERE broadcast_id = ?1 AND state = 'pending'",
                [&id],
            )
            .map_err(sql)?;
            let status = read_broadcast(&tx, &id)?.map(|b| b.broadcast.status);
            tx.commit().map_err(sql)?;
            Ok(status)
        })
        .await
    }

    async fn plan_page(&self, id: &str, page: usize, now: Millis) -> Result<Planned> {
        let id = id.to_owned();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let (status, cursor, planned): (String, Option<String>, i64) = tx
                .query_row("SELECT status, plan_cursor, planned FROM broadcasts WHERE id = ?1", [&id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(sql)?;
            if status != "sending" {
                return Ok(Planned::Stopped);
            }
            if planned == 1 {
                return Ok(Planned::Done);
            }
            let stored = read_broadcast(&tx, &id)?.ok_or_else(|| StorageError::Corrupt(format!("broadcast {id}")))?;
            let broadcast = stored.broadcast;
            let account = account(&tx, &broadcast.account_id)?;
            let rule = CapRule::of(&account);
            let reader = Reader {
                conn: &tx,
                rule,
                period_start: rule.period_start(now),
                exclude: &id,
                window_hours: account.reply_policy().message_window_hours,
                needs_activity: broadcast.audience.needs_activity(),
            };
            let account_had = reader.account_had(&account.id)?;
            let subscribers = subscribers_after(&tx, &account.id, cursor.as_deref().unwrap_or(""), page)?;
            {
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO broadcast_recipients
                           (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, decided_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                    )
                    .map_err(sql)?;
                for subscriber in &subscribers {
                    if let Some(decision) = reader.decide(&broadcast.audience, subscriber, account_had, now)? {
                        insert
                            .execute(params![
                                id,
                                subscriber.id,
                                account.id,
                                subscriber.platform,
                                subscriber.platform_user_id,
                                state_of(decision),
                                now
                            ])
                            .map_err(sql)?;
                    }
                }
            }
            let done = subscribers.len() < page;
            let last = subscribers.last().map(|s| s.id.clone()).or(cursor);
            tx.execute(
                "UPDATE broadcasts SET plan_cursor = ?2, planned = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, last, i64::from(done), now],
            )
            .map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(if done { Planned::Done } else { Planned::More })
        })
        .await
    }

    async fn claim_batch(&self, id: &str, platform: &str, max: usize, now: Millis) -> Result<Option<Batch>> {
        let (id, platform) = (id.to_owned(), platform.to_owned());
        self.run(move |conn| {
            durable(conn, |conn| {
                let tx = conn.transaction().map_err(sql)?;
                let user_ids = |tx: &Connection, batch: i64| -> Result<Vec<String>> {
                    let mut statement = tx
                        .prepare(
                            "SELECT platform_user_id FROM broadcast_recipients
                             WHERE broadcast_id = ?1 AND batch = ?2 ORDER BY subscriber_id",
                        )
                        .map_err(sql)?;
                    let ids = statement
                        .query_map(params![id, batch], |r| r.get(0))
                        .map_err(sql)?
                        .collect::<std::result::Result<Vec<String>, _>>()
                        .map_err(sql)?;
                    Ok(ids)
                };
                let left: Option<(i64, String)> = tx
                    .query_row(
                        "SELECT batch, client_msg_id FROM broadcast_batches
                         WHERE broadcast_id = ?1 AND platform = ?2 AND state = 'sending' ORDER BY batch LIMIT 1",
                        params![id, platform],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(sql)?;
                if let Some((number, client_msg_id)) = left {
                    let user_ids = user_ids(&tx, number)?;
                    return Ok(Some(Batch { number, client_msg_id, user_ids }));
                }
                let pending: i64 = tx
                    .query_row(
                        "SELECT count(*) FROM (SELECT 1 FROM broadcast_recipients
                           WHERE broadcast_id = ?1 AND state = 'pending' AND platform = ?2 LIMIT ?3)",
                        params![id, platform, (max + 2) as i64],
                        |r| r.get(0),
                    )
                    .map_err(sql)?;
                let take = batch_size(pending as usize, max);
                if take == 0 {
                    return Ok(None);
                }
                let number: i64 = tx
                    .query_row(
                        "UPDATE broadcasts SET batches = batches + 1, updated_at = ?2 WHERE id = ?1 RETURNING batches",
                        params![id, now],
                        |r| r.get(0),
                    )
                    .map_err(sql)?;
                tx.execute(
                    "UPDATE broadcast_recipients SET state = 'sending', batch = ?3
                     WHERE broadcast_id = ?1 AND subscriber_id IN
                       (SELECT subscriber_id FROM broadcast_recipients
                        WHERE broadcast_id = ?1 AND state = 'pending' AND platform = ?2
                        ORDER BY subscriber_id LIMIT ?4)",
                    params![id, platform, number, take as i64],
                )
                .map_err(sql)?;
                let client_msg_id = client_msg_id(&id, number);
                tx.execute(
                    "INSERT INTO broadcast_batches (broadcast_id, batch, platform, client_msg_id, state)
                     VALUES (?1, ?2, ?3, ?4, 'sending')",
                    params![id, number, platform, client_msg_id],
                )
                .map_err(sql)?;
                let user_ids = user_ids(&tx, number)?;
                // On disk before the call leaves: a restart sends this batch again, under this id.
                tx.commit().map_err(sql)?;
                Ok(Some(Batch { number, client_msg_id, user_ids }))
            })
        })
        .await
    }

    async fn claim_all(&self, id: &str, platform: &str, now: Millis) -> Result<Option<(Batch, bool)>> {
        let (id, platform) = (id.to_owned(), platform.to_owned());
        self.run(move |conn| {
            durable(conn, |conn| {
                let tx = conn.transaction().map_err(sql)?;
                let left: Option<(i64, String)> = tx
                    .query_row(
                        "SELECT batch, client_msg_id FROM broadcast_batches
                         WHERE broadcast_id = ?1 AND platform = ?2 AND state = 'sending' ORDER BY batch LIMIT 1",
                        params![id, platform],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(sql)?;
                if let Some((number, client_msg_id)) = left {
                    return Ok(Some((Batch { number, client_msg_id, user_ids: vec![] }, true)));
                }
                let pending = tx
                    .query_row(
                        "SELECT 1 FROM broadcast_recipients
                         WHERE broadcast_id = ?1 AND state = 'pending' AND platform = ?2 LIMIT 1",
                        params![id, platform],
                        |_| Ok(()),
                    )
                    .optional()
                    .map_err(sql)?;
                if pending.is_none() {
                    return Ok(None);
                }
                let number: i64 = tx
                    .query_row(
                        "UPDATE broadcasts SET batches = batches + 1, updated_at = ?2 WHERE id = ?1 RETURNING batches",
                        params![id, now],
                        |r| r.get(0),
                    )
                    .map_err(sql)?;
                tx.execute(
                    "UPDATE broadcast_recipients SET state = 'sending', batch = ?3
                     WHERE broadcast_id = ?1 AND state = 'pending' AND platform = ?2",
                    params![id, platform, number],
                )
                .map_err(sql)?;
                let client_msg_id = client_msg_id(&id, number);
                tx.execute(
                    "INSERT INTO broadcast_batches (broadcast_id, batch, platform, client_msg_id, state)
                     VALUES (?1, ?2, ?3, ?4, 'sending')",
                    params![id, number, platform, client_msg_id],
                )
                .map_err(sql)?;
                // On disk before the call leaves: a restart finds it sending.
                tx.commit().map_err(sql)?;
                Ok(Some((Batch { number, client_msg_id, user_ids: vec![] }, false)))
            })
        })
        .await
    }

    async fn label(&self, id: &str) -> Result<Option<BroadcastLabel>> {
        let id = id.to_owned();
        self.run(move |conn| {
            conn.query_row(
                "SELECT label_id, tagged_through, deleted, delete_after FROM broadcast_labels WHERE broadcast_id = ?1",
                [id],
                |r| {
                    Ok(BroadcastLabel {
                        label_id: r.get(0)?,
                        tagged_through: r.get(1)?,
                        deleted: r.get::<_, i64>(2)? == 1,
                        delete_after: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(sql)
        })
        .await
    }

    async fn save_label(&self, id: &str, label_id: &str) -> Result<()> {
        let (id, label_id) = (id.to_owned(), label_id.to_owned());
        self.run(move |conn| {
            durable(conn, |conn| {
                conn.execute(
                    "INSERT INTO broadcast_labels (broadcast_id, label_id) VALUES (?1, ?2)",
                    params![id, label_id],
                )
                .map_err(sql)?;
                Ok(())
            })
        })
        .await
    }

    async fn label_tagged_through(&self, id: &str, subscriber_id: &str) -> Result<()> {
        let (id, subscriber_id) = (id.to_owned(), subscriber_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "UPDATE broadcast_labels SET tagged_through = ?2 WHERE broadcast_id = ?1",
                params![id, subscriber_id],
            )
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn label_deleted(&self, id: &str) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            conn.execute("UPDATE broadcast_labels SET deleted = 1 WHERE broadcast_id = ?1", [id]).map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn label_delete_after(&self, id: &str, at: Millis) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            durable(conn, |conn| {
                conn.execute(
                    "UPDATE broadcast_labels SET delete_after = coalesce(delete_after, ?2) WHERE broadcast_id = ?1",
                    params![id, at],
                )
                .map_err(sql)?;
                Ok(())
            })
        })
        .await
    }

    async fn labels_due(&self, account_id: Option<&str>, now: Millis) -> Result<Vec<DueLabel>> {
        let account_id = account_id.map(str::to_owned);
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT l.broadcast_id, b.account_id, l.label_id FROM broadcast_labels l
                     JOIN broadcasts b ON b.id = l.broadcast_id
                     WHERE l.deleted = 0 AND l.delete_after IS NOT NULL AND l.delete_after <= ?1
                       AND (?2 IS NULL OR b.account_id = ?2)
                     ORDER BY l.delete_after, l.broadcast_id",
                )
                .map_err(sql)?;
            let rows = statement
                .query_map(params![now, account_id], |r| {
                    Ok(DueLabel { broadcast_id: r.get(0)?, account_id: r.get(1)?, label_id: r.get(2)? })
                })
                .map_err(sql)?;
            rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql)
        })
        .await
    }

    async fn pending_after(&self, id: &str, platform: &str, after: Option<&str>, max: usize) -> Result<Vec<Pending>> {
        let (id, platform, after) = (id.to_owned(), platform.to_owned(), after.unwrap_or_default().to_owned());
        self.run(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT subscriber_id, platform_user_id FROM broadcast_recipients
                     WHERE broadcast_id = ?1 AND state = 'pending' AND platform = ?2 AND subscriber_id > ?3
                     ORDER BY subscriber_id LIMIT ?4",
                )
                .map_err(sql)?;
            let rows = statement
                .query_map(params![id, platform, after, max as i64], |r| {
                    Ok(Pending { subscriber_id: r.get(0)?, platform_user_id: r.get(1)? })
                })
                .map_err(sql)?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql)?;
            Ok(rows)
        })
        .await
    }

    async fn finish_batch(&self, id: &str, batch: i64, outcome: BatchOutcome, now: Millis) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let (state, msg_id, reason) = match &outcome {
                BatchOutcome::Sent { msg_id } => ("sent", Some(msg_id.clone()), None),
                BatchOutcome::Failed { reason } => ("failed", None, Some(reason.clone())),
            };
            tx.execute(
                "UPDATE broadcast_batches SET state = ?3, msg_id = ?4 WHERE broadcast_id = ?1 AND batch = ?2",
                params![id, batch, state, msg_id],
            )
            .map_err(sql)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = ?3, reason = ?4
                 WHERE broadcast_id = ?1 AND batch = ?2 AND state = 'sending'",
                params![id, batch, state, reason],
            )
            .map_err(sql)?;
            tx.execute("UPDATE broadcasts SET updated_at = ?2 WHERE id = ?1", params![id, now]).map_err(sql)?;
            tx.commit().map_err(sql)
        })
        .await
    }

    async fn deliver_sandbox(&self, id: &str, max: usize, now: Millis) -> Result<(usize, i64)> {
        let id = id.to_owned();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let stored = read_broadcast(&tx, &id)?.ok_or_else(|| StorageError::Corrupt(format!("broadcast {id}")))?;
            if stored.broadcast.status != BroadcastStatus::Sending {
                return Ok((0, 0));
            }
            let broadcast = stored.broadcast;
            let recipients: Vec<String> = {
                let mut statement = tx
                    .prepare(
                        "SELECT subscriber_id FROM broadcast_recipients
                         WHERE broadcast_id = ?1 AND state = 'pending' AND platform = 'sandbox'
                         ORDER BY subscriber_id LIMIT ?2",
                    )
                    .map_err(sql)?;
                let ids = statement
                    .query_map(params![id, max as i64], |r| r.get(0))
                    .map_err(sql)?
                    .collect::<std::result::Result<Vec<String>, _>>()
                    .map_err(sql)?;
                ids
            };
            for subscriber_id in &recipients {
                let conversation: Option<String> = tx
                    .query_row("SELECT body FROM conversations WHERE subscriber_id = ?1", [subscriber_id], |r| r.get(0))
                    .optional()
                    .map_err(sql)?;
                let conversation_id = match conversation {
                    Some(body) => decode::<Conversation>(&body)?.id,
                    None => {
                        let conversation = Conversation {
                            id: uuid::Uuid::new_v4().to_string(),
                            account_id: broadcast.account_id.clone(),
                            subscriber_id: subscriber_id.clone(),
                            status: ConversationStatus::Open,
                            assignee: None,
                            labels: vec![],
                            last_activity_at: now,
                            preview: broadcast.content.preview(),
                            created_at: now,
                            updated_at: now,
                        };
                        let id = conversation.id.clone();
                        save_change(&tx, &Change::Conversation(conversation), now)?;
                        id
                    }
                };
                let message = Message {
                    id: format!("broadcast-{id}-{subscriber_id}"),
                    conversation_id,
                    direction: Direction::Outbound,
                    author: Some(broadcast.created_by.clone()),
                    body: broadcast.content.clone(),
                    client_msg_id: None,
                    platform_msg_id: None,
                    delivery: Some(Delivery::Sent),
                    created_at: now,
                    auto_reply: None,
                };
                save_change(&tx, &Change::Message(message), now)?;
                tx.execute(
                    "UPDATE broadcast_recipients SET state = 'sent' WHERE broadcast_id = ?1 AND subscriber_id = ?2",
                    params![id, subscriber_id],
                )
                .map_err(sql)?;
            }
            let last_seq = tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok((recipients.len(), last_seq))
        })
        .await
    }

    async fn fail_recipients(&self, id: &str, subscriber_ids: &[String], reason: &str, now: Millis) -> Result<u64> {
        let (id, subscriber_ids, reason) = (id.to_owned(), subscriber_ids.to_vec(), reason.to_owned());
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let mut changed = 0;
            for subscriber_id in &subscriber_ids {
                changed += tx
                    .execute(
                        "UPDATE broadcast_recipients SET state = 'failed', reason = ?3
                         WHERE broadcast_id = ?1 AND subscriber_id = ?2 AND state = 'pending'",
                        params![id, subscriber_id, reason],
                    )
                    .map_err(sql)? as u64;
            }
            tx.execute("UPDATE broadcasts SET updated_at = ?2 WHERE id = ?1", params![id, now]).map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(changed)
        })
        .await
    }

    async fn fail_pending(&self, id: &str, platform: &str, reason: &str, now: Millis) -> Result<u64> {
        let (id, platform, reason) = (id.to_owned(), platform.to_owned(), reason.to_owned());
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE broadcast_recipients SET state = 'failed', reason = ?3
                     WHERE broadcast_id = ?1 AND platform = ?2 AND state = 'pending'",
                    params![id, platform, reason],
                )
                .map_err(sql)?;
            conn.execute("UPDATE broadcasts SET updated_at = ?2 WHERE id = ?1", params![id, now]).map_err(sql)?;
            Ok(changed as u64)
        })
        .await
    }

    async fn finish_if_sent(&self, id: &str, now: Millis) -> Result<bool> {
        let id = id.to_owned();
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE broadcasts SET status = 'done', updated_at = ?2
                     WHERE id = ?1 AND status = 'sending' AND planned = 1 AND NOT EXISTS
                       (SELECT 1 FROM broadcast_recipients
                        WHERE broadcast_id = ?1 AND state IN ('pending', 'sending'))",
                    params![id, now],
                )
                .map_err(sql)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn counts(&self, id: &str) -> Result<(Vec<PlatformCounts>, Vec<FailureCount>)> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT platform, state, reason, recipients FROM broadcast_tallies
                     WHERE broadcast_id = ?1 AND recipients > 0 ORDER BY platform, state, reason",
                )
                .map_err(sql)?;
            let rows = statement
                .query_map([&id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
                })
                .map_err(sql)?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql)?;
            tally(rows.into_iter().map(|(platform, state, reason, n)| (platform, state, reason, n as u64)))
        })
        .await
    }

    async fn platform_totals(&self, id: &str) -> Result<Vec<PlatformTotals>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT r.totals FROM broadcast_batches b
                     JOIN broadcast_reports r ON r.platform = b.platform AND r.msg_id = b.msg_id
                     WHERE b.broadcast_id = ?1 ORDER BY b.batch",
                )
                .map_err(sql)?;
            let rows = statement
                .query_map([&id], |r| r.get::<_, String>(0))
                .map_err(sql)?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql)?;
            rows.iter().map(|t| decode(t)).collect()
        })
        .await
    }

    async fn record_totals(&self, platform: &str, totals: &PlatformTotals, now: Millis) -> Result<bool> {
        let (platform, totals) = (platform.to_owned(), totals.clone());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO broadcast_reports (platform, msg_id, totals, received_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (platform, msg_id) DO UPDATE SET totals = excluded.totals, received_at = excluded.received_at",
                params![platform, totals.msg_id, to_json(&totals)?, now],
            )
            .map_err(sql)?;
            let known = conn
                .query_row(
                    "SELECT 1 FROM broadcast_batches WHERE platform = ?1 AND msg_id = ?2",
                    params![platform, totals.msg_id],
                    |_| Ok(()),
                )
                .optional()
                .map_err(sql)?;
            Ok(known.is_some())
        })
        .await
    }

    async fn forecast(&self, account: &Account, audience: &Audience, now: Millis) -> Result<Vec<PlatformCounts>> {
        let (account, audience) = (account.clone(), audience.clone());
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let rule = CapRule::of(&account);
            let reader = Reader {
                conn: &tx,
                rule,
                period_start: rule.period_start(now),
                exclude: "",
                window_hours: account.reply_policy().message_window_hours,
                needs_activity: audience.needs_activity(),
            };
            let account_had = reader.account_had(&account.id)?;
            let mut counts: Vec<PlatformCounts> = Vec::new();
            let mut cursor = String::new();
            loop {
                let page = subscribers_after(&tx, &account.id, &cursor, 5_000)?;
                for subscriber in &page {
                    if let Some(decision) = reader.decide(&audience, subscriber, account_had, now)? {
                        counts_for(&mut counts, &subscriber.platform).count(decision);
                    }
                }
                match page.last() {
                    Some(last) if page.len() == 5_000 => cursor = last.id.clone(),
                    _ => break,
                }
            }
            Ok(counts)
        })
        .await
    }
}
