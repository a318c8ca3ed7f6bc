//! Automatic-reply rules as staff see them offline: the pulled rules with
//! the rule edits still waiting in the outbox applied on top.

use std::collections::BTreeSet;

use wicket_model::auto_reply::{AutoReplyRule, AutoReplyRuleItem};
use wicket_model::world::MemoryWorld;

use crate::{Cache, Result};

impl Cache {
    /// Every account and every rule, the waiting rule edits applied on top:
    /// what a rule edit is checked against, and what the list shows.
    pub fn auto_reply_world(&self) -> Result<(MemoryWorld, BTreeSet<String>)> {
        self.synced_world::<AutoReplyRule>()
    }

    /// An account's rules, deleted ones left out, in the order they answer
    /// (priority, then age).
    pub fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<AutoReplyRuleItem>> {
        let (world, waiting) = self.auto_reply_world()?;
        let mut rules: Vec<AutoReplyRuleItem> = world
            .auto_reply_rules
            .into_values()
            .filter(|rule| rule.account_id == account_id && !rule.deleted)
            .map(|rule| AutoReplyRuleItem { waiting: waiting.contains(&rule.id), rule })
            .collect();
        rules.sort_by(|a, b| {
            (-i64::from(a.rule.priority), a.rule.created_at, &a.rule.id).cmp(&(
                -i64::from(b.rule.priority),
                b.rule.created_at,
                &b.rule.id,
            ))
        });
        Ok(rules)
    }
}
