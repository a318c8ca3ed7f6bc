//! Broadcasts and automatic replies, end to end: the real desktop app under
//! Xvfb (tauri-driver + WebKitWebDriver) against a real `wicket-server`
//! process, with sandbox subscribers talking to that server over HTTP.
//! Staff write a keyword rule on the Automation screen, and a subscriber
//! who sends the keyword gets its reply, shown in the thread as automatic;
//! staff send a broadcast to a segment after its forecast, and the screen
//! shows who got it and who the monthly cap left out.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use wicket_e2e::*;
use wicket_model::Mutation;
use wicket_test_support::SandboxSubscriber;

const PASSWORD: &str = "team password 1";

/// The text of the cell `field` of `platform`'s row in a counts table.
async fn cell(console: &fantoccini::Client, table: &str, platform: &str, field: &str) -> Option<String> {
    content_of(console, &testid(&format!("{table}-{platform}-{field}"))).await
}

/// Scrolls the element with `data-testid` = `id` until all of it is on screen (a
/// result that has just appeared may not have its full height yet).
async fn bring_into_view(console: &fantoccini::Client, id: &str) {
    let script = r#"const e = document.querySelector(arguments[0]);
        if (!e) return false;
        e.scrollIntoView({block: 'end'});
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;"#;
    let what = format!("{id} is on screen");
    eventually(&what, Duration::from_secs(10), || async {
        console.execute(script, vec![json!(testid(id))]).await.ok().and_then(|v| v.as_bool()) == Some(true)
    })
    .await;
    // Two animation frames: the second starts once the scrolled page is painted.
    let painted = "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    console.execute_async(painted, vec![]).await.expect("the page is painted");
}

/// A sandbox subscriber who follows the account; their subscriber id.
async fn follower(base: &str, account: &str) -> (SandboxSubscriber, String) {
    let mut visitor = SandboxSubscriber::new(base, account);
    visitor.expect(Method::POST, "follow", None).await;
    let view = visitor.expect(Method::GET, "view", None).await;
    let id = view["subscriber"]["id"].as_str().expect("the follower has a subscriber id").to_owned();
    (visitor, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_write_a_keyword_rule_and_a_subscriber_gets_its_reply_marked_automatic() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = create_account_as_colleague(&base, &token, "acc-e2e-auto", "燕麦奶小铺").await;

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let console = open_app(driver_port, &app, &driver).await;
    sign_in_to_team(&console, &base, "manager", PASSWORD).await;

    // Staff write the rule and try it before saving.
    click(&console, "nav-automation").await;
    click(&console, "automation-new").await;
    type_into(&console, "automation-name", "营业时间").await;
    type_into(&console, "automation-keyword-0", "营业时间").await;
    type_into(&console, "automation-reply-text-0", "{{subscriber.name}}，我们每天 9 点到 18 点营业").await;
    type_into(&console, "automation-try-input", "请问营业时间？").await;
    click(&console, "automation-try-run").await;
    eventually("try it shows the rule's answer", Duration::from_secs(20), || async {
        content_of(&console, &testid("automation-try-result")).await.is_some_and(|t| t.contains("9 点到 18 点"))
    })
    .await;
    bring_into_view(&console, "automation-try-result").await;
    screenshot(&console, &display, "automation-try-zh-CN").await;
    click(&console, "automation-save").await;
    eventually("the rule reaches the server", Duration::from_secs(30), || async {
        attr_of(&console, &testid("automation-rule"), "data-waiting").await.as_deref() == Some("false")
    })
    .await;

    // A subscriber sends the keyword and gets the reply at once.
    let (mut visitor, _) = follower(&base, &account).await;
    visitor.say("m-1", "请问营业时间？").await;
    let replies = visitor.replies().await;
    assert_eq!(replies.len(), 1, "exactly the rule's reply: {replies:?}");
    assert!(replies[0].ends_with("我们每天 9 点到 18 点营业"), "{replies:?}");
    assert!(!replies[0].contains("{{"), "the subscriber's name is filled in: {replies:?}");

    // Staff see it in the thread, marked automatic.
    open_conversation_with(&console, "营业", "请问营业时间？").await;
    let marked = r#"for (const m of document.querySelectorAll('[data-testid="thread-message"][data-direction="outbound"]')) {
        if (m.textContent.includes('9 点到 18 点')) return m.querySelector('[data-testid="message-automatic"]') !== null;
      }
      return null;"#;
    eventually("the reply shows in the thread, marked automatic", Duration::from_secs(30), || async {
        console.execute(marked, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true)
    })
    .await;
    screenshot(&console, &display, "automation-thread-zh-CN").await;

    // The same rule tried in English.
    click(&console, "language-switch").await;
    click(&console, "nav-automation").await;
    click(&console, "automation-rule").await;
    type_into(&console, "automation-try-input", "营业时间是几点").await;
    click(&console, "automation-try-run").await;
    eventually("try it answers in English", Duration::from_secs(20), || async {
        content_of(&console, &testid("automation-try-result"))
            .await
            .is_some_and(|t| t.contains("9 点到 18 点") && t.contains("营业时间"))
            && content_of(&console, &testid("nav-automation")).await.is_some_and(|t| t.is_ascii())
    })
    .await;
    bring_into_view(&console, "automation-try-result").await;
    screenshot(&console, &display, "automation-try-en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_broadcast_to_a_segment_and_see_who_got_it_and_who_the_cap_skipped() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    // Tall enough for the composer's forecast and the phone beside it.
    let (_xvfb, display) = start_xvfb_sized(logs.path(), 1280, 1080);
    let server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = create_account_as_colleague(&base, &token, "acc-e2e-bc", "燕麦奶小铺").await;
    let staff = StaffClient::with_token(&base, &token);

    // Three followers: two VIPs, one of whom already had this month's four
    // broadcasts (WeChat's cap for a service account), and one other.
    let (mut capped, capped_id) = follower(&base, &account).await;
    let (mut vip, vip_id) = follower(&base, &account).await;
    let (mut other, _) = follower(&base, &account).await;
    let tag = |id: &str, tags: &[&str]| Mutation::EditSubscriberTags {
        id: id.into(),
        add: tags.iter().map(|t| t.to_string()).collect(),
        remove: vec![],
    };
    let pushed = staff.push("e2e-setup", vec![tag(&capped_id, &["老客"])]).await;
    assert!(pushed.rejected.is_empty(), "the tags are taken: {:?}", pushed.rejected);
    let path = format!("/api/v1/accounts/{account}/broadcasts");
    for n in 1..=4 {
        let body = json!({"id": format!("early-{n}"), "content": {"type": "text", "text": format!("老客专享第 {n} 期")},
            "audience": {"kind": "segment", "filter": {"tags_any": ["老客"]}}});
        let (status, made) = staff.call(Method::POST, &path, Some(body)).await;
        assert!(status.is_success(), "{made}");
        eventually("the earlier broadcast is done", Duration::from_secs(30), || async {
            let (_, b) = staff.call(Method::GET, &format!("{path}/early-{n}"), None).await;
            b["status"] == "done"
        })
        .await;
    }
    assert_eq!(capped.replies().await.len(), 4, "the capped follower had four broadcasts");

    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let console = open_app(driver_port, &app, &driver).await;
    console.set_window_rect(0, 0, 1280, 1080).await.expect("the window is resized");
    sign_in_to_team(&console, &base, "manager", PASSWORD).await;

    // Staff tag the two VIPs at once on the Subscribers screen.
    click(&console, "nav-subscribers").await;
    eventually("the three followers are listed", Duration::from_secs(30), || async {
        count(&console, &testid("subscriber-row")).await == 3
    })
    .await;
    for id in [&capped_id, &vip_id] {
        find_css(&console, &format!("[data-subscriber-id=\"{id}\"] [data-testid=\"subscriber-check\"]"))
            .await
            .click()
            .await
            .unwrap();
    }
    type_into(&console, "subscribers-bulk-tag", "VIP").await;
    click(&console, "subscribers-bulk-add").await;
    eventually("the tag is given to the two checked", Duration::from_secs(20), || async {
        content_of(&console, &testid("subscribers-bulk-outcome")).await.as_deref() == Some("已给 2 位粉丝加上“VIP”。")
    })
    .await;
    eventually("the list shows the two tagged", Duration::from_secs(20), || async {
        contents_of(&console, "[data-testid=\"subscriber-row\"] .subs-row-tags")
            .await
            .iter()
            .filter(|t| t.contains("VIP"))
            .count()
            == 2
    })
    .await;
    screenshot(&console, &display, "subscribers-bulk-tag-zh-CN").await;
    eventually("the server has the tags", Duration::from_secs(30), || async {
        let audience = json!({"kind": "segment", "filter": {"tags_any": ["VIP"]}});
        let (_, forecast) = staff.call(Method::POST, &format!("{path}/forecast"), Some(audience)).await;
        forecast["counts"][0]["targeted"] == 2
    })
    .await;

    // The composer: text, the VIP segment counted from the cache, the forecast.
    click(&console, "nav-broadcasts").await;
    type_into(&console, "broadcast-text", "春季新品：燕麦拿铁第二杯半价").await;
    click(&console, "broadcast-audience-segment").await;
    type_into(&console, "broadcast-tags-any", "VIP").await;
    eventually("the segment holds the two VIPs", Duration::from_secs(30), || async {
        content_of(&console, &testid("broadcast-segment-count")).await.is_some_and(|t| t.starts_with("2 "))
    })
    .await;
    // Kept under a name, counted from the cache like the filter it holds.
    click(&console, "segment-save").await;
    type_into(&console, "segment-name", "VIP 会员").await;
    click(&console, "segment-save-confirm").await;
    eventually("the saved segment is listed with its two VIPs", Duration::from_secs(30), || async {
        content_of(&console, &testid("saved-segment")).await.is_some_and(|t| t.contains("VIP 会员") && t.contains('2'))
    })
    .await;
    // The draft and the segment reach the server before the check: the
    // lists they update move the screen under a click made meanwhile, and
    // a click whose press and release land on different places is lost.
    eventually("the draft and the segment are synced", Duration::from_secs(30), || async {
        attr_of(&console, &testid("saved-segment"), "data-waiting").await.as_deref() == Some("false")
            && content_of(&console, &testid("broadcast-draft-hint")).await.is_some_and(|t| t.contains("已同步"))
    })
    .await;
    click(&console, "broadcast-check").await;
    find(&console, "broadcast-forecast").await;
    assert_eq!(cell(&console, "broadcast-forecast", "sandbox", "targeted").await.as_deref(), Some("2"));
    assert_eq!(cell(&console, "broadcast-forecast", "sandbox", "pending").await.as_deref(), Some("1"));
    assert_eq!(cell(&console, "broadcast-forecast", "sandbox", "skipped_subscriber_cap").await.as_deref(), Some("1"));
    show(&console, "broadcast-send").await;
    screenshot(&console, &display, "broadcast-composer-zh-CN").await;
    // The same message as Alipay shows it.
    click(&console, "broadcast-look-alipay").await;
    eventually("the phone shows Alipay's look", Duration::from_secs(10), || async {
        attr_of(&console, &testid("broadcast-phone-frame"), "data-look").await.as_deref() == Some("alipay")
    })
    .await;
    screenshot(&console, &display, "broadcast-phone-alipay-zh-CN").await;
    click(&console, "broadcast-look-wechat").await;

    // Sent: the list shows who got it and who the cap skipped.
    click(&console, "broadcast-send").await;
    find(&console, "broadcast-notice").await;
    let newest = "[data-testid=\"broadcast-list\"] .bc-items > li:first-child";
    eventually("the broadcast is listed first, done", Duration::from_secs(30), || async {
        content_of(&console, &format!("{newest} .bc-preview")).await.is_some_and(|t| t.contains("燕麦拿铁"))
            && content_of(&console, &format!("{newest} .bc-status")).await.as_deref() == Some("已完成")
    })
    .await;
    let result = |field: &'static str| {
        let css = format!("{newest} [data-testid$=\"-sandbox-{field}\"]");
        let console = &console;
        async move { content_of(console, &css).await }
    };
    assert_eq!(result("targeted").await.as_deref(), Some("2"));
    assert_eq!(result("sent").await.as_deref(), Some("1"));
    assert_eq!(result("skipped_subscriber_cap").await.as_deref(), Some("1"));
    screenshot(&console, &display, "broadcast-done-zh-CN").await;

    // The subscribers' side: the other VIP got it, the capped one and the
    // follower outside the segment did not.
    assert!(vip.replies().await.iter().any(|t| t.contains("燕麦拿铁")), "the VIP received it");
    assert_eq!(capped.replies().await.len(), 4, "the capped VIP received nothing more");
    assert!(other.replies().await.is_empty(), "the follower outside the segment received nothing");

    // In English: the finished broadcast's figures, and the composer's forecast again.
    click(&console, "language-switch").await;
    eventually("the screen is in English", Duration::from_secs(10), || async {
        content_of(&console, &format!("{newest} .bc-status")).await.as_deref() == Some("Done")
    })
    .await;
    show(&console, "broadcast-text").await;
    find(&console, "broadcast-text").await.send_keys("Spring menu: the second oat latte is half price").await.unwrap();
    click(&console, "broadcast-audience-segment").await;
    set_field(&console, &testid("broadcast-tags-any"), "").await;
    // The saved segment fills the filter again.
    click(&console, "saved-segment-pick").await;
    eventually("the picked segment holds the two VIPs", Duration::from_secs(20), || async {
        content_of(&console, &testid("broadcast-segment-count")).await.is_some_and(|t| t.starts_with("2 "))
    })
    .await;
    eventually("the new draft is synced", Duration::from_secs(30), || async {
        content_of(&console, &testid("broadcast-draft-hint")).await.is_some_and(|t| t.contains("synced"))
    })
    .await;
    click(&console, "broadcast-check").await;
    eventually("the forecast counts the cap again", Duration::from_secs(20), || async {
        cell(&console, "broadcast-forecast", "sandbox", "skipped_subscriber_cap").await.as_deref() == Some("1")
            && cell(&console, "broadcast-forecast", "sandbox", "pending").await.as_deref() == Some("1")
    })
    .await;
    show(&console, "broadcast-send").await;
    screenshot(&console, &display, "broadcast-composer-en").await;

    // The picked segment's filter changed: it is marked edited and can be
    // updated in place, under its own name.
    show(&console, "broadcast-reply-window").await;
    click(&console, "broadcast-reply-window").await;
    find(&console, "saved-segment-edited").await;
    show(&console, "segment-update").await;
    screenshot(&console, &display, "segment-edited-en").await;
    click(&console, "segment-update").await;
    eventually("the updated segment is synced and no longer marked edited", Duration::from_secs(30), || async {
        content_of(&console, &testid("saved-segment-edited")).await.is_none()
            && attr_of(&console, &testid("saved-segment"), "data-waiting").await.as_deref() == Some("false")
    })
    .await;
    assert_eq!(count(&console, &testid("saved-segment")).await, 1, "updated in place, not saved as another");

    // Deleting asks first; cancelling keeps it.
    click(&console, "saved-segment-delete").await;
    find(&console, "segment-delete-confirm").await;
    screenshot(&console, &display, "segment-delete-en").await;
    click(&console, "segment-delete-cancel").await;
    eventually("the dialog is gone and the segment kept", Duration::from_secs(10), || async {
        content_of(&console, &testid("segment-delete-confirm")).await.is_none()
            && content_of(&console, &testid("saved-segment")).await.is_some_and(|t| t.contains("VIP 会员"))
    })
    .await;
}
