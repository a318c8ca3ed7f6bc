//! The platform boundary: every super-app platform (the built-in sandbox,
//! WeChat, Alipay) sits behind it.
//!
//! - Inbound: an adapter turns its platform's request into an [`Inbound`]
//!   and hands it to [`receive`], the one storage path for subscribers'
//!   messages and events (the same rules, the same feed, the same live
//!   announcement), so the inbox never knows which platform spoke.
//! - Outbound: a staff reply is recorded by the console's own routes; the
//!   [`outbound`] dispatcher reads it from the change feed and hands it to
//!   the [`Platform`] of the subscriber's platform. Adding a platform adds an
//!   adapter and one line in [`Platforms::for_platform`]; no handler changes.

pub mod auto_reply;
pub mod connections;
pub mod import;
pub mod outbound;
pub mod secrets;
pub mod store;

use std::sync::Arc;

use async_trait::async_trait;
use wicket_model::auto_reply::Stimulus;
use wicket_model::conversation::{Message, Subscriber};
use wicket_model::conversation_rules::{self, Inbound, NewIds};
use wicket_model::follower_import::FollowerProfile;
use wicket_model::layout::Layout;
use wicket_model::Account;

use crate::error::ApiError;
use crate::{AppState, LiveEvent};

/// What came of handing a reply to a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The platform accepted it.
    Sent,
    /// The platform refused it for good: `reason` is an issue key the
    /// console translates (`wechat.send.window_closed`, …).
    Refused { reason: String },
    /// Not sent, for a reason that may pass (a busy platform, no network
    /// before the request left): try again later.
    Retry { reason: String },
    /// The request left and no answer came back: it may have arrived.
    /// Never sent again without a person deciding.
    Unknown,
}

/// A platform's refusal or failure outside sending a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PlatformError {
    /// An issue key the console translates.
    pub key: String,
    /// What the platform said, for people (never a secret).
    pub message: String,
}

/// One page of an account's followers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerPage {
    pub user_ids: Vec<String>,
    /// Where the next page starts; `None` at the end.
    pub next: Option<String>,
    pub total: u64,
}

/// A staff reply on its way to a subscriber.
#[derive(Debug, Clone)]
pub struct Reply {
    pub account: Account,
    pub subscriber: Subscriber,
    pub message: Message,
}

/// What Wicket asks of a platform.
#[async_trait]
pub trait Platform: Send + Sync + 'static {
    /// The platform's name on subscribers (`Subscriber::platform`).
    fn name(&self) -> &'static str;
    /// Delivers a staff reply to its subscriber.
    async fn send_reply(&self, state: &AppState, reply: &Reply) -> SendOutcome;
    /// Publishes a layout's menu as the account's live menu.
    async fn publish_menu(&self, state: &AppState, account: &Account, layout: &Layout) -> Result<(), PlatformError>;
    /// A page of the account's followers, from `next` (the start when `None`).
    async fn followers(
        &self,
        state: &AppState,
        account: &Account,
        next: Option<&str>,
    ) -> Result<FollowerPage, PlatformError>;
    /// The profiles of some of the account's followers (at most
    /// [`import::PROFILES_PER_CALL`]); an id the platform does not know is
    /// left out.
    async fn profiles(
        &self,
        state: &AppState,
        account: &Account,
        user_ids: &[String],
    ) -> Result<Vec<FollowerProfile>, PlatformError>;
    /// Uploads an image for a reply; the platform's id for it.
    async fn upload_media(
        &self,
        state: &AppState,
        account: &Account,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<String, PlatformError>;
}

/// The built-in sandbox: its subscribers read their conversation from this
/// server (the subscriber web app), so storing a reply delivers it and its
/// menu is the published layout itself.
pub struct SandboxPlatform;

#[async_trait]
impl Platform for SandboxPlatform {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    async fn send_reply(&self, _state: &AppState, _reply: &Reply) -> SendOutcome {
        SendOutcome::Sent
    }

    async fn publish_menu(&self, _: &AppState, _: &Account, _: &Layout) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn followers(
        &self,
        state: &AppState,
        account: &Account,
        _: Option<&str>,
    ) -> Result<FollowerPage, PlatformError> {
        let all = state
            .storage
            .subscribers(&account.id, None, 10_000)
            .await
            .map_err(|e| PlatformError { key: "platform.call.unavailable".into(), message: e.to_string() })?;
        let user_ids: Vec<String> =
            all.into_iter().filter(|s| s.platform == self.name() && s.following).map(|s| s.platform_user_id).collect();
        Ok(FollowerPage { total: user_ids.len() as u64, user_ids, next: None })
    }

    async fn profiles(
        &self,
        _: &AppState,
        _: &Account,
        user_ids: &[String],
    ) -> Result<Vec<FollowerProfile>, PlatformError> {
        // Sandbox visitors have no profile beyond what their visit stored.
        Ok(user_ids
            .iter()
            .map(|id| FollowerProfile {
                platform_user_id: id.clone(),
                following: true,
                followed_at: None,
                remark: None,
                default_name: id.clone(),
            })
            .collect())
    }

    async fn upload_media(&self, _: &AppState, _: &Account, _: &str, _: Vec<u8>) -> Result<String, PlatformError> {
        // Staff images are already this server's media (`/s/media/{id}`).
        Ok(String::new())
    }
}

/// Every platform adapter this server runs.
pub struct Platforms {
    /// The secrets key every adapter seals its secrets with.
    pub vault: Arc<secrets::Vault>,
    pub sandbox: Arc<SandboxPlatform>,
    pub wechat: Arc<crate::wechat::WechatPlatform>,
    pub alipay: Arc<crate::alipay::AlipayPlatform>,
}

impl Platforms {
    pub fn new(options: &crate::ServerOptions) -> Self {
        let vault = Arc::new(secrets::Vault::default());
        let wechat =
            crate::wechat::WechatPlatform::new(&options.wechat_api_base, options.platform_timeout, vault.clone());
        let alipay =
            crate::alipay::AlipayPlatform::new(&options.alipay_api_base, options.platform_timeout, vault.clone());
        Self { vault, sandbox: Arc::new(SandboxPlatform), wechat: Arc::new(wechat), alipay: Arc::new(alipay) }
    }

    /// The adapter that speaks for subscribers of `platform`.
    pub fn for_platform(&self, platform: &str) -> Option<Arc<dyn Platform>> {
        match platform {
            "sandbox" => Some(self.sandbox.clone()),
            "wechat" => Some(self.wechat.clone()),
            "alipay" => Some(self.alipay.clone()),
            _ => None,
        }
    }
}

/// What [`receive`] stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub message_id: String,
    /// False when the platform sent it before (a retried callback).
    pub new: bool,
    /// The automatic replies stored with it, in order.
    pub replies: Vec<Message>,
    /// The message as stored, when `new` (the caller need not read it back).
    pub message: Option<Message>,
}

/// The one path a subscriber's message or event takes into Wicket: the
/// conversation rules decide inside one storage transaction (a message
/// already received under its platform id changes nothing), the feed records
/// it, and the staff's live sockets hear of it. `message_id` is the adapter's
/// id for the message; deriving it from the platform's id makes a retry find
/// the same row. The commit is on disk before this returns.
pub async fn receive(state: &AppState, inbound: Inbound, message_id: String) -> Result<Received, ApiError> {
    let stimulus = Stimulus::of(&inbound.body);
    receive_answering(state, inbound, message_id, stimulus, false).await
}

/// [`receive`], answering `stimulus` with the account's automatic replies
/// (`None`: no answer) in the same decision. With `passive` the first reply
/// that fits is marked as going in the platform callback's own answer
/// (WeChat's passive reply), which the caller then sends.
pub async fn receive_answering(
    state: &AppState,
    inbound: Inbound,
    message_id: String,
    stimulus: Option<Stimulus>,
    passive: bool,
) -> Result<Received, ApiError> {
    // The matcher is read before the transaction; a failure to read the
    // rules leaves the message unanswered rather than unstored.
    let matcher = match &stimulus {
        Some(_) => match state.auto_replies.matcher(state, &inbound.account_id).await {
            Ok(matcher) => Some(matcher),
            Err(e) => {
                tracing::error!(account = %inbound.account_id, error = %e, "cannot read the automatic-reply rules");
                None
            }
        },
        None => None,
    };
    // One reply of a rule in "one at random" mode is picked with this.
    let seed: u64 = rand::random();
    let ids = NewIds {
        subscriber: uuid::Uuid::new_v4().to_string(),
        conversation: uuid::Uuid::new_v4().to_string(),
        message: message_id.clone(),
    };
    let now = state.clock.now();
    let decide = Box::new(move |world: &dyn wicket_model::World| {
        let mut changes = conversation_rules::receive(world, &inbound, &ids, now)?;
        if let (Some(matcher), Some(stimulus)) = (&matcher, &stimulus) {
            let mut pick = |n: usize| (seed % n.max(1) as u64) as usize;
            let mut replies =
                wicket_model::auto_reply::answer(world, matcher, stimulus, &changes, passive, now, &mut pick)?;
            changes.append(&mut replies);
        }
        Ok(changes)
    });
    // Durably: the platform is told "received" (and does not send it again) after this.
    let recorded = state.storage.platforms().record_durably(decide, now).await?.map_err(ApiError)?;
    let conversations: Vec<String> = recorded
        .changes
        .iter()
        .filter_map(|c| match c {
            wicket_model::Change::Conversation(conversation) => Some(conversation.id.clone()),
            _ => None,
        })
        .collect();
    let new = recorded.changes.iter().any(|c| matches!(c, wicket_model::Change::Message(_)));
    let replies = recorded
        .changes
        .iter()
        .filter_map(|c| match c {
            wicket_model::Change::Message(m) if m.auto_reply.is_some() => Some(m.clone()),
            _ => None,
        })
        .collect();
    if !recorded.changes.is_empty() {
        state.announce(LiveEvent::Changes { seq: recorded.last_seq, conversations });
    }
    let message = recorded.changes.iter().rev().find_map(|c| match c {
        wicket_model::Change::Message(m) if m.id == message_id => Some(m.clone()),
        _ => None,
    });
    Ok(Received { message_id, new, replies, message })
}
