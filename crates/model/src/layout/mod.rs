//! The layout of an account's function view as data: the document and its
//! schema versions, the `{{field}}` templates, the rules that check it for a
//! platform profile, the industry templates, and the platforms' menu JSON.

mod designer;
mod fields;
mod industry;
mod parse;
mod platform_menu;
mod types;
mod validate;

#[cfg(test)]
mod menu_import_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod validate_tests;

pub use designer::{
    catalog, CatalogEntry, DesignerDraft, LayoutConflict, LayoutDraft, LayoutSyncState, LayoutVersion, PublishState,
};
pub use fields::{
    fields_used, fill, has_malformed_template, is_known_field, SampleSubscriber, TemplateField, TEMPLATE_FIELDS,
};
pub use industry::{templates, LayoutTemplate};
pub use parse::{parse_layout, LayoutParseError, SCHEMA_VERSION};
pub use platform_menu::{
    alipay_menu_json, import_wechat_menu, import_wechat_menu_with, wechat_menu_json, MenuImport, RESERVED_KEY_PREFIX,
};
pub use types::*;
pub use validate::{validate, RuleContext};
