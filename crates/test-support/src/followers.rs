//! Subscribers put straight into a test server's storage, as a platform's
//! follow (or a follower import) would leave them: each with an open
//! conversation, all in one decision.

use wicket_model::conversation::{Conversation, ConversationStatus, Subscriber};
use wicket_model::Change;
use wicket_server::RunningServer;

/// A subscriber of the account `shop` on `platform`, known there as
/// `platform_user_id`, with `tags`, following or not, followed at time 0.
pub fn follower(id: &str, platform: &str, platform_user_id: &str, tags: &[&str], following: bool) -> Subscriber {
    Subscriber {
        id: id.into(),
        account_id: "shop".into(),
        platform: platform.into(),
        platform_user_id: platform_user_id.into(),
        display_name: id.into(),
        following,
        followed_at: Some(0),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        note: String::new(),
        created_at: 0,
        updated_at: 0,
    }
}

/// Stores `subscribers` on `server`, each with an open conversation
/// (`conv-<id>`), in one decision.
pub async fn record_followers(server: &RunningServer, subscribers: Vec<Subscriber>) {
    let changes: Vec<Change> = subscribers
        .into_iter()
        .flat_map(|s| {
            let conversation = Conversation {
                id: format!("conv-{}", s.id),
                account_id: s.account_id.clone(),
                subscriber_id: s.id.clone(),
                status: ConversationStatus::Open,
                assignee: None,
                labels: vec![],
                last_activity_at: 0,
                preview: String::new(),
                created_at: 0,
                updated_at: 0,
            };
            [Change::Subscriber(s), Change::Conversation(conversation)]
        })
        .collect();
    let state = &server.state;
    let recorded = state.storage.record(Box::new(move |_| Ok(changes)), state.clock.now()).await;
    match recorded {
        Ok(Ok(_)) => {}
        other => panic!("expected the followers to be stored, got {other:?}"),
    }
}
