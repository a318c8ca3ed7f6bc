//! The follower import's calls against a real server whose WeChat is the
//! double: an owner starts it and reads its progress until the followers are
//! subscribers in the console's cache too.

use std::sync::Arc;

use wicket_model::follower_import::FollowerImportStatus;
use wicket_model::wechat::{WechatConnect, WechatMode};
use wicket_server::{ServerConfig, ServerOptions, SystemClock};
use wicket_wechat_double::{AccountSpec, Double, Mode};

use crate::test_support::PASSWORD;

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_imports_followers_and_reads_the_progress_until_done() {
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    double
        .add_account(AccountSpec {
            appid: APP_ID.into(),
            secret: APP_SECRET.into(),
            token: TOKEN.into(),
            encoding_aes_key: Some(AES_KEY.into()),
            mode: Mode::Safe,
            callback_url: None,
            original_id: None,
        })
        .unwrap();
    let fans: Vec<String> = (1..=150).map(|n| format!("oFan{n:04}")).collect();
    double.add_followers(APP_ID, &fans).unwrap();
    let server_dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        wechat_api_base: double.base_url(),
        secrets_key_file: Some(server_dir.path().join("secrets.key")),
        ..ServerOptions::default()
    };
    let config = ServerConfig { data_dir: server_dir.path().join("data"), listen: "127.0.0.1:0".parse().unwrap() };
    let server = wicket_server::start_with(config, Arc::new(SystemClock), options).await.unwrap();
    server.state.create_owner("boss", "Boss", PASSWORD).await.unwrap();
    let console_dir = tempfile::tempdir().unwrap();
    let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
    let console = crate::Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
    console.sign_in(&server.base_url(), "boss", PASSWORD).await.unwrap();
    let draft = wicket_model::AccountDraft {
        name: "面馆".into(),
        platform: wicket_model::PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    };
    let account = console.create_account(draft).await.unwrap().account.id;
    crate::tests::until_synced(&console).await;
    assert_eq!(console.follower_import(account.clone()).await.unwrap(), None, "no import ran yet");
    let connect = WechatConnect {
        app_id: APP_ID.into(),
        app_secret: Some(APP_SECRET.into()),
        token: Some(TOKEN.into()),
        encoding_aes_key: Some(AES_KEY.into()),
        mode: WechatMode::Safe,
    };
    console.connect_wechat(account.clone(), connect).await.unwrap();

    let started = console.import_followers(account.clone()).await.unwrap();
    assert_eq!(started.status, FollowerImportStatus::Running);
    let mut last = started;
    for _ in 0..200 {
        last = console.follower_import(account.clone()).await.unwrap().expect("the import is kept");
        if last.status != FollowerImportStatus::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(last.status, FollowerImportStatus::Done, "{last:?}");
    assert_eq!((last.total, last.listed, last.imported), (150, 150, 150), "{last:?}");
    // The console's cache gets them through the change feed, as it gets a follow.
    let filter = wicket_model::inbox::SubscriberFilter {
        account_id: Some(account.clone()),
        text: String::new(),
        following_only: true,
    };
    let mut cached = 0;
    for _ in 0..200 {
        crate::tests::until_synced(&console).await;
        cached = console.subscribers(filter.clone(), 500).await.unwrap().items.len();
        if cached == 150 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(cached, 150, "every imported follower is in the Subscribers screen's cache, following");
    server.stop().await;
}
