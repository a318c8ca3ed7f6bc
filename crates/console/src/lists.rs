//! Which accounts' broadcast drafts and saved segments changed, as their
//! lists show them. Every sync round that takes something and every write
//! says `SyncEvent::DataChanged`; the broadcast screen's lists reading again
//! on each of those moved under staff's clicks. After each, the console
//! compares what the lists would show with what they showed, and says
//! `BroadcastDraftsChanged` or `SegmentsChanged` only for the accounts whose
//! list differs. A segment's count is part of its list: a subscriber tagged
//! into a saved segment changes it; a message that moves no count does not.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use wicket_store::Cache;
use wicket_sync::{SyncEvent, SyncListener};

/// An account's listed entities, each as JSON with whether its edit waits.
type Listed = BTreeMap<String, Vec<(String, bool)>>;

#[derive(Default)]
struct Shown {
    drafts: Listed,
    segments: Listed,
}

/// Remembers what the lists of one workspace's cache showed last.
pub(crate) struct ListWatch {
    cache: Arc<Cache>,
    listener: SyncListener,
    shown: Mutex<Shown>,
}

impl ListWatch {
    pub(crate) fn new(cache: Arc<Cache>, listener: SyncListener) -> Self {
        Self { cache, listener, shown: Mutex::new(Shown::default()) }
    }

    /// Reads the lists from the cache and tells the listener the accounts
    /// whose drafts or segments differ from the last read.
    pub(crate) fn check(&self) {
        // Read and compared under the lock: two checks at once cannot
        // report against a stale read.
        let mut shown = self.shown.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.cache.broadcast_draft_world() {
            Ok((world, waiting)) => {
                let now =
                    listed(world.broadcast_drafts.values().map(|d| (&d.account_id, &d.id, d.deleted, d)), &waiting);
                let changed = differing(&shown.drafts, &now);
                shown.drafts = now;
                if !changed.is_empty() {
                    (self.listener)(SyncEvent::BroadcastDraftsChanged(changed));
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the broadcast drafts"),
        }
        match self.segments_listed(&shown.segments) {
            Ok(now) => {
                let changed = differing(&shown.segments, &now);
                shown.segments = now;
                if !changed.is_empty() {
                    (self.listener)(SyncEvent::SegmentsChanged(changed));
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the saved segments"),
        }
    }

    /// Each account's saved segments as listed, with their counts at this
    /// moment (only accounts that have segments are counted).
    fn segments_listed(&self, before: &Listed) -> Result<Listed, wicket_store::StoreError> {
        let (world, _) = self.cache.segment_world()?;
        let accounts: BTreeSet<&String> =
            world.segments.values().filter(|s| !s.deleted).map(|s| &s.account_id).collect();
        let mut by_account = Listed::new();
        let now = crate::now_ms();
        for account in accounts {
            match self.cache.saved_segments(account, now) {
                Ok(items) => {
                    let listed =
                        items.iter().map(|i| (serde_json::to_string(i).unwrap_or_default(), i.waiting)).collect();
                    by_account.insert(account.clone(), listed);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot count the saved segments");
                    if let Some(kept) = before.get(account) {
                        by_account.insert(account.clone(), kept.clone());
                    }
                }
            }
        }
        Ok(by_account)
    }

    /// `check` off the async threads (it reads SQLite), from a listener
    /// that cannot wait: on the runtime's blocking pool when there is one.
    pub(crate) fn check_soon(self: &Arc<Self>) {
        let watch = self.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn_blocking(move || watch.check());
            }
            Err(_) => watch.check(),
        }
    }

    /// `check`, waited for.
    pub(crate) async fn check_now(self: &Arc<Self>) {
        let watch = self.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || watch.check()).await {
            tracing::warn!(error = %e, "the list check failed");
        }
    }
}

/// The listed (not deleted) entities by account, each with whether its edit waits.
fn listed<'a, T: Serialize + 'a>(
    items: impl Iterator<Item = (&'a String, &'a String, bool, &'a T)>,
    waiting: &BTreeSet<String>,
) -> Listed {
    let mut by_account = Listed::new();
    for (account, id, deleted, item) in items {
        if deleted {
            continue;
        }
        let json = serde_json::to_string(item).unwrap_or_default();
        by_account.entry(account.clone()).or_default().push((json, waiting.contains(id)));
    }
    by_account
}

/// The accounts whose list is not the same in `before` and `now`.
fn differing(before: &Listed, now: &Listed) -> Vec<String> {
    let accounts: BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    accounts.into_iter().filter(|a| before.get(*a) != now.get(*a)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use wicket_model::broadcast::{Audience, SegmentFilter};
    use wicket_model::broadcast_draft::BroadcastDraftEdit;
    use wicket_model::conversation::MessageBody;
    use wicket_model::segment::SegmentDraft;
    use wicket_model::{AccountDraft, PlatformProfile, Role};
    use wicket_test_support::start_server;

    use crate::test_support::{PASSWORD, WAIT};
    use crate::tests::{a_subscriber_says, quiet, until_synced};
    use crate::{Console, TokenStore};

    use super::*;

    type Heard = Arc<Mutex<Vec<SyncEvent>>>;

    /// What the console said of its lists since the last call (the other events dropped).
    fn lists_heard(heard: &Heard) -> Vec<SyncEvent> {
        heard
            .lock()
            .unwrap()
            .drain(..)
            .filter(|e| matches!(e, SyncEvent::BroadcastDraftsChanged(_) | SyncEvent::SegmentsChanged(_)))
            .collect()
    }

    /// Runs a check now: whatever differs from what the lists showed has been said once it returns.
    async fn settle(console: &Console) {
        let lists = console.workspace.lock().await.as_ref().expect("signed in").lists.clone();
        lists.check_now().await;
    }

    /// Syncs `console` until `done` holds.
    async fn until<F: std::future::Future<Output = bool>>(console: &Console, done: impl Fn() -> F) {
        tokio::time::timeout(WAIT, async {
            loop {
                console.sync_now().await;
                if done().await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the console's cache caught up");
    }

    #[tokio::test]
    async fn the_drafts_and_segments_lists_are_told_of_their_own_changes_only() {
        let server_dir = tempfile::tempdir().unwrap();
        let server = start_server(server_dir.path()).await;
        server.state.create_owner("boss", "Boss", PASSWORD).await.unwrap();
        let hash = wicket_server::auth::hash_password("colleague password").unwrap();
        server.state.create_staff("mei", "Mei", Role::Agent, hash).await.unwrap();
        let heard: Heard = Arc::default();
        let dir = tempfile::tempdir().unwrap();
        let listener: SyncListener = {
            let heard = heard.clone();
            Arc::new(move |event| heard.lock().unwrap().push(event))
        };
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), listener);
        console.sign_in(&server.base_url(), "boss", PASSWORD).await.unwrap();
        let account = console
            .create_account(AccountDraft {
                name: "街角咖啡".into(),
                platform: PlatformProfile::Wechat,
                category: String::new(),
                description: String::new(),
                avatar_color: "#07c160".into(),
            })
            .await
            .unwrap()
            .account
            .id;
        let other = console
            .create_account(AccountDraft {
                name: "街角花店".into(),
                platform: PlatformProfile::Wechat,
                category: String::new(),
                description: String::new(),
                avatar_color: "#1677ff".into(),
            })
            .await
            .unwrap()
            .account
            .id;
        until_synced(&console).await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [], "no account has drafts or segments yet");

        // A draft saved here: its account's drafts changed, told before the save returns; no segments did.
        let edit = BroadcastDraftEdit {
            id: "draft-1".into(),
            account_id: account.clone(),
            content: MessageBody::Text { text: "周末燕麦拿铁买一送一".into() },
            audience: Audience::All,
            send_at: None,
        };
        console.save_broadcast_draft(edit).await.unwrap();
        let drafts = SyncEvent::BroadcastDraftsChanged(vec![account.clone()]);
        assert!(heard.lock().unwrap().contains(&drafts), "told before the save returned");
        // Synced: the list shows it no longer waiting, with the server's time.
        until_synced(&console).await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [drafts.clone(), drafts], "saved, then synced; nothing else");

        // A subscriber writes: the cache changes (the inbox is told at the round's end), the lists do not.
        a_subscriber_says(&server.base_url(), &account, "还有燕麦拿铁吗？").await;
        until(&console, || async {
            let counts = console.segment_counts(account.clone(), SegmentFilter::default()).await.unwrap();
            counts.iter().map(|c| c.subscribers).sum::<u64>() == 1
                && heard.lock().unwrap().contains(&SyncEvent::DataChanged)
        })
        .await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [], "the drafts and segments were not told");

        // A colleague saves a segment of the other account: its segments changed, no drafts did.
        let dir = tempfile::tempdir().unwrap();
        let colleague = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        colleague.sign_in(&server.base_url(), "mei", "colleague password").await.unwrap();
        until_synced(&colleague).await;
        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..SegmentFilter::default() };
        let segment = SegmentDraft { id: "seg-1".into(), account_id: other.clone(), name: "VIP".into(), filter: vip };
        colleague.save_segment(segment).await.unwrap();
        until_synced(&colleague).await;
        until(&console, || async { !console.saved_segments(other.clone()).await.unwrap().is_empty() }).await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [SyncEvent::SegmentsChanged(vec![other.clone()])]);

        // Deleted here: told at once.
        console.delete_segment("seg-1".into()).await.unwrap();
        assert_eq!(lists_heard(&heard), [SyncEvent::SegmentsChanged(vec![other])]);

        // A segment's count is part of its list: a new subscriber writing into it changes it, a
        // second message of theirs does not.
        let wrote = SegmentFilter { wrote_within_reply_window: true, ..SegmentFilter::default() };
        let recent =
            SegmentDraft { id: "seg-2".into(), account_id: account.clone(), name: "刚来过".into(), filter: wrote };
        console.save_segment(recent.clone()).await.unwrap();
        until_synced(&console).await;
        settle(&console).await;
        assert!(lists_heard(&heard).iter().all(|e| *e == SyncEvent::SegmentsChanged(vec![account.clone()])));
        let mut newcomer = wicket_test_support::SandboxSubscriber::new(&server.base_url(), &account);
        newcomer.expect(reqwest::Method::POST, "follow", None).await;
        newcomer.say("s-2", "今天营业到几点？").await;
        until(&console, || async {
            let counts = console.segment_counts(account.clone(), recent.filter.clone()).await.unwrap();
            counts.iter().map(|c| c.subscribers).sum::<u64>() == 2
                && heard.lock().unwrap().contains(&SyncEvent::DataChanged)
        })
        .await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [SyncEvent::SegmentsChanged(vec![account.clone()])], "counted 2");
        newcomer.say("s-3", "好的，谢谢").await;
        until(&console, || async { heard.lock().unwrap().contains(&SyncEvent::DataChanged) }).await;
        settle(&console).await;
        assert_eq!(lists_heard(&heard), [], "still 2: nothing to read again");
        colleague.shutdown().await;
        console.shutdown().await;
        server.stop().await;
    }
}
