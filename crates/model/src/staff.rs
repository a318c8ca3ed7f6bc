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

impl Permission {
    pub const ALL: [Permission; 5] = [
        Permission::ManageAccounts,
        Permission::DesignLayouts,
        Permission::AnswerSubscribers,
        Permission::ManageStaff,
        Permission::Read,
    ];
}

impl Role {
    /// Every role, the most powerful first (as the console lists them).
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Designer, Role::Agent];

    /// What this role may do: the console hides the rest, the server refuses it.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| self.allows(*p)).collect()
    }

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

/// The shortest password a staff member may have (as `create-owner` asks).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// The longest name shown to colleagues.
pub const DISPLAY_NAME_MAX_CHARS: usize = 40;
/// The longest sign-in name.
pub const LOGIN_MAX_CHARS: usize = 64;

/// A staff member to add: what an owner or administrator fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// The sign-in name, 1 to 64 characters, unique (case does not count).
    pub login: String,
    /// Shown to colleagues; the sign-in name when empty.
    #[serde(default)]
    pub display_name: String,
    pub role: Role,
    /// At least 8 characters.
    pub password: String,
}

/// A change to a staff member; what is absent stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A new password; it signs the staff member out everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
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
