//! Automatic-reply rules as staff see them offline: the pulled rules with
//! the rule edits still waiting in the outbox applied on top.

use std::collections::BTreeSet;

use wicket_model::auto_reply::{AutoReplyRule, AutoReplyRuleItem};
use wicket_model::world::{Actor, MemoryWorld};
use wicket_model::{mutation, Millis, Mutation};

use crate::{decode, Cache, Result, StoreError};

impl Cache {
    /// Every account and every rule, the waiting rule edits applied on top:
    /// what a rule edit is checked against, and what the list shows.
    pub fn auto_reply_world(&self) -> Result<(MemoryWorld, BTreeSet<String>)> {
        let mut world = MemoryWorld {
            accounts: self.accounts()?.into_iter().map(|item| (item.account.id.clone(), item.account)).collect(),
            ..Default::default()
        };
        let conn = self.conn();
        {
            let mut stmt = conn.prepare_cached("SELECT body FROM auto_reply_rules")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            for body in rows {
                let rule: AutoReplyRule = serde_json::from_str(&body?)
                    .map_err(|e| StoreError::Corrupt(format!("automatic-reply rule: {e}")))?;
                world.auto_reply_rules.insert(rule.id.clone(), rule);
            }
        }
        let mut waiting = BTreeSet::new();
        let mut stmt =
            conn.prepare_cached("SELECT mutation, created_at FROM outbox WHERE state = 'pending' ORDER BY id")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Millis>(1)?)))?;
        for row in rows {
            let (json, created_at) = row?;
            let change = decode(&json)?;
            if !matches!(change, Mutation::SaveAutoReplyRule(_) | Mutation::DeleteAutoReplyRule { .. }) {
                continue;
            }
            // One that no longer applies is left for the server to refuse.
            let actor = Actor { staff_id: String::new(), now: created_at };
            if let Ok(changed) = mutation::apply(&world, &change, &actor) {
                waiting.extend(changed.iter().map(|c| c.key().1.to_owned()));
                world.absorb(changed);
            }
        }
        Ok((world, waiting))
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
