//! The outbox's numbering against a server that processed more than this
//! cache remembers.

use super::*;
use crate::tests::temp_cache;
use wicket_model::NewAccount;

fn create(id: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: format!("Shop {id}"),
        platform: wicket_model::PlatformProfile::Alipay,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    })
}

fn caught_up(last_mutation_id: i64) -> PullResponse {
    serde_json::from_value(serde_json::json!({
        "changes": [], "cursor": 0, "more": false, "last_mutation_id": last_mutation_id, "server_time": 0,
    }))
    .unwrap()
}

fn pending_ids(cache: &Cache) -> Vec<i64> {
    cache.pending(0, 100).unwrap().into_iter().map(|m| m.id).collect()
}

#[test]
fn a_change_written_after_a_pull_is_numbered_after_the_servers_last() {
    let (_dir, cache) = temp_cache();
    cache.apply_pull(&caught_up(41), 1).unwrap();
    assert_eq!(cache.enqueue(&create("a"), 2).unwrap(), 42, "numbered after what the server processed");
    cache.note_server_last(50).unwrap();
    assert_eq!(cache.enqueue(&create("b"), 3).unwrap(), 51, "and after what a push answer said");
    cache.note_server_last(10).unwrap();
    assert_eq!(cache.enqueue(&create("c"), 4).unwrap(), 52, "the numbering never goes back");
}

#[test]
fn a_pull_takes_out_only_changes_sent_under_their_number() {
    let (_dir, cache) = temp_cache();
    let a = cache.enqueue(&create("a"), 1).unwrap();
    let b = cache.enqueue(&create("b"), 2).unwrap();
    cache.mark_sent(a, a).unwrap();
    // The server says it processed both numbers, but b was never sent: its
    // number must have been another change's.
    cache.apply_pull(&caught_up(b), 3).unwrap();
    assert_eq!(pending_ids(&cache), [b], "the unsent change stays to be sent");
}

#[test]
fn renumbering_keeps_the_order_and_goes_after_everything() {
    let (_dir, cache) = temp_cache();
    let ids: Vec<i64> = ["a", "b", "c"].iter().map(|id| cache.enqueue(&create(id), 1).unwrap()).collect();
    cache.mark_sent(ids[0], ids[2]).unwrap();
    let newest = cache.renumber_from(ids[1], 7).unwrap();
    assert_eq!(newest, 9);
    assert_eq!(pending_ids(&cache), [ids[0], 8, 9], "b and c follow the server's 7, still in order");
    let names: Vec<String> = cache
        .pending(ids[0], 10)
        .unwrap()
        .into_iter()
        .map(|m| match m.mutation {
            Mutation::CreateAccount(new) => new.id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["b", "c"]);
    cache.apply_pull(&caught_up(9), 2).unwrap();
    assert_eq!(pending_ids(&cache), [8, 9], "renumbered changes count as not sent yet");
    assert_eq!(cache.enqueue(&create("d"), 3).unwrap(), 10);
}
