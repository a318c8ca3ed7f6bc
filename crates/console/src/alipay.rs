//! An account's Alipay 生活号 connection and home page: owners and
//! administrators read, save, test and remove the connection; designers read
//! how each part of the home page went to Alipay, publish a part again, and
//! import the live home page. The connection lives on the server only (its
//! keys are sealed there and never come back in full), so every call needs
//! the server.

use serde::{Deserialize, Serialize};
use specta::Type;
use wicket_model::alipay::{
    AlipayConnect, AlipayConnection, AlipayHomeImport, AlipayPart, AlipayPartPublish, AlipayTest,
};
use wicket_model::WicketError;
use wicket_sync::ClientError;

use crate::Console;

/// The account's Alipay panel: the connection (when saved) and the
/// application gateway URL to paste into Alipay's console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AlipayPanel {
    /// `None` until the account is connected.
    pub connection: Option<AlipayConnection>,
    /// This server's address and the account's gateway path (应用网关).
    pub gateway_url: String,
}

impl Console {
    /// The account's Alipay connection (keys masked, the application public
    /// key whole) and its gateway URL.
    pub async fn alipay_connection(&self, account_id: String) -> Result<AlipayPanel, WicketError> {
        let (client, token) = self.server().await?;
        let connection = client.alipay_connection(&token, &account_id).await.map_err(ClientError::into_wicket)?;
        Ok(panel(client.base_url(), &account_id, connection))
    }

    /// Saves the connection; a key left out keeps the one stored.
    pub async fn connect_alipay(&self, account_id: String, connect: AlipayConnect) -> Result<AlipayPanel, WicketError> {
        let (client, token) = self.server().await?;
        let saved = client.connect_alipay(&token, &account_id, &connect).await.map_err(ClientError::into_wicket)?;
        Ok(panel(client.base_url(), &account_id, Some(saved)))
    }

    /// Removes the connection: the server forgets the keys.
    pub async fn disconnect_alipay(&self, account_id: String) -> Result<AlipayPanel, WicketError> {
        let (client, token) = self.server().await?;
        client.disconnect_alipay(&token, &account_id).await.map_err(ClientError::into_wicket)?;
        Ok(panel(client.base_url(), &account_id, None))
    }

    /// Has the server make one signed, harmless call with the saved connection.
    pub async fn test_alipay(&self, account_id: String) -> Result<AlipayTest, WicketError> {
        let (client, token) = self.server().await?;
        client.test_alipay(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// What came of publishing each part of the last published layout to Alipay.
    pub async fn alipay_home(&self, account_id: String) -> Result<Vec<AlipayPartPublish>, WicketError> {
        let (client, token) = self.server().await?;
        client.alipay_home(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// Publishes one part of the live layout to Alipay again: what Alipay
    /// made of it (`None` when there was nothing to do for it).
    pub async fn retry_alipay_part(
        &self,
        account_id: String,
        part: AlipayPart,
    ) -> Result<Option<AlipayPartPublish>, WicketError> {
        let (client, token) = self.server().await?;
        client.retry_alipay_part(&token, &account_id, part).await.map_err(ClientError::into_wicket)
    }

    /// The home page Alipay shows the account's subscribers now, for the designer's draft.
    pub async fn live_alipay_home(&self, account_id: String) -> Result<AlipayHomeImport, WicketError> {
        let (client, token) = self.server().await?;
        client.live_alipay_home(&token, &account_id).await.map_err(ClientError::into_wicket)
    }
}

fn panel(base: &str, account_id: &str, connection: Option<AlipayConnection>) -> AlipayPanel {
    let base = base.trim_end_matches('/');
    let gateway_url = match &connection {
        Some(connection) => format!("{base}{}", connection.gateway_path),
        None => format!("{base}/alipay/{account_id}"),
    };
    AlipayPanel { connection, gateway_url }
}
