//! The WeChat connection panel's calls against a real server whose WeChat is
//! the double: an owner saves a connection, reads it back masked, tests it,
//! replaces one secret, and a refusal names its field.

use wicket_model::wechat::{WechatConnect, WechatMenuState, WechatMode};
use wicket_model::{ErrorCode, Role};

use crate::test_support::wechat::{connect, Setup, AES_KEY, APP_ID, APP_SECRET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_an_account_reads_it_masked_and_tests_it_against_the_double() {
    let Setup { double: _double, server, console, account, dirs: _dirs } = Setup::start(&[]).await;

    // Not connected yet: the callback URL is already known.
    let empty = console.wechat_connection(account.clone()).await.unwrap();
    assert_eq!(empty.connection, None);
    assert_eq!(empty.callback_url, format!("{}/wechat/{account}", server.base_url()));

    // A first save needs every secret; the refusal names the field.
    let missing = console.connect_wechat(account.clone(), connect(None)).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::Invalid);
    assert_eq!(missing.issues[0].path, "app_secret");
    assert_eq!(missing.issues[0].key, "wechat.secret.required");

    // A wrong AppSecret is saved, and the test says what WeChat answered.
    let saved =
        console.connect_wechat(account.clone(), connect(Some("0000000000wrong0000000000000000aa"))).await.unwrap();
    let shown = saved.connection.expect("saved");
    assert_eq!((shown.app_id.as_str(), shown.mode), (APP_ID, WechatMode::Safe));
    assert_eq!(shown.app_secret, "••••••••00aa", "only the tail of a secret comes back");
    assert_eq!(shown.token, "••••••••oken");
    assert!(!format!("{shown:?}").contains(AES_KEY), "the EncodingAESKey never comes back in full");
    assert_eq!(saved.callback_url, format!("{}/wechat/{account}", server.base_url()));
    let refused = console.test_wechat(account.clone()).await.unwrap();
    assert!(!refused.ok);
    assert_eq!(refused.errcode, Some(40125), "WeChat's code for a wrong AppSecret: {refused:?}");
    let state = console.wechat_connection(account.clone()).await.unwrap().connection.unwrap().state;
    assert!(state.last_error.as_deref().is_some_and(|e| e.contains("40125")), "{state:?}");

    // Only the AppSecret replaced: the other secrets stay as stored.
    let only_secret = WechatConnect { token: None, encoding_aes_key: None, ..connect(Some(APP_SECRET)) };
    let replaced = console.connect_wechat(account.clone(), only_secret).await.unwrap().connection.unwrap();
    assert_eq!((replaced.app_secret.as_str(), replaced.token.as_str()), ("••••••••4f50", "••••••••oken"));
    assert!(!replaced.has_previous_key, "the EncodingAESKey did not change");
    let ok = console.test_wechat(account.clone()).await.unwrap();
    assert!(ok.ok, "{ok:?}");
    let until = ok.token_valid_until.expect("the token's end");
    let read = console.wechat_connection(account.clone()).await.unwrap().connection.unwrap();
    assert_eq!(read.state.token_valid_until, Some(until), "the state shows the token's end");

    // Only owners and administrators see the connection.
    let agent = wicket_model::NewStaff {
        login: "xiaoli".into(),
        display_name: String::new(),
        role: Role::Agent,
        password: "a long password".into(),
    };
    console.add_staff(agent).await.unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let tokens = crate::TokenStore::file_only(&elsewhere.path().join("sessions"));
    let colleague = crate::Console::with_tokens(elsewhere.path(), tokens, crate::tests::quiet());
    colleague.sign_in(&server.base_url(), "xiaoli", "a long password").await.unwrap();
    assert_eq!(colleague.wechat_connection(account.clone()).await.unwrap_err().code, ErrorCode::Forbidden);
    colleague.shutdown().await;

    // Offline: the connection needs the server.
    server.stop().await;
    assert_eq!(console.wechat_connection(account.clone()).await.unwrap_err().code, ErrorCode::Offline);
    console.shutdown().await;
}

/// The designer's WeChat calls: a published layout's menu reaches the double,
/// the outcome reads back for that version, Retry sends it again after a
/// refusal, and the live menu reads as the double holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_layout_reaches_wechat_and_its_live_menu_reads_back() {
    let Setup { double, server, console, account, dirs: _dirs } = Setup::start(&[]).await;
    console.connect_wechat(account.clone(), connect(Some(APP_SECRET))).await.unwrap();
    assert_eq!(console.wechat_menu(account.clone()).await.unwrap(), None, "nothing sent yet");

    double.fail_next(wicket_wechat_double::Fault {
        errcode: 40018,
        count: 1,
        path: Some("/cgi-bin/menu/create".into()),
    });
    let layout = wicket_model::layout::templates()[0].layout.clone();
    let opened = console.open_layout(account.clone()).await.unwrap();
    console.save_layout(account.clone(), layout.clone(), opened.loaded_revision).await.unwrap();
    console.publish_layout(account.clone()).await.unwrap();
    let mut outcome = None;
    for _ in 0..200 {
        console.sync_now().await;
        outcome = console.wechat_menu(account.clone()).await.unwrap();
        if outcome.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let refused = outcome.expect("the publish reached the server and WeChat");
    assert_eq!(refused.state, WechatMenuState::Refused, "{refused:?}");
    assert_eq!((refused.errcode, refused.reason.as_deref()), (Some(40018), Some("wechat.menu.name_too_long")));
    assert_eq!(double.menu(APP_ID).unwrap(), None);

    let retried = console.retry_wechat_menu(account.clone()).await.unwrap();
    assert_eq!((retried.state, retried.version), (WechatMenuState::Published, refused.version));
    let held = double.menu(APP_ID).unwrap().expect("WeChat holds the menu");
    assert_eq!(held, wicket_model::layout::wechat_menu_json(&layout.menu), "the layout's menu, as WeChat takes it");

    let live = console.live_wechat_menu(account.clone()).await.unwrap();
    assert_eq!(wicket_model::layout::wechat_menu_json(&live.menu), held, "the live menu reads as WeChat holds it");
    server.stop().await;
    console.shutdown().await;
}
