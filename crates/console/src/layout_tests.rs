//! The designer's drafts through the console, against a real server on
//! loopback: kept here first, saved with their revision, a colleague's save
//! kept as a conflict, publishing queued while the server is away.

use std::time::Duration;

use wicket_model::layout::{LayoutSyncState, Module, NoticeProps, PublishState};
use wicket_model::PlatformProfile;

use super::*;
use crate::tests::until_synced;

use crate::test_support::{team_with_account, Team, PASSWORD};
use wicket_test_support::start_server_on;

fn with_notices(titles: &[&str]) -> wicket_model::layout::Layout {
    let modules = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            Module::new(format!("m{i}"), NoticeProps { text: (*title).to_owned(), ..NoticeProps::default() })
        })
        .collect();
    wicket_model::layout::Layout { modules, ..Default::default() }
}

async fn until_draft(console: &Console, account: &str, what: &str, ok: impl Fn(&DesignerDraftView) -> bool) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let draft = console.open_layout(account.to_owned()).await.unwrap();
            if ok(&draft) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"));
}

type DesignerDraftView = wicket_model::layout::DesignerDraft;

#[tokio::test]
async fn a_draft_is_saved_published_offline_and_a_colleagues_save_is_never_overwritten() {
    let Team { server_dir, server, addr, console_dir: _console_dir, console, account } =
        team_with_account("麦当劳").await;

    let opened = console.open_layout(account.clone()).await.unwrap();
    assert!(opened.layout.modules.is_empty(), "a new account starts with an empty layout");
    let saved = console.save_layout(account.clone(), with_notices(&["欢迎"]), opened.loaded_revision).await.unwrap();
    assert_eq!(saved.sync, LayoutSyncState::Waiting, "an edit is kept here and waits for the server");
    until_draft(&console, &account, "the server has the draft", |d| d.sync == LayoutSyncState::Saved).await;

    // A colleague saves the server's draft meanwhile; my next edit does not overwrite it.
    let http = reqwest::Client::new();
    let base = format!("{}/api/v1", server.base_url());
    let token: serde_json::Value = http
        .post(format!("{base}/sessions"))
        .json(&serde_json::json!({"login": "boss", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let theirs = with_notices(&["同事的公告"]);
    let colleague = http
        .put(format!("{base}/accounts/{account}/layout/draft"))
        .bearer_auth(&token)
        .header("if-match", "1")
        .json(&serde_json::json!({"layout": theirs}))
        .send()
        .await
        .unwrap();
    assert!(colleague.status().is_success(), "the colleague saves revision 2");
    console.save_layout(account.clone(), with_notices(&["我的公告"]), opened.loaded_revision).await.unwrap();
    until_draft(&console, &account, "the clash is seen", |d| d.sync == LayoutSyncState::Conflict).await;
    let clash = console.open_layout(account.clone()).await.unwrap();
    assert_eq!(clash.layout, with_notices(&["我的公告"]), "my edit is kept");
    assert_eq!(clash.conflict.as_ref().map(|c| &c.theirs), Some(&theirs), "their save is kept beside it");
    let refused = console.publish_layout(account.clone()).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict, "a draft in conflict is not published");

    let merged = with_notices(&["同事的公告", "我的公告"]);
    console.resolve_layout_conflict(account.clone(), merged.clone()).await.unwrap();
    until_draft(&console, &account, "the merged draft is saved", |d| d.sync == LayoutSyncState::Saved).await;

    // Publishing while the server is away waits, then goes once.
    server.stop().await;
    let queued = console.publish_layout(account.clone()).await.unwrap();
    assert_eq!(queued.publish, Some(PublishState::Queued), "the publish waits for the server");
    let server = start_server_on(server_dir.path(), addr).await;
    console.sync_now().await;
    until_draft(&console, &account, "the layout is published", |d| {
        d.publish == Some(PublishState::Published { version: 1 })
    })
    .await;
    let versions = console.layout_versions(account.clone()).await.unwrap();
    assert_eq!(versions.len(), 1, "published once");
    assert_eq!(console.layout_version(account.clone(), 1).await.unwrap(), merged, "the merged layout is live");

    // A broken rule is refused before anything is queued.
    let mut broken = with_notices(&["x"]);
    broken.menu.items = (0..4)
        .map(|i| {
            wicket_model::layout::MenuItem::action(
                format!("i{i}"),
                "菜单",
                wicket_model::layout::Action::SendKeyword { keyword: "hi".into() },
            )
        })
        .collect();
    let shown = console.open_layout(account.clone()).await.unwrap().loaded_revision;
    console.save_layout(account.clone(), broken, shown).await.unwrap();
    let invalid = console.publish_layout(account.clone()).await.unwrap_err();
    assert_eq!(invalid.code, ErrorCode::Invalid, "WeChat allows three main menu items");
    assert!(!invalid.issues.is_empty(), "the problems come with the refusal");
    until_synced(&console).await;
    console.shutdown().await;
    server.stop().await;
}

/// A colleague's console: saves the server's draft over HTTP, naming the
/// revision it read, as their designer would.
struct Colleague {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Colleague {
    async fn sign_in(server: &wicket_server::RunningServer) -> Colleague {
        let http = reqwest::Client::new();
        let base = format!("{}/api/v1", server.base_url());
        let session: serde_json::Value = http
            .post(format!("{base}/sessions"))
            .json(&serde_json::json!({"login": "boss", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Colleague { http, base, token: session["token"].as_str().unwrap().to_owned() }
    }

    async fn draft(&self, account: &str) -> (i64, wicket_model::layout::Layout) {
        let draft: wicket_model::layout::LayoutDraft = self
            .http
            .get(format!("{}/accounts/{account}/layout/draft", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (draft.revision, draft.layout)
    }

    /// Saves on top of whatever the server has now; returns the new revision.
    async fn save(&self, account: &str, layout: &wicket_model::layout::Layout) -> i64 {
        let (revision, _) = self.draft(account).await;
        let saved = self
            .http
            .put(format!("{}/accounts/{account}/layout/draft", self.base))
            .bearer_auth(&self.token)
            .header("if-match", revision.to_string())
            .json(&serde_json::json!({ "layout": layout }))
            .send()
            .await
            .unwrap();
        assert!(saved.status().is_success(), "the colleague's save is taken: {}", saved.status());
        revision + 1
    }
}

#[tokio::test]
async fn a_colleagues_save_is_never_overwritten_when_the_designer_is_reopened_or_the_app_restarted() {
    let Team { server_dir, server, addr, console_dir, console, account } = team_with_account("招商银行信用卡").await;
    let colleague = Colleague::sign_in(&server).await;

    // I design revision 1 and the designer shows "synced".
    let opened = console.open_layout(account.clone()).await.unwrap();
    console.save_layout(account.clone(), with_notices(&["欢迎"]), opened.loaded_revision).await.unwrap();
    until_draft(&console, &account, "my draft is on the server", |d| d.sync == LayoutSyncState::Saved).await;
    let shown = console.open_layout(account.clone()).await.unwrap();

    // Reopened: a colleague saved revision 2; the cache takes it while the
    // designer (opened before) still shows mine.
    let theirs = with_notices(&["欢迎", "同事的模块"]);
    assert_eq!(colleague.save(&account, &theirs).await, 2);
    until_draft(&console, &account, "the cache takes the colleague's revision", |d| d.layout == theirs).await;
    let reopened = console.open_layout(account.clone()).await.unwrap();
    assert_eq!(
        (reopened.loaded_revision, reopened.loaded_by.as_deref()),
        (2, Some("Boss")),
        "the designer is told whose layout it now shows"
    );
    // An edit made on what was shown before is kept beside theirs, not saved over it.
    let stale =
        console.save_layout(account.clone(), with_notices(&["欢迎", "我的模块"]), shown.loaded_revision).await.unwrap();
    assert_eq!(stale.sync, LayoutSyncState::Conflict, "an edit on a replaced layout is a conflict");
    assert_eq!(stale.conflict.as_ref().map(|c| &c.theirs), Some(&theirs), "their layout is kept beside mine");
    console.sync_now().await;
    assert_eq!(colleague.draft(&account).await, (2, theirs.clone()), "the server still has the colleague's save");
    let merged = with_notices(&["欢迎", "同事的模块", "我的模块"]);
    let resolved = console.resolve_layout_conflict(account.clone(), merged.clone()).await.unwrap();
    assert_eq!(resolved.loaded_revision, 2, "the choice builds on their revision");
    until_draft(&console, &account, "the merged draft is saved", |d| d.sync == LayoutSyncState::Saved).await;
    assert_eq!(colleague.draft(&account).await, (3, merged.clone()), "the merge is revision 3");

    // Restarted: the app closes with an edit made offline on revision 3 still
    // waiting; a colleague saves revision 4 meanwhile; after the restart the
    // edit meets their save as a conflict.
    server.stop().await;
    let offline = with_notices(&["欢迎", "同事的模块", "我的模块", "离线的修改"]);
    let waiting = console.save_layout(account.clone(), offline.clone(), resolved.loaded_revision).await.unwrap();
    assert_eq!(waiting.sync, LayoutSyncState::Waiting, "offline, the edit waits on this computer");
    console.shutdown().await;
    let server = start_server_on(server_dir.path(), addr).await;
    let later = with_notices(&["同事的新版本"]);
    assert_eq!(colleague.save(&account, &later).await, 4);

    let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
    let restarted = crate::Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
    let last = crate::LastWorkspace::Team { server_url: server.base_url(), login: "boss".into() };
    restarted.restore(&last).await.unwrap();
    until_draft(&restarted, &account, "the waiting edit meets the colleague's save", |d| {
        d.sync == LayoutSyncState::Conflict
    })
    .await;
    let clash = restarted.open_layout(account.clone()).await.unwrap();
    assert_eq!(clash.layout, offline, "the offline edit survived the restart");
    assert_eq!(clash.conflict.map(|c| (c.their_revision, c.theirs)), Some((4, later.clone())));
    assert_eq!(colleague.draft(&account).await, (4, later), "the server keeps the colleague's revision 4");

    // Restarted with nothing waiting: the cache shows the old layout at once,
    // takes the colleague's newer one in the background and says so.
    let chosen = restarted.resolve_layout_conflict(account.clone(), offline.clone()).await.unwrap();
    until_draft(&restarted, &account, "my choice is saved", |d| d.sync == LayoutSyncState::Saved).await;
    restarted.shutdown().await;
    let newest = with_notices(&["再一次"]);
    assert_eq!(colleague.save(&account, &newest).await, 6);
    let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
    let again = crate::Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
    again.restore(&last).await.unwrap();
    // The first look comes from the cache before the sync, or after it on a
    // fast machine: either way it is one of the two whole layouts.
    let first_look = again.open_layout(account.clone()).await.unwrap();
    assert!(first_look.layout == offline || first_look.layout == newest, "the cache shows a whole layout at once");
    until_draft(&again, &account, "the restarted console takes revision 6", |d| d.layout == newest).await;
    let fresh = again.open_layout(account.clone()).await.unwrap();
    assert!(fresh.loaded_revision > chosen.loaded_revision, "the designer reloads");
    let stale = again.save_layout(account.clone(), with_notices(&["旧的"]), chosen.loaded_revision).await.unwrap();
    assert_eq!(stale.sync, LayoutSyncState::Conflict, "an edit on the layout shown before the restart is a conflict");
    again.sync_now().await;
    assert_eq!(colleague.draft(&account).await, (6, newest), "and the server keeps revision 6");
    again.shutdown().await;
    server.stop().await;
}

#[test]
fn a_broken_or_foreign_layout_file_is_refused_and_a_good_one_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("layout.json");
    let layout = with_notices(&["还款提醒"]);
    Console::export_layout_file(&good, &layout).unwrap();
    assert_eq!(Console::import_layout_file(&good).unwrap(), layout, "a layout survives export and import");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let error = Console::import_layout_file(&broken).unwrap_err();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert!(error.message.contains("not JSON"), "the message says what is wrong: {}", error.message);

    let foreign = dir.path().join("foreign.json");
    std::fs::write(&foreign, r#"{"pages": "nope", "hello": 1}"#).unwrap();
    assert_eq!(Console::import_layout_file(&foreign).unwrap_err().code, ErrorCode::Invalid);

    let wechat = Console::export_menu(&layout, PlatformProfile::Wechat).unwrap();
    assert!(wechat.contains("\"button\""), "the WeChat menu body has its buttons");
    assert!(Console::import_wechat_menu("[1, 2]").is_err(), "a foreign menu is refused");
}

#[test]
fn a_menu_file_holds_the_platforms_format_and_a_failed_save_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut layout = with_notices(&[]);
    layout.menu.items.push(wicket_model::layout::MenuItem::action(
        "order",
        "点餐",
        wicket_model::layout::Action::SendKeyword { keyword: "点餐".into() },
    ));
    for platform in [PlatformProfile::Wechat, PlatformProfile::Alipay] {
        let file = dir.path().join(format!("menu-{platform:?}.json"));
        Console::export_menu_file(&file, &layout, platform).unwrap();
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(written, Console::export_menu(&layout, platform).unwrap(), "the file is the export, byte for byte");
        assert!(written.contains("点餐"), "with the menu's label");
    }
    let wechat = std::fs::read_to_string(dir.path().join("menu-Wechat.json")).unwrap();
    assert_eq!(Console::import_wechat_menu(&wechat).unwrap().menu.items.len(), 1, "a saved WeChat menu reads back");

    let nowhere = dir.path().join("no such folder").join("menu.json");
    let error = Console::export_menu_file(&nowhere, &layout, PlatformProfile::Wechat).unwrap_err();
    assert_eq!(error.code, ErrorCode::Storage);
    assert!(error.message.contains("menu.json"), "the message names the file: {}", error.message);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "nothing half-written is left behind: {names:?}");
}
