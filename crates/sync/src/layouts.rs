//! The designer's drafts on their way to the server, in each sync round
//! after the outbox: a waiting edit is saved with the revision it started
//! from, then a publish asked for is sent. A colleague's newer save is never
//! overwritten: it becomes a conflict kept in the cache for staff to resolve.

use std::sync::Arc;

use wicket_model::layout::PublishState;
use wicket_store::{conflict_from, StoredDraft};

use crate::client::{ClientError, DraftWrite};
use crate::engine::{blocking, RoundError, Shared, SyncEvent};

/// Sends what every draft has waiting; returns whether any draft changed.
pub(crate) async fn sync_layouts(shared: &Arc<Shared>) -> Result<bool, RoundError> {
    let drafts = blocking(shared, |cache| cache.layouts_to_sync()).await?;
    let mut changed = false;
    for draft in drafts {
        let account_id = draft.account_id.clone();
        if sync_draft(shared, draft).await? {
            changed = true;
            (shared.listener)(SyncEvent::LayoutChanged(account_id));
        }
    }
    Ok(changed)
}

async fn sync_draft(shared: &Arc<Shared>, draft: StoredDraft) -> Result<bool, RoundError> {
    let account = draft.account_id.clone();
    let publishing = matches!(draft.publish, Some(PublishState::Queued));
    let mut revision = draft.base_revision;
    // A draft never saved on the server is saved before it can be published.
    if draft.dirty || revision == 0 {
        let answer = shared.client.save_layout_draft(&shared.token, &account, draft.base_revision, &draft.layout).await;
        match answer {
            Ok(DraftWrite::Done(saved)) => revision = saved.revision,
            // Our own earlier save, whose answer was lost on the way back.
            Ok(DraftWrite::Stale(current)) if current.layout == draft.layout => revision = current.revision,
            Ok(DraftWrite::Stale(current)) => {
                let conflict = conflict_from(&current);
                blocking(shared, move |cache| cache.layout_conflict(&account, &conflict)).await?;
                return Ok(true);
            }
            Err(ClientError::Server(error)) => {
                // Refused for good (a role without design rights, say): say
                // so where staff look, rather than retrying in silence.
                tracing::warn!(account = %account, error = %error.message, "the server refused a layout draft");
                let failed = PublishState::Failed { error };
                blocking(shared, move |cache| cache.set_publish_state(&account, Some(&failed))).await?;
                return Ok(true);
            }
            Err(offline) => return Err(offline.into()),
        }
        let (id, sent) = (account.clone(), draft.layout.clone());
        blocking(shared, move |cache| cache.layout_saved(&id, &sent, revision)).await?;
    }
    if publishing {
        let state = match shared.client.publish_layout(&shared.token, &account, revision).await {
            Ok(DraftWrite::Done(version)) => PublishState::Published { version },
            Ok(DraftWrite::Stale(current)) => {
                let conflict = conflict_from(&current);
                blocking(shared, move |cache| cache.layout_conflict(&account, &conflict)).await?;
                return Ok(true);
            }
            Err(ClientError::Server(error)) => PublishState::Failed { error },
            Err(offline) => return Err(offline.into()),
        };
        blocking(shared, move |cache| cache.set_publish_state(&account, Some(&state))).await?;
    }
    Ok(true)
}
