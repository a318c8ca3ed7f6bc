//! A 生活号's custom labels and the messages sent by label (PLATFORM-RULES §3.2, §6): make a
//! label, put it on users at most 10 a call, send to the users a label filter holds, delete the
//! label; list the labels. Checked as Alipay's SDK describes the methods (ALI-J2,
//! alipay-sdk-java-all `v2/src/main/java/com/alipay/api/domain/`: `AlipayOpenPublicLifeLabelCreateModel`,
//! `AlipayOpenPublicMatchuserLabelCreateModel` with `Matcher`,
//! `AlipayOpenPublicMessageLabelSendModel` with `Filter`, `LabelContext`, `LabelFilter` and
//! `Material`, `AlipayOpenPublicLifeLabelDeleteModel`; `response/AlipayOpenPublicLifeLabelBatchqueryResponse`
//! with `LifeLabel`); the signature was checked before.
//! What a label send reached is kept per user, so tests can say exactly who got it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::{success, AliError};
use crate::rules::{self, text};
use crate::state::Follower;

pub const LABEL_CREATE: &str = "alipay.open.public.life.label.create";
pub const LABEL_BATCHQUERY: &str = "alipay.open.public.life.label.batchquery";
pub const LABEL_DELETE: &str = "alipay.open.public.life.label.delete";
pub const TAG_USERS: &str = "alipay.open.public.matchuser.label.create";
pub const LABEL_SEND: &str = "alipay.open.public.message.label.send";
/// The methods of this module.
pub const METHODS: [&str; 5] = [LABEL_CREATE, LABEL_BATCHQUERY, LABEL_DELETE, TAG_USERS, LABEL_SEND];
/// "每个生活号最多创建 100 个自定义标签" (`AlipayOpenPublicLifeLabelCreateModel.label_name`).
pub const CUSTOM_LABELS_MAX: usize = 100;
/// "支付宝用户匹配器列表，最多传入10条" (`AlipayOpenPublicMatchuserLabelCreateModel.matchers`).
pub const MATCHERS_MAX: usize = 10;
/// "商户自定义的标签固定为label_id_list" (`LabelFilter.column_name`).
pub const CUSTOM_LABELS_COLUMN: &str = "label_id_list";

type Object = Map<String, Value>;

/// A custom label and the value it holds on each user it was put on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub label_id: String,
    pub label_name: String,
    /// Only `string` is taken.
    pub data_type: String,
    /// By user id.
    pub values: BTreeMap<String, String>,
}

/// A message `alipay.open.public.message.label.send` accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSend {
    /// The double's id of the send (the SDK's answer carries none).
    pub send_id: String,
    /// `text` or `image-text`.
    pub msg_type: String,
    /// The request's biz_content: `filter` and `material`.
    pub biz_content: Value,
    /// The labels the filter named.
    pub label_ids: Vec<String>,
    /// The followers the filter held when the call came: who got it.
    pub to_user_ids: Vec<String>,
    pub at: i64,
}

/// An account's labels and label sends.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    pub labels: Vec<Label>,
    pub sends: Vec<LabelSend>,
}

impl Labels {
    fn label_mut(&mut self, label_id: &str) -> Result<&mut Label, AliError> {
        self.labels
            .iter_mut()
            .find(|l| l.label_id == label_id)
            .ok_or_else(|| AliError::business("LABEL_NOT_EXIST", format!("标签不存在: {label_id}")))
    }

    /// Runs one of [`METHODS`]; `id` is a fresh id for what it makes.
    pub fn dispatch(
        &mut self,
        followers: &[Follower],
        method: &str,
        biz: &Value,
        id: &str,
        now: i64,
    ) -> Result<(Value, Option<String>), AliError> {
        if method == LABEL_BATCHQUERY {
            // No request fields; the labels with their id, name, data type and kind
            // ("custom（生活号自定义标签）", `LifeLabel.type`). The double has custom labels only.
            let labels: Vec<Value> = self
                .labels
                .iter()
                .map(|l| {
                    json!({ "label_id": l.label_id, "label_name": l.label_name, "data_type": l.data_type,
                        "type": "custom", "biz": "message" })
                })
                .collect();
            return Ok((success(json!({ "labels": labels })), None));
        }
        let model = biz.as_object().ok_or_else(|| AliError::parameter("biz_content must be a JSON object"))?;
        match method {
            LABEL_CREATE => {
                let name = required(model, "label_name")?;
                // Label and group names are CJK, letters, digits and `_` (§6).
                if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(AliError::parameter(format!("label_name {name:?}: letters, digits and _ only")));
                }
                // "目前只支持 string（字符串类型）", "不填默认为 string 类型".
                let data_type = match text(model, "data_type")? {
                    "" => "string",
                    "string" => "string",
                    other => return Err(AliError::parameter(format!("data_type {other:?}: only string is supported"))),
                };
                if self.labels.len() >= CUSTOM_LABELS_MAX {
                    return Err(AliError::business(
                        "LABEL_COUNT_EXCEED",
                        format!("每个生活号最多创建 {CUSTOM_LABELS_MAX} 个自定义标签"),
                    ));
                }
                self.labels.push(Label {
                    label_id: id.to_owned(),
                    label_name: name.to_owned(),
                    data_type: data_type.to_owned(),
                    values: BTreeMap::new(),
                });
                Ok((success(json!({ "label_id": id })), Some(format!("label {id} created"))))
            }
            LABEL_DELETE => {
                let label_id = required(model, "label_id")?;
                self.label_mut(label_id)?;
                self.labels.retain(|l| l.label_id != label_id);
                Ok((success(json!({})), Some(format!("label {label_id} deleted"))))
            }
            TAG_USERS => {
                let label_id = required(model, "label_id")?;
                // The value must be of the label's data type: a string, and one to filter on.
                let value = match model.get("label_value") {
                    Some(Value::String(v)) if !v.trim().is_empty() => v.clone(),
                    _ => return Err(AliError::parameter("label_value is required, a string")),
                };
                let matchers = match model.get("matchers") {
                    Some(Value::Array(m)) if !m.is_empty() && m.len() <= MATCHERS_MAX => m,
                    _ => {
                        return Err(AliError::parameter(format!("matchers: 1 to {MATCHERS_MAX} user matchers a call")))
                    }
                };
                let mut users = Vec::new();
                let mut errors = Vec::new();
                for matcher in matchers {
                    let matcher = matcher.as_object().ok_or_else(|| AliError::parameter("a matcher is an object"))?;
                    let user_id = text(matcher, "user_id")?;
                    if user_id.is_empty()
                        && text(matcher, "mobile_no")?.is_empty()
                        && text(matcher, "identity_card")?.is_empty()
                    {
                        return Err(AliError::parameter("a matcher needs user_id, mobile_no or identity_card"));
                    }
                    // "2088开头16位长度的字符串"; the double knows users by user id only.
                    if is_user_id(user_id) {
                        users.push(user_id.to_owned());
                    } else {
                        errors.push(json!({ "matcher": matcher, "error_msg": "用户不存在" }));
                    }
                }
                let label = self.label_mut(label_id)?;
                for user in &users {
                    label.values.insert(user.clone(), value.clone());
                }
                let change = format!("label {label_id} put on {} users", users.len());
                Ok((success(json!({ "error_count": errors.len(), "error_matchers": errors })), Some(change)))
            }
            LABEL_SEND => {
                let (op, label_ids) = check_filter(model)?;
                for label_id in &label_ids {
                    self.label_mut(label_id)?;
                }
                let material = model.get("material").ok_or_else(|| AliError::parameter("material is required"))?;
                let msg_type = rules::check_material(material)?;
                let has = |user: &str| {
                    self.labels.iter().any(|l| label_ids.contains(&l.label_id) && l.values.contains_key(user))
                };
                let to_user_ids: Vec<String> = followers
                    .iter()
                    .filter(|f| f.following && (has(&f.user_id) != (op == "!=")))
                    .map(|f| f.user_id.clone())
                    .collect();
                let change = format!("message {id} sent to {} users by label", to_user_ids.len());
                self.sends.push(LabelSend {
                    send_id: id.to_owned(),
                    msg_type,
                    biz_content: biz.clone(),
                    label_ids,
                    to_user_ids,
                    at: now,
                });
                Ok((success(json!({})), Some(change)))
            }
            other => Err(AliError::invalid("isv.invalid-method", format!("不存在的方法名: {other}"))),
        }
    }
}

fn required<'a>(model: &'a Object, field: &str) -> Result<&'a str, AliError> {
    let value = text(model, field)?;
    if value.trim().is_empty() {
        return Err(AliError::parameter(format!("{field} is required")));
    }
    Ok(value)
}

/// "支付宝用户id，2088开头16位长度的字符串" (`Matcher.user_id`).
fn is_user_id(user_id: &str) -> bool {
    user_id.len() == 16 && user_id.starts_with("2088") && user_id.bytes().all(|b| b.is_ascii_digit())
}

/// A label send's filter: `template` `${a}` over `context.a`, a merchant's custom labels
/// (`label_id_list`) with op `=`, `!=` or `in` ("支持=、!=、in三个操作符"). `LabelContext` holds one
/// condition, `a`, so the template can name no other. The op and the label ids.
fn check_filter(model: &Object) -> Result<(String, Vec<String>), AliError> {
    let filter = model
        .get("filter")
        .and_then(Value::as_object)
        .ok_or_else(|| AliError::parameter("filter is required, an object"))?;
    if text(filter, "template")?.trim() != "${a}" {
        return Err(AliError::parameter("filter.template: ${a}, the one condition in context"));
    }
    let condition = filter
        .get("context")
        .and_then(|c| c.get("a"))
        .and_then(Value::as_object)
        .ok_or_else(|| AliError::parameter("filter.context.a is required, an object"))?;
    // The double holds custom labels only, not Alipay's open ones.
    if text(condition, "column_name")? != CUSTOM_LABELS_COLUMN {
        return Err(AliError::parameter(format!("filter.context.a.column_name: {CUSTOM_LABELS_COLUMN}")));
    }
    let op = text(condition, "op")?.to_owned();
    let values: Vec<String> = match condition.get("values") {
        Some(Value::Array(values)) if !values.is_empty() => values
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| AliError::parameter("filter values are strings")))
            .collect::<Result<_, _>>()?,
        _ => return Err(AliError::parameter("filter.context.a.values: the label ids, at least one")),
    };
    match op.as_str() {
        "=" | "!=" if values.len() == 1 => Ok((op, values)),
        "in" => Ok((op, values)),
        "=" | "!=" => Err(AliError::parameter(format!("op {op} takes one label; in takes several"))),
        other => Err(AliError::parameter(format!("op {other:?}: =, != or in"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn follower(user_id: &str, following: bool) -> Follower {
        Follower::new(user_id, following)
    }

    fn sub_code(result: Result<(Value, Option<String>), AliError>) -> String {
        result.err().map(|e| e.sub_code).unwrap_or_else(|| "ok".into())
    }

    fn send_to(label_id: &str, op: &str) -> Value {
        json!({
            "filter": {"template": "${a}", "context": {"a": {"column_name": "label_id_list", "op": op, "values": [label_id]}}},
            "material": {"msg_type": "text", "text": {"content": "VIP 专享"}},
        })
    }

    #[test]
    fn a_label_send_reaches_the_followers_carrying_the_label_and_no_one_else() {
        let mut labels = Labels::default();
        let followers = [
            follower("2088000000000001", true),
            follower("2088000000000002", true),
            follower("2088000000000003", false),
        ];
        let create = json!({"label_name": "wicket_1", "data_type": "string"});
        labels.dispatch(&followers, LABEL_CREATE, &create, "L1", 0).unwrap();
        let tag = json!({"label_id": "L1", "label_value": "1", "matchers": [
            {"user_id": "2088000000000001"}, {"user_id": "2088000000000003"}, {"mobile_no": "13800000000"}]});
        let (answer, _) = labels.dispatch(&followers, TAG_USERS, &tag, "x", 0).unwrap();
        assert_eq!(answer["error_count"], 1, "the double knows users by user id only: {answer}");
        labels.dispatch(&followers, LABEL_SEND, &send_to("L1", "="), "S1", 5).unwrap();
        labels.dispatch(&followers, LABEL_SEND, &send_to("L1", "!="), "S2", 5).unwrap();
        assert_eq!(labels.sends[0].to_user_ids, ["2088000000000001"], "followers only: 3 left");
        assert_eq!(labels.sends[1].to_user_ids, ["2088000000000002"]);
        let (listed, _) = labels.dispatch(&followers, LABEL_BATCHQUERY, &Value::Null, "x", 0).unwrap();
        assert_eq!(listed["labels"][0]["label_name"], "wicket_1");
        assert_eq!(listed["labels"][0]["label_id"], "L1");
        labels.dispatch(&followers, LABEL_DELETE, &json!({"label_id": "L1"}), "x", 0).unwrap();
        assert!(labels.labels.is_empty());
        assert_eq!(sub_code(labels.dispatch(&followers, LABEL_SEND, &send_to("L1", "="), "S3", 5)), "LABEL_NOT_EXIST");
    }

    #[test]
    fn labels_are_checked_as_alipay_does() {
        let mut labels = Labels::default();
        let create = |name: &str, data_type: &str, labels: &mut Labels| {
            sub_code(labels.dispatch(&[], LABEL_CREATE, &json!({"label_name": name, "data_type": data_type}), name, 0))
        };
        assert_eq!(create("vip list", "string", &mut labels), "isv.invalid-parameter");
        assert_eq!(create("vip", "number", &mut labels), "isv.invalid-parameter", "string only");
        assert_eq!(create("会员_1", "", &mut labels), "ok", "string by default");
        for i in 1..CUSTOM_LABELS_MAX {
            assert_eq!(create(&format!("l{i}"), "string", &mut labels), "ok");
        }
        assert_eq!(create("one_more", "string", &mut labels), "LABEL_COUNT_EXCEED");

        let tag = |matchers: usize, value: Value, labels: &mut Labels| {
            let matchers: Vec<Value> = (0..matchers).map(|i| json!({"user_id": format!("2088{i:012}")})).collect();
            let biz = json!({"label_id": "l1", "label_value": value, "matchers": matchers});
            sub_code(labels.dispatch(&[], TAG_USERS, &biz, "x", 0))
        };
        assert_eq!(tag(10, json!("1"), &mut labels), "ok");
        assert_eq!(tag(11, json!("1"), &mut labels), "isv.invalid-parameter", "at most 10 matchers");
        assert_eq!(tag(0, json!("1"), &mut labels), "isv.invalid-parameter");
        assert_eq!(tag(1, json!(1), &mut labels), "isv.invalid-parameter", "a string value");
        assert_eq!(tag(1, json!(""), &mut labels), "isv.invalid-parameter");
        let biz = json!({"label_id": "nope", "label_value": "1", "matchers": [{"user_id": "2088000000000001"}]});
        assert_eq!(sub_code(labels.dispatch(&[], TAG_USERS, &biz, "x", 0)), "LABEL_NOT_EXIST");

        let mut send = send_to("l1", "=");
        send["material"] = json!({"msg_type": "image", "image": {"url": "https://x/y.png"}});
        assert_eq!(sub_code(labels.dispatch(&[], LABEL_SEND, &send, "s", 0)), "isv.invalid-parameter", "no bare image");
        let mut send = send_to("l1", "=");
        send["filter"]["template"] = json!("${a} and ${b}");
        assert_eq!(sub_code(labels.dispatch(&[], LABEL_SEND, &send, "s", 0)), "isv.invalid-parameter");
        let mut send = send_to("l1", "=");
        send["filter"]["context"]["a"]["column_name"] = json!("gender");
        assert_eq!(sub_code(labels.dispatch(&[], LABEL_SEND, &send, "s", 0)), "isv.invalid-parameter");
        let mut send = send_to("l1", "like");
        assert_eq!(sub_code(labels.dispatch(&[], LABEL_SEND, &send, "s", 0)), "isv.invalid-parameter");
        send = send_to("l1", "=");
        send["filter"]["context"]["a"]["values"] = json!(["l1", "l2"]);
        assert_eq!(sub_code(labels.dispatch(&[], LABEL_SEND, &send, "s", 0)), "isv.invalid-parameter");
        assert!(labels.sends.is_empty());
    }
}
