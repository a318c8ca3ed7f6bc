//! What every [`Storage`] backend must do, as tests any backend runs: each
//! case takes a fresh, empty storage and states its rule in its assertions.
//! A backend runs the whole suite with one test file:
//!
//! ```ignore
//! async fn fresh() -> (Arc<dyn Storage>, TempDir) { … }
//! wicket_server::storage_conformance_tests!(fresh);
//! ```
//!
//! `fresh` returns the storage and whatever must live as long as it (a
//! temporary folder, a throwaway database). Built with the `conformance`
//! feature, which the server's own tests turn on.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test suite: a failed step fails the test")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wicket_model::conversation::MessageBody;
use wicket_model::conversation_rules::{self, Inbound, NewIds};
use wicket_model::layout::{Action, Layout, MenuItem};
use wicket_model::mutation;
use wicket_model::sync::{PullResponse, PULL_MAX_BYTES};
use wicket_model::world::Actor;
use wicket_model::{
    Account, AccountPatch, Change, ChangeKind, ErrorCode, Millis, Mutation, NewAccount, PlatformProfile, Role,
    StaffUser, WicketError, World,
};

mod stores;
pub use stores::{
    broadcast_store_claims_everyone_at_once, broadcast_store_plans_claims_and_counts,
    platform_sends_leave_in_feed_order, platform_store_keeps_connections_sends_and_imports,
};

use super::{
    mutation_digest, ApplyFn, DraftWrite, NewStaff, PushedMutation, StaffUpdate, StaffUpdated, Storage, StorageError,
};

/// Expands to one `#[tokio::test]` per conformance case, each on a fresh
/// storage from `$fresh` (an async function returning the storage and a
/// guard kept alive until the case ends).
#[macro_export]
macro_rules! storage_conformance_tests {
    ($fresh:path) => {
        $crate::storage_conformance_tests!(@cases $fresh;
            sign_in_and_sessions,
            push_applies_each_mutation_exactly_once,
            pull_pages_through_the_feed,
            drafts_have_revisions_and_publish_once,
            read_marks_never_move_back,
            the_server_keeps_an_owner,
            the_feed_order_is_the_commit_order,
            platform_store_keeps_connections_sends_and_imports,
            platform_sends_leave_in_feed_order,
            broadcast_store_plans_claims_and_counts,
            broadcast_store_claims_everyone_at_once,
        );
    };
    (@cases $fresh:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let (storage, _keep) = $fresh().await;
                $crate::storage::conformance::$case(storage).await;
            }
        )*
    };
}

const T0: Millis = 1_767_225_600_000;
const DAY: Millis = 24 * 3600 * 1000;

async fn staff(storage: &dyn Storage, login: &str, name: &str, role: Role, at: Millis) -> StaffUser {
    let new = NewStaff::new(login, name, role, format!("hash of {}", login.trim())).expect("a valid new staff member");
    storage.create_staff(new, at).await.expect("a new staff member is stored")
}

fn new_account(id: &str) -> NewAccount {
    NewAccount {
        id: id.into(),
        name: format!("Account {id}"),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    }
}

fn account(id: &str, at: Millis) -> Account {
    new_account(id).into_account(at)
}

/// Records an account as a change of its own, as an event from outside would.
async fn record_account(storage: &dyn Storage, account: Account, at: Millis) -> i64 {
    let decide = Box::new(move |_: &dyn World| Ok(vec![Change::Account(account)]));
    let recorded = storage.record(decide, at).await.expect("the storage records").expect("nothing refuses it");
    recorded.last_seq
}

/// A subscriber's text message into `account_id`, through the model's rules.
async fn receive_text(storage: &dyn Storage, account_id: &str, n: u32, at: Millis) {
    let inbound = Inbound {
        account_id: account_id.into(),
        platform: "sandbox".into(),
        platform_user_id: "visitor-1".into(),
        display_name: "访客".into(),
        platform_msg_id: Some(format!("p{n}")),
        body: MessageBody::Text { text: format!("message {n}") },
    };
    let ids = NewIds { subscriber: "s1".into(), conversation: "c1".into(), message: format!("m{n}") };
    let decide = Box::new(move |world: &dyn World| conversation_rules::receive(world, &inbound, &ids, at));
    storage.record(decide, at).await.expect("the storage records").expect("the message is accepted");
}

fn pushed(id: i64, mutation: Mutation) -> PushedMutation {
    let json = serde_json::to_value(&mutation).expect("a mutation is JSON");
    PushedMutation { id, digest: mutation_digest(&json), mutation: Ok(mutation) }
}

/// The model's rules, counting how often the storage asks them.
fn counting_apply(staff_id: &str, calls: Arc<AtomicUsize>) -> Arc<ApplyFn> {
    let actor = Actor { staff_id: staff_id.to_owned(), now: T0 };
    Arc::new(move |world: &dyn World, change: &Mutation| {
        calls.fetch_add(1, Ordering::SeqCst);
        mutation::apply(world, change, &actor)
    })
}

async fn pull_all(storage: &dyn Storage, client: &str, staff_id: &str, after: i64, limit: u32) -> PullResponse {
    storage.pull(client, staff_id, &ChangeKind::ALL, after, limit, T0).await.expect("the feed can be read")
}

fn account_ids(page: &PullResponse) -> Vec<String> {
    page.changes
        .iter()
        .filter_map(|entry| match &entry.change {
            Change::Account(account) => Some(account.id.clone()),
            _ => None,
        })
        .collect()
}

/// Staff are stored as given, found by their sign-in name up to Unicode
/// case, and a session works until it expires or is revoked.
pub async fn sign_in_and_sessions(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    assert_eq!(storage.staff_count().await.unwrap(), 0, "a fresh storage has no staff");
    let elodie = staff(storage, "  élodie ", "  Élodie Martin ", Role::Owner, T0).await;
    assert_eq!(
        (elodie.login.as_str(), elodie.display_name.as_str()),
        ("élodie", "Élodie Martin"),
        "a new staff member's sign-in name and display name are stored trimmed"
    );
    let taken = storage.create_staff(NewStaff::new("ÉLODIE", "", Role::Agent, "h".into()).unwrap(), T0 + 1).await;
    assert!(
        matches!(taken, Err(StorageError::LoginTaken(_))),
        "a sign-in name that differs from another only in case (beyond ASCII) is taken: {taken:?}"
    );
    let wang = staff(storage, "wang", "", Role::Agent, T0 + 2).await;
    assert_eq!(wang.display_name, "wang", "an empty display name becomes the sign-in name");
    assert_eq!(storage.staff_count().await.unwrap(), 2, "the refused name was not stored");

    let (found, hash) = storage.staff_by_login(" ÉLODIE ").await.unwrap().expect("sign-in finds élodie");
    assert_eq!((found, hash.as_str()), (elodie.clone(), "hash of élodie"), "sign-in ignores case and spaces");
    assert!(storage.staff_by_login("elodie").await.unwrap().is_none(), "an accent is not case: elodie is nobody");
    assert_eq!(storage.list_staff().await.unwrap(), [elodie.clone(), wang.clone()], "staff are listed oldest first");
    assert_eq!(
        storage.staff_by_role(Role::Owner).await.unwrap(),
        std::slice::from_ref(&elodie),
        "owners are found by role"
    );
    assert_eq!(storage.staff_by_id(&wang.id).await.unwrap(), Some(wang.clone()), "staff are found by id");
    assert_eq!(storage.staff_by_id("nobody").await.unwrap(), None, "an unknown id is nobody");

    storage.create_session("e1", &elodie.id, T0, T0 + DAY).await.unwrap();
    assert_eq!(
        storage.session("e1", T0 + DAY - 1).await.unwrap(),
        Some(elodie.clone()),
        "a session names its staff member until it expires"
    );
    assert_eq!(storage.session("e1", T0 + DAY).await.unwrap(), None, "a session ends at its expiry time");
    assert_eq!(storage.session("unknown", T0).await.unwrap(), None, "an unknown token is no session");
    storage.create_session("e2", &elodie.id, T0, T0 + DAY).await.unwrap();
    storage.revoke_session("e2").await.unwrap();
    assert_eq!(storage.session("e2", T0).await.unwrap(), None, "a revoked session no longer works");

    for token in ["w1", "w2"] {
        storage.create_session(token, &wang.id, T0, T0 + DAY).await.unwrap();
    }
    storage.create_session("e3", &elodie.id, T0, T0 + DAY).await.unwrap();
    storage.revoke_all_sessions(&wang.id).await.unwrap();
    for token in ["w1", "w2"] {
        assert_eq!(storage.session(token, T0).await.unwrap(), None, "signing wang out everywhere ends {token}");
    }
    assert!(storage.session("e3", T0).await.unwrap().is_some(), "signing wang out leaves élodie's session alone");

    let update = StaffUpdate { password_hash: Some("new hash".into()), ..StaffUpdate::default() };
    let updated = storage.update_staff(&elodie.id, update).await.unwrap();
    assert_eq!(updated, StaffUpdated::Done(elodie.clone()), "a new password changes nothing else");
    assert_eq!(storage.session("e3", T0).await.unwrap(), None, "a new password signs its staff member out");
    let (_, hash) = storage.staff_by_login("élodie").await.unwrap().unwrap();
    assert_eq!(hash, "new hash", "sign-in checks the new password");
}

/// Each numbered mutation is applied once, however often it is pushed; a
/// refusal is recorded and reported again; a number reused for other
/// content is refused and ends the push; a client id is its first user's.
pub async fn push_applies_each_mutation_exactly_once(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let amy = staff(storage, "amy", "Amy", Role::Owner, T0).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let apply = counting_apply(&amy.id, calls.clone());
    let create = |n: i64| pushed(n, Mutation::CreateAccount(new_account(&format!("a{n}"))));

    let done = storage.push("console-1", &amy.id, vec![create(1), create(2)], apply.clone(), T0).await.unwrap();
    assert_eq!((done.last_mutation_id, done.rejected.len()), (2, 0), "two new mutations are processed");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "each new mutation is decided once");

    let again = vec![create(1), create(2), create(3)];
    let done = storage.push("console-1", &amy.id, again.clone(), apply.clone(), T0).await.unwrap();
    assert_eq!(done.last_mutation_id, 3, "a push that repeats processed mutations goes on with the new one");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "mutations pushed again are skipped, not applied again");
    storage.push("console-1", &amy.id, again, apply.clone(), T0).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3, "a push repeated whole applies nothing");
    let feed = pull_all(storage, "console-1", &amy.id, 0, 100).await;
    assert_eq!(account_ids(&feed), ["a1", "a2", "a3"], "the feed holds each account once, in order");
    assert_eq!(feed.last_mutation_id, 3, "a pull tells the console its last processed number");

    let unknown = pushed(4, Mutation::UpdateAccount { id: "nowhere".into(), patch: AccountPatch::default() });
    let unreadable = PushedMutation {
        id: 5,
        digest: "unreadable".into(),
        mutation: Err(WicketError::new(ErrorCode::Invalid, "this server cannot read this kind of change")),
    };
    let done = storage.push("console-1", &amy.id, vec![unknown.clone(), unreadable, create(6)], apply.clone(), T0);
    let done = done.await.unwrap();
    let refused: Vec<i64> = done.rejected.iter().map(|r| r.id).collect();
    assert_eq!(refused, [4, 5], "a refused and an unreadable mutation are refused alone");
    assert_eq!(done.last_mutation_id, 6, "the mutations after a refusal are processed");
    assert_eq!(done.rejected[0].error.code, ErrorCode::NotFound, "a refusal carries the rules' reason");
    let before = calls.load(Ordering::SeqCst);
    let retried = storage.push("console-1", &amy.id, vec![unknown], apply.clone(), T0).await.unwrap();
    assert_eq!(retried.rejected, done.rejected, "a retry learns of the same refusals, recorded");
    assert_eq!(calls.load(Ordering::SeqCst), before, "a refused mutation is not decided again");

    let other = pushed(2, Mutation::CreateAccount(new_account("other")));
    let done = storage.push("console-1", &amy.id, vec![other, create(7)], apply.clone(), T0).await.unwrap();
    assert_eq!(done.last_mutation_id, 6, "a number reused for other content ends the push there");
    let issues: Vec<&str> = done.rejected[0].error.issues.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        (done.rejected[0].id, issues),
        (2, vec!["sync.mutation.number_reused"]),
        "a number reused for other content is refused first, to be numbered again"
    );
    assert!(
        !account_ids(&pull_all(storage, "console-1", &amy.id, 0, 100).await).contains(&"other".to_owned()),
        "the reused number's content is not applied"
    );

    let bob = staff(storage, "bob", "Bob", Role::Owner, T0 + 1).await;
    let taken = storage.push("console-1", &bob.id, vec![create(8)], apply, T0).await;
    assert!(matches!(taken, Err(StorageError::ClientTaken(_))), "a client id is its first user's: {taken:?}");
    let taken = storage.pull("console-1", &bob.id, &ChangeKind::ALL, 0, 10, T0).await;
    assert!(matches!(taken, Err(StorageError::ClientTaken(_))), "nobody else pulls with it either: {taken:?}");
}

/// The feed is read in pages of the kinds asked for, bounded by count and
/// bytes; a page that ends the feed ends at its newest position, and a
/// cursor never goes back.
pub async fn pull_pages_through_the_feed(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    assert_eq!(storage.last_seq().await.unwrap(), 0, "a fresh feed is empty");
    let empty = pull_all(storage, "c", "s", 0, 10).await;
    assert_eq!((empty.changes.len(), empty.cursor, empty.more), (0, 0, false), "an empty feed has one empty page");

    for id in ["a1", "a2"] {
        record_account(storage, account(id, T0), T0).await;
    }
    receive_text(storage, "a1", 1, T0 + 1).await;
    let third = record_account(storage, account("a3", T0), T0).await;
    receive_text(storage, "a1", 2, T0 + 2).await;
    let newest = storage.last_seq().await.unwrap();
    assert!(newest > third, "messages after the last account are in the feed");

    let accounts = [ChangeKind::Account];
    let first = storage.pull("c", "s", &accounts, 0, 2, T0).await.unwrap();
    assert_eq!(account_ids(&first), ["a1", "a2"], "a page holds at most `limit` changes, oldest first");
    assert!(first.more, "a full page says there is more");
    assert_eq!(first.cursor, first.changes[1].seq, "a page with more ends at its last change");
    let second = storage.pull("c", "s", &accounts, first.cursor, 2, T0).await.unwrap();
    assert_eq!(account_ids(&second), ["a3"], "the next page starts after the cursor");
    assert!(
        second.changes.iter().all(|e| matches!(e.change, Change::Account(_))),
        "changes of kinds out of scope are passed over"
    );
    assert!(!second.more, "the last page says there is no more");
    assert_eq!(second.cursor, newest, "a page that ends the feed ends at its newest position, past other kinds");
    assert_eq!(second.newest, Some(newest), "a page tells the feed's newest position");

    let whole = pull_all(storage, "c", "s", 0, 1000).await;
    let seqs: Vec<i64> = whole.changes.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "the feed's positions only increase: {seqs:?}");
    assert_eq!(seqs.last(), Some(&newest), "the whole feed ends at the newest position");
    let kinds: BTreeSet<ChangeKind> = whole.changes.iter().map(|e| e.change.kind()).collect();
    assert_eq!(kinds.len(), 4, "a message brings its subscriber, conversation and message into the feed");

    let ahead = pull_all(storage, "c", "s", newest + 10, 10).await;
    assert_eq!((ahead.changes.len(), ahead.cursor), (0, newest + 10), "a cursor beyond the feed never moves back");

    // One change over half the byte limit, then one over all of it.
    let mut big = account("big-1", T0);
    big.description = "x".repeat(PULL_MAX_BYTES / 2 + 1);
    let after = record_account(storage, big.clone(), T0).await - 1;
    big.id = "big-2".into();
    big.description = "x".repeat(PULL_MAX_BYTES + 1);
    record_account(storage, big, T0).await;
    let page = pull_all(storage, "c", "s", after, 10).await;
    assert_eq!(account_ids(&page), ["big-1"], "a page stops before the change that would pass the byte limit");
    assert!(page.more, "a page cut by bytes says there is more");
    let page = pull_all(storage, "c", "s", page.cursor, 10).await;
    assert_eq!(account_ids(&page), ["big-2"], "a change larger than the byte limit still comes: no page is empty");
    assert!(!page.more, "and it ends the feed");
}

fn layout(keyword: &str) -> Layout {
    let mut layout = Layout::default();
    let action = Action::SendKeyword { keyword: keyword.into() };
    layout.menu.items.push(MenuItem::action("m1", keyword, action));
    layout
}

/// A draft is saved against the revision it was read at; publishing makes
/// a revision the next version once and makes it live; any version can be
/// made live again.
pub async fn drafts_have_revisions_and_publish_once(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let dai = staff(storage, "dai", "Dai", Role::Designer, T0).await;
    record_account(storage, account("a1", T0), T0).await;
    let fresh = storage.layout_draft("a1").await.unwrap();
    assert_eq!((fresh.revision, fresh.updated_by), (0, None), "an account starts with an empty draft at revision 0");
    assert_eq!(fresh.layout, Layout::default(), "the first draft is an empty layout");

    let saved = storage.save_layout_draft("a1", 0, layout("hours"), &dai.id, T0 + 1).await.unwrap();
    let DraftWrite::Done(saved) = saved else { panic!("a save at the current revision is taken") };
    assert_eq!(
        (saved.revision, saved.updated_by.as_deref(), saved.updated_at),
        (1, Some("Dai"), Some(T0 + 1)),
        "a save makes the next revision, shown with the saver's name"
    );
    let stale = storage.save_layout_draft("a1", 0, layout("lost"), &dai.id, T0 + 2).await.unwrap();
    let DraftWrite::Stale(current) = stale else { panic!("a save at an old revision is refused") };
    assert_eq!(current, saved, "a stale save answers with the current draft and changes nothing");
    assert!(
        matches!(
            storage.publish_layout("a1", 0, &dai.id, T0, Box::new(|_| Ok(()))).await.unwrap(),
            Ok(DraftWrite::Stale(_))
        ),
        "publishing an old revision is refused"
    );

    let refusal = WicketError::new(ErrorCode::Invalid, "the menu is wrong");
    let refused = refusal.clone();
    let check = Box::new(move |_: &Layout| Err(refused));
    let answer = storage.publish_layout("a1", 1, &dai.id, T0 + 3, check).await.unwrap();
    assert_eq!(answer.err(), Some(refusal), "the last look may refuse a publish");
    assert!(storage.layout_versions("a1").await.unwrap().is_empty(), "a refused publish makes no version");
    assert_eq!(storage.live_layout("a1").await.unwrap(), None, "nor anything live");

    let published = storage.publish_layout("a1", 1, &dai.id, T0 + 4, Box::new(|_| Ok(()))).await.unwrap();
    assert!(matches!(published, Ok(DraftWrite::Done(1))), "the first publish is version 1: {published:?}");
    assert_eq!(storage.live_layout("a1").await.unwrap(), Some((1, layout("hours"))), "a published version is live");
    let twice = storage.publish_layout("a1", 1, &dai.id, T0 + 5, Box::new(|_| Ok(()))).await.unwrap();
    assert!(matches!(twice, Ok(DraftWrite::Done(1))), "a revision published again is the same version: {twice:?}");
    assert_eq!(storage.layout_versions("a1").await.unwrap().len(), 1, "a revision is published once");

    let DraftWrite::Done(second) = storage.save_layout_draft("a1", 1, layout("menu"), &dai.id, T0 + 6).await.unwrap()
    else {
        panic!("saving after a publish goes on from the published revision")
    };
    let published = storage.publish_layout("a1", second.revision, &dai.id, T0 + 7, Box::new(|_| Ok(()))).await;
    assert!(matches!(published.unwrap(), Ok(DraftWrite::Done(2))), "the next publish is version 2");
    let versions: Vec<(i64, bool, String)> =
        storage.layout_versions("a1").await.unwrap().into_iter().map(|v| (v.version, v.live, v.published_by)).collect();
    assert_eq!(
        versions,
        [(2, true, "Dai".to_owned()), (1, false, "Dai".to_owned())],
        "versions are listed newest first, the live one marked, publishers by name"
    );

    assert!(storage.set_live_layout("a1", 1, T0 + 8).await.unwrap(), "an earlier version can be made live again");
    assert_eq!(storage.live_layout("a1").await.unwrap(), Some((1, layout("hours"))), "subscribers see it again");
    assert!(!storage.set_live_layout("a1", 9, T0 + 9).await.unwrap(), "a version that does not exist cannot go live");
    assert_eq!(storage.live_layout("a1").await.unwrap().map(|(v, _)| v), Some(1), "and the live one stays");
    assert_eq!(storage.layout_version("a1", 2).await.unwrap(), Some(layout("menu")), "every version is kept");
    assert_eq!(storage.layout_version("a1", 3).await.unwrap(), None, "a version not published is none");
    assert_eq!(storage.layout_draft("a1").await.unwrap().revision, 2, "publishing leaves the draft as it was");
}

/// A staff member's read mark in a conversation only moves forward, and
/// unread counts are the subscriber's messages after it.
pub async fn read_marks_never_move_back(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let amy = staff(storage, "amy", "Amy", Role::Agent, T0).await;
    let bob = staff(storage, "bob", "Bob", Role::Agent, T0).await;
    record_account(storage, account("a1", T0), T0).await;
    for n in 1..=3 {
        receive_text(storage, "a1", n, T0 + 10 * Millis::from(n)).await;
    }
    let conversation = storage.conversation_of("s1").await.unwrap().expect("the subscriber has a conversation");
    let ids = vec![conversation.id.clone(), "no such conversation".to_owned()];
    let unread = |staff_id: String| {
        let ids = ids.clone();
        async move { storage.unread_counts(&staff_id, ids).await.unwrap() }
    };
    assert_eq!(unread(amy.id.clone()).await, [3, 0], "nothing read: every message of the subscriber is unread");

    storage.mark_read(&amy.id, &conversation.id, T0 + 20).await.unwrap();
    assert_eq!(unread(amy.id.clone()).await, [1, 0], "read up to the second message: one is unread");
    storage.mark_read(&amy.id, &conversation.id, T0 + 10).await.unwrap();
    assert_eq!(unread(amy.id.clone()).await, [1, 0], "an older read mark does not move the mark back");
    storage.mark_read(&amy.id, &conversation.id, T0 + 30).await.unwrap();
    assert_eq!(unread(amy.id.clone()).await, [0, 0], "a newer read mark moves it forward");
    assert_eq!(unread(bob.id.clone()).await, [3, 0], "one staff member's reading is not another's");
}

/// The server always has an owner: the last one cannot be made anything
/// else, whoever else there is.
pub async fn the_server_keeps_an_owner(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let olga = staff(storage, "olga", "Olga", Role::Owner, T0).await;
    let adam = staff(storage, "adam", "Adam", Role::Admin, T0 + 1).await;
    let role = |role: Role| StaffUpdate { role: Some(role), ..StaffUpdate::default() };

    let refused = storage.update_staff(&olga.id, role(Role::Admin)).await.unwrap();
    assert_eq!(refused, StaffUpdated::LastOwner, "the only owner cannot become an administrator");
    assert_eq!(storage.staff_by_id(&olga.id).await.unwrap(), Some(olga.clone()), "a refused change changes nothing");
    let renamed = StaffUpdate { display_name: Some("  Olga K. ".into()), role: Some(Role::Owner), password_hash: None };
    let StaffUpdated::Done(renamed) = storage.update_staff(&olga.id, renamed).await.unwrap() else {
        panic!("the last owner may be renamed and stay owner")
    };
    assert_eq!((renamed.display_name.as_str(), renamed.role), ("Olga K.", Role::Owner), "names are stored trimmed");

    let promoted = storage.update_staff(&adam.id, role(Role::Owner)).await.unwrap();
    assert!(matches!(promoted, StaffUpdated::Done(ref u) if u.role == Role::Owner), "anyone may become an owner");
    let stepped_down = storage.update_staff(&olga.id, role(Role::Agent)).await.unwrap();
    assert!(
        matches!(stepped_down, StaffUpdated::Done(ref u) if u.role == Role::Agent),
        "an owner may step down while another owner remains"
    );
    let refused = storage.update_staff(&adam.id, role(Role::Designer)).await.unwrap();
    assert_eq!(refused, StaffUpdated::LastOwner, "the new only owner cannot step down either");
    assert_eq!(
        storage.staff_by_role(Role::Owner).await.unwrap().into_iter().map(|u| u.id).collect::<Vec<_>>(),
        std::slice::from_ref(&adam.id),
        "exactly one owner is left"
    );
    assert_eq!(storage.update_staff("nobody", role(Role::Agent)).await.unwrap(), StaffUpdated::NotFound);

    // Two owners stepping down at once: one of them stays owner.
    storage.update_staff(&olga.id, role(Role::Owner)).await.unwrap();
    let (a, b) = tokio::join!(
        storage.update_staff(&olga.id, role(Role::Agent)),
        storage.update_staff(&adam.id, role(Role::Agent)),
    );
    let refusals = [a.unwrap(), b.unwrap()].iter().filter(|u| **u == StaffUpdated::LastOwner).count();
    assert_eq!(refusals, 1, "of two owners stepping down at once, exactly one is refused");
    assert_eq!(storage.staff_by_role(Role::Owner).await.unwrap().len(), 1, "the server still has an owner");
}

/// Writers commit concurrently while a reader follows the feed page by
/// page: the reader sees every change exactly once, because a change never
/// commits behind a cursor (the feed's order is its commit order).
pub async fn the_feed_order_is_the_commit_order(storage: Arc<dyn Storage>) {
    const WRITERS: usize = 4;
    const EACH: usize = 40;
    let written = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (storage, written) = (storage.clone(), written.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..EACH {
                record_account(&*storage, account(&format!("w{w}-{n}"), T0), T0).await;
                written.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        }));
    }
    let reader = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let (mut cursor, mut seen, mut positions) = (0, Vec::new(), Vec::new());
            loop {
                // Read whether the writers were done before pulling: the
                // page pulled then holds everything they wrote.
                let done = written.load(Ordering::SeqCst) == WRITERS * EACH;
                let page = pull_all(&*storage, "reader", "s", cursor, 3).await;
                positions.extend(page.changes.iter().map(|e| e.seq));
                seen.extend(account_ids(&page));
                cursor = page.cursor;
                if done && !page.more {
                    return (seen, positions);
                }
                tokio::task::yield_now().await;
            }
        })
    };
    for writer in writers {
        writer.await.expect("a writer finished");
    }
    let (seen, positions) = reader.await.expect("the reader finished");
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "the reader's positions only increase");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "the reader saw no change twice");
    let everything = account_ids(&pull_all(&*storage, "check", "s", 0, 1000).await);
    let missed: Vec<&String> = everything.iter().filter(|id| !unique.contains(id)).collect();
    assert!(
        missed.is_empty() && everything.len() == WRITERS * EACH,
        "a reader following the feed during concurrent commits misses no change (it missed {missed:?})"
    );
}
