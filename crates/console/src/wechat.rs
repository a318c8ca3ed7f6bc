//! An account's WeChat connection: owners and administrators read, save and
//! test it. It lives on the server only (its secrets are sealed there and
//! never come back in full), so every call needs the server.

use serde::{Deserialize, Serialize};
use specta::Type;
use wicket_model::layout::MenuImport;
use wicket_model::wechat::{WechatConnect, WechatConnection, WechatMenuPublish, WechatTest};
use wicket_model::WicketError;
use wicket_sync::ClientError;

use crate::Console;

/// The account's connection panel: the connection (when saved) and the
/// callback URL to paste into WeChat's console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct WechatPanel {
    /// `None` until the account is connected.
    pub connection: Option<WechatConnection>,
    /// This server's address and the account's callback path.
    pub callback_url: String,
}

impl Console {
    /// The account's WeChat connection (secrets masked) and its callback URL.
    pub async fn wechat_connection(&self, account_id: String) -> Result<WechatPanel, WicketError> {
        let (client, token) = self.server().await?;
        let connection = client.wechat_connection(&token, &account_id).await.map_err(ClientError::into_wicket)?;
        Ok(panel(client.base_url(), &account_id, connection))
    }

    /// Saves the connection; a secret left out keeps the one stored.
    pub async fn connect_wechat(&self, account_id: String, connect: WechatConnect) -> Result<WechatPanel, WicketError> {
        let (client, token) = self.server().await?;
        let saved = client.connect_wechat(&token, &account_id, &connect).await.map_err(ClientError::into_wicket)?;
        Ok(panel(client.base_url(), &account_id, Some(saved)))
    }

    /// Has the server fetch an access token with the saved connection.
    pub async fn test_wechat(&self, account_id: String) -> Result<WechatTest, WicketError> {
        let (client, token) = self.server().await?;
        client.test_wechat(&token, &account_id).await.map_err(ClientError::into_wicket)
    }
}

impl Console {
    /// What came of sending the account's last published menu to WeChat
    /// (`None` before any); designers read it too.
    pub async fn wechat_menu(&self, account_id: String) -> Result<Option<WechatMenuPublish>, WicketError> {
        let (client, token) = self.server().await?;
        client.wechat_menu(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// Sends the live layout's menu to WeChat again: what WeChat made of it.
    pub async fn retry_wechat_menu(&self, account_id: String) -> Result<WechatMenuPublish, WicketError> {
        let (client, token) = self.server().await?;
        client.retry_wechat_menu(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// The menu WeChat shows the account's subscribers now, for the designer's draft.
    pub async fn live_wechat_menu(&self, account_id: String) -> Result<MenuImport, WicketError> {
        let (client, token) = self.server().await?;
        client.live_wechat_menu(&token, &account_id).await.map_err(ClientError::into_wicket)
    }
}

fn panel(base: &str, account_id: &str, connection: Option<WechatConnection>) -> WechatPanel {
    let base = base.trim_end_matches('/');
    let callback_url = match &connection {
        Some(connection) => format!("{base}{}", connection.callback_path),
        None => format!("{base}/wechat/{account_id}"),
    };
    WechatPanel { connection, callback_url }
}
