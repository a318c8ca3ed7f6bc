//! Importing an account's followers: the server does it (across its
//! restarts); the console starts it and shows its progress and outcome.

use wicket_model::follower_import::FollowerImport;
use wicket_model::WicketError;
use wicket_sync::ClientError;

use crate::Console;

impl Console {
    /// The account's follower import, `None` when none ever ran.
    pub async fn follower_import(&self, account_id: String) -> Result<Option<FollowerImport>, WicketError> {
        let (client, token) = self.server().await?;
        client.follower_import(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// Starts importing the account's followers, or answers with the import already running.
    pub async fn import_followers(&self, account_id: String) -> Result<FollowerImport, WicketError> {
        let (client, token) = self.server().await?;
        client.import_followers(&token, &account_id).await.map_err(ClientError::into_wicket)
    }
}
