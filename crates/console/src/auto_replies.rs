//! Automatic-reply rules in the console: listed from the cache with the
//! waiting edits on top, edited offline through the outbox, checked against
//! the account's platform limits as staff type, and tried before saving
//! with the same matcher the server runs.

use wicket_model::auto_reply::{
    self, AutoReplyImport, AutoReplyRuleDraft, AutoReplyRuleItem, TemplateValues, TryMessage, TryOutcome,
};
use wicket_model::{Issue, Mutation, WicketError};
use wicket_sync::ClientError;

use crate::{blocking, now_ms, Console};

impl Console {
    /// An account's rules, in the order they answer.
    pub async fn auto_reply_rules(&self, account_id: String) -> Result<Vec<AutoReplyRuleItem>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.auto_reply_rules(&account_id)).await
    }

    /// What the account's platform refuses in `draft`, per field, without
    /// saving anything (the editor's inline checks).
    pub async fn check_auto_reply_rule(&self, draft: AutoReplyRuleDraft) -> Result<Vec<Issue>, WicketError> {
        let cache = self.cache().await?;
        let (world, _) = blocking(&cache, |c| c.auto_reply_world()).await?;
        let account = world
            .accounts
            .get(&draft.account_id)
            .ok_or_else(|| WicketError::not_found(format!("account {}", draft.account_id)))?;
        let others: Vec<_> =
            world.auto_reply_rules.values().filter(|r| r.account_id == draft.account_id).cloned().collect();
        Ok(auto_reply::check(&draft, account.platform, &others))
    }

    /// Saves a rule (a new one or an edit, by its id) through the outbox.
    pub async fn save_auto_reply_rule(&self, draft: AutoReplyRuleDraft) -> Result<(), WicketError> {
        self.write(Mutation::SaveAutoReplyRule(draft)).await
    }

    pub async fn delete_auto_reply_rule(&self, id: String) -> Result<(), WicketError> {
        self.write(Mutation::DeleteAutoReplyRule { id }).await
    }

    /// Reads the automatic replies of the account's WeChat console and saves
    /// each as a rule through the outbox (an import again edits the same
    /// rules); what could not come along is in `skipped`.
    pub async fn import_wechat_auto_replies(&self, account_id: String) -> Result<AutoReplyImport, WicketError> {
        let (client, token) = self.server().await?;
        let imported = client.wechat_auto_replies(&token, &account_id).await.map_err(ClientError::into_wicket)?;
        for draft in &imported.drafts {
            self.write(Mutation::SaveAutoReplyRule(draft.clone())).await?;
        }
        Ok(imported)
    }

    /// Which rule answers `message` on `account_id`, and what it sends,
    /// with `draft` (unsaved) in place of its saved self.
    pub async fn try_auto_reply(
        &self,
        account_id: String,
        draft: Option<AutoReplyRuleDraft>,
        message: TryMessage,
        subscriber_name: String,
    ) -> Result<TryOutcome, WicketError> {
        let cache = self.cache().await?;
        let (world, _) = blocking(&cache, |c| c.auto_reply_world()).await?;
        let account =
            world.accounts.get(&account_id).ok_or_else(|| WicketError::not_found(format!("account {account_id}")))?;
        let rules: Vec<_> = world.auto_reply_rules.values().filter(|r| r.account_id == account_id).cloned().collect();
        let values = TemplateValues { subscriber_name, account_name: account.name.clone() };
        Ok(auto_reply::try_rules(&rules, draft.as_ref(), &message, &values, now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::auto_reply::{AutoReplyContent, AutoReplyTrigger, Keyword, KeywordMode, ReplyMode};
    use wicket_model::conversation::MessageBody;
    use wicket_model::{AccountDraft, ErrorCode, PlatformProfile};

    use crate::tests::quiet;
    use crate::{Console, TokenStore};

    use super::*;

    fn draft(shop: &str, id: &str, keyword: &str, reply: &str) -> AutoReplyRuleDraft {
        AutoReplyRuleDraft {
            id: id.into(),
            account_id: shop.into(),
            name: format!("Rule {id}"),
            trigger: AutoReplyTrigger::Keyword {
                keywords: vec![Keyword { text: keyword.into(), mode: KeywordMode::Contains }],
            },
            priority: 0,
            replies: vec![AutoReplyContent::Text { text: reply.into() }],
            reply_mode: ReplyMode::All,
            enabled: true,
        }
    }

    #[tokio::test]
    async fn rules_are_edited_offline_checked_inline_and_tried_before_saving() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        console.start_local("Owner").await.unwrap();
        let account = console
            .create_account(AccountDraft {
                name: "Tea House".into(),
                platform: PlatformProfile::Alipay,
                category: String::new(),
                description: String::new(),
                avatar_color: "#1677ff".into(),
            })
            .await
            .unwrap();
        let shop = account.account.id.clone();

        console.save_auto_reply_rule(draft(&shop, "r1", "营业时间", "9 点到 18 点")).await.unwrap();
        let listed = console.auto_reply_rules(shop.clone()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].waiting, "the edit waits in the outbox");

        let mut image = draft(&shop, "r2", "图", "x");
        image.replies = vec![AutoReplyContent::Image { url: "https://example.cn/a.png".into() }];
        let issues = console.check_auto_reply_rule(image.clone()).await.unwrap();
        assert_eq!(issues[0].key, "auto_reply.image.unsupported", "Alipay's limit, inline");
        let refused = console.save_auto_reply_rule(image).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::Invalid, "and refused on save");

        let message = TryMessage::Text { text: "请问营业时间".into() };
        let saved = console.try_auto_reply(shop.clone(), None, message.clone(), "Ann".into()).await.unwrap();
        assert_eq!(saved.decision.unwrap().replies, [MessageBody::Text { text: "9 点到 18 点".into() }]);
        let edited = draft(&shop, "r1", "营业时间", "{{subscriber.name}}，我们 10 点开门");
        let tried = console.try_auto_reply(shop.clone(), Some(edited), message, "Ann".into()).await.unwrap();
        assert_eq!(tried.decision.unwrap().replies, [MessageBody::Text { text: "Ann，我们 10 点开门".into() }]);

        console.delete_auto_reply_rule("r1".into()).await.unwrap();
        assert!(console.auto_reply_rules(shop.clone()).await.unwrap().is_empty());
        console.shutdown().await;
    }
}
