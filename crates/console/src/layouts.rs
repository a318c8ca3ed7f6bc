//! The designer: an account's layout draft is kept in the cache on every
//! edit (offline, and across a crash) and reaches the server through the
//! sync engine; publishing is asked for here and sent when it can be.
//! Versions and rolling back need the server, and say so when it is away.

use std::path::Path;
use std::time::Duration;

use wicket_model::layout::{
    self, catalog, CatalogEntry, DesignerDraft, Layout, LayoutDraft, LayoutSyncState, LayoutTemplate, LayoutVersion,
    MenuImport, PublishState, RuleContext, TemplateField,
};
use wicket_model::{ErrorCode, Issue, PlatformProfile, WicketError};
use wicket_store::StoredDraft;
use wicket_sync::{ClientError, SyncEvent};

use crate::{blocking, now_ms, Console};

/// The largest layout file the designer imports; real ones are far smaller.
const LAYOUT_FILE_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// How long opening the designer waits for the server's draft before it
/// works from the cache alone.
const OPEN_WAIT: Duration = Duration::from_secs(3);

impl Console {
    pub fn module_catalog() -> Vec<CatalogEntry> {
        catalog()
    }

    pub fn layout_templates() -> Vec<LayoutTemplate> {
        layout::templates()
    }

    /// The `{{field}}`s a module's text may show, for the designer's picker.
    pub fn template_fields() -> Vec<TemplateField> {
        layout::TEMPLATE_FIELDS.to_vec()
    }

    /// The account's draft as kept here. The first open takes the server's
    /// draft (or starts empty offline); later opens show the cache at once
    /// and take a colleague's newer save in the background.
    pub async fn open_layout(&self, account_id: String) -> Result<DesignerDraft, WicketError> {
        let platform = self.account_platform(&account_id).await?;
        let cache = self.cache().await?;
        let id = account_id.clone();
        let local = blocking(&cache, move |c| c.layout_draft(&id)).await?;
        let draft = match local {
            Some(draft) => {
                self.refresh_layout_in_background(account_id);
                draft
            }
            None => {
                let server = match self.server().await {
                    Ok((client, token)) => {
                        let fetched = tokio::time::timeout(OPEN_WAIT, client.layout_draft(&token, &account_id)).await;
                        fetched.ok().and_then(Result::ok)
                    }
                    Err(_) => None,
                };
                // Offline on the first open: an empty draft based on no
                // revision; a server draft found later becomes a conflict
                // only if staff edited meanwhile.
                let server = server.unwrap_or_else(|| LayoutDraft {
                    revision: 0,
                    layout: Layout::default(),
                    updated_by: None,
                    updated_at: None,
                });
                blocking(&cache, move |c| c.take_server_draft(&account_id, &server, now_ms())).await?
            }
        };
        Ok(designer_draft(draft, platform))
    }

    /// Keeps an edit made on the layout of revision `edited_on` (the draft's
    /// `loaded_revision` the designer showed); the sync engine saves it on
    /// the server. An edit on a layout the cache has since replaced with a
    /// colleague's becomes a conflict.
    pub async fn save_layout(
        &self,
        account_id: String,
        layout: Layout,
        edited_on: i64,
    ) -> Result<DesignerDraft, WicketError> {
        let platform = self.account_platform(&account_id).await?;
        let cache = self.cache().await?;
        let draft = blocking(&cache, move |c| c.save_layout_draft(&account_id, &layout, edited_on, now_ms())).await?;
        self.nudge().await;
        Ok(designer_draft(draft, platform))
    }

    /// Staff chose what the draft is after a conflict.
    pub async fn resolve_layout_conflict(
        &self,
        account_id: String,
        chosen: Layout,
    ) -> Result<DesignerDraft, WicketError> {
        let platform = self.account_platform(&account_id).await?;
        let cache = self.cache().await?;
        let id = account_id.clone();
        let current = blocking(&cache, move |c| c.layout_draft(&id)).await?;
        if current.is_none_or(|d| d.conflict.is_none()) {
            return Err(WicketError::new(ErrorCode::Conflict, "this draft has no conflict to resolve"));
        }
        let draft = blocking(&cache, move |c| c.resolve_layout_conflict(&account_id, &chosen, now_ms())).await?;
        self.nudge().await;
        Ok(designer_draft(draft, platform))
    }

    /// Asks for the draft to be published: refused at once when the rules
    /// say no, otherwise sent as soon as the server can be reached.
    pub async fn publish_layout(&self, account_id: String) -> Result<DesignerDraft, WicketError> {
        let platform = self.account_platform(&account_id).await?;
        let cache = self.cache().await?;
        let id = account_id.clone();
        let draft = blocking(&cache, move |c| c.layout_draft(&id))
            .await?
            .ok_or_else(|| WicketError::not_found(format!("a layout draft of account {account_id}")))?;
        if draft.conflict.is_some() {
            return Err(WicketError::new(ErrorCode::Conflict, "resolve the conflict with the server's draft first"));
        }
        let issues = layout::validate(&draft.layout, &RuleContext::new(platform));
        if !issues.is_empty() {
            let mut error = WicketError::invalid(issues);
            error.message = "the layout breaks the platform's rules; fix the problems shown, then publish".into();
            return Err(error);
        }
        let id = account_id.clone();
        blocking(&cache, move |c| c.set_publish_state(&id, Some(&PublishState::Queued))).await?;
        self.nudge().await;
        let draft = blocking(&cache, move |c| c.layout_draft(&account_id))
            .await?
            .ok_or_else(|| WicketError::new(ErrorCode::Internal, "the draft vanished"))?;
        Ok(designer_draft(draft, platform))
    }

    pub async fn layout_versions(&self, account_id: String) -> Result<Vec<LayoutVersion>, WicketError> {
        let (client, token) = self.server().await?;
        client.layout_versions(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    pub async fn layout_version(&self, account_id: String, version: i64) -> Result<Layout, WicketError> {
        let (client, token) = self.server().await?;
        client.layout_version(&token, &account_id, version).await.map_err(ClientError::into_wicket)
    }

    /// Makes an earlier version live again (subscribers see it at once).
    pub async fn rollback_layout(&self, account_id: String, version: i64) -> Result<(), WicketError> {
        let (client, token) = self.server().await?;
        client.roll_back_layout(&token, &account_id, version).await.map_err(ClientError::into_wicket)?;
        (self.listener)(SyncEvent::LayoutChanged(account_id));
        Ok(())
    }

    /// Reads a layout file. A broken or foreign file is refused with what is
    /// wrong with it; nothing changes.
    pub fn import_layout_file(path: &Path) -> Result<Layout, WicketError> {
        let unreadable = |e: std::io::Error| {
            WicketError::invalid(vec![Issue::new("file", "layout.file.unreadable").with("reason", e)])
        };
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > LAYOUT_FILE_MAX_BYTES {
            return Err(WicketError::new(ErrorCode::TooLarge, "the file is too large to be a layout"));
        }
        let text = std::fs::read_to_string(path).map_err(unreadable)?;
        layout::parse_layout(&text).map_err(|e| {
            let mut error = WicketError::invalid(vec![Issue::new("file", "layout.file.invalid")]);
            error.message = e.to_string();
            error
        })
    }

    /// Writes a layout file, whole or not at all.
    pub fn export_layout_file(path: &Path, layout: &Layout) -> Result<(), WicketError> {
        let json = serde_json::to_string_pretty(layout)
            .map_err(|e| WicketError::new(ErrorCode::Internal, format!("cannot write the layout: {e}")))?;
        write_whole(path, &json)
    }

    /// Writes the menu in a platform's own format to a file, whole or not at all.
    pub fn export_menu_file(path: &Path, layout: &Layout, platform: PlatformProfile) -> Result<(), WicketError> {
        write_whole(path, &Self::export_menu(layout, platform)?)
    }

    /// The menu in a platform's own format, for its console or API.
    pub fn export_menu(layout: &Layout, platform: PlatformProfile) -> Result<String, WicketError> {
        let value = match platform {
            PlatformProfile::Wechat => layout::wechat_menu_json(&layout.menu),
            PlatformProfile::Alipay => layout::alipay_menu_json(&layout.menu),
        };
        serde_json::to_string_pretty(&value)
            .map_err(|e| WicketError::new(ErrorCode::Internal, format!("cannot write the menu: {e}")))
    }

    /// A WeChat menu (`menu/create`, `menu/get`, …), as the menu editor takes
    /// it in, with notices of what it had that the menu does not keep.
    pub fn import_wechat_menu(json: &str) -> Result<MenuImport, WicketError> {
        layout::import_wechat_menu(json).map_err(WicketError::invalid)
    }

    pub async fn designer_history(&self, account_id: String) -> Result<Option<String>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.designer_history(&account_id)).await
    }

    pub async fn save_designer_history(&self, account_id: String, history: String) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.save_designer_history(&account_id, &history)).await
    }

    async fn account_platform(&self, account_id: &str) -> Result<PlatformProfile, WicketError> {
        self.accounts()
            .await?
            .into_iter()
            .find(|item| item.account.id == account_id)
            .map(|item| item.account.platform)
            .ok_or_else(|| WicketError::not_found(format!("account {account_id}")))
    }

    async fn nudge(&self) {
        if let Some(ws) = &*self.workspace.lock().await {
            ws.engine.nudge();
        }
    }

    /// Takes a colleague's newer server draft, if any, without holding up
    /// the designer; tells the UI when the draft changed.
    fn refresh_layout_in_background(&self, account_id: String) {
        let Ok(workspace) = self.workspace.try_lock() else { return };
        let Some(ws) = workspace.as_ref() else { return };
        let (client, token, cache, listener) =
            (ws.client.clone(), ws.token.clone(), ws.cache.clone(), self.listener.clone());
        drop(workspace);
        tokio::spawn(async move {
            let Ok(server) = client.layout_draft(&token, &account_id).await else { return };
            let id = account_id.clone();
            let taken = tokio::task::spawn_blocking(move || {
                let before = cache.layout_draft(&id)?;
                let after = cache.take_server_draft(&id, &server, now_ms())?;
                Ok::<_, wicket_store::StoreError>(before.as_ref() != Some(&after))
            })
            .await;
            match taken {
                Ok(Ok(true)) => listener(SyncEvent::LayoutChanged(account_id)),
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "cannot take the server's layout draft"),
                Err(e) => tracing::warn!(error = %e, "the layout refresh failed"),
            }
        });
    }
}

fn designer_draft(draft: StoredDraft, platform: PlatformProfile) -> DesignerDraft {
    let sync = if draft.conflict.is_some() {
        LayoutSyncState::Conflict
    } else if draft.dirty {
        LayoutSyncState::Waiting
    } else {
        LayoutSyncState::Saved
    };
    let issues = layout::validate(&draft.layout, &RuleContext::new(platform));
    DesignerDraft {
        account_id: draft.account_id,
        platform,
        layout: draft.layout,
        base_revision: draft.base_revision,
        loaded_revision: draft.loaded_revision,
        loaded_by: draft.loaded_by,
        sync,
        conflict: draft.conflict,
        publish: draft.publish,
        issues,
        updated_at: draft.updated_at,
    }
}

/// Writes beside the target and renames over it: a crash or a full disk
/// leaves the old file or none, never half of one.
fn write_whole(path: &Path, text: &str) -> Result<(), WicketError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let written = std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        WicketError::new(ErrorCode::Storage, format!("cannot save {}: {e}", path.display()))
    })
}
