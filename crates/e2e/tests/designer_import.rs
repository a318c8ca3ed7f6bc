//! Importing a WeChat menu in the designer, end to end: the real desktop app
//! under Xvfb against a real `wicket-server` process. A conditional menu as
//! WeChat's `addconditionalmenu` takes it, with WeChat's own button types,
//! is read, what was left out is said in the staff's language before the
//! menu is used, broken JSON is refused in Chinese and in English with the
//! line and column, and the menu exported back keeps every button as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;
use wicket_e2e::*;

const PASSWORD: &str = "team password 1";

/// A personalized menu as a merchant copies it from WeChat's documentation
/// or their own `addconditionalmenu` call: three main buttons, event buttons
/// (scan, photo, location), a mini program, a link, a material and keywords.
const CONDITIONAL_MENU: &str = r#"{
  "button": [
    {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC"},
    {
      "name": "扫码",
      "sub_button": [
        {"type": "scancode_push", "name": "扫码推事件", "key": "rselfmenu_0_1"},
        {"type": "pic_photo_or_album", "name": "拍照或相册发图", "key": "rselfmenu_1_1"},
        {"type": "location_select", "name": "发送位置", "key": "rselfmenu_2_0"}
      ]
    },
    {
      "name": "服务",
      "sub_button": [
        {"type": "view", "name": "搜索", "url": "https://www.soso.com/"},
        {"type": "miniprogram", "name": "小程序", "url": "https://mp.weixin.qq.com", "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"},
        {"type": "media_id", "name": "图片", "media_id": "MEDIA_ID1"},
        {"type": "click", "name": "赞一下我们", "key": "V1001_GOOD"}
      ]
    }
  ],
  "matchrule": {"tag_id": "2", "client_platform_type": "2"}
}"#;

/// The same kind of menu with a comma missing on line 3, before `"key"`.
const BROKEN_MENU: &str = r#"{
  "button": [
    {"type": "click", "name": "Today" "key": "V1001_TODAY_MUSIC"},
    {"type": "view", "name": "Search", "url": "https://www.soso.com/"}
  ]
}"#;
/// Where `BROKEN_MENU` breaks: the `"` of `"key"` on line 3.
const BROKEN_LINE: usize = 3;
const BROKEN_COLUMN: usize = 39;

/// Puts `text` into a textarea as a paste does: the whole text at once,
/// through the value setter React listens to (WebDriver's typing would send
/// the Chinese through the input method, one key at a time).
async fn paste(client: &Client, id: &str, text: &str) {
    find(client, id).await;
    let script = r#"const field = document.querySelector(arguments[0]);
        field.focus();
        const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
        setter.call(field, arguments[1]);
        field.dispatchEvent(new Event('input', { bubbles: true }));"#;
    client.execute(script, vec![Value::from(testid(id)), Value::from(text)]).await.expect("the text is pasted");
}

/// The whole text the window shows, unshortened.
async fn body_text(client: &Client) -> String {
    match client.execute("return document.body ? document.body.innerText : '';", vec![]).await {
        Ok(Value::String(text)) => text,
        _ => String::new(),
    }
}

/// No raw translation key anywhere on screen, and no unfilled placeholder in
/// the import dialog (the menu editor's own hint shows `{{subscriber.id}}` on
/// purpose: it is the template syntax staff type).
async fn assert_all_translated(client: &Client, when: &str) {
    let text = body_text(client).await;
    assert!(!text.contains("layout.import"), "{when}: a raw issue key is on screen:\n{text}");
    let dialog = content_of(client, &testid("import-menu-dialog")).await.unwrap_or_default();
    assert!(!dialog.contains("{{"), "{when}: a placeholder is left unfilled in the dialog: {dialog:?}");
}

/// Scrolls a button into view and clicks it: with a full menu, the menu
/// editor's own buttons sit below its items, and in English at 1280 px the
/// last of them ends past the inspector's right edge.
async fn click_in_view(client: &Client, id: &str) {
    find(client, id).await;
    // The inspector scrolls by itself, as a person scrolls it with the wheel;
    // scrollIntoView would move the whole designer up.
    let script = r#"const button = document.querySelector(arguments[0]);
        const panel = button.closest('.dz-right');
        const offset = button.getBoundingClientRect().top - panel.getBoundingClientRect().top;
        panel.scrollTop += offset - panel.clientHeight / 2;
        const past = button.getBoundingClientRect().right - panel.getBoundingClientRect().right;
        if (past > 0) panel.scrollLeft += past + 16;"#;
    client.execute(script, vec![Value::from(testid(id))]).await.expect("the button is scrolled into view");
    click(client, id).await;
}

async fn open_import_dialog(client: &Client) {
    click_in_view(client, "menu-import").await;
    find(client, "import-menu-text").await;
}

/// Closes the import dialog with Escape, as a person does.
async fn close_import_dialog(client: &Client) {
    find(client, "import-menu-text").await.send_keys("\u{E00C}").await.expect("Escape is pressed");
    eventually("the import dialog closes", Duration::from_secs(10), || async {
        count(client, &testid("import-menu-dialog")).await == 0
    })
    .await;
}

/// The import's error once it is shown.
async fn import_error(client: &Client) -> String {
    find(client, "import-menu-error").await;
    content_of(client, &testid("import-menu-error")).await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conditional_wechat_menu_imports_with_notices_and_errors_in_the_staffs_language() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    create_account_as_colleague(&base, &token, "acc-e2e-import", "星巴克").await;

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;
    sign_in_to_team(&client, &base, "manager", PASSWORD).await;
    click(&client, "nav-designer").await;
    find(&client, "canvas").await;
    find(&client, "menu-editor").await;

    // 1. The conditional menu: read, its rule left out and said so in Chinese.
    open_import_dialog(&client).await;
    paste(&client, "import-menu-text", CONDITIONAL_MENU).await;
    click(&client, "import-menu-run").await;
    find(&client, "import-menu-notices").await;
    let notices = content_of(&client, &testid("import-menu-notices")).await.unwrap_or_default();
    assert!(
        notices.contains("个性化菜单的匹配规则") && notices.contains(r#""tag_id":"2""#) && notices.contains("未导入"),
        "the left-out matchrule is named in Chinese, with the rule: {notices:?}"
    );
    assert!(notices.contains("3 个主菜单"), "the notice counts the three main buttons: {notices:?}");
    let keys = contents_of(&client, "[data-testid=\"import-menu-notices\"] li").await;
    assert_eq!(keys.len(), 1, "one notice only, the rule: {keys:?}");
    assert_all_translated(&client, "the import's notices").await;
    assert_eq!(count(&client, &testid("menu-item")).await, 0, "nothing is used before the staff says so");
    screenshot(&client, &display, "designer-import-wechat-notices-zh-CN").await;

    click(&client, "import-menu-use").await;
    eventually("the import dialog closes on use", Duration::from_secs(10), || async {
        count(&client, &testid("import-menu-dialog")).await == 0
    })
    .await;
    let main_labels = ["今日歌曲", "扫码", "服务"];
    eventually("the phone shows the three main buttons", Duration::from_secs(10), || async {
        contents_of(&client, &testid("menu-item")).await == main_labels
    })
    .await;
    let buttons = client.find_all(Locator::Css(&testid("menu-item"))).await.expect("the phone's menu");
    let scan = buttons.into_iter().nth(1).expect("the second main button");
    scan.click().await.expect("the scan submenu opens");
    eventually("the scan submenu lists WeChat's own buttons", Duration::from_secs(10), || async {
        contents_of(&client, &testid("submenu-item")).await == ["扫码推事件", "拍照或相册发图", "发送位置"]
    })
    .await;
    assert_all_translated(&client, "the imported menu").await;
    screenshot(&client, &display, "designer-import-wechat-phone-zh-CN").await;

    // 2. Broken JSON: refused in Chinese with where it breaks; the menu stays.
    open_import_dialog(&client).await;
    paste(&client, "import-menu-text", BROKEN_MENU).await;
    click(&client, "import-menu-run").await;
    let zh = import_error(&client).await;
    assert_eq!(zh, format!("这不是 JSON：第 {BROKEN_LINE} 行第 {BROKEN_COLUMN} 列出错。"), "the error in Chinese");
    assert_all_translated(&client, "the Chinese import error").await;
    screenshot(&client, &display, "designer-import-error-zh-CN").await;
    close_import_dialog(&client).await;
    assert_eq!(contents_of(&client, &testid("menu-item")).await, main_labels, "a refused import changes nothing");

    click(&client, "language-switch").await;
    eventually("the designer is in English", Duration::from_secs(10), || async {
        content_of(&client, &testid("menu-import")).await.is_some_and(|t| t.is_ascii() && !t.trim().is_empty())
    })
    .await;
    open_import_dialog(&client).await;
    paste(&client, "import-menu-text", BROKEN_MENU).await;
    click(&client, "import-menu-run").await;
    let en = import_error(&client).await;
    assert_eq!(
        en,
        format!("This is not JSON: the text breaks at line {BROKEN_LINE}, column {BROKEN_COLUMN}."),
        "the same error in English"
    );
    assert_all_translated(&client, "the English import error").await;
    screenshot(&client, &display, "designer-import-error-en").await;
    close_import_dialog(&client).await;

    // 3. Exported back, every button is as it came in; only the rule is gone.
    click_in_view(&client, "menu-export").await;
    find(&client, "export-menu-json").await;
    eventually("the export shows the menu's JSON", Duration::from_secs(10), || async {
        !value_of(&client, "export-menu-json").await.trim().is_empty()
    })
    .await;
    let exported = value_of(&client, "export-menu-json").await;
    let exported: Value = serde_json::from_str(&exported).expect("the export is JSON");
    let mut imported: Value = serde_json::from_str(CONDITIONAL_MENU).unwrap();
    imported.as_object_mut().unwrap().remove("matchrule");
    assert_eq!(exported, imported, "the exported menu has the imported buttons, types and keys unchanged");
    screenshot(&client, &display, "designer-import-export-en").await;

    client.close().await.unwrap();
    drop(driver);
}
