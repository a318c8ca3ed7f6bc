//! The designer's drafts through the console, against a real server on
//! loopback: kept here first, saved with their revision, a colleague's save
//! kept as a conflict, publishing queued while the server is away.

use std::time::Duration;

use wicket_model::layout::{LayoutSyncState, Module, NoticeProps, PublishState};
use wicket_model::PlatformProfile;

use super::*;
use crate::tests::until_synced;

use crate::test_support::{team_with_account, Team, PASSWORD};

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
    let saved = console.save_layout(account.clone(), with_notices(&["欢迎"])).await.unwrap();
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
    console.save_layout(account.clone(), with_notices(&["我的公告"])).await.unwrap();
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
    let server = {
        let config = ServerConfig { data_dir: server_dir.path().to_owned(), listen: addr };
        wicket_server::start(config, Arc::new(SystemClock)).await.unwrap()
    };
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
    console.save_layout(account.clone(), broken).await.unwrap();
    let invalid = console.publish_layout(account.clone()).await.unwrap_err();
    assert_eq!(invalid.code, ErrorCode::Invalid, "WeChat allows three main menu items");
    assert!(!invalid.issues.is_empty(), "the problems come with the refusal");
    until_synced(&console).await;
    console.shutdown().await;
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
