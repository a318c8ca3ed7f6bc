//! The broadcast job's storage on PostgreSQL (`broadcast::store`): the
//! queries of `sqlite/broadcasts.rs`. A step of a broadcast's job locks its
//! row first, so two workers (or processes) never plan or claim the same
//! recipients; a sandbox delivery is a feed writer like any other.

use async_trait::async_trait;
use r2d2_postgres::postgres::{self, GenericClient};
use wicket_model::broadcast::{
    Activity, Audience, Broadcast, BroadcastStatus, CapRule, Decision, FailureCount, PlatformCounts, PlatformTotals,
};
use wicket_model::conversation::{Conversation, ConversationStatus, Delivery, Direction, Message, Subscriber};
use wicket_model::{Account, Change, Millis};

use super::world::{decode, lock_feed, save_change};
use super::{account_from_row, get, pg, PgStorage, ACCOUNT_COLUMNS};
use crate::broadcast::ledger::{batch_size, client_msg_id, counts_for, parse_status, state_of, tally, COUNTED};
use crate::broadcast::store::{
    Batch, BatchOutcome, BroadcastLabel, BroadcastStore, DueLabel, Pending, Planned, StoredBroadcast,
};
use crate::storage::{Result, StorageError};

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StorageError::Database(e.to_string()))
}

fn read_broadcast(conn: &mut impl GenericClient, id: &str, lock: bool) -> Result<Option<StoredBroadcast>> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let row = conn
        .query_opt(&format!("SELECT body, status, planned FROM broadcasts WHERE id = $1{lock}"), &[&id])
        .map_err(pg)?;
    row.as_ref().map(stored).transpose()
}

fn stored(row: &postgres::Row) -> Result<StoredBroadcast> {
    let mut broadcast: Broadcast = decode(&get::<String>(row, 0)?)?;
    let status: String = get(row, 1)?;
    broadcast.status = parse_status(&status)?;
    Ok(StoredBroadcast { broadcast, planned: get(row, 2)? })
}

fn account(conn: &mut impl GenericClient, id: &str) -> Result<Account> {
    let row = conn.query_opt(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"), &[&id]).map_err(pg)?;
    row.as_ref()
        .map(account_from_row)
        .transpose()?
        .ok_or_else(|| StorageError::Corrupt(format!("the account {id} of a broadcast is gone")))
}

fn count(row: &postgres::Row) -> Result<u32> {
    Ok(u32::try_from(get::<i64>(row, 0)?).unwrap_or(u32::MAX))
}

/// What a decision about one subscriber reads besides the subscriber.
struct Reader<'a> {
    rule: CapRule,
    period_start: Millis,
    /// This broadcast, left out of the counts (its own rows are not "before").
    exclude: &'a str,
    window_hours: u32,
    needs_activity: bool,
}

impl Reader<'_> {
    fn activity(&self, conn: &mut impl GenericClient, subscriber_id: &str) -> Result<Activity> {
        if !self.needs_activity {
            return Ok(Activity::default());
        }
        let row = conn
            .query_one(
                "SELECT max(m.created_at),
                        max(CASE WHEN (m.body::jsonb -> 'body' ->> 'type') != 'event' THEN m.created_at END)
                 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE c.subscriber_id = $1 AND m.direction = 'inbound'",
                &[&subscriber_id],
            )
            .map_err(pg)?;
        Ok(Activity { last_active_at: get(&row, 0)?, last_wrote_at: get(&row, 1)? })
    }

    fn had(&self, conn: &mut impl GenericClient, subscriber_id: &str) -> Result<u32> {
        let row = conn
            .query_one(
                &format!(
                    "SELECT count(*) FROM broadcast_recipients
                     WHERE subscriber_id = $1 AND decided_at >= $2 AND state IN {COUNTED} AND broadcast_id != $3"
                ),
                &[&subscriber_id, &self.period_start, &self.exclude],
            )
            .map_err(pg)?;
        count(&row)
    }

    fn account_had(&self, conn: &mut impl GenericClient, account_id: &str) -> Result<u32> {
        let row = conn
            .query_one(
                &format!(
                    "SELECT count(*) FROM broadcasts b
                     WHERE b.account_id = $1 AND b.id != $2 AND b.send_at >= $3 AND EXISTS
                       (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.state IN {COUNTED})"
                ),
                &[&account_id, &self.exclude, &self.period_start],
            )
            .map_err(pg)?;
        count(&row)
    }

    /// The decision for `subscriber`, or `None` when the audience does not hold them.
    fn decide(
        &self,
        conn: &mut impl GenericClient,
        audience: &Audience,
        subscriber: &Subscriber,
        account_had: u32,
        now: Millis,
    ) -> Result<Option<Decision>> {
        let activity = self.activity(conn, &subscriber.id)?;
        if !audience.matches(subscriber, activity, now, self.window_hours) {
            return Ok(None);
        }
        let had = self.had(conn, &subscriber.id)?;
        Ok(Some(self.rule.decide(subscriber.following, had, account_had)))
    }
}

fn subscribers_after(
    conn: &mut impl GenericClient,
    account_id: &str,
    after: &str,
    limit: usize,
) -> Result<Vec<Subscriber>> {
    let rows = conn
        .query(
            "SELECT body FROM subscribers WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            &[&account_id, &after, &(limit as i64)],
        )
        .map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

fn strings(rows: Vec<postgres::Row>) -> Result<Vec<String>> {
    rows.iter().map(|r| get(r, 0)).collect()
}

#[async_trait]
impl BroadcastStore for PgStorage {
    async fn create_broadcast(&self, broadcast: &Broadcast) -> Result<bool> {
        let broadcast = broadcast.clone();
        self.run(move |conn| {
            let inserted = conn
                .execute(
                    "INSERT INTO broadcasts (id, account_id, status, send_at, body, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING",
                    &[
                        &broadcast.id,
                        &broadcast.account_id,
                        &broadcast.status.as_str(),
                        &broadcast.send_at,
                        &to_json(&broadcast)?,
                        &broadcast.created_at,
                    ],
                )
                .map_err(pg)?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn broadcast(&self, id: &str) -> Result<Option<StoredBroadcast>> {
        let id = id.to_owned();
        self.run(move |conn| read_broadcast(conn, &id, false)).await
    }

    async fn broadcasts(&self, account_id: &str, limit: u32) -> Result<Vec<StoredBroadcast>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let rows = conn
                .query(
                    "SELECT body, status, planned FROM broadcasts WHERE account_id = $1
                     ORDER BY created_at DESC, id DESC LIMIT $2",
                    &[&account_id, &i64::from(limit)],
                )
                .map_err(pg)?;
            rows.iter().map(stored).collect()
        })
        .await
    }

    async fn start_due(&self, now: Millis) -> Result<Vec<String>> {
        self.run(move |conn| {
            conn.execute(
                "UPDATE broadcasts SET status = 'sending', updated_at = $1 WHERE status = 'scheduled' AND send_at <= $1",
                &[&now],
            )
            .map_err(pg)?;
            strings(conn.query("SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY send_at, id", &[]).map_err(pg)?)
        })
        .await
    }

    async fn next_due(&self) -> Result<Option<Millis>> {
        self.run(|conn| {
            let row =
                conn.query_one("SELECT min(send_at) FROM broadcasts WHERE status = 'scheduled'", &[]).map_err(pg)?;
            get(&row, 0)
        })
        .await
    }

    async fn cancel_broadcast(&self, id: &str, now: Millis) -> Result<Option<BroadcastStatus>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            read_broadcast(&mut tx, &id, true)?;
            tx.execute(
                "UPDATE broadcasts SET status = 'cancelled', updated_at = $2
                 WHERE id = $1 AND status IN ('scheduled', 'sending')",
                &[&id, &now],
            )
            .map_err(pg)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = 'cancelled' WHERE broadcast_id = $1 AND state = 'pending'",
                &[&id],
            )
            .map_err(pg)?;
            let status = read_broadcast(&mut tx, &id, false)?.map(|b| b.broadcast.status);
            tx.commit().map_err(pg)?;
            Ok(status)
        })
        .await
    }

    async fn plan_page(&self, id: &str, page: usize, now: Millis) -> Result<Planned> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            let row = tx
                .query_one("SELECT status, plan_cursor, planned FROM broadcasts WHERE id = $1 FOR UPDATE", &[&id])
                .map_err(pg)?;
            let (status, cursor, planned): (String, Option<String>, bool) =
                (get(&row, 0)?, get(&row, 1)?, get(&row, 2)?);
            if status != "sending" {
                return Ok(Planned::Stopped);
            }
            if planned {
                return Ok(Planned::Done);
            }
            let stored =
                read_broadcast(&mut tx, &id, false)?.ok_or_else(|| StorageError::Corrupt(format!("broadcast {id}")))?;
            let broadcast = stored.broadcast;
            let account = account(&mut tx, &broadcast.account_id)?;
            let rule = CapRule::of(&account);
            let reader = Reader {
                rule,
                period_start: rule.period_start(now),
                exclude: &id,
                window_hours: account.reply_policy().message_window_hours,
                needs_activity: broadcast.audience.needs_activity(),
            };
            let account_had = reader.account_had(&mut tx, &account.id)?;
            let subscribers = subscribers_after(&mut tx, &account.id, cursor.as_deref().unwrap_or(""), page)?;
            let insert = tx
                .prepare(
                    "INSERT INTO broadcast_recipients
                       (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, decided_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .map_err(pg)?;
            for subscriber in &subscribers {
                if let Some(decision) = reader.decide(&mut tx, &broadcast.audience, subscriber, account_had, now)? {
                    tx.execute(
                        &insert,
                        &[
                            &id,
                            &subscriber.id,
                            &account.id,
                            &subscriber.platform,
                            &subscriber.platform_user_id,
                            &state_of(decision),
                            &now,
                        ],
                    )
                    .map_err(pg)?;
                }
            }
            let done = subscribers.len() < page;
            let last = subscribers.last().map(|s| s.id.clone()).or(cursor);
            tx.execute(
                "UPDATE broadcasts SET plan_cursor = $2, planned = $3, updated_at = $4 WHERE id = $1",
                &[&id, &last, &done, &now],
            )
            .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(if done { Planned::Done } else { Planned::More })
        })
        .await
    }

    async fn claim_batch(&self, id: &str, platform: &str, max: usize, now: Millis) -> Result<Option<Batch>> {
        let (id, platform) = (id.to_owned(), platform.to_owned());
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            // One claim of a broadcast at a time.
            read_broadcast(&mut tx, &id, true)?;
            let user_ids = |tx: &mut postgres::Transaction<'_>, batch: i64| -> Result<Vec<String>> {
                strings(
                    tx.query(
                        "SELECT platform_user_id FROM broadcast_recipients
                         WHERE broadcast_id = $1 AND batch = $2 ORDER BY subscriber_id",
                        &[&id, &batch],
                    )
                    .map_err(pg)?,
                )
            };
            let left = tx
                .query_opt(
                    "SELECT batch, client_msg_id FROM broadcast_batches
                     WHERE broadcast_id = $1 AND platform = $2 AND state = 'sending' ORDER BY batch LIMIT 1",
                    &[&id, &platform],
                )
                .map_err(pg)?;
            if let Some(row) = left {
                let (number, client_msg_id): (i64, String) = (get(&row, 0)?, get(&row, 1)?);
                let user_ids = user_ids(&mut tx, number)?;
                return Ok(Some(Batch { number, client_msg_id, user_ids }));
            }
            let row = tx
                .query_one(
                    "SELECT count(*) FROM (SELECT 1 FROM broadcast_recipients
                       WHERE broadcast_id = $1 AND state = 'pending' AND platform = $2 LIMIT $3) pending",
                    &[&id, &platform, &((max + 2) as i64)],
                )
                .map_err(pg)?;
            let take = batch_size(get::<i64>(&row, 0)? as usize, max);
            if take == 0 {
                return Ok(None);
            }
            let row = tx
                .query_one(
                    "UPDATE broadcasts SET batches = batches + 1, updated_at = $2 WHERE id = $1 RETURNING batches",
                    &[&id, &now],
                )
                .map_err(pg)?;
            let number: i64 = get(&row, 0)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = 'sending', batch = $3
                 WHERE broadcast_id = $1 AND subscriber_id IN
                   (SELECT subscriber_id FROM broadcast_recipients
                    WHERE broadcast_id = $1 AND state = 'pending' AND platform = $2
                    ORDER BY subscriber_id LIMIT $4)",
                &[&id, &platform, &number, &(take as i64)],
            )
            .map_err(pg)?;
            let client_msg_id = client_msg_id(&id, number);
            tx.execute(
                "INSERT INTO broadcast_batches (broadcast_id, batch, platform, client_msg_id, state)
                 VALUES ($1, $2, $3, $4, 'sending')",
                &[&id, &number, &platform, &client_msg_id],
            )
            .map_err(pg)?;
            let user_ids = user_ids(&mut tx, number)?;
            // On disk before the call leaves: a restart sends this batch again, under this id.
            tx.commit().map_err(pg)?;
            Ok(Some(Batch { number, client_msg_id, user_ids }))
        })
        .await
    }

    async fn claim_all(&self, id: &str, platform: &str, now: Millis) -> Result<Option<(Batch, bool)>> {
        let (id, platform) = (id.to_owned(), platform.to_owned());
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            // One claim of a broadcast at a time.
            read_broadcast(&mut tx, &id, true)?;
            let left = tx
                .query_opt(
                    "SELECT batch, client_msg_id FROM broadcast_batches
                     WHERE broadcast_id = $1 AND platform = $2 AND state = 'sending' ORDER BY batch LIMIT 1",
                    &[&id, &platform],
                )
                .map_err(pg)?;
            if let Some(row) = left {
                let (number, client_msg_id): (i64, String) = (get(&row, 0)?, get(&row, 1)?);
                return Ok(Some((Batch { number, client_msg_id, user_ids: vec![] }, true)));
            }
            let pending = tx
                .query_opt(
                    "SELECT 1 FROM broadcast_recipients
                     WHERE broadcast_id = $1 AND state = 'pending' AND platform = $2 LIMIT 1",
                    &[&id, &platform],
                )
                .map_err(pg)?;
            if pending.is_none() {
                return Ok(None);
            }
            let row = tx
                .query_one(
                    "UPDATE broadcasts SET batches = batches + 1, updated_at = $2 WHERE id = $1 RETURNING batches",
                    &[&id, &now],
                )
                .map_err(pg)?;
            let number: i64 = get(&row, 0)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = 'sending', batch = $3
                 WHERE broadcast_id = $1 AND state = 'pending' AND platform = $2",
                &[&id, &platform, &number],
            )
            .map_err(pg)?;
            let client_msg_id = client_msg_id(&id, number);
            tx.execute(
                "INSERT INTO broadcast_batches (broadcast_id, batch, platform, client_msg_id, state)
                 VALUES ($1, $2, $3, $4, 'sending')",
                &[&id, &number, &platform, &client_msg_id],
            )
            .map_err(pg)?;
            // On disk before the call leaves: a restart finds it sending.
            tx.commit().map_err(pg)?;
            Ok(Some((Batch { number, client_msg_id, user_ids: vec![] }, false)))
        })
        .await
    }

    async fn label(&self, id: &str) -> Result<Option<BroadcastLabel>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let row = conn
                .query_opt(
                    "SELECT label_id, tagged_through, deleted, delete_after FROM broadcast_labels WHERE broadcast_id = $1",
                    &[&id],
                )
                .map_err(pg)?;
            row.map(|row| {
                Ok(BroadcastLabel {
                    label_id: get(&row, 0)?,
                    tagged_through: get(&row, 1)?,
                    deleted: get(&row, 2)?,
                    delete_after: get(&row, 3)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn save_label(&self, id: &str, label_id: &str) -> Result<()> {
        let (id, label_id) = (id.to_owned(), label_id.to_owned());
        self.run(move |conn| {
            conn.execute("INSERT INTO broadcast_labels (broadcast_id, label_id) VALUES ($1, $2)", &[&id, &label_id])
                .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn label_tagged_through(&self, id: &str, subscriber_id: &str) -> Result<()> {
        let (id, subscriber_id) = (id.to_owned(), subscriber_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "UPDATE broadcast_labels SET tagged_through = $2 WHERE broadcast_id = $1",
                &[&id, &subscriber_id],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn label_deleted(&self, id: &str) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            conn.execute("UPDATE broadcast_labels SET deleted = true WHERE broadcast_id = $1", &[&id]).map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn label_delete_after(&self, id: &str, at: Millis) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            conn.execute(
                "UPDATE broadcast_labels SET delete_after = coalesce(delete_after, $2) WHERE broadcast_id = $1",
                &[&id, &at],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn labels_due(&self, account_id: Option<&str>, now: Millis) -> Result<Vec<DueLabel>> {
        let account_id = account_id.map(str::to_owned);
        self.run(move |conn| {
            let rows = conn
                .query(
                    "SELECT l.broadcast_id, b.account_id, l.label_id FROM broadcast_labels l
                     JOIN broadcasts b ON b.id = l.broadcast_id
                     WHERE NOT l.deleted AND l.delete_after IS NOT NULL AND l.delete_after <= $1
                       AND ($2::TEXT IS NULL OR b.account_id = $2)
                     ORDER BY l.delete_after, l.broadcast_id",
                    &[&now, &account_id],
                )
                .map_err(pg)?;
            rows.iter()
                .map(|row| {
                    Ok(DueLabel { broadcast_id: get(row, 0)?, account_id: get(row, 1)?, label_id: get(row, 2)? })
                })
                .collect()
        })
        .await
    }

    async fn pending_after(&self, id: &str, platform: &str, after: Option<&str>, max: usize) -> Result<Vec<Pending>> {
        let (id, platform, after) = (id.to_owned(), platform.to_owned(), after.unwrap_or_default().to_owned());
        let max = max as i64;
        self.run(move |conn| {
            let rows = conn
                .query(
                    "SELECT subscriber_id, platform_user_id FROM broadcast_recipients
                     WHERE broadcast_id = $1 AND state = 'pending' AND platform = $2 AND subscriber_id > $3
                     ORDER BY subscriber_id LIMIT $4",
                    &[&id, &platform, &after, &max],
                )
                .map_err(pg)?;
            rows.iter().map(|row| Ok(Pending { subscriber_id: get(row, 0)?, platform_user_id: get(row, 1)? })).collect()
        })
        .await
    }

    async fn finish_batch(&self, id: &str, batch: i64, outcome: BatchOutcome, now: Millis) -> Result<()> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            let (state, msg_id, reason) = match &outcome {
                BatchOutcome::Sent { msg_id } => ("sent", Some(msg_id.clone()), None),
                BatchOutcome::Failed { reason } => ("failed", None, Some(reason.clone())),
            };
            tx.execute(
                "UPDATE broadcast_batches SET state = $3, msg_id = $4 WHERE broadcast_id = $1 AND batch = $2",
                &[&id, &batch, &state, &msg_id],
            )
            .map_err(pg)?;
            tx.execute(
                "UPDATE broadcast_recipients SET state = $3, reason = $4
                 WHERE broadcast_id = $1 AND batch = $2 AND state = 'sending'",
                &[&id, &batch, &state, &reason],
            )
            .map_err(pg)?;
            tx.execute("UPDATE broadcasts SET updated_at = $2 WHERE id = $1", &[&id, &now]).map_err(pg)?;
            tx.commit().map_err(pg)
        })
        .await
    }

    async fn deliver_sandbox(&self, id: &str, max: usize, now: Millis) -> Result<(usize, i64)> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            lock_feed(&mut tx)?;
            let stored =
                read_broadcast(&mut tx, &id, true)?.ok_or_else(|| StorageError::Corrupt(format!("broadcast {id}")))?;
            if stored.broadcast.status != BroadcastStatus::Sending {
                return Ok((0, 0));
            }
            let broadcast = stored.broadcast;
            let recipients = strings(
                tx.query(
                    "SELECT subscriber_id FROM broadcast_recipients
                     WHERE broadcast_id = $1 AND state = 'pending' AND platform = 'sandbox'
                     ORDER BY subscriber_id LIMIT $2",
                    &[&id, &(max as i64)],
                )
                .map_err(pg)?,
            )?;
            for subscriber_id in &recipients {
                let conversation = tx
                    .query_opt("SELECT body FROM conversations WHERE subscriber_id = $1", &[subscriber_id])
                    .map_err(pg)?;
                let conversation_id = match conversation {
                    Some(row) => decode::<Conversation>(&get::<String>(&row, 0)?)?.id,
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
                        save_change(&mut tx, &Change::Conversation(conversation), now)?;
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
                save_change(&mut tx, &Change::Message(message), now)?;
                tx.execute(
                    "UPDATE broadcast_recipients SET state = 'sent' WHERE broadcast_id = $1 AND subscriber_id = $2",
                    &[&id, subscriber_id],
                )
                .map_err(pg)?;
            }
            let last_seq = super::newest_seq(&mut tx)?;
            tx.commit().map_err(pg)?;
            Ok((recipients.len(), last_seq))
        })
        .await
    }

    async fn fail_recipients(&self, id: &str, subscriber_ids: &[String], reason: &str, now: Millis) -> Result<u64> {
        let (id, subscriber_ids, reason) = (id.to_owned(), subscriber_ids.to_vec(), reason.to_owned());
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            let changed = tx
                .execute(
                    "UPDATE broadcast_recipients SET state = 'failed', reason = $3
                     WHERE broadcast_id = $1 AND subscriber_id = ANY($2) AND state = 'pending'",
                    &[&id, &subscriber_ids, &reason],
                )
                .map_err(pg)?;
            tx.execute("UPDATE broadcasts SET updated_at = $2 WHERE id = $1", &[&id, &now]).map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(changed)
        })
        .await
    }

    async fn fail_pending(&self, id: &str, platform: &str, reason: &str, now: Millis) -> Result<u64> {
        let (id, platform, reason) = (id.to_owned(), platform.to_owned(), reason.to_owned());
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE broadcast_recipients SET state = 'failed', reason = $3
                     WHERE broadcast_id = $1 AND platform = $2 AND state = 'pending'",
                    &[&id, &platform, &reason],
                )
                .map_err(pg)?;
            conn.execute("UPDATE broadcasts SET updated_at = $2 WHERE id = $1", &[&id, &now]).map_err(pg)?;
            Ok(changed)
        })
        .await
    }

    async fn finish_if_sent(&self, id: &str, now: Millis) -> Result<bool> {
        let id = id.to_owned();
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE broadcasts SET status = 'done', updated_at = $2
                     WHERE id = $1 AND status = 'sending' AND planned AND NOT EXISTS
                       (SELECT 1 FROM broadcast_recipients
                        WHERE broadcast_id = $1 AND state IN ('pending', 'sending'))",
                    &[&id, &now],
                )
                .map_err(pg)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn counts(&self, id: &str) -> Result<(Vec<PlatformCounts>, Vec<FailureCount>)> {
        let id = id.to_owned();
        self.run(move |conn| {
            let rows = conn
                .query(
                    "SELECT platform, state, reason, recipients FROM broadcast_tallies
                     WHERE broadcast_id = $1 AND recipients > 0 ORDER BY platform, state, reason",
                    &[&id],
                )
                .map_err(pg)?;
            let mut grouped = Vec::with_capacity(rows.len());
            for row in &rows {
                grouped.push((get(row, 0)?, get(row, 1)?, get(row, 2)?, get::<i64>(row, 3)? as u64));
            }
            tally(grouped)
        })
        .await
    }

    async fn platform_totals(&self, id: &str) -> Result<Vec<PlatformTotals>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let rows = conn
                .query(
                    "SELECT r.totals FROM broadcast_batches b
                     JOIN broadcast_reports r ON r.platform = b.platform AND r.msg_id = b.msg_id
                     WHERE b.broadcast_id = $1 ORDER BY b.batch",
                    &[&id],
                )
                .map_err(pg)?;
            rows.iter().map(|r| decode(&get::<String>(r, 0)?)).collect()
        })
        .await
    }

    async fn record_totals(&self, platform: &str, totals: &PlatformTotals, now: Millis) -> Result<bool> {
        let (platform, totals) = (platform.to_owned(), totals.clone());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO broadcast_reports (platform, msg_id, totals, received_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (platform, msg_id) DO UPDATE SET totals = excluded.totals, received_at = excluded.received_at",
                &[&platform, &totals.msg_id, &to_json(&totals)?, &now],
            )
            .map_err(pg)?;
            let known = conn
                .query_opt(
                    "SELECT 1 FROM broadcast_batches WHERE platform = $1 AND msg_id = $2",
                    &[&platform, &totals.msg_id],
                )
                .map_err(pg)?;
            Ok(known.is_some())
        })
        .await
    }

    async fn forecast(&self, account: &Account, audience: &Audience, now: Millis) -> Result<Vec<PlatformCounts>> {
        let (account, audience) = (account.clone(), audience.clone());
        self.run(move |conn| {
            // One snapshot for the whole forecast.
            let mut tx = conn
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg)?;
            let rule = CapRule::of(&account);
            let reader = Reader {
                rule,
                period_start: rule.period_start(now),
                exclude: "",
                window_hours: account.reply_policy().message_window_hours,
                needs_activity: audience.needs_activity(),
            };
            let account_had = reader.account_had(&mut tx, &account.id)?;
            let mut counts: Vec<PlatformCounts> = Vec::new();
            let mut cursor = String::new();
            loop {
                let page = subscribers_after(&mut tx, &account.id, &cursor, 5_000)?;
                for subscriber in &page {
                    if let Some(decision) = reader.decide(&mut tx, &audience, subscriber, account_had, now)? {
                        counts_for(&mut counts, &subscriber.platform).count(decision);
                    }
                }
                match page.last() {
                    Some(last) if page.len() == 5_000 => cursor = last.id.clone(),
                    _ => break,
                }
            }
            tx.commit().map_err(pg)?;
            Ok(counts)
        })
        .await
    }
}
