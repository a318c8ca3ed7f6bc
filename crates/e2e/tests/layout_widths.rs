//! Every screen at 960, 1280 and 1920 px wide, in Chinese and in English:
//! the real desktop app under Xvfb against a real `wicket-server`, one app
//! session resized and switched in place. Each screen is photographed
//! (artifacts/e2e/<screen>-<width>-<lang>.png) and its layout checked in the
//! DOM: nothing wraps, covers, overflows or is cut where a merchant found it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::process::Command;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use wicket_e2e::*;
use wicket_model::PlatformProfile;

const PASSWORD: &str = "team password 1";
const WIDTHS: [u32; 3] = [960, 1280, 1920];
const HEIGHT: u32 = 860;
/// Thirty characters with no place to break: a WeChat account's longest name.
const LONG_NAME: &str = "WonderfulBreakfastCoffeeRoaste";
const DESIGNED: &str = "acc-layout-designed";
const LONG_NOTE: &str = "Call back before Wednesday about the instalment plan; move the statement day to the 5th. Order https://shop.example.com/orders/2024/000123456789012345678901234567890?ref=official-account-spring-campaign";

/// A full WeChat bottom menu: three main items, each with sub-items of
/// WeChat's own kinds, as a merchant's menu import leaves it.
fn full_menu() -> Value {
    let keyword = |k: &str| json!({"type": "send_keyword", "keyword": k});
    let sub = |id: &str, label: &str, action: Value| json!({"id": id, "label": label, "action": action});
    let event = |e: &str, k: &str| json!({"type": "wechat_event", "event": e, "key": k});
    json!({"items": [
        {"id": "order", "label": "点餐", "target": {"kind": "submenu", "items": [
            sub("order-1", "到店点餐", json!({"type": "open_url", "url": "https://example.com/order?uid={{subscriber.id}}"})),
            sub("order-2", "今日歌曲", keyword("V1001_TODAY_MUSIC")),
        ]}},
        {"id": "scan", "label": "扫码", "target": {"kind": "submenu", "items": [
            sub("scan-1", "扫码推事件", event("scancode_push", "rselfmenu_0_1")),
            sub("scan-2", "拍照或相册发图", event("pic_photo_or_album", "rselfmenu_1_1")),
            sub("scan-3", "发送位置", event("location_select", "rselfmenu_2_0")),
        ]}},
        {"id": "service", "label": "服务", "target": {"kind": "submenu", "items": [
            sub("service-1", "搜索", json!({"type": "open_url", "url": "https://www.soso.com/"})),
            sub("service-2", "小程序", json!({"type": "mini_program", "appid": "wx286b93c14bbf93aa",
                "pagepath": "pages/lunar/index", "url": "https://mp.weixin.qq.com"})),
            sub("service-3", "图片", json!({"type": "send_media", "media_id": "MEDIA_ID1"})),
            sub("service-4", "赞一下我们", keyword("V1001_GOOD")),
        ]}},
    ]})
}

/// A subscriber follows `account` from the web page and asks something.
async fn subscriber_writes(base: &str, account: &str, text: &str) {
    let http = reqwest::Client::new();
    let api = format!("{base}/s/api/{account}");
    let followed = http.post(format!("{api}/follow")).json(&json!({})).send().await.unwrap();
    let status = followed.status();
    assert!(status.is_success(), "the subscriber follows {account}: {status} {:?}", followed.text().await);
    let cookie = followed
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("the page gives the visitor a cookie")
        .to_owned();
    let message = json!({"client_msg_id": format!("layout-{account}"), "body": {"type": "text", "text": text}});
    let sent = http.post(format!("{api}/messages")).header("cookie", cookie).json(&message).send().await.unwrap();
    assert!(sent.status().is_success(), "the subscriber's message is taken");
}

/// The server's draft of `account` becomes one of the designer's templates,
/// with a full bottom menu.
async fn draft_from_template(base: &str, token: &str, account: &str) {
    let http = reqwest::Client::new();
    let templates: Value =
        http.get(format!("{base}/api/v1/templates")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    let list = templates.as_array().expect("templates");
    let template = list.iter().find(|t| t["id"].as_str().is_some_and(|id| id.contains("food"))).unwrap_or(&list[0]);
    let url = format!("{base}/api/v1/accounts/{account}/layout/draft");
    let current: Value = http.get(&url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    let mut layout = template["layout"].clone();
    layout["menu"] = full_menu();
    let saved = http
        .put(&url)
        .bearer_auth(token)
        .header("if-match", current["revision"].to_string())
        .json(&json!({"layout": layout}))
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "the draft is saved");
}

/// Runs `script` in the page and returns what it answered.
async fn probe(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.unwrap_or_else(|e| panic!("the probe failed: {e}\n{script}"))
}

/// Sizes the window (at the screen's top left) and waits until the page sees it.
async fn set_width(client: &Client, width: u32) {
    client.set_window_rect(0, 0, width, HEIGHT).await.expect("the window is resized");
    eventually(&format!("the page is {width} px wide"), Duration::from_secs(10), || async {
        probe(client, "return window.innerWidth;", vec![]).await.as_u64() == Some(u64::from(width))
    })
    .await;
    let (_, _, w, h) = client.get_window_rect().await.expect("the window's size");
    assert_eq!((w, h), (u64::from(width), u64::from(HEIGHT)), "the window took the size asked for");
}

async fn is_english(client: &Client) -> bool {
    content_of(client, &testid("nav-conversations")).await.is_some_and(|t| t.is_ascii())
}

async fn set_language(client: &Client, lang: &str) {
    let english = lang == "en";
    if is_english(client).await != english {
        click(client, "language-switch").await;
    }
    eventually(&format!("the console is in {lang}"), Duration::from_secs(10), || async {
        is_english(client).await == english
    })
    .await;
}

/// The window as a person sees it, cut from the virtual screen.
async fn shot(client: &Client, display: &str, name: &str, width: u32) {
    let path = screenshot(client, display, name).await;
    let crop = format!("{width}x{HEIGHT}+0+0");
    let cut = Command::new("convert").arg(&path).args(["-crop", &crop, "+repage"]).arg(&path).status();
    assert!(cut.is_ok_and(|s| s.success()), "the screenshot {name} is cut to the window");
}

/// How far the screen's content is wider than its box (0 when it fits).
const CONTENT_OVERFLOW: &str = r#"const c = document.querySelector('.content');
    return c ? c.scrollWidth - c.clientWidth : -1;"#;

const ACCOUNTS: &str = r#"const vw = window.innerWidth;
    const card = document.querySelector('.table-card').getBoundingClientRect();
    const outside = [];
    for (const b of document.querySelectorAll('[data-testid="account-row"] .row-actions button')) {
      const r = b.getBoundingClientRect();
      if (r.left < card.left - 0.5 || r.right > Math.min(card.right, vw) + 0.5) outside.push(`${b.textContent} ${r.left}..${r.right}`);
    }
    const long = Array.from(document.querySelectorAll('[data-testid="account-name-text"]')).find((e) => e.textContent === arguments[0]);
    return { outside, buttons: document.querySelectorAll('[data-testid="account-row"] .row-actions button').length,
      title: long ? long.title : null, cut: long ? long.scrollWidth > long.clientWidth : null,
      nameRight: long ? long.getBoundingClientRect().right : null,
      nameCell: long ? long.closest('td').getBoundingClientRect().right : null };"#;

const DESIGNER: &str = r#"const bar = document.querySelector('.dz-toolbar');
    const first = bar.firstElementChild.getBoundingClientRect();
    const publish = document.querySelector('[data-testid="publish"]').getBoundingClientRect();
    const rows = Array.from(bar.children).filter((e) => e.getBoundingClientRect().width > 0)
      .filter((e) => { const r = e.getBoundingClientRect(); const mid = (r.top + r.bottom) / 2; return mid < first.top || mid > first.bottom; })
      .map((e) => e.className || e.tagName);
    const status = Array.from(bar.querySelectorAll('[data-testid="save-state"], [data-testid="publish-state"]'))
      .map((e) => ({ id: e.dataset.testid, title: e.title, text: e.textContent }));
    const tools = document.querySelector('[data-testid="selection-tools"]');
    const selected = document.querySelector('[data-testid="phone"] [data-module-id="' + arguments[0] + '"]');
    let covered = null;
    let insideSelection = null;
    if (tools && selected) {
      const t = tools.getBoundingClientRect();
      const s = selected.getBoundingClientRect();
      insideSelection = t.top >= s.top - 0.5 && t.bottom <= s.bottom + 0.5 && t.left >= s.left - 0.5 && t.right <= s.right + 0.5;
      covered = Array.from(document.querySelectorAll('[data-testid="phone"] [data-module-id]'))
        .filter((m) => m !== selected && !m.contains(selected) && !selected.contains(m))
        .filter((m) => { const r = m.getBoundingClientRect(); return r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom; })
        .map((m) => m.dataset.moduleId);
    }
    return { wrapped: rows, publishTop: publish.top, firstTop: first.top, publishRight: publish.right,
      barRight: bar.getBoundingClientRect().right, status, tools: tools !== null, covered, insideSelection,
      published: (document.querySelector('[data-testid="publish-state"]') || {}).className || null };"#;

/// The designer's right-hand inspector: how far its content is wider than
/// it, what sticks out (to name the culprit), and where the menu editor's
/// import and export buttons are against its box.
const INSPECTOR: &str = r#"const panel = document.querySelector('.dz-right');
    const box = panel.getBoundingClientRect();
    const left = box.left + panel.clientLeft;
    const right = left + panel.clientWidth;
    const out = (e) => { const r = e.getBoundingClientRect();
      return r.width > 0 && (r.left < left - 0.5 || r.right > right + 0.5) && getComputedStyle(e).position !== 'fixed'; };
    const name = (e) => { const r = e.getBoundingClientRect(); return `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.left)}..${Math.round(r.right)}`; };
    const outside = Array.from(panel.querySelectorAll('*')).filter(out).slice(0, 6).map(name);
    // What reaches furthest right, its own box or its content (the culprit's name for the report).
    const reach = (e) => Math.max(e.getBoundingClientRect().right, e.getBoundingClientRect().left + e.scrollWidth);
    const past = (e) => reach(e) > right + 0.5 && getComputedStyle(e).position !== 'fixed';
    const wide = Array.from(panel.querySelectorAll('*')).filter((e) => past(e) && !Array.from(e.children).some(past))
      .sort((a, b) => reach(b) - reach(a)).slice(0, 4).map((e) => `${name(e)} reaches ${Math.round(reach(e))}`);
    const buttons = ['menu-import', 'menu-export'].map((id) => {
      const b = panel.querySelector('[data-testid="' + id + '"]');
      if (!b) return { id, inside: false };
      const r = b.getBoundingClientRect();
      return { id, text: b.textContent, left: r.left, right: r.right,
        inside: r.width > 0 && r.left >= left - 0.5 && r.right <= right + 0.5 && b.scrollWidth <= b.clientWidth };
    });
    return { overflow: panel.scrollWidth - panel.clientWidth, scrollLeft: panel.scrollLeft, left, right, outside, wide, buttons,
      editor: panel.querySelector('[data-testid="menu-editor"]') !== null,
      items: panel.querySelectorAll('[data-testid="menu-item-editor"]').length,
      subItems: panel.querySelectorAll('.dz-submenu .dz-menu-item').length };"#;

const MORE_MENU: &str = r#"const menu = document.querySelector('[role="menu"]');
    if (!menu) return { items: 0, outside: null };
    const r = menu.getBoundingClientRect();
    return { items: menu.querySelectorAll('[role^="menuitem"]').length,
      outside: r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight };"#;

const INBOX: &str = r#"const side = document.querySelector('.ib-col-side');
    const shown = side !== null && side.getBoundingClientRect().width > 0;
    const note = document.querySelector('[data-testid="sidebar-note"]');
    const list = document.querySelector('.ib-col-list').getBoundingClientRect();
    const selects = Array.from(document.querySelectorAll('.ib-filters select')).map((s) => {
      const probe = s.cloneNode(true);
      probe.removeAttribute('data-testid');
      probe.style.cssText = 'position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none;flex:none';
      s.parentElement.appendChild(probe);
      const wants = probe.getBoundingClientRect().width;
      probe.remove();
      const r = s.getBoundingClientRect();
      return { id: s.dataset.testid, width: r.width, wants, right: r.right, columnRight: list.right };
    });
    return { shown, sideOverflow: shown ? side.scrollWidth - side.clientWidth : 0,
      noteRight: shown && note ? note.getBoundingClientRect().right : 0,
      sideRight: shown ? side.getBoundingClientRect().right : 0,
      noteText: note ? note.textContent : null, selects };"#;

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_fits_960_1280_and_1920_pixels_in_both_languages() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb_sized(logs.path(), 1920, HEIGHT);
    let server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    // Several accounts, one with a long name, on both platforms.
    create_account_on(&base, &token, DESIGNED, "麦当劳", PlatformProfile::Wechat).await;
    create_account_on(&base, &token, "acc-layout-bank", "招商银行信用卡", PlatformProfile::Wechat).await;
    create_account_on(&base, &token, "acc-layout-long", LONG_NAME, PlatformProfile::Wechat).await;
    create_account_on(&base, &token, "acc-layout-coffee", "星巴克咖啡生活号", PlatformProfile::Alipay).await;
    draft_from_template(&base, &token, DESIGNED).await;
    subscriber_writes(&base, "acc-layout-bank", "请问我的还款日是哪天？").await;
    subscriber_writes(&base, "acc-layout-long", "Is the oat latte back on the menu?").await;

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;
    set_width(&client, 1920).await;
    sign_in_to_team(&client, &base, "manager", PASSWORD).await;
    eventually("the four accounts are listed", Duration::from_secs(30), || async {
        count(&client, &testid("account-row")).await == 4
    })
    .await;

    // The designer: the account's layout published once (version 1 shows in
    // the toolbar), and its second module selected.
    click(&client, "nav-designer").await;
    open_designed(&client).await;
    eventually("the draft is synced", Duration::from_secs(30), || async {
        attr_of(&client, &testid("save-state"), "class").await.is_some_and(|c| c.contains("dz-save-saved"))
    })
    .await;
    click(&client, "publish").await;
    eventually("the layout is published as version 1", Duration::from_secs(30), || async {
        attr_of(&client, &testid("publish-state"), "class").await.is_some_and(|c| c.contains("dz-publish-published"))
    })
    .await;
    let second = probe(
        &client,
        "return document.querySelectorAll('[data-testid=\"phone\"] .wk-view > [data-module-id]')[1].dataset.moduleId;",
        vec![],
    )
    .await
    .as_str()
    .expect("a second module")
    .to_owned();
    select_module(&client, &second).await;

    // The inbox: a long note on the bank's subscriber.
    click(&client, "nav-conversations").await;
    eventually("both conversations are listed", Duration::from_secs(30), || async {
        count(&client, &testid("conversation-row")).await == 2
    })
    .await;
    open_bank_conversation(&client).await;
    click(&client, "sidebar-note-edit").await;
    find(&client, "sidebar-note-input").await.send_keys(LONG_NOTE).await.unwrap();
    click(&client, "sidebar-note-save").await;
    eventually("the note is saved", Duration::from_secs(20), || async {
        content_of(&client, &testid("sidebar-note")).await.as_deref() == Some(LONG_NOTE)
    })
    .await;

    let mut failures = Vec::new();
    for lang in ["zh-CN", "en"] {
        set_language(&client, lang).await;
        for width in WIDTHS {
            set_width(&client, width).await;
            let at = format!("{width} px, {lang}");

            // Accounts: the actions stay on screen; the long name is cut, whole in its title.
            click(&client, "nav-accounts").await;
            find(&client, "account-row").await;
            let accounts = probe(&client, ACCOUNTS, vec![json!(LONG_NAME)]).await;
            if accounts["buttons"] != json!(16) || accounts["outside"] != json!([]) {
                failures.push(format!("accounts at {at}: action buttons off the table or screen: {accounts}"));
            }
            if accounts["title"] != json!(LONG_NAME) || num(&accounts["nameRight"]) > num(&accounts["nameCell"]) + 0.5 {
                failures.push(format!("accounts at {at}: the long name leaves its cell or has no title: {accounts}"));
            }
            check_content(&client, &at, "accounts", &mut failures).await;
            shot(&client, &display, &format!("accounts-{width}-{lang}"), width).await;

            // Designer: one toolbar row; the module tools cover no other module.
            click(&client, "nav-designer").await;
            open_designed(&client).await;
            select_module(&client, &second).await;
            let designer = probe(&client, DESIGNER, vec![json!(second)]).await;
            if designer["wrapped"] != json!([])
                || (num(&designer["publishTop"]) - num(&designer["firstTop"])).abs() > 12.0
            {
                failures.push(format!("designer at {at}: the toolbar wraps: {designer}"));
            }
            if num(&designer["publishRight"]) > num(&designer["barRight"]) + 0.5 {
                failures.push(format!("designer at {at}: Publish is cut off: {designer}"));
            }
            let status = designer["status"].as_array().cloned().unwrap_or_default();
            if status.len() != 2 || status.iter().any(|s| s["title"] != s["text"] || s["title"] == json!("")) {
                failures
                    .push(format!("designer at {at}: the status texts lack their full text in a tooltip: {designer}"));
            }
            if !designer["published"].as_str().is_some_and(|c| c.contains("dz-publish-published")) {
                failures.push(format!("designer at {at}: the published version is not shown: {designer}"));
            }
            if designer["covered"] != json!([]) || designer["insideSelection"] != json!(true) {
                failures.push(format!("designer at {at}: the module tools cover another module: {designer}"));
            }
            check_content(&client, &at, "designer", &mut failures).await;
            let inspector = probe(&client, INSPECTOR, vec![]).await;
            if num(&inspector["overflow"]) != 0.0 || inspector["outside"] != json!([]) {
                failures.push(format!("designer at {at}: the module's inspector scrolls sideways: {inspector}"));
            }
            shot(&client, &display, &format!("designer-{width}-{lang}"), width).await;
            // Where the toolbar is narrow, the folded commands are one click away.
            if width < 1920 {
                click(&client, "toolbar-more").await;
                let menu = probe(&client, MORE_MENU, vec![]).await;
                if menu["items"] != json!(4) || menu["outside"] != json!(false) {
                    failures.push(format!("designer at {at}: the More menu is not whole on screen: {menu}"));
                }
                find(&client, "templates-menu").await.send_keys("\u{E00C}").await.unwrap(); // Escape
                eventually("the More menu closes", Duration::from_secs(5), || async {
                    count(&client, "[role=\"menu\"]").await == 0
                })
                .await;
            }

            // The menu editor, nothing selected, the full menu in it: no
            // row or button of the inspector leaves it sideways.
            deselect(&client).await;
            let inspector = probe(&client, INSPECTOR, vec![]).await;
            if inspector["items"] != json!(3) || inspector["subItems"] != json!(9) {
                failures.push(format!("designer at {at}: the menu editor lacks the full menu: {inspector}"));
            }
            if num(&inspector["overflow"]) != 0.0 || inspector["outside"] != json!([]) {
                failures.push(format!("designer at {at}: the menu editor scrolls sideways: {inspector}"));
            }
            let buttons = inspector["buttons"].as_array().cloned().unwrap_or_default();
            if buttons.len() != 2 || buttons.iter().any(|b| b["inside"] != json!(true)) {
                failures.push(format!("designer at {at}: import or export is not whole in the inspector: {inspector}"));
            }
            shot(&client, &display, &format!("designer-menu-{width}-{lang}"), width).await;

            // Inbox: the long note stays in the sidebar; the filter selects are whole.
            click(&client, "nav-conversations").await;
            open_bank_conversation(&client).await;
            find(&client, "filter-account").await;
            let inbox = probe(&client, INBOX, vec![]).await;
            if width >= 1280 && inbox["shown"] != json!(true) {
                failures.push(format!("inbox at {at}: the subscriber sidebar is not shown: {inbox}"));
            }
            if num(&inbox["sideOverflow"]) > 0.0 || num(&inbox["noteRight"]) > num(&inbox["sideRight"]) + 0.5 {
                failures.push(format!("inbox at {at}: the note overflows the sidebar: {inbox}"));
            }
            let selects = inbox["selects"].as_array().cloned().unwrap_or_default();
            if selects.len() != 4 {
                failures.push(format!("inbox at {at}: expected four filter selects: {inbox}"));
            }
            for select in &selects {
                let cut = num(&select["width"]) + 0.5 < num(&select["wants"]);
                let outside = num(&select["right"]) > num(&select["columnRight"]) + 0.5;
                if cut || outside {
                    failures.push(format!("inbox at {at}: a filter select is cut or leaves the list: {select}"));
                }
            }
            check_content(&client, &at, "inbox", &mut failures).await;
            shot(&client, &display, &format!("inbox-{width}-{lang}"), width).await;

            for screen in ["subscribers", "broadcasts", "settings"] {
                click(&client, &format!("nav-{screen}")).await;
                find_css(&client, &format!("[data-testid=\"nav-{screen}\"].is-active")).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                check_content(&client, &at, screen, &mut failures).await;
                shot(&client, &display, &format!("{screen}-{width}-{lang}"), width).await;
            }
        }
    }
    client.close().await.unwrap();
    assert!(failures.is_empty(), "layout defects:\n{}", failures.join("\n"));
}

/// The designer on the account with the published layout.
async fn open_designed(client: &Client) {
    let picker = find(client, "designer-account").await;
    if picker.prop("value").await.ok().flatten().as_deref() != Some(DESIGNED) {
        find_css(client, &format!("[data-testid=\"designer-account\"] option[value=\"{DESIGNED}\"]"))
            .await
            .click()
            .await
            .unwrap();
    }
    eventually("the template's modules are on the phone", Duration::from_secs(30), || async {
        count(client, "[data-testid=\"phone\"] .wk-view > [data-module-id]").await >= 3
    })
    .await;
}

/// Selects a module from the outline, as a person does (a click on the
/// phone could land on one of its links), with the phone on the home page.
async fn select_module(client: &Client, id: &str) {
    if count(client, &testid("selection-tools")).await == 1 {
        return;
    }
    let picker = find(client, "page-picker").await;
    if picker.prop("value").await.ok().flatten().as_deref() != Some("") {
        find_css(client, "[data-testid=\"page-picker\"] option[value=\"\"]").await.click().await.unwrap();
    }
    find_css(client, &format!("[data-testid=\"outline-item\"][data-module-id=\"{id}\"]")).await.click().await.unwrap();
    find(client, "selection-tools").await;
}

/// Leaves the module selected, as Escape does: the inspector shows the menu editor.
async fn deselect(client: &Client) {
    find(client, "designer").await.send_keys("\u{E00C}").await.expect("Escape is pressed");
    eventually("the menu editor shows", Duration::from_secs(10), || async {
        count(client, &testid("menu-editor")).await == 1 && count(client, &testid("selection-tools")).await == 0
    })
    .await;
}

/// Opens the bank's conversation (its subscriber asked about the due date).
async fn open_bank_conversation(client: &Client) {
    let row = "[data-testid=\"conversation-row\"]";
    find_css(client, row).await;
    if content_of(client, &testid("thread-header")).await.is_some_and(|t| t.contains("招商银行")) {
        return;
    }
    // The list is virtualised: WebDriver sees no text in its rows, the DOM does.
    let texts = contents_of(client, row).await;
    let index = texts.iter().position(|t| t.contains("还款日")).expect("the bank's conversation is listed");
    let rows = client.find_all(Locator::Css(row)).await.unwrap();
    rows[index].click().await.unwrap();
    eventually("the bank's conversation is open", Duration::from_secs(20), || async {
        content_of(client, &testid("thread-header")).await.is_some_and(|t| t.contains("招商银行"))
    })
    .await;
}

/// The screen's content is no wider than its box.
async fn check_content(client: &Client, at: &str, screen: &str, failures: &mut Vec<String>) {
    let overflow = probe(client, CONTENT_OVERFLOW, vec![]).await;
    if num(&overflow) != 0.0 {
        failures.push(format!("{screen} at {at}: the content is {overflow} px wider than the window leaves it"));
    }
}
