//! The console's Tauri commands: each one line into `wicket-console`. Errors
//! cross as `WicketError` (`{code, message, issues}`).

use std::sync::Arc;

use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use wicket_console::{Console, RejectedChange, Session};
use wicket_model::sync::SyncStatus;
use wicket_model::{AccountDraft, AccountListItem, AccountPatch, Issue, WicketError};

use crate::settings::{self, Language};

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
) -> Result<Session> {
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
        WicketError::new(wicket_model::ErrorCode::Internal, format!("cannot open a browser for {url}: {e}"))
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
    settings::set_language(&app, language)
}
