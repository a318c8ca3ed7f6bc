//! The console's Tauri commands: each one line into `wicket-console`. Errors
//! cross as `WicketError` (`{code, message, issues}`).

use std::sync::Arc;

use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use wicket_console::{AlipayPanel, ChosenFiles, Console, FileFilter, FileUse, RejectedChange, Session, WechatPanel};
use wicket_model::account::AccountSettings;
use wicket_model::alipay::{AlipayConnect, AlipayHomeImport, AlipayPart, AlipayPartPublish, AlipayTest};
use wicket_model::auto_reply::{AutoReplyImport, AutoReplyRuleDraft, AutoReplyRuleItem, TryMessage, TryOutcome};
use wicket_model::broadcast::{Audience, Broadcast, Forecast, SegmentCount, SegmentFilter};
use wicket_model::broadcast_draft::{BroadcastDraftEdit, BroadcastDraftItem};
use wicket_model::canned::{CannedReply, CannedReplyDraft};
use wicket_model::conversation::{ConversationStatus, MessageBody};
use wicket_model::inbox::{
    ConversationListItem, ConversationPage, InboxFilter, MessageCursor, MessagePage, SearchHit, SubscriberFilter,
    SubscriberPage, ThreadInfo, ThreadMessage,
};
use wicket_model::layout::{
    CatalogEntry, DesignerDraft, Layout, LayoutTemplate, LayoutVersion, MenuImport, TemplateField,
};
use wicket_model::segment::{SegmentDraft, SegmentItem};
use wicket_model::sync::{PresenceSnapshot, SyncStatus};
use wicket_model::wechat::{WechatConnect, WechatTest};
use wicket_model::{
    AccountDraft, AccountListItem, AccountPatch, Issue, Millis, NewStaff, PlatformProfile, StaffChange, StaffUser,
    WicketError,
};

use crate::settings::{self, Language};
use crate::updates::{UpdateError, UpdateOffer, UpdateSetup};

type Result<T> = std::result::Result<T, WicketError>;

#[tauri::command]
#[specta::specta]
pub async fn session(console: State<'_, Arc<Console>>) -> Result<Session> {
    Ok(console.session().await)
}

#[tauri::command]
#[specta::specta]
pub async fn start_local(app: AppHandle, console: State<'_, Arc<Console>>, display_name: String) -> Result<Session> {
    let session = console.start_local(&display_name).await?;
    settings::remember_workspace(&app, &session)?;
    Ok(session)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    app: AppHandle,
    console: State<'_, Arc<Console>>,
    server_url: String,
    login: String,
    password: String,
    allow_plain_http: bool,
) -> Result<Session> {
    if !allow_plain_http {
        wicket_console::refuse_plain_http(&server_url)?;
    }
    let session = console.sign_in(&server_url, &login, &password).await?;
    settings::remember_workspace(&app, &session)?;
    Ok(session)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(console: State<'_, Arc<Console>>) -> Result<()> {
    console.sign_out().await
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(console: State<'_, Arc<Console>>) -> Result<Vec<AccountListItem>> {
    console.accounts().await
}

/// Validates a draft with the core's rules; no side effect.
#[tauri::command]
#[specta::specta]
pub fn check_account(draft: AccountDraft) -> Result<Vec<Issue>> {
    Ok(Console::check_account(draft))
}

#[tauri::command]
#[specta::specta]
pub async fn create_account(console: State<'_, Arc<Console>>, draft: AccountDraft) -> Result<AccountListItem> {
    console.create_account(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_account(console: State<'_, Arc<Console>>, id: String, patch: AccountPatch) -> Result<()> {
    console.update_account(id, patch).await
}

/// The platform's own reply and broadcast rules, which an account follows until staff adjust them.
#[tauri::command]
#[specta::specta]
pub fn default_account_settings(platform: PlatformProfile) -> Result<AccountSettings> {
    Ok(AccountSettings::defaults_for(platform))
}

#[tauri::command]
#[specta::specta]
pub async fn set_archived(console: State<'_, Arc<Console>>, id: String, archived: bool) -> Result<()> {
    console.set_archived(id, archived).await
}

/// Opens the account's subscriber web app in the system browser; returns
/// its address, which the console also shows.
#[tauri::command]
#[specta::specta]
pub async fn open_subscriber_page(app: AppHandle, console: State<'_, Arc<Console>>, id: String) -> Result<String> {
    let url = console.subscriber_page_url(&id).await?;
    app.opener().open_url(&url, None::<&str>).map_err(|e| {
        // The launcher's own words are English and technical: the UI says it
        // in the staff's language and offers the address to copy.
        let mut error =
            WicketError::new(wicket_model::ErrorCode::Internal, format!("cannot open a browser for {url}: {e}"));
        error.issues.push(Issue::new("url", "account.subscriber_page.no_browser").with("url", &url));
        error
    })?;
    Ok(url)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(console: State<'_, Arc<Console>>) -> Result<SyncStatus> {
    Ok(console.sync_status().await)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(console: State<'_, Arc<Console>>) -> Result<()> {
    console.sync_now().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn rejected_changes(console: State<'_, Arc<Console>>) -> Result<Vec<RejectedChange>> {
    console.rejected_changes().await
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_rejected(console: State<'_, Arc<Console>>, id: i64) -> Result<()> {
    console.dismiss_rejected(id).await
}

#[tauri::command]
#[specta::specta]
pub fn language(app: AppHandle) -> Result<Language> {
    settings::language(&app)
}

#[tauri::command]
#[specta::specta]
pub fn set_language(app: AppHandle, language: Language) -> Result<()> {
    settings::set_language(&app, language)?;
    crate::app_menu::install(&app, language);
    crate::tray::show(&app, |_| ());
    Ok(())
}

/// The unread count that concerns me, for the tray and the taskbar badge.
#[tauri::command]
#[specta::specta]
pub fn set_unread(app: AppHandle, count: u32) -> Result<()> {
    crate::tray::show(&app, |shown| shown.unread = count);
    if let Some(window) = app.get_webview_window("main") {
        // Only some desktops have a badge (Unity's launcher API); elsewhere the tray and title tell.
        if let Err(e) = window.set_badge_count((count > 0).then_some(i64::from(count))) {
            tracing::debug!(error = %e, "no taskbar badge here");
        }
    }
    Ok(())
}

/// A desktop notification of a new message that opens its conversation when
/// clicked; none while notifications are paused. Returns whether one was shown.
#[tauri::command]
#[specta::specta]
pub fn notify_new_message(app: AppHandle, title: String, body: String, conversation_id: String) -> Result<bool> {
    Ok(crate::notifications::new_message(&app, &title, &body, conversation_id))
}

/// How Wicket lives on this computer: start at login (the operating system's own setting).
#[tauri::command]
#[specta::specta]
pub fn desktop_settings(app: AppHandle) -> Result<settings::DesktopSettings> {
    settings::desktop_settings(&app)
}

#[tauri::command]
#[specta::specta]
pub fn set_desktop_settings(app: AppHandle, desktop: settings::DesktopSettings) -> Result<settings::DesktopSettings> {
    settings::set_desktop_settings(&app, desktop)
}

// ---- The conversation view ----------------------------------------------

/// The first `limit` conversations of the list; `more` says it goes on.
#[tauri::command]
#[specta::specta]
pub async fn list_conversations(
    console: State<'_, Arc<Console>>,
    filter: InboxFilter,
    limit: u32,
) -> Result<ConversationPage> {
    console.conversation_page(filter, limit).await
}

/// Mine and unassigned conversations with unread messages (the title count, notifications).
#[tauri::command]
#[specta::specta]
pub async fn attention(console: State<'_, Arc<Console>>) -> Result<Vec<ConversationListItem>> {
    console.attention().await
}

/// One page of a thread, oldest first; `before` is the `older` cursor of the page after it, or null for the latest.
#[tauri::command]
#[specta::specta]
pub async fn conversation_messages(
    console: State<'_, Arc<Console>>,
    conversation_id: String,
    before: Option<MessageCursor>,
    limit: u32,
) -> Result<MessagePage> {
    console.conversation_messages(conversation_id, before, limit).await
}

#[tauri::command]
#[specta::specta]
pub async fn thread_info(console: State<'_, Arc<Console>>, conversation_id: String) -> Result<ThreadInfo> {
    console.thread_info(conversation_id).await
}

/// Sends a reply (or keeps a private note); the same clientId twice stores one message.
#[tauri::command]
#[specta::specta]
pub async fn send_reply(
    console: State<'_, Arc<Console>>,
    conversation_id: String,
    text: String,
    note: bool,
    client_id: String,
) -> Result<ThreadMessage> {
    console.send_reply(conversation_id, text, note, client_id).await
}

/// Sends the image file at `path` (from `pick_open_path` in this run) as a reply; refused as `invalid` (with the
/// reason) for a file that is not a sendable image.
#[tauri::command]
#[specta::specta]
pub async fn send_image(
    console: State<'_, Arc<Console>>,
    files: State<'_, ChosenFiles>,
    conversation_id: String,
    path: String,
    client_id: String,
) -> Result<ThreadMessage> {
    let path = files.check(&path, FileUse::Read)?;
    console.send_image(conversation_id, path, client_id).await
}

/// Puts a failed reply back in the outbox, so it is really sent again.
#[tauri::command]
#[specta::specta]
pub async fn retry_message(console: State<'_, Arc<Console>>, message_id: String) -> Result<()> {
    console.retry_message(message_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_conversation_status(
    console: State<'_, Arc<Console>>,
    ids: Vec<String>,
    status: ConversationStatus,
) -> Result<()> {
    console.set_conversation_status(ids, status).await
}

#[tauri::command]
#[specta::specta]
pub async fn assign_conversations(
    console: State<'_, Arc<Console>>,
    ids: Vec<String>,
    assignee: Option<String>,
) -> Result<()> {
    console.assign_conversations(ids, assignee).await
}

/// Adds and removes labels; applied to whatever labels the conversation has by then, so colleagues' labels stay.
#[tauri::command]
#[specta::specta]
pub async fn edit_conversation_labels(
    console: State<'_, Arc<Console>>,
    id: String,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<()> {
    console.edit_conversation_labels(id, add, remove).await
}

#[tauri::command]
#[specta::specta]
pub async fn load_draft(console: State<'_, Arc<Console>>, conversation_id: String) -> Result<String> {
    console.load_draft(conversation_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_draft(console: State<'_, Arc<Console>>, conversation_id: String, text: String) -> Result<()> {
    console.save_draft(conversation_id, text).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_read(console: State<'_, Arc<Console>>, conversation_id: String) -> Result<()> {
    console.mark_read(conversation_id).await
}

/// Tells colleagues which conversation is open here (null: none) and whether a reply or note is being typed.
#[tauri::command]
#[specta::specta]
pub async fn set_presence(
    console: State<'_, Arc<Console>>,
    conversation_id: Option<String>,
    typing: bool,
) -> Result<()> {
    console.set_presence(conversation_id, typing).await;
    Ok(())
}

/// Who views or types where, self included; `live: false` means unknown (the live feed is down).
#[tauri::command]
#[specta::specta]
pub async fn presence(console: State<'_, Arc<Console>>) -> Result<PresenceSnapshot> {
    Ok(console.presence().await)
}

#[tauri::command]
#[specta::specta]
pub async fn search_messages(console: State<'_, Arc<Console>>, query: String) -> Result<Vec<SearchHit>> {
    console.search_messages(query).await
}

/// This workspace's canned replies, kept on this computer only.
#[tauri::command]
#[specta::specta]
pub async fn list_canned_replies(console: State<'_, Arc<Console>>) -> Result<Vec<CannedReply>> {
    console.canned_replies().await
}

/// Creates (`draft.id` null) or changes a canned reply; per-field issues come back as an `invalid` error.
#[tauri::command]
#[specta::specta]
pub async fn save_canned_reply(console: State<'_, Arc<Console>>, draft: CannedReplyDraft) -> Result<CannedReply> {
    console.save_canned_reply(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_canned_reply(console: State<'_, Arc<Console>>, id: String) -> Result<()> {
    console.delete_canned_reply(id).await
}

/// An account's automatic-reply rules from the cache, waiting edits on top, in the order they answer.
#[tauri::command]
#[specta::specta]
pub async fn list_auto_reply_rules(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<Vec<AutoReplyRuleItem>> {
    console.auto_reply_rules(account_id).await
}

/// What the account's platform refuses in a rule being edited, per field; nothing is saved.
#[tauri::command]
#[specta::specta]
pub async fn check_auto_reply_rule(console: State<'_, Arc<Console>>, draft: AutoReplyRuleDraft) -> Result<Vec<Issue>> {
    console.check_auto_reply_rule(draft).await
}

/// Saves an automatic-reply rule (new, or an edit by its id) through the outbox; refusals come back as an `invalid` error.
#[tauri::command]
#[specta::specta]
pub async fn save_auto_reply_rule(console: State<'_, Arc<Console>>, draft: AutoReplyRuleDraft) -> Result<()> {
    console.save_auto_reply_rule(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_auto_reply_rule(console: State<'_, Arc<Console>>, id: String) -> Result<()> {
    console.delete_auto_reply_rule(id).await
}

/// Reads the automatic replies set in the account's WeChat console and saves each as a rule through the outbox.
#[tauri::command]
#[specta::specta]
pub async fn import_wechat_auto_replies(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<AutoReplyImport> {
    console.import_wechat_auto_replies(account_id).await
}

/// Which rule answers a message typed as a subscriber would, with the unsaved `draft` in place, and what it sends.
#[tauri::command]
#[specta::specta]
pub async fn try_auto_reply(
    console: State<'_, Arc<Console>>,
    account_id: String,
    draft: Option<AutoReplyRuleDraft>,
    message: TryMessage,
    subscriber_name: String,
) -> Result<TryOutcome> {
    console.try_auto_reply(account_id, draft, message, subscriber_name).await
}

/// Subscribers from the cache, by name, tag or note; `more` says the list goes on.
#[tauri::command]
#[specta::specta]
pub async fn list_subscribers(
    console: State<'_, Arc<Console>>,
    filter: SubscriberFilter,
    limit: u32,
) -> Result<SubscriberPage> {
    console.subscribers(filter, limit).await
}

/// Adds and removes a subscriber's tags (set operations, so colleagues' tags stay); shown at once, sent through the
/// outbox.
#[tauri::command]
#[specta::specta]
pub async fn edit_subscriber_tags(
    console: State<'_, Arc<Console>>,
    id: String,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<()> {
    console.edit_subscriber_tags(id, add, remove).await
}

/// Replaces the private note `base` (the note as it read when the edit began) with `note`. If a colleague changed it
/// meanwhile, the thread shows both texts (`ThreadInfo.note_conflicts`) instead of overwriting theirs.
#[tauri::command]
#[specta::specta]
pub async fn set_subscriber_note(
    console: State<'_, Arc<Console>>,
    id: String,
    note: String,
    base: String,
) -> Result<()> {
    console.set_subscriber_note(id, note, base).await
}

/// Resolves a note conflict with the note typed here; `dismissRejected(conflict.id)` keeps the colleague's instead.
#[tauri::command]
#[specta::specta]
pub async fn keep_my_note(console: State<'_, Arc<Console>>, conflict: i64) -> Result<()> {
    console.keep_my_note(conflict).await
}

// ---- The designer -----------------------------------------------------------

/// Every module kind with sample props, in palette order (offline).
#[tauri::command]
#[specta::specta]
pub fn module_catalog() -> Result<Vec<CatalogEntry>> {
    Ok(Console::module_catalog())
}

/// The industry starting layouts, names in both languages (offline).
#[tauri::command]
#[specta::specta]
pub fn layout_templates() -> Result<Vec<LayoutTemplate>> {
    Ok(Console::layout_templates())
}

#[tauri::command]
#[specta::specta]
pub fn template_fields() -> Result<Vec<TemplateField>> {
    Ok(Console::template_fields())
}

/// The account's local draft: from the server's draft, or empty on first open; works offline.
#[tauri::command]
#[specta::specta]
pub async fn open_layout(console: State<'_, Arc<Console>>, account_id: String) -> Result<DesignerDraft> {
    console.open_layout(account_id).await
}

/// Autosave: kept in the cache at once, sent to the server in the background; the draft with fresh issues. `editedOn`
/// is the `loaded_revision` of the layout the edit was made on: an edit on a layout the cache has since replaced with a
/// colleague's comes back as a conflict.
#[tauri::command]
#[specta::specta]
pub async fn save_layout(
    console: State<'_, Arc<Console>>,
    account_id: String,
    layout: Layout,
    edited_on: i64,
) -> Result<DesignerDraft> {
    console.save_layout(account_id, layout, edited_on).await
}

/// The layout the person chose in a conflict becomes the draft on top of the server's revision.
#[tauri::command]
#[specta::specta]
pub async fn resolve_layout_conflict(
    console: State<'_, Arc<Console>>,
    account_id: String,
    layout: Layout,
) -> Result<DesignerDraft> {
    console.resolve_layout_conflict(account_id, layout).await
}

/// Publishes the draft (queued when offline); refused as `invalid` with issues when the rules say no.
#[tauri::command]
#[specta::specta]
pub async fn publish_layout(console: State<'_, Arc<Console>>, account_id: String) -> Result<DesignerDraft> {
    console.publish_layout(account_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn layout_versions(console: State<'_, Arc<Console>>, account_id: String) -> Result<Vec<LayoutVersion>> {
    console.layout_versions(account_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn layout_version(console: State<'_, Arc<Console>>, account_id: String, version: i64) -> Result<Layout> {
    console.layout_version(account_id, version).await
}

#[tauri::command]
#[specta::specta]
pub async fn rollback_layout(console: State<'_, Arc<Console>>, account_id: String, version: i64) -> Result<()> {
    console.rollback_layout(account_id, version).await
}

/// A layout read from the file at `path` (from `pick_open_path` in this run); refused as `invalid` for a broken or
/// foreign file.
#[tauri::command]
#[specta::specta]
pub fn import_layout_file(files: State<'_, ChosenFiles>, path: String) -> Result<Layout> {
    Console::import_layout_file(&files.check(&path, FileUse::Read)?)
}

/// `path` must come from `pick_save_path` in this run.
#[tauri::command]
#[specta::specta]
pub fn export_layout_file(files: State<'_, ChosenFiles>, path: String, layout: Layout) -> Result<()> {
    Console::export_layout_file(&files.check(&path, FileUse::Write)?, &layout)
}

/// The menu as the platform's own API takes it (pretty JSON).
#[tauri::command]
#[specta::specta]
pub fn export_menu(layout: Layout, platform: PlatformProfile) -> Result<String> {
    Console::export_menu(&layout, platform)
}

/// `path` must come from `pick_save_path` in this run.
#[tauri::command]
#[specta::specta]
pub fn export_menu_file(
    files: State<'_, ChosenFiles>,
    path: String,
    layout: Layout,
    platform: PlatformProfile,
) -> Result<()> {
    Console::export_menu_file(&files.check(&path, FileUse::Write)?, &layout, platform)
}

/// The native "open file" dialog, opened by the core; the chosen path, or null when cancelled. The file commands read
/// only a path this returned in this run.
#[tauri::command]
#[specta::specta]
pub async fn pick_open_path(
    app: AppHandle,
    files: State<'_, ChosenFiles>,
    filters: Vec<FileFilter>,
) -> Result<Option<String>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    file_dialog(&app, &filters).pick_file(move |picked| {
        let _closed = tx.send(picked);
    });
    chosen_path(&files, rx.await, FileUse::Read)
}

/// The native "save file" dialog, opened by the core; the file commands write only a path this returned.
#[tauri::command]
#[specta::specta]
pub async fn pick_save_path(
    app: AppHandle,
    files: State<'_, ChosenFiles>,
    default_name: String,
    filters: Vec<FileFilter>,
) -> Result<Option<String>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    file_dialog(&app, &filters).set_file_name(default_name).save_file(move |picked| {
        let _closed = tx.send(picked);
    });
    chosen_path(&files, rx.await, FileUse::Write)
}

fn file_dialog(app: &AppHandle, filters: &[FileFilter]) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    let mut dialog = app.dialog().file();
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    for filter in filters {
        let extensions: Vec<&str> = filter.extensions.iter().map(String::as_str).collect();
        dialog = dialog.add_filter(&filter.name, &extensions);
    }
    dialog
}

/// Records what the dialog returned as chosen for `use_`.
fn chosen_path(
    files: &ChosenFiles,
    picked: std::result::Result<Option<tauri_plugin_dialog::FilePath>, tokio::sync::oneshot::error::RecvError>,
    use_: FileUse,
) -> Result<Option<String>> {
    let Ok(Some(picked)) = picked else { return Ok(None) };
    let path = picked.into_path().map_err(|e| {
        WicketError::new(wicket_model::ErrorCode::Internal, format!("the file dialog returned no usable path: {e}"))
    })?;
    files.chosen(&path, use_);
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// A WeChat `menu/create` (or `menu/get`) body read into a menu, with notices of what it had that the menu does not
/// keep.
#[tauri::command]
#[specta::specta]
pub fn import_wechat_menu(json: String) -> Result<MenuImport> {
    Console::import_wechat_menu(&json)
}

#[tauri::command]
#[specta::specta]
pub async fn load_designer_history(console: State<'_, Arc<Console>>, account_id: String) -> Result<Option<String>> {
    console.designer_history(account_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_designer_history(
    console: State<'_, Arc<Console>>,
    account_id: String,
    history: String,
) -> Result<()> {
    console.save_designer_history(account_id, history).await
}

#[tauri::command]
#[specta::specta]
pub async fn team(console: State<'_, Arc<Console>>) -> Result<Vec<StaffUser>> {
    console.team().await
}

#[tauri::command]
#[specta::specta]
pub async fn add_staff(console: State<'_, Arc<Console>>, staff: NewStaff) -> Result<StaffUser> {
    console.add_staff(staff).await
}

#[tauri::command]
#[specta::specta]
pub async fn change_staff(console: State<'_, Arc<Console>>, id: String, change: StaffChange) -> Result<StaffUser> {
    console.change_staff(id, change).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out_staff(console: State<'_, Arc<Console>>, id: String) -> Result<()> {
    console.sign_out_staff(id).await
}

/// The connection (secrets masked; null until saved) and the callback URL to paste into WeChat's console.
#[tauri::command]
#[specta::specta]
pub async fn wechat_connection(console: State<'_, Arc<Console>>, account_id: String) -> Result<WechatPanel> {
    console.wechat_connection(account_id).await
}

/// Saves the connection; a secret left null keeps the saved one; refused as `invalid` with issues on its fields.
#[tauri::command]
#[specta::specta]
pub async fn connect_wechat(
    console: State<'_, Arc<Console>>,
    account_id: String,
    connect: WechatConnect,
) -> Result<WechatPanel> {
    console.connect_wechat(account_id, connect).await
}

/// Has the server fetch an access token: what WeChat answered.
#[tauri::command]
#[specta::specta]
pub async fn test_wechat(console: State<'_, Arc<Console>>, account_id: String) -> Result<WechatTest> {
    console.test_wechat(account_id).await
}

/// What came of sending the account's last published menu to WeChat (needs the server), null before any.
#[tauri::command]
#[specta::specta]
pub async fn wechat_menu(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<Option<wicket_model::wechat::WechatMenuPublish>> {
    console.wechat_menu(account_id).await
}

/// Sends the live layout's menu to WeChat again: what WeChat made of it.
#[tauri::command]
#[specta::specta]
pub async fn retry_wechat_menu(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<wicket_model::wechat::WechatMenuPublish> {
    console.retry_wechat_menu(account_id).await
}

/// The menu WeChat shows the account's subscribers now, read as a menu with notices (needs the server).
#[tauri::command]
#[specta::specta]
pub async fn live_wechat_menu(console: State<'_, Arc<Console>>, account_id: String) -> Result<MenuImport> {
    console.live_wechat_menu(account_id).await
}

/// The connection (keys masked; null until saved) and the application gateway URL to paste into Alipay's console.
#[tauri::command]
#[specta::specta]
pub async fn alipay_connection(console: State<'_, Arc<Console>>, account_id: String) -> Result<AlipayPanel> {
    console.alipay_connection(account_id).await
}

/// Saves the connection; a key left null keeps the saved one; refused as `invalid` with issues on its fields.
#[tauri::command]
#[specta::specta]
pub async fn connect_alipay(
    console: State<'_, Arc<Console>>,
    account_id: String,
    connect: AlipayConnect,
) -> Result<AlipayPanel> {
    console.connect_alipay(account_id, connect).await
}

/// Removes the connection: the server forgets the keys.
#[tauri::command]
#[specta::specta]
pub async fn disconnect_alipay(console: State<'_, Arc<Console>>, account_id: String) -> Result<AlipayPanel> {
    console.disconnect_alipay(account_id).await
}

/// Has the server make one signed, harmless call: what Alipay answered.
#[tauri::command]
#[specta::specta]
pub async fn test_alipay(console: State<'_, Arc<Console>>, account_id: String) -> Result<AlipayTest> {
    console.test_alipay(account_id).await
}

/// What came of publishing each part of the last published layout to Alipay.
#[tauri::command]
#[specta::specta]
pub async fn alipay_home(console: State<'_, Arc<Console>>, account_id: String) -> Result<Vec<AlipayPartPublish>> {
    console.alipay_home(account_id).await
}

/// Publishes one part of the live layout to Alipay again (null: nothing to do for it).
#[tauri::command]
#[specta::specta]
pub async fn retry_alipay_part(
    console: State<'_, Arc<Console>>,
    account_id: String,
    part: AlipayPart,
) -> Result<Option<AlipayPartPublish>> {
    console.retry_alipay_part(account_id, part).await
}

/// The menu and home modules Alipay shows the account's subscribers now, read as a layout with notices.
#[tauri::command]
#[specta::specta]
pub async fn live_alipay_home(console: State<'_, Arc<Console>>, account_id: String) -> Result<AlipayHomeImport> {
    console.live_alipay_home(account_id).await
}

/// The account's follower import (owners and administrators; needs the server), null when none ever ran.
#[tauri::command]
#[specta::specta]
pub async fn follower_import(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<Option<wicket_model::follower_import::FollowerImport>> {
    console.follower_import(account_id).await
}

/// Starts importing the account's followers on the server (or gets the import already running).
#[tauri::command]
#[specta::specta]
pub async fn import_followers(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<wicket_model::follower_import::FollowerImport> {
    console.import_followers(account_id).await
}

/// The console's version and whether updates are set up.
#[tauri::command]
#[specta::specta]
pub fn update_setup(app: AppHandle) -> UpdateSetup {
    crate::updates::setup(&app)
}

/// Asks the configured update server for a newer version; offers it, never installs it.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(app: AppHandle) -> std::result::Result<Option<UpdateOffer>, UpdateError> {
    crate::updates::check(&app).await
}

/// Downloads the offered update, installs it only if its signature verifies, then restarts.
#[tauri::command]
#[specta::specta]
pub async fn install_update(app: AppHandle) -> std::result::Result<(), UpdateError> {
    crate::updates::install(&app).await
}

/// How many subscribers of the account a segment holds now, per platform, counted from the cache (offline too).
#[tauri::command]
#[specta::specta]
pub async fn segment_counts(
    console: State<'_, Arc<Console>>,
    account_id: String,
    filter: SegmentFilter,
) -> Result<Vec<SegmentCount>> {
    console.segment_counts(account_id, filter).await
}

/// An account's saved segments from the cache, waiting edits on top, by name, each with its subscriber count (offline too).
#[tauri::command]
#[specta::specta]
pub async fn list_segments(console: State<'_, Arc<Console>>, account_id: String) -> Result<Vec<SegmentItem>> {
    console.saved_segments(account_id).await
}

/// What the rules refuse in a segment being saved (its name, its filter), per field; nothing is saved.
#[tauri::command]
#[specta::specta]
pub async fn check_segment(console: State<'_, Arc<Console>>, draft: SegmentDraft) -> Result<Vec<Issue>> {
    console.check_segment(draft).await
}

/// Saves a segment (new, or a rename or edit by its id) through the outbox; refusals come back as an `invalid` error.
#[tauri::command]
#[specta::specta]
pub async fn save_segment(console: State<'_, Arc<Console>>, draft: SegmentDraft) -> Result<()> {
    console.save_segment(draft).await
}

/// Deletes a saved segment through the outbox; broadcasts already made keep their audience.
#[tauri::command]
#[specta::specta]
pub async fn delete_segment(console: State<'_, Arc<Console>>, id: String) -> Result<()> {
    console.delete_segment(id).await
}

/// An account's broadcast drafts from the cache, waiting edits on top, the last edited first (offline too).
#[tauri::command]
#[specta::specta]
pub async fn list_broadcast_drafts(
    console: State<'_, Arc<Console>>,
    account_id: String,
) -> Result<Vec<BroadcastDraftItem>> {
    console.broadcast_drafts(account_id).await
}

/// Saves what the composer holds as a draft (new, or an update by its id) through the outbox; only sizes are checked.
#[tauri::command]
#[specta::specta]
pub async fn save_broadcast_draft(console: State<'_, Arc<Console>>, draft: BroadcastDraftEdit) -> Result<()> {
    console.save_broadcast_draft(draft).await
}

/// Deletes a broadcast draft through the outbox (staff's choice, or once it was sent).
#[tauri::command]
#[specta::specta]
pub async fn delete_broadcast_draft(console: State<'_, Arc<Console>>, id: String) -> Result<()> {
    console.delete_broadcast_draft(id).await
}

/// Adds and removes tags on each of the subscribers `ids` (each its own change in the outbox); how many changed.
#[tauri::command]
#[specta::specta]
pub async fn tag_subscribers(
    console: State<'_, Arc<Console>>,
    ids: Vec<String>,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<u32> {
    console.tag_subscribers(ids, add, remove).await.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Adds and removes tags on everyone a subscriber search finds (at most 10,000); how many changed.
#[tauri::command]
#[specta::specta]
pub async fn tag_subscribers_found(
    console: State<'_, Arc<Console>>,
    search: SubscriberFilter,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<u32> {
    console.tag_subscribers_found(search, add, remove).await.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Who a broadcast to `audience` would reach now, per platform, and who a cap or an unfollow leaves out (needs the
/// server).
#[tauri::command]
#[specta::specta]
pub async fn broadcast_forecast(
    console: State<'_, Arc<Console>>,
    account_id: String,
    audience: Audience,
) -> Result<Forecast> {
    console.broadcast_forecast(account_id, audience).await
}

/// Sends a broadcast now, or at `sendAt` (the server keeps the time).
#[tauri::command]
#[specta::specta]
pub async fn send_broadcast(
    console: State<'_, Arc<Console>>,
    account_id: String,
    content: MessageBody,
    audience: Audience,
    send_at: Option<Millis>,
) -> Result<Broadcast> {
    console.send_broadcast(account_id, content, audience, send_at).await
}

/// The account's broadcasts, newest first, with their counts (needs the server).
#[tauri::command]
#[specta::specta]
pub async fn broadcasts(console: State<'_, Arc<Console>>, account_id: String) -> Result<Vec<Broadcast>> {
    console.broadcasts(account_id).await
}

/// One broadcast, with its progress or results.
#[tauri::command]
#[specta::specta]
pub async fn broadcast(console: State<'_, Arc<Console>>, account_id: String, id: String) -> Result<Broadcast> {
    console.broadcast(account_id, id).await
}

/// Stops a scheduled or sending broadcast; what has gone stays gone.
#[tauri::command]
#[specta::specta]
pub async fn cancel_broadcast(console: State<'_, Arc<Console>>, account_id: String, id: String) -> Result<Broadcast> {
    console.cancel_broadcast(account_id, id).await
}

/// Sends the content to one WeChat user (their open id) as a mass-message preview.
#[tauri::command]
#[specta::specta]
pub async fn preview_broadcast(
    console: State<'_, Arc<Console>>,
    account_id: String,
    content: MessageBody,
    open_id: String,
) -> Result<()> {
    console.preview_broadcast(account_id, content, open_id).await
}
