//! The check that a broadcast's tallies, which triggers keep, equal its
//! ledger grouped, on SQLite and PostgreSQL alike: one pair of queries and
//! one list of ledger changes, so both backends are held to the same check.

/// The tallies as rows of (broadcast/platform, state, reason, recipients),
/// emptied ones left out.
pub const TALLIES: &str = "SELECT broadcast_id || '/' || platform, state, reason, recipients FROM broadcast_tallies
     WHERE recipients != 0 ORDER BY 1, 2, 3";

/// The ledger grouped as the tallies keep it, in the same rows.
pub const LEDGER: &str = "SELECT broadcast_id || '/' || platform, state, coalesce(reason, ''), count(*)
     FROM broadcast_recipients GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

/// The kinds of change the server makes to broadcast b1's ledger (account
/// shop) once its first recipients are in, s1 and s2 sent and s4 pending
/// among them: a conflict that inserts nothing, updates that move some, none
/// or only a reason, and a deletion. Each test inserts the recipients first
/// its own way; the tallies must equal the ledger after every change.
pub const LEDGER_CHANGES: [&str; 7] = [
    "INSERT INTO broadcast_recipients
       (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, decided_at)
     VALUES ('b1', 's1', 'shop', 'wechat', 'o1', 'pending', 0) ON CONFLICT DO NOTHING",
    "UPDATE broadcast_recipients SET state = 'sending', batch = 1 WHERE state = 'pending' AND platform = 'wechat'",
    "UPDATE broadcast_recipients SET batch = 2 WHERE batch = 1",
    "UPDATE broadcast_recipients SET state = 'failed', reason = 'wechat.mass.timeout' WHERE state = 'sending'",
    "UPDATE broadcast_recipients SET reason = 'wechat.mass.refused' WHERE subscriber_id = 's4'",
    "UPDATE broadcast_recipients SET state = 'cancelled' WHERE state = 'pending'",
    "DELETE FROM broadcast_recipients WHERE subscriber_id = 's2'",
];
