//! Inbound callback XML (messages and events a subscriber's actions push) and passive replies.
//!
//! Field names follow WeChat's "接收普通消息" and "接收事件推送" pages as silenceper/wechat
//! `officialaccount/message/message.go` and WxJava `WxMpXmlMessage` read them. Anything Wicket
//! does not model becomes [`Inbound::Unsupported`] with its MsgType, Event and raw XML: never dropped.

use crate::xml::{self, parse_fields, Fields, XmlError, MAX_XML_BYTES};

/// A callback as WeChat pushed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The account's original ID (`gh_…`).
    pub to_user_name: String,
    /// The subscriber's OpenID.
    pub from_user_name: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `MsgId` of a message (`MsgID` on some events).
    pub msg_id: Option<String>,
    pub kind: Inbound,
}

/// What the callback carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Text {
        content: String,
    },
    Image {
        pic_url: String,
        media_id: String,
    },
    /// `recognition` is WeChat's speech-to-text, when the account turned it on.
    Voice {
        media_id: String,
        format: String,
        recognition: Option<String>,
    },
    Video {
        media_id: String,
        thumb_media_id: String,
    },
    ShortVideo {
        media_id: String,
        thumb_media_id: String,
    },
    /// Coordinates as WeChat wrote them (`Location_X` is the latitude, `Location_Y` the longitude).
    Location {
        latitude: String,
        longitude: String,
        scale: String,
        label: String,
    },
    Link {
        title: String,
        description: String,
        url: String,
    },
    Event(Event),
    /// A kind Wicket does not model yet, kept whole so it can be shown and handled later.
    Unsupported {
        msg_type: String,
        event: Option<String>,
        raw_xml: String,
    },
}

/// Events (`MsgType` = `event`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A follow; `scene` is the parameter QR code's scene (EventKey without `qrscene_`) when followed by scanning one.
    Subscribe {
        scene: Option<String>,
        ticket: Option<String>,
    },
    Unsubscribe,
    /// A follower scanned a parameter QR code; `scene` is the EventKey.
    Scan {
        scene: String,
        ticket: Option<String>,
    },
    /// The periodic location report (needs the subscriber's consent).
    Location {
        latitude: String,
        longitude: String,
        precision: String,
    },
    /// A `click` menu button: `key` is the button's key.
    Click {
        key: String,
    },
    /// A `view` menu button: `url` is the EventKey.
    View {
        url: String,
        menu_id: Option<String>,
    },
    ScancodePush(ScanCode),
    ScancodeWaitmsg(ScanCode),
    PicSysphoto(SentPictures),
    PicPhotoOrAlbum(SentPictures),
    PicWeixin(SentPictures),
    LocationSelect(SelectedLocation),
    /// A `miniprogram` menu button: `page_path` is the EventKey.
    ViewMiniprogram {
        page_path: String,
        menu_id: Option<String>,
    },
    /// The result of a mass send.
    MassSendJobFinish {
        msg_id: Option<String>,
        status: String,
        total_count: Option<i64>,
        filter_count: Option<i64>,
        sent_count: Option<i64>,
        error_count: Option<i64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCode {
    pub key: String,
    pub scan_type: String,
    pub scan_result: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPictures {
    pub key: String,
    pub count: Option<i64>,
    pub pic_md5_sums: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedLocation {
    pub key: String,
    pub latitude: String,
    pub longitude: String,
    pub scale: String,
    pub label: String,
    pub poiname: Option<String>,
}

impl InboundMessage {
    /// The key under which a callback lands once, however often WeChat retries it: `msg:<MsgId>`
    /// for messages; for events, which have no MsgId, `evt:<FromUserName>:<CreateTime>:<Event>`
    /// (WeChat's advice is FromUserName + CreateTime; the event name keeps two different events of
    /// the same second apart without letting a retry through).
    pub fn dedup_key(&self) -> String {
        let event_name = match &self.kind {
            Inbound::Event(event) => Some(event.name()),
            Inbound::Unsupported { msg_type, event, .. } if msg_type.eq_ignore_ascii_case("event") => {
                Some(event.as_deref().unwrap_or(""))
            }
            _ => None,
        };
        match (event_name, &self.msg_id) {
            (None, Some(id)) => format!("msg:{id}"),
            (name, _) => format!("evt:{}:{}:{}", self.from_user_name, self.create_time, name.unwrap_or("")),
        }
    }
}

impl Event {
    /// The `Event` value WeChat sends for this event.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Subscribe { .. } => "subscribe",
            Event::Unsubscribe => "unsubscribe",
            Event::Scan { .. } => "SCAN",
            Event::Location { .. } => "LOCATION",
            Event::Click { .. } => "CLICK",
            Event::View { .. } => "VIEW",
            Event::ScancodePush(_) => "scancode_push",
            Event::ScancodeWaitmsg(_) => "scancode_waitmsg",
            Event::PicSysphoto(_) => "pic_sysphoto",
            Event::PicPhotoOrAlbum(_) => "pic_photo_or_album",
            Event::PicWeixin(_) => "pic_weixin",
            Event::LocationSelect(_) => "location_select",
            Event::ViewMiniprogram { .. } => "view_miniprogram",
            Event::MassSendJobFinish { .. } => "MASSSENDJOBFINISH",
        }
    }
}

/// Reads a plaintext callback (plain mode's body, or safe mode's decrypted XML).
pub fn parse_inbound(input: &[u8]) -> Result<InboundMessage, XmlError> {
    let f = parse_fields(input, MAX_XML_BYTES)?;
    let to_user_name = f.require("ToUserName")?.trim().to_owned();
    let from_user_name = f.require("FromUserName")?.trim().to_owned();
    let create_time = f.number("CreateTime")?;
    let msg_type = f.require("MsgType")?.trim().to_owned();
    let msg_id = f.opt("MsgId").or_else(|| f.opt("MsgID")).map(|s| s.trim().to_owned());

    let kind = match msg_type.to_ascii_lowercase().as_str() {
        "text" => Inbound::Text { content: f.text("Content") },
        "image" => Inbound::Image { pic_url: f.text("PicUrl"), media_id: f.text("MediaId") },
        "voice" => {
            Inbound::Voice { media_id: f.text("MediaId"), format: f.text("Format"), recognition: f.opt("Recognition") }
        }
        "video" => Inbound::Video { media_id: f.text("MediaId"), thumb_media_id: f.text("ThumbMediaId") },
        "shortvideo" => Inbound::ShortVideo { media_id: f.text("MediaId"), thumb_media_id: f.text("ThumbMediaId") },
        "location" => Inbound::Location {
            latitude: f.text("Location_X"),
            longitude: f.text("Location_Y"),
            scale: f.text("Scale"),
            label: f.text("Label"),
        },
        "link" => Inbound::Link { title: f.text("Title"), description: f.text("Description"), url: f.text("Url") },
        "event" => match f.get("Event").map(str::trim) {
            Some(name) => match parse_event(name, &f) {
                Some(event) => Inbound::Event(event),
                None => unsupported(&msg_type, Some(name), input),
            },
            None => unsupported(&msg_type, None, input),
        },
        _ => unsupported(&msg_type, f.get("Event").map(str::trim), input),
    };
    Ok(InboundMessage { to_user_name, from_user_name, create_time, msg_id, kind })
}

fn unsupported(msg_type: &str, event: Option<&str>, input: &[u8]) -> Inbound {
    Inbound::Unsupported {
        msg_type: msg_type.to_owned(),
        event: event.map(str::to_owned),
        // parse_fields has already checked that the input is UTF-8.
        raw_xml: String::from_utf8_lossy(input).into_owned(),
    }
}

fn opt_number(f: &Fields, path: &str) -> Option<i64> {
    f.get(path).and_then(|v| v.trim().parse().ok())
}

fn parse_event(name: &str, f: &Fields) -> Option<Event> {
    let key = || f.text("EventKey");
    let scan = || ScanCode {
        key: key(),
        scan_type: f.text("ScanCodeInfo/ScanType"),
        scan_result: f.text("ScanCodeInfo/ScanResult"),
    };
    let pictures = || SentPictures {
        key: key(),
        count: opt_number(f, "SendPicsInfo/Count"),
        pic_md5_sums: f.all("SendPicsInfo/PicList/item/PicMd5Sum").map(str::to_owned).collect(),
    };
    let event = match name.to_ascii_lowercase().as_str() {
        "subscribe" => Event::Subscribe {
            scene: f.opt("EventKey").map(|k| k.strip_prefix("qrscene_").map(str::to_owned).unwrap_or(k)),
            ticket: f.opt("Ticket"),
        },
        "unsubscribe" => Event::Unsubscribe,
        "scan" => Event::Scan { scene: key(), ticket: f.opt("Ticket") },
        "location" => Event::Location {
            latitude: f.text("Latitude"),
            longitude: f.text("Longitude"),
            precision: f.text("Precision"),
        },
        "click" => Event::Click { key: key() },
        "view" => Event::View { url: key(), menu_id: f.opt("MenuId") },
        "scancode_push" => Event::ScancodePush(scan()),
        "scancode_waitmsg" => Event::ScancodeWaitmsg(scan()),
        "pic_sysphoto" => Event::PicSysphoto(pictures()),
        "pic_photo_or_album" => Event::PicPhotoOrAlbum(pictures()),
        "pic_weixin" => Event::PicWeixin(pictures()),
        "location_select" => Event::LocationSelect(SelectedLocation {
            key: key(),
            latitude: f.text("SendLocationInfo/Location_X"),
            longitude: f.text("SendLocationInfo/Location_Y"),
            scale: f.text("SendLocationInfo/Scale"),
            label: f.text("SendLocationInfo/Label"),
            poiname: f.opt("SendLocationInfo/Poiname"),
        }),
        "view_miniprogram" => Event::ViewMiniprogram { page_path: key(), menu_id: f.opt("MenuId") },
        "masssendjobfinish" => Event::MassSendJobFinish {
            msg_id: f.opt("MsgID").or_else(|| f.opt("MsgId")),
            status: f.text("Status"),
            total_count: opt_number(f, "TotalCount"),
            filter_count: opt_number(f, "FilterCount"),
            sent_count: opt_number(f, "SentCount"),
            error_count: opt_number(f, "ErrorCount"),
        },
        _ => return None,
    };
    Some(event)
}

/// The answer that tells WeChat "received, no passive reply" (an empty body works too).
pub const EMPTY_REPLY: &str = "success";

/// A passive text reply. `to_user_name` is the subscriber's OpenID (the inbound FromUserName),
/// `from_user_name` the account's original ID (the inbound ToUserName).
pub fn text_reply(to_user_name: &str, from_user_name: &str, create_time: i64, content: &str) -> String {
    let mut out = String::with_capacity(160 + content.len());
    out.push_str("<xml>");
    xml::push_cdata(&mut out, "ToUserName", to_user_name);
    xml::push_cdata(&mut out, "FromUserName", from_user_name);
    xml::push_text(&mut out, "CreateTime", &create_time.to_string());
    xml::push_cdata(&mut out, "MsgType", "text");
    xml::push_cdata(&mut out, "Content", content);
    out.push_str("</xml>");
    out
}

/// A passive news reply carrying one article card (WeChat takes one when
/// answering a subscriber's message, up to eight for events).
pub fn news_reply(
    to_user_name: &str,
    from_user_name: &str,
    create_time: i64,
    title: &str,
    description: &str,
    pic_url: &str,
    url: &str,
) -> String {
    let mut out = String::with_capacity(320 + title.len() + description.len() + pic_url.len() + url.len());
    out.push_str("<xml>");
    xml::push_cdata(&mut out, "ToUserName", to_user_name);
    xml::push_cdata(&mut out, "FromUserName", from_user_name);
    xml::push_text(&mut out, "CreateTime", &create_time.to_string());
    xml::push_cdata(&mut out, "MsgType", "news");
    xml::push_text(&mut out, "ArticleCount", "1");
    out.push_str("<Articles><item>");
    xml::push_cdata(&mut out, "Title", title);
    xml::push_cdata(&mut out, "Description", description);
    xml::push_cdata(&mut out, "PicUrl", pic_url);
    xml::push_cdata(&mut out, "Url", url);
    out.push_str("</item></Articles></xml>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!(
            "<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[oFan]]></FromUserName>\
             <CreateTime>1348831860</CreateTime>{body}</xml>"
        )
    }

    fn kind(body: &str) -> Inbound {
        parse_inbound(wrap(body).as_bytes()).unwrap().kind
    }

    fn event(body: &str) -> Event {
        match kind(&format!("<MsgType><![CDATA[event]]></MsgType>{body}")) {
            Inbound::Event(e) => e,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Examples of WeChat's "接收普通消息" page (as in easywechat tests/OfficialAccount/ServerTest.php).
    #[test]
    fn text_message_with_common_fields() {
        let m = parse_inbound(
            wrap("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId>")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(m.to_user_name, "gh_account");
        assert_eq!(m.from_user_name, "oFan");
        assert_eq!(m.create_time, 1348831860);
        assert_eq!(m.msg_id.as_deref(), Some("1234567890123456"));
        assert_eq!(m.kind, Inbound::Text { content: "this is a test".into() });
        assert_eq!(m.dedup_key(), "msg:1234567890123456");
    }

    #[test]
    fn media_location_and_link_messages() {
        assert_eq!(
            kind("<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1</MsgId>"),
            Inbound::Image { pic_url: "http://p/1.jpg".into(), media_id: "m1".into() }
        );
        assert_eq!(
            kind("<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>2</MsgId>"),
            Inbound::Voice { media_id: "v".into(), format: "amr".into(), recognition: Some("腾讯微信团队".into()) }
        );
        assert_eq!(
            kind("<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v]]></MediaId><Format><![CDATA[speex]]></Format><MsgId>2</MsgId>"),
            Inbound::Voice { media_id: "v".into(), format: "speex".into(), recognition: None },
            "recognition is absent when the account did not turn it on"
        );
        assert_eq!(
            kind("<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>3</MsgId>"),
            Inbound::Video { media_id: "m".into(), thumb_media_id: "t".into() }
        );
        assert_eq!(
            kind("<MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>4</MsgId>"),
            Inbound::ShortVideo { media_id: "m".into(), thumb_media_id: "t".into() }
        );
        assert_eq!(
            kind("<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>5</MsgId>"),
            Inbound::Location {
                latitude: "23.134521".into(),
                longitude: "113.358803".into(),
                scale: "20".into(),
                label: "位置信息".into()
            }
        );
        assert_eq!(
            kind("<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[url]]></Url><MsgId>6</MsgId>"),
            Inbound::Link { title: "公众平台官网链接".into(), description: "d".into(), url: "url".into() }
        );
    }

    #[test]
    fn follow_scan_and_menu_events() {
        assert_eq!(
            event("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"),
            Event::Subscribe { scene: Some("123123".into()), ticket: Some("TICKET".into()) }
        );
        assert_eq!(
            event("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>"),
            Event::Subscribe { scene: None, ticket: None },
            "a plain follow has an empty EventKey"
        );
        assert_eq!(event("<Event><![CDATA[unsubscribe]]></Event>"), Event::Unsubscribe);
        assert_eq!(
            event("<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[T]]></Ticket>"),
            Event::Scan { scene: "SCENE_VALUE".into(), ticket: Some("T".into()) }
        );
        assert_eq!(
            event("<Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"),
            Event::Location { latitude: "23.137466".into(), longitude: "113.352425".into(), precision: "119.385040".into() }
        );
        assert_eq!(
            event("<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1001_TODAY_MUSIC]]></EventKey>"),
            Event::Click { key: "V1001_TODAY_MUSIC".into() }
        );
        assert_eq!(
            event("<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[www.qq.com]]></EventKey><MenuId>1</MenuId>"),
            Event::View { url: "www.qq.com".into(), menu_id: Some("1".into()) }
        );
        assert_eq!(
            event("<Event><![CDATA[view_miniprogram]]></Event><EventKey><![CDATA[pages/index/index]]></EventKey><MenuId>2</MenuId>"),
            Event::ViewMiniprogram { page_path: "pages/index/index".into(), menu_id: Some("2".into()) }
        );
    }

    /// Shapes of the menu events from WeChat's "自定义菜单事件推送" page.
    #[test]
    fn scan_picture_and_location_menu_events() {
        let scan = "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType>\
                    <ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>";
        let expected = ScanCode { key: "6".into(), scan_type: "qrcode".into(), scan_result: "1".into() };
        assert_eq!(
            event(&format!("<Event><![CDATA[scancode_push]]></Event>{scan}")),
            Event::ScancodePush(expected.clone())
        );
        assert_eq!(
            event(&format!("<Event><![CDATA[scancode_waitmsg]]></Event>{scan}")),
            Event::ScancodeWaitmsg(expected)
        );

        let pics = "<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>2</Count><PicList>\
                    <item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item>\
                    <item><PicMd5Sum><![CDATA[2c6e8d34]]></PicMd5Sum></item></PicList></SendPicsInfo>";
        let expected = SentPictures {
            key: "6".into(),
            count: Some(2),
            pic_md5_sums: vec!["1b5f7c23b5bf75682a53e7b6d163e185".into(), "2c6e8d34".into()],
        };
        assert_eq!(
            event(&format!("<Event><![CDATA[pic_sysphoto]]></Event>{pics}")),
            Event::PicSysphoto(expected.clone())
        );
        assert_eq!(
            event(&format!("<Event><![CDATA[pic_photo_or_album]]></Event>{pics}")),
            Event::PicPhotoOrAlbum(expected.clone())
        );
        assert_eq!(event(&format!("<Event><![CDATA[pic_weixin]]></Event>{pics}")), Event::PicWeixin(expected));

        assert_eq!(
            event(
                "<Event><![CDATA[location_select]]></Event><EventKey><![CDATA[6]]></EventKey><SendLocationInfo>\
                 <Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale>\
                 <Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>"
            ),
            Event::LocationSelect(SelectedLocation {
                key: "6".into(),
                latitude: "23".into(),
                longitude: "113".into(),
                scale: "15".into(),
                label: " 广州市海珠区客村艺苑路 106号".into(),
                poiname: None,
            })
        );
    }

    #[test]
    fn mass_send_job_finish() {
        assert_eq!(
            event(
                "<Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>1988</MsgID><Status><![CDATA[sendsuccess]]></Status>\
                 <TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>"
            ),
            Event::MassSendJobFinish {
                msg_id: Some("1988".into()),
                status: "sendsuccess".into(),
                total_count: Some(100),
                filter_count: Some(80),
                sent_count: Some(75),
                error_count: Some(5),
            }
        );
    }

    #[test]
    fn unknown_kinds_are_kept_whole() {
        let xml = wrap("<MsgType><![CDATA[miniprogrampage]]></MsgType><Title><![CDATA[t]]></Title><MsgId>9</MsgId>");
        let m = parse_inbound(xml.as_bytes()).unwrap();
        assert_eq!(
            m.kind,
            Inbound::Unsupported { msg_type: "miniprogrampage".into(), event: None, raw_xml: xml.clone() }
        );
        assert_eq!(m.dedup_key(), "msg:9", "an unsupported message still dedups by MsgId");

        let xml = wrap(
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>7</MsgID>",
        );
        let m = parse_inbound(xml.as_bytes()).unwrap();
        assert_eq!(
            m.kind,
            Inbound::Unsupported {
                msg_type: "event".into(),
                event: Some("TEMPLATESENDJOBFINISH".into()),
                raw_xml: xml
            }
        );
        assert_eq!(m.dedup_key(), "evt:oFan:1348831860:TEMPLATESENDJOBFINISH", "events dedup by sender and time");

        let xml = wrap("<MsgType><![CDATA[event]]></MsgType>");
        assert!(matches!(parse_inbound(xml.as_bytes()).unwrap().kind, Inbound::Unsupported { event: None, .. }));
    }

    #[test]
    fn event_dedup_key_ignores_retries_but_not_other_events() {
        let follow = wrap("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>");
        let scan = wrap("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey>1</EventKey>");
        let a = parse_inbound(follow.as_bytes()).unwrap().dedup_key();
        assert_eq!(a, parse_inbound(follow.as_bytes()).unwrap().dedup_key(), "a retry has the same key");
        assert_eq!(a, "evt:oFan:1348831860:subscribe");
        assert_ne!(a, parse_inbound(scan.as_bytes()).unwrap().dedup_key());
    }

    #[test]
    fn missing_or_bad_common_fields_are_errors() {
        assert_eq!(
            parse_inbound(
                b"<xml><FromUserName>a</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>"
            ),
            Err(XmlError::MissingField("ToUserName"))
        );
        assert_eq!(
            parse_inbound(b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>x1</CreateTime><MsgType>text</MsgType></xml>"),
            Err(XmlError::BadNumber { field: "CreateTime", value: "x1".into() })
        );
    }

    #[test]
    fn text_reply_layout_and_escaping() {
        assert_eq!(
            text_reply("oFan", "gh_account", 12345678, "你好"),
            "<xml><ToUserName><![CDATA[oFan]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName>\
             <CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>"
        );
        let reply = text_reply("oFan", "gh", 1, "a]]></Content><MsgType>image</MsgType>");
        let f = parse_fields(reply.as_bytes(), MAX_XML_BYTES).unwrap();
        assert_eq!(f.all("MsgType").collect::<Vec<_>>(), vec!["text"], "content cannot inject elements");
        assert_eq!(f.get("Content"), Some("a]]></Content><MsgType>image</MsgType>"));
        assert_eq!(EMPTY_REPLY, "success");
    }
}
