//! The sync protocol's wire types (Replicache's contract): a console numbers
//! its mutations; the server applies each once, in order, and records the
//! client's last applied number in the same transaction; pulls read the
//! change feed from a cursor.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::change::{Change, ChangeKind};
use crate::error::WicketError;
use crate::mutation::Mutation;
use crate::staff::{Role, StaffUser};

/// One installation of the console (per workspace).
pub type ClientId = String;

/// The version of this sync protocol. The console sends it with every
/// request in [`PROTOCOL_HEADER`] and the server answers with its own, so a
/// console and a server that cannot understand each other say so plainly
/// (issue `sync.protocol.mismatch`) instead of retrying for ever. Raised
/// only when an older side could no longer read what a newer one says.
pub const PROTOCOL_VERSION: u32 = 1;
/// The oldest console protocol this server still serves.
pub const MIN_CONSOLE_PROTOCOL: u32 = 1;
/// The header that carries [`PROTOCOL_VERSION`] both ways. A request
/// without it comes from a console that predates it: version 1.
pub const PROTOCOL_HEADER: &str = "wicket-protocol";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberedMutation {
    /// 1, 2, 3, … per client, never reused.
    pub id: i64,
    pub mutation: Mutation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    #[schema(value_type = String)]
    pub client_id: ClientId,
    pub mutations: Vec<NumberedMutation>,
}

/// A mutation the server refused for good (invalid, not allowed, …). It still
/// counts as processed, so it never blocks the ones behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rejection {
    pub id: i64,
    pub error: WicketError,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PushResponse {
    /// The highest mutation number the server has processed for this client.
    pub last_mutation_id: i64,
    pub rejected: Vec<Rejection>,
}

/// About the most bytes of changes (as JSON) one pull page carries, besides
/// its count limit: a page stops at the first change that would go past it,
/// but always holds at least one, so the cursor always advances.
pub const PULL_MAX_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedEntry {
    /// The global, monotonic position of this change.
    pub seq: i64,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PullResponse {
    pub changes: Vec<FeedEntry>,
    /// Where the next pull starts.
    pub cursor: i64,
    /// True when more changes follow `cursor` already.
    pub more: bool,
    /// The client's last processed mutation as of this pull, so the console
    /// can drop what the pulled state already contains.
    pub last_mutation_id: i64,
    /// The server's clock, for the console's clock offset.
    pub server_time: i64,
    /// The server's newest feed position as of this pull. A console whose
    /// cursor is beyond it synced with this server before its data was
    /// restored from an older backup, whose feed now reissues the positions
    /// in between: it starts again from the beginning. Absent from servers
    /// that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest: Option<i64>,
    /// The kinds of change this feed carries for the staff member's role
    /// (`ChangeKind::visible_to`); the others are left out and the cursor
    /// passes over them. A console whose cache was pulled under another
    /// scope (the role changed) drops the kinds it no longer receives and,
    /// when it receives new ones, pulls again from the beginning. Absent
    /// from servers that predate it, which sent every kind.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "known_kinds")]
    pub scope: Option<Vec<ChangeKind>>,
}

/// A scope as this version reads it: kinds it does not know (from a newer
/// server) are left out, as their changes are, rather than failing the pull.
fn known_kinds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<ChangeKind>>, D::Error> {
    let names: Option<Vec<String>> = Option::deserialize(deserializer)?;
    Ok(names.map(|names| names.iter().filter_map(|name| ChangeKind::parse(name)).collect()))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignInResponse {
    pub token: String,
    pub expires_at: i64,
    pub user: StaffUser,
}

/// The state of the console's connection, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    Online,
    Offline,
    Syncing,
    /// The server refused the session: staff must sign in again.
    SignedOut,
    /// This console and the server speak different versions of the sync
    /// protocol: one of them has to be updated. `last_error` says which.
    Incompatible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SyncStatus {
    pub connection: Connection,
    /// Changes written locally and not yet accepted by the server.
    pub pending: u32,
    /// Changes the server refused, kept so staff can see why.
    pub rejected: u32,
    /// When the last successful exchange with the server ended.
    pub last_synced_at: Option<i64>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
}

/// What the live sockets carry. Staff hear changes and presence; a
/// subscriber's page hears only that its own conversation changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// The feed has moved to `seq`; these conversations changed.
    Changes {
        seq: i64,
        conversations: Vec<String>,
    },
    Presence {
        staff_id: String,
        display_name: String,
        conversation_id: String,
        state: PresenceState,
    },
    /// This staff member's role changed to `role`: what the feed carries
    /// may have changed with it, so the console pulls now.
    Role {
        role: Role,
    },
    /// A broadcast moved on: its status and the ledger's counts so far
    /// (sent, skipped, failed, still pending), so the Broadcasts screen
    /// shows its progress as it runs. Sent while it runs (at most a few
    /// times a second) and once more when it ends.
    Broadcast(crate::broadcast::BroadcastProgress),
}

impl LiveEvent {
    /// The event as a staff member with `role` may hear it: conversation
    /// ids and presence (who is in which conversation) go only to roles
    /// that receive conversations (`ChangeKind::visible_to`); `None` when
    /// nothing of it is theirs.
    pub fn for_role(&self, role: Role) -> Option<LiveEvent> {
        let sees_conversations = role.allows(ChangeKind::Conversation.permission());
        match self {
            LiveEvent::Changes { seq, .. } if !sees_conversations => {
                Some(LiveEvent::Changes { seq: *seq, conversations: Vec::new() })
            }
            LiveEvent::Presence { .. } if !sees_conversations => None,
            // Broadcasts are for those who answer subscribers (the API's rule).
            LiveEvent::Broadcast(_) if !role.allows(crate::staff::Permission::AnswerSubscribers) => None,
            event => Some(event.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    Viewing,
    Typing,
    Left,
}

/// What a console may say on the live socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromConsole {
    /// This staff member is viewing, typing in or has left a conversation.
    Presence { conversation_id: String, state: PresenceState },
}

/// A colleague in a conversation, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Presence {
    pub conversation_id: String,
    pub staff_id: String,
    pub display_name: String,
    /// `viewing` or `typing`; someone who left is no longer listed.
    pub state: PresenceState,
}

/// Who is where, as far as the live feed says. Presence is an online-only
/// signal: while the feed is down it is unknown, not empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PresenceSnapshot {
    /// Whether the live feed is connected (otherwise `entries` is empty
    /// because nothing is known).
    pub live: bool,
    pub entries: Vec<Presence>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_with_a_kind_from_a_newer_server_still_reads() {
        let json = r#"{"changes": [], "cursor": 3, "more": false, "last_mutation_id": 0, "server_time": 1,
            "scope": ["account", "broadcast", "message"]}"#;
        let pull: PullResponse = serde_json::from_str(json).unwrap();
        assert_eq!(pull.scope, Some(vec![ChangeKind::Account, ChangeKind::Message]), "the unknown kind is left out");
        let old: PullResponse = serde_json::from_str(
            r#"{"changes": [], "cursor": 3, "more": false, "last_mutation_id": 0, "server_time": 1}"#,
        )
        .unwrap();
        assert_eq!(old.scope, None, "a server without scopes");
    }

    #[test]
    fn a_designer_hears_that_the_feed_moved_but_not_where_or_who() {
        let changes = LiveEvent::Changes { seq: 7, conversations: vec!["c1".into()] };
        let presence = LiveEvent::Presence {
            staff_id: "s1".into(),
            display_name: "Li".into(),
            conversation_id: "c1".into(),
            state: PresenceState::Typing,
        };
        assert_eq!(
            changes.for_role(Role::Designer),
            Some(LiveEvent::Changes { seq: 7, conversations: Vec::new() }),
            "the position, without the conversations"
        );
        assert_eq!(presence.for_role(Role::Designer), None, "nobody's presence in a conversation");
        for role in [Role::Owner, Role::Admin, Role::Agent] {
            assert_eq!(changes.for_role(role).as_ref(), Some(&changes), "{role:?} hears which conversations");
            assert_eq!(presence.for_role(role).as_ref(), Some(&presence), "{role:?} hears presence");
        }
    }

    #[test]
    fn a_broadcasts_progress_goes_to_those_who_answer_subscribers_in_its_own_shape() {
        let progress = LiveEvent::Broadcast(crate::broadcast::BroadcastProgress {
            account_id: "shop".into(),
            broadcast_id: "spring".into(),
            status: crate::broadcast::BroadcastStatus::Sending,
            planned: true,
            counts: vec![crate::broadcast::PlatformCounts {
                sent: 3,
                pending: 2,
                ..crate::broadcast::PlatformCounts::new("wechat")
            }],
            failures: vec![],
        });
        assert_eq!(progress.for_role(Role::Designer), None, "a designer sends no broadcasts");
        for role in [Role::Owner, Role::Admin, Role::Agent] {
            assert_eq!(progress.for_role(role).as_ref(), Some(&progress), "{role:?}");
        }
        let json = serde_json::to_value(&progress).unwrap();
        assert_eq!(
            (&json["type"], &json["broadcast_id"], &json["status"]),
            (&serde_json::json!("broadcast"), &serde_json::json!("spring"), &serde_json::json!("sending"))
        );
        assert_eq!(serde_json::from_value::<LiveEvent>(json).unwrap(), progress);
    }
}
