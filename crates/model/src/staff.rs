//! Staff roles and what each may do: one table, read by the server's access
//! check and by the console to hide what a role cannot use.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Designer,
    Agent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create, edit and archive public service accounts.
    ManageAccounts,
    /// Edit, publish and roll back the function view.
    DesignLayouts,
    /// Reply to subscribers, write notes, triage conversations.
    AnswerSubscribers,
    /// Add staff, change their roles, sign them out.
    ManageStaff,
    /// See accounts and follow the change feed.
    Read,
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read => true,
            Permission::ManageAccounts | Permission::ManageStaff => matches!(self, Role::Owner | Role::Admin),
            Permission::DesignLayouts => matches!(self, Role::Owner | Role::Admin | Role::Designer),
            Permission::AnswerSubscribers => {
                matches!(self, Role::Owner | Role::Admin | Role::Agent)
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Designer => "designer",
            Role::Agent => "agent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "designer" => Some(Role::Designer),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// A signed-in staff member as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct StaffUser {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_and_admins_manage_accounts() {
        let allowed: Vec<_> = [Role::Owner, Role::Admin, Role::Designer, Role::Agent]
            .into_iter()
            .filter(|r| r.allows(Permission::ManageAccounts))
            .collect();
        assert_eq!(allowed, [Role::Owner, Role::Admin]);
    }

    #[test]
    fn only_owners_and_admins_manage_staff() {
        let allowed: Vec<_> = [Role::Owner, Role::Admin, Role::Designer, Role::Agent]
            .into_iter()
            .filter(|r| r.allows(Permission::ManageStaff))
            .collect();
        assert_eq!(allowed, [Role::Owner, Role::Admin], "designers and agents cannot manage staff");
    }
}
