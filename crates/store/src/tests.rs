use super::*;
use wicket_model::sync::FeedEntry;
use wicket_model::{AccountPatch, Change, ErrorCode, NewAccount};

pub(crate) fn temp_cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
    (dir, cache)
}

fn create(id: &str, name: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: name.into(),
        platform: PlatformProfile::Alipay,
        category: "Banking".into(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    })
}

fn server_account(id: &str, name: &str, at: Millis) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        platform: PlatformProfile::Alipay,
        category: "Banking".into(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
        archived: false,
        created_at: at,
        updated_at: at,
        settings: None,
    }
}

fn pull(changes: Vec<Account>, cursor: i64, last_mutation_id: i64, more: bool) -> PullResponse {
    let first = cursor - changes.len() as i64 + 1;
    PullResponse {
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, a)| FeedEntry { seq: first + i as i64, change: Change::Account(a) })
            .collect(),
        cursor,
        more,
        last_mutation_id,
        server_time: 1_000,
        newest: None,
        scope: None,
    }
}

#[test]
fn migrates_from_empty_and_from_every_earlier_version() {
    let set = migrations().unwrap();
    let latest = wicket_sqlite::latest_version(&set).unwrap();
    assert!(latest >= 2, "the cache has a history of migrations");
    for start in 0..=latest {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut conn = wicket_sqlite::open_unmigrated(&path).unwrap();
        wicket_sqlite::migrate_to(&mut conn, &set, Some(start)).unwrap();
        if start >= 1 {
            conn.execute(
                "INSERT INTO accounts (id, name, platform, category, description, avatar_color, archived, created_at,
                   updated_at) VALUES ('kept', 'Kept', 'wechat', '', '', '#07c160', 0, 1, 1)",
                [],
            )
            .unwrap();
        }
        drop(conn);
        let cache = Cache::open(&path).unwrap();
        let names: Vec<_> = cache.accounts().unwrap().into_iter().map(|a| a.account.name).collect();
        let expected: Vec<String> = if start >= 1 { vec!["Kept".into()] } else { vec![] };
        assert_eq!(names, expected, "upgrading from version {start} keeps the data");
        assert_eq!(cache.pending(0, 10).unwrap(), vec![], "from version {start} the outbox is usable");
    }
}

#[test]
fn the_client_id_is_made_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let first = Cache::open(&path).unwrap().client_id().unwrap();
    let again = Cache::open(&path).unwrap().client_id().unwrap();
    assert_eq!(first, again, "a reopened cache keeps its client id");
}

#[test]
fn a_written_change_shows_at_once_and_waits_in_order() {
    let (_dir, cache) = temp_cache();
    let first = cache.enqueue(&create("a", "Bank A"), 10).unwrap();
    let second = cache
        .enqueue(
            &Mutation::UpdateAccount {
                id: "a".into(),
                patch: AccountPatch { name: Some("Bank A2".into()), ..Default::default() },
            },
            11,
        )
        .unwrap();
    assert!(second > first, "mutation numbers grow");
    let accounts = cache.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].account.name, "Bank A2", "waiting changes apply on top, in order");
    assert!(accounts[0].waiting, "the account is marked as waiting to sync");
    let ids: Vec<_> = cache.pending(0, 10).unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![first, second]);
    assert_eq!(cache.outbox_counts().unwrap(), (2, 0));
}

#[test]
fn a_pull_that_contains_the_changes_empties_the_outbox() {
    let (_dir, cache) = temp_cache();
    let id = cache.enqueue(&create("a", "Bank A"), 10).unwrap();
    cache.mark_sent(id, id).unwrap();
    // Mid-way through catching up, the waiting change stays on top.
    cache.apply_pull(&pull(vec![server_account("b", "Other", 5)], 1, id, true), 20).unwrap();
    assert_eq!(cache.outbox_counts().unwrap(), (1, 0), "kept until caught up");
    cache.apply_pull(&pull(vec![server_account("a", "Bank A", 12)], 2, id, false), 20).unwrap();
    assert_eq!(cache.outbox_counts().unwrap(), (0, 0), "the server's state now holds the change");
    let accounts = cache.accounts().unwrap();
    assert_eq!(
        accounts.iter().map(|a| (a.account.id.as_str(), a.waiting)).collect::<Vec<_>>(),
        [("b", false), ("a", false)]
    );
    assert_eq!(cache.cursor().unwrap(), 2);
    assert_eq!(cache.clock_offset().unwrap(), 1_000 - 20);
}

#[test]
fn applying_the_same_pull_twice_changes_nothing() {
    let (_dir, cache) = temp_cache();
    let page = pull(vec![server_account("a", "Bank A", 1)], 1, 0, false);
    cache.apply_pull(&page, 5).unwrap();
    let once = cache.accounts().unwrap();
    cache.apply_pull(&page, 5).unwrap();
    assert_eq!(cache.accounts().unwrap(), once, "a pull is idempotent");
}

#[test]
fn a_change_made_after_the_acknowledged_one_stays() {
    let (_dir, cache) = temp_cache();
    let first = cache.enqueue(&create("a", "Bank A"), 10).unwrap();
    let second = cache.enqueue(&create("b", "Bank B"), 11).unwrap();
    cache.mark_sent(first, second).unwrap();
    cache.apply_pull(&pull(vec![server_account("a", "Bank A", 10)], 1, first, false), 20).unwrap();
    let pending: Vec<_> = cache.pending(0, 10).unwrap().into_iter().map(|m| m.mutation.name()).collect();
    assert_eq!(pending, ["create_account"], "only the processed change leaves");
    let names: Vec<_> = cache.accounts().unwrap().into_iter().map(|a| (a.account.name, a.waiting)).collect();
    assert_eq!(names, [("Bank A".to_string(), false), ("Bank B".to_string(), true)]);
}

#[test]
fn a_rejected_change_stops_applying_and_is_kept_to_read() {
    let (_dir, cache) = temp_cache();
    let id = cache.enqueue(&create("a", "Bank A"), 10).unwrap();
    let error = WicketError::new(ErrorCode::Forbidden, "agents cannot create accounts");
    cache.record_rejections(&[Rejection { id, error: error.clone() }]).unwrap();
    assert!(cache.accounts().unwrap().is_empty(), "a refused create shows nothing");
    assert_eq!(cache.outbox_counts().unwrap(), (0, 1));
    let rejected = cache.rejected().unwrap();
    assert_eq!((rejected[0].id, &rejected[0].error), (id, &error));
    // The server counted it as processed; a later pull must not delete it.
    cache.apply_pull(&pull(vec![], 0, id, false), 20).unwrap();
    assert_eq!(cache.outbox_counts().unwrap(), (0, 1), "kept until dismissed");
    cache.dismiss_rejected(id).unwrap();
    assert_eq!(cache.outbox_counts().unwrap(), (0, 0));
}

#[test]
fn mutation_numbers_are_never_reused() {
    let (_dir, cache) = temp_cache();
    let first = cache.enqueue(&create("a", "Bank A"), 10).unwrap();
    cache.apply_pull(&pull(vec![server_account("a", "Bank A", 12)], 1, first, false), 20).unwrap();
    let next = cache.enqueue(&create("b", "Bank B"), 30).unwrap();
    assert!(next > first, "a new change gets a new number after the outbox emptied");
}
