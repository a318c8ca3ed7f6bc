//! The `biz_content` XML of `alipay.mobile.public.message.notify` and `alipay.service.check`:
//! what a subscriber did (follow, click, enter, a text or an image) or the gateway check.
//!
//! Alipay writes `<XML>` with `AppId`, `FromAlipayUserId` (the 2088… user id that custom-send
//! addresses; `FromUserId` is the older, longer id), `CreateTime` in ms, `MsgType`, `EventType`,
//! `ActionParam`, `MsgId`, `UserInfo` (masked JSON) and `Text/Content` or `Image/MediaId`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::xml::{self, parse_fields, push_cdata, Fields, XmlError};

/// The masked account details Alipay attaches (`UserInfo`, a JSON text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logon_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

/// What the notify is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyKind {
    /// `alipay.service.check`: Alipay checking the gateway, answered with the public key.
    Verifygw,
    Follow,
    Unfollow,
    /// A menu item of type `out` was tapped; `action_param` is the item's parameter.
    Click {
        action_param: String,
    },
    /// The subscriber entered the account; `scene` is the QR code's scene when there is one.
    Enter {
        scene: Option<String>,
    },
    Text {
        content: String,
    },
    Image {
        media_id: String,
        format: Option<String>,
    },
    /// Anything else, kept so it is acknowledged and recorded rather than refused.
    Other {
        msg_type: String,
        event_type: Option<String>,
    },
}

/// One notify from Alipay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    pub app_id: String,
    /// `FromAlipayUserId`, else `FromUserId`; empty only for the gateway check.
    pub from_user_id: String,
    /// Milliseconds since the epoch.
    pub create_time: Option<i64>,
    pub msg_id: Option<String>,
    pub user_info: Option<UserInfo>,
    pub kind: NotifyKind,
}

/// Why a notify's biz_content was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("the notify XML: {0}")]
    Xml(#[from] XmlError),
    #[error("the notify has no {0} element")]
    Missing(&'static str),
    #[error("the notify's {field} holds {value:?}, which is not a whole number")]
    BadNumber { field: &'static str, value: String },
}

impl NotifyKind {
    /// `MsgType` and `EventType` as Alipay writes them.
    fn names(&self) -> (&str, Option<&str>) {
        match self {
            NotifyKind::Verifygw => ("event", Some("verifygw")),
            NotifyKind::Follow => ("event", Some("follow")),
            NotifyKind::Unfollow => ("event", Some("unfollow")),
            NotifyKind::Click { .. } => ("event", Some("click")),
            NotifyKind::Enter { .. } => ("event", Some("enter")),
            NotifyKind::Text { .. } => ("text", None),
            NotifyKind::Image { .. } => ("image", None),
            NotifyKind::Other { msg_type, event_type } => (msg_type, event_type.as_deref()),
        }
    }
}

impl Notify {
    /// The key a notify is stored once under: `msg:{MsgId}`, or for an event without one
    /// `evt:{user}:{CreateTime}:{EventType}` (Alipay retries a notify it got no ack for). With
    /// neither, `sha:{user}:{sha256}` of the biz_content as read (written again by
    /// [`notify_xml`], so a retry has the same key): a fixed key would drop every later event.
    pub fn dedup_key(&self) -> String {
        match &self.msg_id {
            Some(id) => format!("msg:{id}"),
            None if self.create_time.is_none() => {
                let digest = Sha256::digest(notify_xml(self).as_bytes());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                format!("sha:{}:{hex}", self.from_user_id)
            }
            None => {
                let (msg_type, event) = self.kind.names();
                let time = self.create_time.map(|t| t.to_string()).unwrap_or_default();
                format!("evt:{}:{time}:{}", self.from_user_id, event.unwrap_or(msg_type))
            }
        }
    }
}

/// Reads a notify's biz_content with the bounded reader (size limit, no DOCTYPE, no entities).
pub fn parse_notify(biz_content: &str) -> Result<Notify, NotifyError> {
    let f = parse_fields(biz_content, "XML", None)?;
    let msg_type = f.opt_trimmed("MsgType").ok_or(NotifyError::Missing("MsgType"))?;
    let event_type = f.opt_trimmed("EventType");
    let kind = kind(&f, &msg_type, event_type)?;
    let from_user_id = f.opt_trimmed("FromAlipayUserId").or_else(|| f.opt_trimmed("FromUserId")).unwrap_or_default();
    if from_user_id.is_empty() && kind != NotifyKind::Verifygw {
        return Err(NotifyError::Missing("FromAlipayUserId"));
    }
    let create_time = match f.opt_trimmed("CreateTime") {
        Some(raw) => Some(
            raw.parse().map_err(|_| NotifyError::BadNumber { field: "CreateTime", value: xml::truncate(&raw, 32) })?,
        ),
        None => None,
    };
    Ok(Notify {
        app_id: f.opt_trimmed("AppId").unwrap_or_default(),
        from_user_id,
        create_time,
        msg_id: f.opt_trimmed("MsgId"),
        // Masked details are a courtesy: a malformed one is dropped, not a reason to refuse.
        user_info: f.opt_trimmed("UserInfo").and_then(|json| serde_json::from_str(&json).ok()),
        kind,
    })
}

fn kind(f: &Fields, msg_type: &str, event_type: Option<String>) -> Result<NotifyKind, NotifyError> {
    let kind = match (msg_type, event_type.as_deref()) {
        ("event", Some("verifygw")) => NotifyKind::Verifygw,
        ("event", Some("follow")) => NotifyKind::Follow,
        ("event", Some("unfollow")) => NotifyKind::Unfollow,
        ("event", Some("click")) => {
            NotifyKind::Click { action_param: f.opt_trimmed("ActionParam").unwrap_or_default() }
        }
        ("event", Some("enter")) => NotifyKind::Enter { scene: f.opt_trimmed("ActionParam") },
        ("text", _) => NotifyKind::Text {
            content: f
                .get("Text/Content")
                .or_else(|| f.get("Content"))
                .ok_or(NotifyError::Missing("Text/Content"))?
                .to_owned(),
        },
        ("image", _) => NotifyKind::Image {
            media_id: f
                .opt("Image/MediaId")
                .or_else(|| f.opt_trimmed("MediaId"))
                .ok_or(NotifyError::Missing("Image/MediaId"))?,
            format: f.opt_trimmed("Image/Format").or_else(|| f.opt_trimmed("Format")),
        },
        _ => NotifyKind::Other { msg_type: msg_type.to_owned(), event_type },
    };
    Ok(kind)
}

/// The double's side: the biz_content XML Alipay would send for `notify`.
pub fn notify_xml(notify: &Notify) -> String {
    let mut out = String::from("<XML>");
    push_cdata(&mut out, "AppId", &notify.app_id);
    if !notify.from_user_id.is_empty() {
        push_cdata(&mut out, "FromAlipayUserId", &notify.from_user_id);
    }
    if let Some(time) = notify.create_time {
        out.push_str(&format!("<CreateTime>{time}</CreateTime>"));
    }
    let (msg_type, event_type) = notify.kind.names();
    push_cdata(&mut out, "MsgType", msg_type);
    if let Some(event_type) = event_type {
        push_cdata(&mut out, "EventType", event_type);
    }
    match &notify.kind {
        NotifyKind::Click { action_param } => push_cdata(&mut out, "ActionParam", action_param),
        NotifyKind::Enter { scene: Some(scene) } => push_cdata(&mut out, "ActionParam", scene),
        NotifyKind::Text { content } => {
            out.push_str("<Text>");
            push_cdata(&mut out, "Content", content);
            out.push_str("</Text>");
        }
        NotifyKind::Image { media_id, format } => {
            out.push_str("<Image>");
            push_cdata(&mut out, "MediaId", media_id);
            if let Some(format) = format {
                push_cdata(&mut out, "Format", format);
            }
            out.push_str("</Image>");
        }
        _ => {}
    }
    if let Some(id) = &notify.msg_id {
        push_cdata(&mut out, "MsgId", id);
    }
    if let Some(info) = &notify.user_info {
        push_cdata(&mut out, "UserInfo", &serde_json::to_string(info).unwrap_or_default());
    }
    out.push_str("</XML>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text message as Alipay's 服务窗 posts it (a public demo's captured request).
    const TEXT: &str = r#"<XML><Text><Content><![CDATA[push]]></Content></Text><FromAlipayUserId><![CDATA[2088402125991030]]></FromAlipayUserId><AppId><![CDATA[2016022201155812]]></AppId><MsgType><![CDATA[text]]></MsgType><CreateTime><![CDATA[1457426646396]]></CreateTime><FromUserId><![CDATA[20880037081313300931049260316403]]></FromUserId><MsgId><![CDATA[160308464406000001]]></MsgId><UserInfo><![CDATA[{"logon_id":"516***@qq.com","user_name":"*克楠"}]]></UserInfo></XML>"#;

    #[test]
    fn reads_a_text_message() {
        let n = parse_notify(TEXT).unwrap();
        assert_eq!(n.kind, NotifyKind::Text { content: "push".into() });
        assert_eq!(n.from_user_id, "2088402125991030", "the 2088 id, not the older FromUserId");
        assert_eq!(n.app_id, "2016022201155812");
        assert_eq!(n.create_time, Some(1_457_426_646_396));
        assert_eq!(n.user_info.as_ref().and_then(|u| u.user_name.as_deref()), Some("*克楠"));
        assert_eq!(n.dedup_key(), "msg:160308464406000001");
    }

    #[test]
    fn reads_events_and_the_gateway_check() {
        let check = "<XML><AppId>2014072300007148</AppId><MsgType>event</MsgType><EventType>verifygw</EventType></XML>";
        assert_eq!(parse_notify(check).unwrap().kind, NotifyKind::Verifygw);
        let click = "<XML><AppId>a</AppId><FromAlipayUserId>2088</FromAlipayUserId><CreateTime>5</CreateTime>\
                     <MsgType>event</MsgType><EventType>click</EventType><ActionParam>menu_1</ActionParam></XML>";
        let n = parse_notify(click).unwrap();
        assert_eq!(n.kind, NotifyKind::Click { action_param: "menu_1".into() });
        assert_eq!(n.dedup_key(), "evt:2088:5:click");
        let enter = click.replace("click", "enter").replace("<ActionParam>menu_1</ActionParam>", "");
        assert_eq!(parse_notify(&enter).unwrap().kind, NotifyKind::Enter { scene: None });
        // Neither MsgId nor CreateTime: two different events keep two keys, a retry keeps one.
        let timeless = enter.replace("<CreateTime>5</CreateTime>", "");
        let scene = timeless.replace("</XML>", "<ActionParam>{\"scene\":{\"sceneId\":\"7\"}}</ActionParam></XML>");
        let (first, again) = (parse_notify(&timeless).unwrap(), parse_notify(&timeless).unwrap());
        let second = parse_notify(&scene).unwrap();
        assert_eq!(first.dedup_key(), again.dedup_key());
        assert!(first.dedup_key().starts_with("sha:2088:"), "{}", first.dedup_key());
        assert_ne!(first.dedup_key(), second.dedup_key(), "a later event is not taken for a retry");
        let other = click.replace("click", "sharing");
        assert_eq!(
            parse_notify(&other).unwrap().kind,
            NotifyKind::Other { msg_type: "event".into(), event_type: Some("sharing".into()) }
        );
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert_eq!(parse_notify("<XML><AppId>a</AppId></XML>"), Err(NotifyError::Missing("MsgType")));
        let anonymous = "<XML><MsgType>event</MsgType><EventType>follow</EventType></XML>";
        assert_eq!(parse_notify(anonymous), Err(NotifyError::Missing("FromAlipayUserId")));
        let bad_time = "<XML><FromAlipayUserId>u</FromAlipayUserId><MsgType>event</MsgType><EventType>follow</EventType><CreateTime>soon</CreateTime></XML>";
        assert!(matches!(parse_notify(bad_time), Err(NotifyError::BadNumber { field: "CreateTime", .. })));
        assert!(matches!(parse_notify("not-xml"), Err(NotifyError::Xml(_))));
        let image = "<XML><FromAlipayUserId>u</FromAlipayUserId><MsgType>image</MsgType></XML>";
        assert_eq!(parse_notify(image), Err(NotifyError::Missing("Image/MediaId")));
    }

    #[test]
    fn notify_xml_round_trips_every_kind() {
        let kinds = [
            NotifyKind::Verifygw,
            NotifyKind::Follow,
            NotifyKind::Unfollow,
            NotifyKind::Click { action_param: "a]]>b".into() },
            NotifyKind::Enter { scene: Some("{\"scene\":{\"sceneId\":\"1\"}}".into()) },
            NotifyKind::Enter { scene: None },
            NotifyKind::Text { content: "你好 <b> & ]]> bye".into() },
            NotifyKind::Image { media_id: "m1".into(), format: Some("jpg".into()) },
            NotifyKind::Other { msg_type: "location".into(), event_type: None },
        ];
        for kind in kinds {
            let notify = Notify {
                app_id: "2021000000000001".into(),
                from_user_id: "2088102122524333".into(),
                create_time: Some(1_700_000_000_000),
                msg_id: matches!(kind, NotifyKind::Text { .. }).then(|| "m-1".to_owned()),
                user_info: Some(UserInfo { logon_id: Some("a***@b.com".into()), user_name: None }),
                kind,
            };
            assert_eq!(parse_notify(&notify_xml(&notify)).unwrap(), notify);
        }
    }
}
