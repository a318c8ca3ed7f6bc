//! "Import followers": an account's followers, read from its platform page by
//! page (WeChat's `user/get`: up to 10,000 OpenIDs a call, from
//! `next_openid`) with their profiles in hundreds (`user/info/batchget`),
//! become subscribers through the model's rule and the same recorded feed a
//! follow takes, so the inbox, the Subscribers screen and the consoles'
//! change feed see them.
//!
//! One job per account. After each hundred, the subscribers and the job
//! (the page it reads, how far into it, the counts) are committed together,
//! so a server that stops resumes at the next hundred when it starts again
//! (no follower counted or made twice). Busy or unreachable platforms are
//! tried again with growing pauses; a refusal (48001: not authorised, …)
//! stops the job with its reason as an issue key.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use wicket_model::follower_import::{self, FollowerImport, FollowerImportStatus, FollowerProfile};
use wicket_model::Account;

use super::{FollowerPage, PlatformError};
use crate::error::ApiError;
use crate::{AppState, LiveEvent};

/// WeChat's `user/info/batchget` takes at most 100 OpenIDs.
pub const PROFILES_PER_CALL: usize = 100;
/// Tries of one call before a platform that stays busy or unreachable stops the job.
const TRIES: u32 = 8;
/// The first pause after a busy or unreachable platform; it doubles each time, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// The key of a platform that stayed busy or unreachable.
const UNAVAILABLE: &str = "platform.call.unavailable";

/// A job as stored: the progress the console sees and where the job is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub progress: FollowerImport,
    /// The `next_openid` the current page was asked with (`None`: the first page).
    pub page_from: Option<String>,
    /// Followers of the current page already handled.
    pub done_in_page: u32,
}

fn parse(job: &str) -> Result<Job, ApiError> {
    serde_json::from_str(job).map_err(|e| {
        ApiError(wicket_model::WicketError::new(
            wicket_model::ErrorCode::Internal,
            format!("a stored follower import could not be read: {e}"),
        ))
    })
}

/// The account's import, if one ever ran.
pub async fn progress(state: &AppState, account_id: &str) -> Result<Option<FollowerImport>, ApiError> {
    match state.storage.platforms().follower_import(account_id).await? {
        Some(job) => Ok(Some(parse(&job)?.progress)),
        None => Ok(None),
    }
}

/// Starts importing the account's followers from `platform`, or returns the
/// import already running.
pub async fn start(state: &AppState, account: &Account, platform: &str) -> Result<FollowerImport, ApiError> {
    let store = state.storage.platforms();
    if let Some(job) = store.follower_import(&account.id).await? {
        let job = parse(&job)?;
        if job.progress.status == FollowerImportStatus::Running {
            return Ok(job.progress);
        }
    }
    let now = state.clock.now();
    let job = Job {
        progress: FollowerImport {
            status: FollowerImportStatus::Running,
            total: 0,
            listed: 0,
            imported: 0,
            failed: 0,
            error: None,
            started_at: now,
            updated_at: now,
            finished_at: None,
        },
        page_from: None,
        done_in_page: 0,
    };
    if !store.begin_follower_import(&account.id, to_json(&job), now).await? {
        // Another start got there first: its job is the one running.
        return Ok(progress(state, &account.id).await?.unwrap_or(job.progress));
    }
    spawn(state.clone(), account.id.clone(), platform.to_owned());
    Ok(job.progress)
}

/// Resumes the imports that were running when the server stopped.
pub async fn resume(state: &AppState) {
    let accounts = match state.storage.platforms().running_follower_imports().await {
        Ok(accounts) => accounts,
        Err(e) => {
            tracing::error!(error = %e, "follower imports could not be read to resume them");
            return;
        }
    };
    for account in accounts {
        tracing::info!(account = %account, "resuming a follower import");
        // The platform the account is connected to lists its followers.
        let platform = match state.storage.platforms().connection(&account).await {
            Ok(Some(connection)) => connection.platform,
            _ => crate::wechat::PLATFORM.to_owned(),
        };
        spawn(state.clone(), account, platform);
    }
}

/// How long a process holds an import's lease without renewing it.
const LEASE: std::time::Duration = std::time::Duration::from_secs(30);
/// How often the process running an import renews its lease.
const RENEW: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the account's import under its lease, so of several processes on
/// one database (each resuming imports as it starts) one runs it; another
/// process's live import is left alone.
fn spawn(state: AppState, account_id: String, platform: String) {
    tokio::spawn(async move {
        let lease = format!("import:{account_id}");
        let claim = || state.storage.claim_leases(vec![lease.clone()], &state.instance, LEASE);
        match claim().await {
            Ok(got) if !got.is_empty() => {}
            Ok(_) => return tracing::info!(account = %account_id, "another process runs this follower import"),
            Err(e) => {
                return tracing::error!(account = %account_id, error = %e, "cannot take a follower import's lease")
            }
        }
        let renewing = async {
            loop {
                tokio::time::sleep(RENEW).await;
                if matches!(claim().await, Ok(got) if got.is_empty()) {
                    return tracing::warn!(account = %account_id, "lost a follower import's lease; it stops here");
                }
            }
        };
        // A stopping server leaves the job where its last hundred was
        // committed; the next start resumes it.
        tokio::select! {
            result = run(&state, &account_id, &platform) => if let Err(e) = result {
                tracing::error!(account = %account_id, error = %e.0, "follower import stopped");
            },
            () = renewing => {}
            () = state.closing() => {}
        }
        if let Err(e) = state.storage.release_lease(&lease, &state.instance).await {
            tracing::warn!(account = %account_id, error = %e, "cannot give up a follower import's lease; it lapses");
        }
    });
}

fn to_json(job: &Job) -> String {
    serde_json::to_string(job).unwrap_or_default()
}

/// Calls the platform, again after a pause while it is busy or unreachable.
async fn patiently<T, F, Fut>(mut call: F) -> Result<T, PlatformError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, PlatformError>>,
{
    let mut pause = FIRST_PAUSE;
    let mut tries = 1;
    loop {
        match call().await {
            Err(e) if e.key == UNAVAILABLE && tries < TRIES => {
                tracing::warn!(error = %e, tries, "the platform is busy or unreachable; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
                tries += 1;
            }
            other => return other,
        }
    }
}

async fn run(state: &AppState, account_id: &str, platform_name: &str) -> Result<(), ApiError> {
    let store = state.storage.platforms();
    let Some(stored) = store.follower_import(account_id).await? else { return Ok(()) };
    let mut job = parse(&stored)?;
    let Some(platform) = state.platforms.for_platform(platform_name) else { return Ok(()) };
    let stop = |mut job: Job, key: String| async move {
        let now = state.clock.now();
        job.progress.status = FollowerImportStatus::Failed;
        job.progress.error = Some(key);
        job.progress.updated_at = now;
        job.progress.finished_at = Some(now);
        store.save_follower_import(account_id, false, to_json(&job), now).await?;
        Ok::<(), ApiError>(())
    };
    let Some(account) = state.storage.account(account_id).await? else {
        return stop(job, "wechat.import.account_gone".into()).await;
    };
    loop {
        let page: FollowerPage = match patiently(|| platform.followers(state, &account, job.page_from.as_deref())).await
        {
            Ok(page) => page,
            Err(e) => return stop(job, e.key).await,
        };
        job.progress.total = u32::try_from(page.total).unwrap_or(u32::MAX);
        let skip = (job.done_in_page as usize).min(page.user_ids.len());
        for chunk in page.user_ids[skip..].chunks(PROFILES_PER_CALL) {
            let profiles = match patiently(|| platform.profiles(state, &account, chunk)).await {
                Ok(profiles) => profiles,
                Err(e) => return stop(job, e.key).await,
            };
            let found: std::collections::HashSet<&str> = profiles.iter().map(|p| p.platform_user_id.as_str()).collect();
            let missing = chunk.iter().filter(|id| !found.contains(id.as_str())).count() as u32;
            let following = profiles.iter().filter(|p| p.following).count() as u32;
            let left = profiles.len() as u32 - following;
            job.done_in_page += chunk.len() as u32;
            job.progress.listed += chunk.len() as u32;
            job.progress.imported += following;
            job.progress.failed += missing + left;
            job.progress.updated_at = state.clock.now();
            record(state, account_id, platform.name(), profiles, &job).await?;
        }
        match page.next {
            // A page that listed nobody is past the end (WeChat's last page
            // still names its last OpenID as next_openid).
            Some(next) if !page.user_ids.is_empty() => {
                job.page_from = Some(next);
                job.done_in_page = 0;
                let now = state.clock.now();
                store.save_follower_import(account_id, true, to_json(&job), now).await?;
            }
            _ => break,
        }
    }
    let now = state.clock.now();
    job.progress.status = FollowerImportStatus::Done;
    job.progress.updated_at = now;
    job.progress.finished_at = Some(now);
    store.save_follower_import(account_id, false, to_json(&job), now).await?;
    Ok(())
}

/// Stores a hundred profiles as subscribers, with the job, in one transaction.
async fn record(
    state: &AppState,
    account_id: &str,
    platform: &'static str,
    profiles: Vec<FollowerProfile>,
    job: &Job,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let ids: Vec<String> = profiles.iter().map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let account = account_id.to_owned();
    let decide = Box::new(move |world: &dyn wicket_model::World| {
        follower_import::import_followers(world, &account, platform, &profiles, &ids, now)
    });
    let recorded =
        state.storage.platforms().record_import(decide, now, account_id, to_json(job)).await?.map_err(ApiError)?;
    if !recorded.changes.is_empty() {
        state.announce(LiveEvent::Changes { seq: recorded.last_seq, conversations: Vec::new() });
    }
    Ok(())
}
