//! The designer, end to end: the real desktop app under Xvfb, a real
//! `wicket-server` process that the test stops and restarts, and the
//! subscriber web app in Debian's Chromium showing what was published.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use wicket_e2e::*;

const PASSWORD: &str = "team password 1";

/// A colleague, on another computer, saves the server's draft with one notice more.
async fn colleague_saves(base: &str, account: &str, id: &str, text: &str) {
    let http = reqwest::Client::new();
    let token = api_token(base, "manager", PASSWORD).await;
    let url = format!("{base}/api/v1/accounts/{account}/layout/draft");
    let current: serde_json::Value = http.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let mut layout = current["layout"].clone();
    let notice = serde_json::json!({"id": id, "props": {"kind": "notice", "text": text, "action": null}});
    layout["modules"].as_array_mut().unwrap().push(notice);
    let saved = http
        .put(&url)
        .bearer_auth(&token)
        .header("if-match", current["revision"].to_string())
        .json(&serde_json::json!({"layout": layout}))
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "the colleague's save is taken");
}

/// Drags `from` and drops it over `to`, moving in steps as a hand does, so
/// the drag-and-drop library sees a real drag.
async fn drag(client: &Client, from: &Element, to: &Element, to_y: f64) {
    let mut mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: from.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(50)), x: 12.0, y: 0.0 });
    for step in 0..6 {
        let y = to_y * f64::from(step + 1) / 6.0;
        mouse = mouse.then(PointerAction::MoveToElement {
            element: to.clone(),
            duration: Some(Duration::from_millis(60)),
            x: 0.0,
            y,
        });
    }
    mouse = mouse
        .then(PointerAction::Pause { duration: Duration::from_millis(150) })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(mouse).await.expect("the drag is performed");
    client.release_actions().await.expect("the pointer is released");
}

async fn palette_item(client: &Client, kind: &str) -> Element {
    let css = format!("[data-testid=\"palette-item\"][data-kind=\"{kind}\"]");
    client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(&css)).await.expect("the palette item")
}

/// The modules on the phone, top to bottom, by their kind.
async fn phone_modules(client: &Client) -> Vec<String> {
    let script = r#"return Array.from(document.querySelectorAll('[data-testid="phone"] [data-module-id]'),
        (e) => e.getAttribute('data-kind') || e.className);"#;
    match client.execute(script, vec![]).await {
        Ok(serde_json::Value::Array(items)) => {
            items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_layout_is_built_checked_undone_and_published_through_an_outage() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let mut server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = create_account_as_colleague(&base, &token, "acc-e2e-designer", "麦当劳").await;

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;
    sign_in_to_team(&client, &base, "manager", PASSWORD).await;
    click(&client, "nav-designer").await;
    find(&client, "canvas").await;
    screenshot(&client, &display, "designer-empty").await;

    // Three modules dragged from the palette onto the phone.
    for kind in ["profile_card", "notice", "entry_grid"] {
        let before = phone_modules(&client).await.len();
        let item = palette_item(&client, kind).await;
        let phone = find(&client, "phone").await;
        drag(&client, &item, &phone, 150.0).await;
        eventually(&format!("the {kind} is on the phone"), Duration::from_secs(10), || async {
            phone_modules(&client).await.len() > before
        })
        .await;
    }
    assert_eq!(phone_modules(&client).await.len(), 3, "three modules on the phone");
    screenshot(&client, &display, "designer-three-modules").await;

    // Nothing selected: the inspector holds the menu and the pages. A page
    // that a menu item or an entry can open, named, then back to home.
    click_empty_phone(&client).await;
    click(&client, "page-add").await;
    let page_title = "[data-testid=\"page-row\"] input[data-field=\"title\"]";
    set_field(&client, page_title, "").await;
    leave_field(&client, page_title).await;
    eventually("an untitled page is a problem", Duration::from_secs(10), || async {
        count(&client, "[data-testid=\"page-row\"] [data-testid=\"field-issue\"]").await == 1
    })
    .await;
    set_field(&client, page_title, "Points").await;
    leave_field(&client, page_title).await;
    eventually("the picker shows the named page", Duration::from_secs(10), || async {
        let picked = "const s = document.querySelector('[data-testid=\"page-picker\"]'); return s.options[s.selectedIndex].textContent;";
        client.execute(picked, vec![]).await.ok() == Some(serde_json::json!("Points"))
            && count(&client, "[data-testid=\"page-row\"] [data-testid=\"field-issue\"]").await == 0
    })
    .await;
    assert!(phone_modules(&client).await.is_empty(), "the new page is empty on the phone");
    screenshot(&client, &display, "designer-pages").await;
    find_css(&client, "[data-testid=\"page-picker\"] option[value=\"\"]").await.click().await.unwrap();
    eventually("the phone is back on home", Duration::from_secs(10), || async {
        phone_modules(&client).await.len() == 3
    })
    .await;

    // A main item with a submenu.
    click(&client, "menu-add").await;
    // One CI run found no new item after this click and could not be
    // reproduced here; if it happens again the log says what the page
    // showed, and the click is given once more before the test decides.
    let added = "[data-testid=\"menu-item-editor\"]";
    if !appears_within(&client, added, Duration::from_secs(5)).await {
        eprintln!("the first click on menu-add added no item; the page showed: {}", page_text(&client).await);
        click(&client, "menu-add").await;
    }
    let label = "[data-testid=\"menu-item-editor\"] .dz-menu-row input[data-field$=\"label\"]";
    set_field(&client, label, "点餐").await;
    let submenu =
        find_css(&client, "[data-testid=\"menu-item-editor\"] .dz-segmented input[type=\"radio\"]:not(:checked)").await;
    submenu.click().await.unwrap();
    eventually("the item becomes a submenu", Duration::from_secs(10), || async {
        count(&client, "[data-testid=\"menu-item-editor\"] .dz-submenu").await == 1
    })
    .await;
    let add_sub = find_css(&client, "[data-testid=\"menu-item-editor\"] .dz-submenu > button").await;
    add_sub.click().await.unwrap();
    eventually("the phone shows the menu item", Duration::from_secs(10), || async {
        contents_of(&client, &testid("menu-item")).await == ["点餐"]
    })
    .await;
    click(&client, "menu-item").await;
    eventually("its submenu opens on the phone", Duration::from_secs(10), || async {
        count(&client, &testid("submenu-item")).await == 2
    })
    .await;
    screenshot(&client, &display, "designer-menu").await;
    // The same screen in English: every string goes through the i18n layer.
    click(&client, "language-switch").await;
    eventually("the designer is in English", Duration::from_secs(10), || async {
        content_of(&client, &testid("publish")).await.is_some_and(|t| t.is_ascii() && !t.trim().is_empty())
    })
    .await;
    screenshot(&client, &display, "designer-menu-en").await;
    click(&client, "language-switch").await;
    eventually("the designer is in Chinese again", Duration::from_secs(10), || async {
        content_of(&client, &testid("publish")).await.is_some_and(|t| !t.is_ascii())
    })
    .await;

    // A label over WeChat's 16 bytes is shown as a problem inline, then fixed.
    // (Latin text here: WebDriver types Chinese through the input method,
    // whose pending composition would answer an undo by typing again.)
    set_field(&client, label, "Breakfast and lunch").await;
    leave_field(&client, label).await;
    eventually("the rule is shown next to the field", Duration::from_secs(10), || async {
        count(&client, "[data-testid=\"menu-item-editor\"] [data-testid=\"field-issue\"]").await > 0
    })
    .await;
    let problems = content_of(&client, &testid("issue-count")).await.unwrap_or_default();
    assert!(problems.chars().any(|c| c.is_ascii_digit()), "the toolbar counts the problem: {problems:?}");
    screenshot(&client, &display, "designer-rule-error").await;
    set_field(&client, label, "Order").await;
    leave_field(&client, label).await;
    eventually("the problem is gone once fixed", Duration::from_secs(10), || async {
        count(&client, "[data-testid=\"menu-item-editor\"] [data-testid=\"field-issue\"]").await == 0
    })
    .await;

    // Undo brings the long label (and its problem) back; redo fixes it again.
    click(&client, "undo").await;
    eventually("undo restores the long label", Duration::from_secs(10), || async {
        contents_of(&client, &testid("menu-item")).await == ["Breakfast and lunch"]
    })
    .await;
    click(&client, "redo").await;
    eventually("redo restores the fix", Duration::from_secs(10), || async {
        contents_of(&client, &testid("menu-item")).await == ["Order"]
    })
    .await;
    eventually("the draft reaches the server", Duration::from_secs(30), || async {
        content_of(&client, &testid("save-state")).await.is_some_and(|s| s.contains("已同步"))
    })
    .await;

    // The conversation view of the mock: the sample subscriber's thread.
    click(&client, "view-chat").await;
    find(&client, "chat-sample").await;
    screenshot(&client, &display, "designer-conversation-view").await;
    click(&client, "view-function").await;

    // A colleague saves the server's draft meanwhile: my next edit is kept, theirs too, and I choose.
    colleague_saves(&base, &account, "colleague-notice", "同事加的公告").await;
    set_field(&client, label, "Order now").await;
    leave_field(&client, label).await;
    find(&client, "conflict-banner").await;
    find(&client, "keep-mine").await;
    screenshot(&client, &display, "designer-conflict").await;
    click(&client, "keep-mine").await;
    eventually("my choice is saved over their revision", Duration::from_secs(30), || async {
        count(&client, &testid("conflict-banner")).await == 0
            && content_of(&client, &testid("save-state")).await.is_some_and(|s| s.contains("已同步"))
    })
    .await;

    // A colleague saves again while I look at another screen; back in the
    // designer, their layout is what I see and what my next edit builds on.
    click(&client, "nav-accounts").await;
    colleague_saves(&base, &account, "colleague-notice-2", "同事的第二条公告").await;
    click(&client, "nav-designer").await;
    eventually("the reopened designer shows the colleague's save", Duration::from_secs(30), || async {
        content_of(&client, &testid("phone")).await.is_some_and(|p| p.contains("同事的第二条公告"))
    })
    .await;
    let said = content_of(&client, &testid("designer-info")).await.unwrap_or_default();
    assert!(said.contains("Team Owner"), "the designer says whose save it shows: {said:?}");
    screenshot(&client, &display, "designer-colleague-reopened").await;
    click_empty_phone(&client).await;
    set_field(&client, label, "Order today").await;
    leave_field(&client, label).await;
    eventually("the phone shows my edit", Duration::from_secs(10), || async {
        contents_of(&client, &testid("menu-item")).await == ["Order today"]
    })
    .await;
    // Saved on the server on top of their revision: no conflict, their module kept.
    let http = reqwest::Client::new();
    let draft_url = format!("{base}/api/v1/accounts/{account}/layout/draft");
    let mut text = String::new();
    for _ in 0..300 {
        let draft: serde_json::Value =
            http.get(&draft_url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        text = draft["layout"].to_string();
        if text.contains("Order today") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        text.contains("colleague-notice-2") && text.contains("Order today"),
        "the server keeps the colleague's module beside my edit: {text}"
    );
    assert_eq!(count(&client, &testid("conflict-banner")).await, 0, "an edit on the layout shown is no conflict");

    // Published while the server is away: queued, then sent once it is back.
    server.stop();
    click(&client, "publish").await;
    eventually("the publish waits", Duration::from_secs(20), || async {
        attr_of(&client, &testid("publish-state"), "class").await.is_some_and(|c| c.contains("dz-publish-queued"))
    })
    .await;
    screenshot(&client, &display, "designer-publish-queued").await;
    server.restart(logs.path());
    click(&client, "sync-status").await;
    eventually("the layout is published as version 1", Duration::from_secs(60), || async {
        attr_of(&client, &testid("publish-state"), "class").await.is_some_and(|c| c.contains("dz-publish-published"))
    })
    .await;
    let published = content_of(&client, &testid("publish-state")).await.unwrap_or_default();
    assert!(published.contains('1'), "version 1: {published:?}");
    client.close().await.unwrap();
    drop(driver);

    // The subscriber web app shows exactly that.
    let (_chromedriver, chrome_port) = start_chromedriver(logs.path());
    let profile = tempfile::tempdir().unwrap();
    let browser = open_chromium(chrome_port, profile.path()).await;
    browser.goto(&format!("{base}/s/{account}")).await.unwrap();
    find(&browser, "function-view").await;
    eventually("the subscriber sees my three modules and the colleague's", Duration::from_secs(20), || async {
        count(&browser, "[data-testid=\"function-view\"] [data-module-id]").await == 4
    })
    .await;
    assert_eq!(contents_of(&browser, &testid("menu-item")).await, ["Order today"], "and the menu as published");
    let png = browser.screenshot().await.unwrap();
    std::fs::write(workspace_root().join("artifacts/e2e/designer-published-subscriber.png"), png).unwrap();
    browser.close().await.unwrap();
}

async fn appears_within(client: &Client, css: &str, timeout: Duration) -> bool {
    client.wait().at_most(timeout).for_element(Locator::Css(css)).await.is_ok()
}

/// Tabs out of a field: typing there is one undo step, which leaving ends.
async fn leave_field(client: &Client, css: &str) {
    let field = find_css(client, css).await;
    field.send_keys("\u{E004}").await.unwrap();
}

/// Clicks the phone below its modules, which selects nothing.
async fn click_empty_phone(client: &Client) {
    let phone = find(client, "phone").await;
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: phone, duration: None, x: 0.0, y: 200.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(mouse).await.expect("the click is performed");
    client.release_actions().await.expect("the pointer is released");
    find(client, "menu-editor").await;
}
