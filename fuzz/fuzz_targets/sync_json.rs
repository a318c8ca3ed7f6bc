//! The sync protocol's JSON, as the server decodes a push and the console
//! a pull: what decodes is written out and decodes back the same. Each
//! mutation pushed is then judged by the model's rules against a small
//! world (an account, a subscriber, a conversation): it changes only the
//! thing it names, its changes cross the feed as JSON unchanged, and
//! applying it a second time (a console replaying it) changes nothing more.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wicket_model::account::NewAccount;
use wicket_model::conversation::{Conversation, ConversationStatus, Direction, Message, MessageBody, Subscriber};
use wicket_model::mutation::{apply, Mutation};
use wicket_model::platform::PlatformProfile;
use wicket_model::sync::{FeedEntry, NumberedMutation, PullResponse, PushRequest};
use wicket_model::world::{Actor, MemoryWorld};
use wicket_model::{Change, Millis};

const NOW: Millis = 1_767_225_600_000;

/// Decodes `text` as a `T`; what decodes must encode and decode back the same.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> Option<T> {
    let value: T = serde_json::from_str(text).ok()?;
    let encoded = serde_json::to_string(&value).expect("what was decoded can be encoded");
    let again: T = serde_json::from_str(&encoded)
        .unwrap_or_else(|e| panic!("{} encoded as {encoded} does not decode: {e}", std::any::type_name::<T>()));
    assert_eq!(again, value, "{} crosses JSON unchanged", std::any::type_name::<T>());
    Some(value)
}

fn world() -> MemoryWorld {
    let mut world = MemoryWorld::default();
    let create = Mutation::CreateAccount(NewAccount {
        id: "acc".into(),
        name: "招商银行信用卡".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    });
    let actor = Actor { staff_id: "staff-1".into(), now: 0 };
    world.absorb(apply(&world, &create, &actor).expect("the account is created"));
    world.absorb([
        Change::Subscriber(Subscriber {
            id: "sub".into(),
            account_id: "acc".into(),
            platform: "sandbox".into(),
            platform_user_id: "u1".into(),
            display_name: "王小明".into(),
            following: true,
            followed_at: Some(0),
            tags: vec![],
            note: String::new(),
            created_at: 0,
            updated_at: 0,
        }),
        Change::Conversation(Conversation {
            id: "conv".into(),
            account_id: "acc".into(),
            subscriber_id: "sub".into(),
            status: ConversationStatus::Open,
            assignee: None,
            labels: vec![],
            last_activity_at: NOW - 1000,
            preview: "还款日是哪天？".into(),
            created_at: 0,
            updated_at: 0,
        }),
        Change::Message(Message {
            id: "in-1".into(),
            conversation_id: "conv".into(),
            direction: Direction::Inbound,
            author: None,
            body: MessageBody::Text { text: "还款日是哪天？".into() },
            client_msg_id: None,
            platform_msg_id: Some("p1".into()),
            delivery: None,
            created_at: NOW - 1000,
            auto_reply: None,
        }),
    ]);
    world
}

/// The kind and id of what a mutation may change.
fn touches(mutation: &Mutation, change: &Change) -> bool {
    let target = mutation.target_id();
    match (mutation, change) {
        (
            Mutation::CreateAccount(_)
            | Mutation::UpdateAccount { .. }
            | Mutation::ArchiveAccount { .. }
            | Mutation::RestoreAccount { .. },
            Change::Account(account),
        ) => account.id == target,
        (
            Mutation::SetConversationStatus { .. }
            | Mutation::AssignConversation { .. }
            | Mutation::SetConversationLabels { .. }
            | Mutation::SendMessage { .. },
            Change::Conversation(conversation),
        ) => conversation.id == target,
        (Mutation::SendMessage { id, .. }, Change::Message(message)) => {
            message.id == *id && message.conversation_id == target
        }
        (Mutation::UpdateSubscriber { .. }, Change::Subscriber(subscriber)) => subscriber.id == target,
        _ => false,
    }
}

fn judge(world: &MemoryWorld, mutation: &Mutation) {
    let actor = Actor { staff_id: "staff-1".into(), now: NOW };
    let Ok(changes) = apply(world, mutation, &actor) else { return };
    for change in &changes {
        assert!(touches(mutation, change), "{} changes only what it names: {change:?}", mutation.name());
        let json = serde_json::to_string(change).expect("a change can be written to the feed");
        let read: Change =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("the feed's {json} does not read back: {e}"));
        assert_eq!(&read, change, "a change crosses the feed unchanged");
    }
    let mut after = world.clone();
    after.absorb(changes);
    let later = Actor { staff_id: "staff-1".into(), now: NOW + 1000 };
    match apply(&after, mutation, &later) {
        Ok(again) => assert!(again.is_empty(), "{} replayed changes more: {again:?}", mutation.name()),
        Err(error) => panic!("{} replayed is refused: {error:?}", mutation.name()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let world = world();
    if let Some(push) = round_trip::<PushRequest>(text) {
        for numbered in push.mutations.iter().take(8) {
            judge(&world, &numbered.mutation);
        }
    }
    if let Some(numbered) = round_trip::<NumberedMutation>(text) {
        judge(&world, &numbered.mutation);
    }
    if let Some(mutation) = round_trip::<Mutation>(text) {
        judge(&world, &mutation);
    }
    round_trip::<PullResponse>(text);
    round_trip::<FeedEntry>(text);
    round_trip::<Change>(text);
});
