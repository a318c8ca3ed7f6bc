//! An account's WeChat connection as it crosses the wire between the console
//! and the server: what an owner or administrator sends (secrets go in, never
//! back), what the server shows (secrets masked, the callback path, the
//! connection's state) and what WeChat answered to a test.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Millis;

/// The message mode chosen in WeChat's console (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WechatMode {
    /// Messages in the clear (明文模式).
    Plain,
    /// Both clear and encrypted (兼容模式).
    Compatible,
    /// Encrypted only (安全模式).
    Safe,
}

/// How the connection is doing, as the console shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WechatConnectionState {
    /// When WeChat's last accepted callback arrived (ms since the epoch).
    #[schema(value_type = Option<i64>)]
    pub last_callback_at: Option<Millis>,
    /// The last thing that went wrong: a refused callback or a refused call (never a secret).
    pub last_error: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub last_error_at: Option<Millis>,
    /// Until when the cached access token works.
    #[schema(value_type = Option<i64>)]
    pub token_valid_until: Option<Millis>,
    /// What came of sending the last published layout's menu to WeChat.
    #[serde(default)]
    pub menu: Option<WechatMenuPublish>,
}

/// Where a published layout's menu is with WeChat (`menu/create`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WechatMenuState {
    /// WeChat took it: subscribers see it.
    Published,
    /// WeChat refused it (`errcode`, `reason`): it will not take it as it is.
    Refused,
    /// WeChat could not be reached or was busy, after retries: try again.
    Failed,
}

/// What came of sending a published layout's menu to WeChat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WechatMenuPublish {
    /// The published layout version sent.
    pub version: i64,
    pub state: WechatMenuState,
    /// When WeChat answered (or the last attempt ended).
    #[schema(value_type = i64)]
    pub at: Millis,
    /// WeChat's error code, when it refused.
    pub errcode: Option<i64>,
    /// An issue key the console translates (`wechat.menu.too_many_buttons`, …).
    pub reason: Option<String>,
    /// What WeChat (or the network) said.
    pub message: Option<String>,
}

/// A connection as the console sees it: secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WechatConnection {
    pub app_id: String,
    /// The last four characters, the rest masked.
    pub app_secret: String,
    pub token: String,
    pub encoding_aes_key: String,
    /// The EncodingAESKey before the last change is still accepted.
    pub has_previous_key: bool,
    pub mode: WechatMode,
    /// The path of the callback URL to paste into WeChat's console, after this server's address.
    pub callback_path: String,
    pub state: WechatConnectionState,
}

/// What the console sends. A secret left out keeps the one stored (all are
/// needed the first time). `Debug` shows no secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WechatConnect {
    /// `wx` and 16 hexadecimal characters.
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_secret: Option<String>,
    /// 3 to 32 letters or digits, as WeChat's console allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// 43 letters or digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding_aes_key: Option<String>,
    pub mode: WechatMode,
}

impl std::fmt::Debug for WechatConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatConnect").field("app_id", &self.app_id).field("mode", &self.mode).finish_non_exhaustive()
    }
}

/// What WeChat answered to a test of the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WechatTest {
    pub ok: bool,
    /// WeChat's error code, when it refused.
    pub errcode: Option<i64>,
    /// What WeChat (or the network) said.
    pub message: String,
    #[schema(value_type = Option<i64>)]
    pub token_valid_until: Option<Millis>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_what_the_console_sends_shows_no_secret() {
        let connect = WechatConnect {
            app_id: "wx5823bf96d3bd56c7".into(),
            app_secret: Some("5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50".into()),
            token: Some("QDG6eKtoken".into()),
            encoding_aes_key: Some("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".into()),
            mode: WechatMode::Safe,
        };
        let shown = format!("{connect:?}");
        assert!(shown.contains("wx5823bf96d3bd56c7"), "{shown}");
        for secret in ["5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50", "QDG6eKtoken", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"]
        {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn a_secret_left_out_is_not_sent() {
        let connect = WechatConnect {
            app_id: "wx5823bf96d3bd56c7".into(),
            app_secret: None,
            token: None,
            encoding_aes_key: None,
            mode: WechatMode::Compatible,
        };
        let json = serde_json::to_value(&connect).unwrap();
        assert_eq!(json, serde_json::json!({"app_id": "wx5823bf96d3bd56c7", "mode": "compatible"}));
    }
}
