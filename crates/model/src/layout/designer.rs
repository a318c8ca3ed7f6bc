//! What the console's designer works with beyond the layout itself: the
//! palette's catalog, and a draft's way to the server (saved here, waiting,
//! in conflict, published). The console fills these; the UI shows them.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::types::{Layout, ModuleKind};
use crate::error::{Issue, WicketError};
use crate::platform::PlatformProfile;
use crate::Millis;

/// A module kind as the palette offers it, with the sample it inserts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CatalogEntry {
    /// The `kind` tag (`profile_card`, …).
    pub kind: String,
    pub sample: ModuleKind,
    /// `group` and `tabs` hold other modules.
    pub container: bool,
    /// Alipay's own home-page modules (extension area, advert, marketing slots).
    pub alipay_only: bool,
}

/// Every kind in palette order, each with sample content that passes the rules.
pub fn catalog() -> Vec<CatalogEntry> {
    ModuleKind::NAMES
        .iter()
        .filter_map(|name| {
            let sample = ModuleKind::sample(name)?;
            Some(CatalogEntry {
                kind: (*name).to_owned(),
                container: matches!(sample, ModuleKind::Group(_) | ModuleKind::Tabs(_)),
                alipay_only: sample.is_alipay_home_module(),
                sample,
            })
        })
        .collect()
}

/// Where a draft stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LayoutSyncState {
    /// The server has exactly this draft.
    Saved,
    /// Kept on this computer; it goes when the server can be reached.
    Waiting,
    /// Someone saved the server's draft meanwhile: staff choose.
    Conflict,
}

/// The server's draft when a save found it changed by someone else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LayoutConflict {
    pub theirs: Layout,
    pub their_revision: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<Millis>,
}

/// A publish asked for, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PublishState {
    /// Waiting for the draft to reach the server, or for the server.
    Queued,
    Published {
        version: i64,
    },
    /// The server refused it (its rules, or its role check).
    Failed {
        error: WicketError,
    },
}

/// An account's draft as the designer opens it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DesignerDraft {
    pub account_id: String,
    pub platform: PlatformProfile,
    pub layout: Layout,
    /// The server revision this draft is based on; 0 before its first save.
    pub base_revision: i64,
    /// The revision whose layout this computer last took whole (opened, a
    /// colleague's newer save, a resolved conflict). The designer names it
    /// with every edit: an edit on an older one becomes a conflict.
    pub loaded_revision: i64,
    /// Who saved that revision, when it was a colleague.
    pub loaded_by: Option<String>,
    pub sync: LayoutSyncState,
    pub conflict: Option<LayoutConflict>,
    pub publish: Option<PublishState>,
    /// What publishing would refuse, under the account's platform rules.
    pub issues: Vec<Issue>,
    pub updated_at: Millis,
}

/// An account's draft on the server: the revision every save must name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct LayoutDraft {
    /// 0 before the first save.
    pub revision: i64,
    pub layout: Layout,
    /// Who saved it last, by name.
    pub updated_by: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub updated_at: Option<Millis>,
}

/// A published version, as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct LayoutVersion {
    pub version: i64,
    /// Who published it, by name.
    pub published_by: String,
    #[schema(value_type = i64)]
    pub published_at: Millis,
    /// Whether subscribers see this version now.
    pub live: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{validate, Module, RuleContext};

    #[test]
    fn the_catalog_offers_every_kind_with_a_valid_sample() {
        let entries = catalog();
        assert_eq!(entries.len(), ModuleKind::NAMES.len(), "every kind is in the palette");
        for entry in &entries {
            let layout = Layout { modules: vec![Module::new("m", entry.sample.clone())], ..Layout::default() };
            let profile = if entry.alipay_only { PlatformProfile::Alipay } else { PlatformProfile::Wechat };
            let issues = validate(&layout, &RuleContext::new(profile));
            let own: Vec<_> = issues.iter().filter(|i| i.path.starts_with("modules.")).collect();
            assert!(own.is_empty(), "the {} sample passes the rules: {own:?}", entry.kind);
        }
        let containers: Vec<_> = entries.iter().filter(|e| e.container).map(|e| e.kind.as_str()).collect();
        assert_eq!(containers, ["group", "tabs"], "only groups and tabs hold modules");
    }
}
