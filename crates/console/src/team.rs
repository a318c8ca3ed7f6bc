//! The team: who may sign in to this workspace's server, with which role.
//! Owners and administrators manage it; it lives on the server only (a
//! password or a role is never kept in the cache), so it needs a connection.

use wicket_model::{NewStaff, StaffChange, StaffUser, WicketError};
use wicket_sync::ClientError;

use crate::Console;

impl Console {
    /// Everyone on the team, oldest first.
    pub async fn team(&self) -> Result<Vec<StaffUser>, WicketError> {
        let (client, token) = self.server().await?;
        client.staff(&token).await.map_err(ClientError::into_wicket)
    }

    pub async fn add_staff(&self, new: NewStaff) -> Result<StaffUser, WicketError> {
        let (client, token) = self.server().await?;
        client.add_staff(&token, &new).await.map_err(ClientError::into_wicket)
    }

    /// A new name, role or password; a new password signs them out everywhere.
    pub async fn change_staff(&self, id: String, change: StaffChange) -> Result<StaffUser, WicketError> {
        let (client, token) = self.server().await?;
        client.change_staff(&token, &id, &change).await.map_err(ClientError::into_wicket)
    }

    pub async fn sign_out_staff(&self, id: String) -> Result<(), WicketError> {
        let (client, token) = self.server().await?;
        client.sign_out_staff(&token, &id).await.map_err(ClientError::into_wicket)
    }
}
