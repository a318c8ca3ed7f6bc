//! What the console's tests against a real server share besides
//! wicket-test-support: a team server with a signed-in console, and the
//! WeChat and Alipay set-ups.

use std::time::Duration;

use wicket_server::RunningServer;
use wicket_test_support::start_server;

/// How long the console's tests wait for something to happen.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// The owner's password on the test servers.
pub(crate) const PASSWORD: &str = wicket_test_support::OWNER_PASSWORD;

/// A team server on loopback with its owner, a console signed in to it from
/// a fresh data folder, and one synced WeChat account.
pub(crate) struct Team {
    pub(crate) server_dir: tempfile::TempDir,
    pub(crate) server: RunningServer,
    pub(crate) addr: std::net::SocketAddr,
    pub(crate) console_dir: tempfile::TempDir,
    pub(crate) console: crate::Console,
    pub(crate) account: String,
}

pub(crate) async fn team_with_account(name: &str) -> Team {
    let server_dir = tempfile::tempdir().unwrap();
    let server = start_server(server_dir.path()).await;
    server.state.create_owner("boss", "Boss", PASSWORD).await.unwrap();
    let console_dir = tempfile::tempdir().unwrap();
    let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
    let console = crate::Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
    console.sign_in(&server.base_url(), "boss", PASSWORD).await.unwrap();
    let draft = wicket_model::AccountDraft {
        name: name.into(),
        platform: wicket_model::PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    };
    let account = console.create_account(draft).await.unwrap().account.id;
    crate::tests::until_synced(&console).await;
    Team { addr: server.addr, server_dir, server, console_dir, console, account }
}

/// A WeChat official account as the console's WeChat tests need it: the
/// WeChat double holding the account (safe mode), a server whose WeChat API
/// is the double, and an owner's console signed in to it with the account
/// created and synced (not yet connected).
pub(crate) mod wechat {
    use std::sync::Arc;

    use wicket_model::wechat::{WechatConnect, WechatMode};
    use wicket_server::{ServerOptions, SystemClock};
    use wicket_test_support::TestServer;
    use wicket_wechat_double::{AccountSpec, Double, Mode, RunningDouble};

    use super::PASSWORD;
    use crate::Console;

    pub(crate) const APP_ID: &str = "wx5823bf96d3bd56c7";
    pub(crate) const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
    pub(crate) const TOKEN: &str = "QDG6eKtoken";
    pub(crate) const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    /// The connection as the owner types it, with `app_secret` if given.
    pub(crate) fn connect(app_secret: Option<&str>) -> WechatConnect {
        WechatConnect {
            app_id: APP_ID.into(),
            app_secret: app_secret.map(str::to_owned),
            token: Some(TOKEN.into()),
            encoding_aes_key: Some(AES_KEY.into()),
            mode: WechatMode::Safe,
        }
    }

    pub(crate) struct Setup {
        pub(crate) double: RunningDouble,
        pub(crate) server: TestServer,
        pub(crate) console: Console,
        pub(crate) account: String,
        /// The console's folder, kept while it runs.
        pub(crate) dirs: tempfile::TempDir,
    }

    impl Setup {
        /// `followers` are on the WeChat account before anything starts.
        pub(crate) async fn start(followers: &[String]) -> Setup {
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
            if !followers.is_empty() {
                double.add_followers(APP_ID, followers).unwrap();
            }
            let options = ServerOptions { wechat_api_base: double.base_url(), ..ServerOptions::default() };
            let server = TestServer::start_with(Arc::new(SystemClock), options).await;
            let console_dir = tempfile::tempdir().unwrap();
            let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
            let console = Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
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
            Setup { double, server, console, account, dirs: console_dir }
        }
    }
}

/// An Alipay 生活号 as the console's Alipay tests need it: the Alipay double
/// holding the account, a server whose Alipay gateway is the double, and an
/// owner's console signed in to it with the account created, synced and
/// connected (the application key of alipay-sdk-nodejs-all's tests), the
/// double pushing to the account's application gateway.
pub(crate) mod alipay {
    use std::sync::Arc;

    use wicket_alipay_double::{AccountSpec, Double, RunningDouble};
    use wicket_model::alipay::{AlipayCharset, AlipayConnect};
    use wicket_server::{ServerOptions, SystemClock};
    use wicket_test_support::TestServer;

    use super::PASSWORD;
    use crate::Console;

    pub(crate) const APP_ID: &str = "2021000000000001";
    pub(crate) const APP_PRIVATE_KEY: &str =
        include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");

    /// The connection as the owner types it, with Alipay's public key `alipay_public_key`.
    pub(crate) fn connect(alipay_public_key: &str, charset: AlipayCharset) -> AlipayConnect {
        AlipayConnect {
            app_id: APP_ID.into(),
            app_private_key: Some(APP_PRIVATE_KEY.into()),
            alipay_public_key: Some(alipay_public_key.into()),
            charset,
        }
    }

    pub(crate) struct Setup {
        pub(crate) double: RunningDouble,
        pub(crate) server: TestServer,
        pub(crate) console: Console,
        pub(crate) account: String,
        /// The console's folder, kept while it runs.
        pub(crate) dirs: tempfile::TempDir,
    }

    impl Setup {
        /// `followers` are on the Alipay account before anything starts.
        pub(crate) async fn start(followers: &[String]) -> Setup {
            let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
            let options = ServerOptions {
                alipay_api_base: format!("{}/gateway.do", double.base_url()),
                ..ServerOptions::default()
            };
            let server = TestServer::start_with(Arc::new(SystemClock), options).await;
            let console_dir = tempfile::tempdir().unwrap();
            let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
            let console = Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
            console.sign_in(&server.base_url(), "boss", PASSWORD).await.unwrap();
            let draft = wicket_model::AccountDraft {
                name: "茶馆".into(),
                platform: wicket_model::PlatformProfile::Alipay,
                category: String::new(),
                description: String::new(),
                avatar_color: "#1677ff".into(),
            };
            let account = console.create_account(draft).await.unwrap().account.id;
            crate::tests::until_synced(&console).await;
            let connect = connect(&double.alipay_public_key_base64(), AlipayCharset::Utf8);
            let panel = console.connect_alipay(account.clone(), connect).await.unwrap();
            let connection = panel.connection.expect("connected");
            double
                .add_account(AccountSpec {
                    app_id: APP_ID.into(),
                    app_public_key: connection.app_public_key,
                    gateway_url: Some(panel.gateway_url),
                    charset: "UTF-8".into(),
                    chat_switch_on: false,
                    name: Some("茶馆".into()),
                })
                .unwrap();
            if !followers.is_empty() {
                double.add_followers(APP_ID, followers).unwrap();
            }
            Setup { double, server, console, account, dirs: console_dir }
        }
    }
}
