//! Callbacks to the merchant's server, as WeChat sends them (PLATFORM-RULES §2.1, §5.1; WX-REPLY, WX-CRYPT):
//!
//! - the XML of the message or event; in compatible and safe mode wrapped in the AES envelope
//!   (compatible: plaintext fields beside `Encrypt`; safe: `ToUserName` and `Encrypt` only);
//! - the URL's query: `signature`, `timestamp`, `nonce`, `openid`, and when encrypted `encrypt_type=aes`
//!   and `msg_signature`;
//! - no answer within 5 s, a status other than 200 or an answer that is neither empty, `success`,
//!   nor a passive reply (encrypted in safe mode): tried again, 3 tries in all, the same XML (same
//!   MsgId and CreateTime) signed afresh each time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde::{Deserialize, Serialize};
use wicket_wechat::signature::{msg_signature, signature};
use wicket_wechat::xml::parse_fields;
use wicket_wechat::{parse_reply_envelope, KeySlot, WechatCrypto, MAX_XML_BYTES};

use crate::state::{Interaction, Mode};

/// A subscriber's message or event to push to the account's callback URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Callback {
    Text {
        content: String,
    },
    Image {
        pic_url: String,
        media_id: String,
    },
    Voice {
        media_id: String,
        format: String,
        recognition: Option<String>,
    },
    /// `Location_X` is the latitude, `Location_Y` the longitude.
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
    /// A follow; with `scene`, through a parameter QR code (EventKey `qrscene_<scene>`).
    Subscribe {
        scene: Option<String>,
    },
    Unsubscribe,
    /// A follower scanned a parameter QR code.
    Scan {
        scene: String,
    },
    /// A `click` menu button.
    Click {
        key: String,
    },
    /// A `view` menu button.
    View {
        url: String,
    },
    /// The periodic location report.
    LocationReport {
        latitude: String,
        longitude: String,
        precision: String,
    },
    /// A mass send finished (`MASSSENDJOBFINISH`, from WeChat's mass helper `mphelper`).
    MassSendJobFinish {
        msg_id: String,
        status: String,
        total: usize,
        filtered: usize,
        sent: usize,
        errors: usize,
    },
}

impl Callback {
    /// Which window the action opens (§2.1: a message 5 in 48 h; a click, follow or scan 3 in 1 min).
    pub(crate) fn interaction(&self) -> Interaction {
        match self {
            Callback::Text { .. }
            | Callback::Image { .. }
            | Callback::Voice { .. }
            | Callback::Location { .. }
            | Callback::Link { .. } => Interaction::Message,
            Callback::Subscribe { .. } | Callback::Scan { .. } | Callback::Click { .. } => Interaction::Short,
            Callback::Unsubscribe
            | Callback::View { .. }
            | Callback::LocationReport { .. }
            | Callback::MassSendJobFinish { .. } => Interaction::None,
        }
    }

    fn is_message(&self) -> bool {
        self.interaction() == Interaction::Message
    }
}

/// One try of a callback and how the merchant's server answered it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Try {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// `true` when WeChat would take the answer and stop trying.
    pub accepted: bool,
    /// What happened, in words: "success", "empty", "passive reply", "timed out after 5000 ms", ...
    pub outcome: String,
}

/// A callback and every try of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallbackReport {
    pub openid: String,
    /// Messages have one; events do not.
    pub msg_id: Option<String>,
    /// The plaintext XML (encrypted on the wire in compatible and safe mode).
    pub xml: String,
    pub tries: Vec<Try>,
    /// An accepted answer came.
    pub delivered: bool,
    /// The passive reply's XML (decrypted), when the answer was one.
    pub passive_reply: Option<String>,
}

/// The console's check of the server URL when the merchant saves it (GET with `echostr`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UrlCheck {
    pub verified: bool,
    pub status: Option<u16>,
    pub outcome: String,
}

/// What a push needs from the account, copied out so no lock is held across the requests.
pub(crate) struct Target {
    pub url: String,
    pub token: String,
    pub mode: Mode,
    pub crypto: Option<WechatCrypto>,
    pub original_id: String,
    pub timeout: Duration,
    pub max_tries: u32,
}

/// CreateTime and timestamps are real time: the receiver checks them against its own clock.
pub(crate) fn wall_clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn nonce() -> String {
    rand::thread_rng().gen_range(100_000_000u64..10_000_000_000).to_string()
}

fn cdata(out: &mut String, name: &str, value: &str) {
    // "]]>" cannot sit inside one CDATA section: split it across two.
    let value = value.replace("]]>", "]]]]><![CDATA[>");
    out.push_str(&format!("<{name}><![CDATA[{value}]]></{name}>"));
}

/// The callback's plaintext XML, as WeChat's "接收普通消息" and "接收事件推送" pages lay it out.
pub(crate) fn callback_xml(
    original_id: &str,
    openid: &str,
    create_time: i64,
    msg_id: Option<&str>,
    callback: &Callback,
) -> String {
    let mut x = String::from("<xml>");
    cdata(&mut x, "ToUserName", original_id);
    cdata(&mut x, "FromUserName", openid);
    x.push_str(&format!("<CreateTime>{create_time}</CreateTime>"));
    let event = |x: &mut String, name: &str| {
        cdata(x, "MsgType", "event");
        cdata(x, "Event", name);
    };
    match callback {
        Callback::Text { content } => {
            cdata(&mut x, "MsgType", "text");
            cdata(&mut x, "Content", content);
        }
        Callback::Image { pic_url, media_id } => {
            cdata(&mut x, "MsgType", "image");
            cdata(&mut x, "PicUrl", pic_url);
            cdata(&mut x, "MediaId", media_id);
        }
        Callback::Voice { media_id, format, recognition } => {
            cdata(&mut x, "MsgType", "voice");
            cdata(&mut x, "MediaId", media_id);
            cdata(&mut x, "Format", format);
            if let Some(r) = recognition {
                cdata(&mut x, "Recognition", r);
            }
        }
        Callback::Location { latitude, longitude, scale, label } => {
            cdata(&mut x, "MsgType", "location");
            x.push_str(&format!(
                "<Location_X>{latitude}</Location_X><Location_Y>{longitude}</Location_Y><Scale>{scale}</Scale>"
            ));
            cdata(&mut x, "Label", label);
        }
        Callback::Link { title, description, url } => {
            cdata(&mut x, "MsgType", "link");
            cdata(&mut x, "Title", title);
            cdata(&mut x, "Description", description);
            cdata(&mut x, "Url", url);
        }
        Callback::Subscribe { scene } => {
            event(&mut x, "subscribe");
            if let Some(scene) = scene {
                cdata(&mut x, "EventKey", &format!("qrscene_{scene}"));
                cdata(&mut x, "Ticket", &format!("gQ{}", crate::state::random_string(40)));
            }
        }
        Callback::Unsubscribe => event(&mut x, "unsubscribe"),
        Callback::Scan { scene } => {
            event(&mut x, "SCAN");
            cdata(&mut x, "EventKey", scene);
            cdata(&mut x, "Ticket", &format!("gQ{}", crate::state::random_string(40)));
        }
        Callback::Click { key } => {
            event(&mut x, "CLICK");
            cdata(&mut x, "EventKey", key);
        }
        Callback::View { url } => {
            event(&mut x, "VIEW");
            cdata(&mut x, "EventKey", url);
        }
        Callback::LocationReport { latitude, longitude, precision } => {
            event(&mut x, "LOCATION");
            x.push_str(&format!(
                "<Latitude>{latitude}</Latitude><Longitude>{longitude}</Longitude><Precision>{precision}</Precision>"
            ));
        }
        Callback::MassSendJobFinish { msg_id, status, total, filtered, sent, errors } => {
            event(&mut x, "MASSSENDJOBFINISH");
            x.push_str(&format!("<MsgID>{msg_id}</MsgID>"));
            cdata(&mut x, "Status", status);
            x.push_str(&format!(
                "<TotalCount>{total}</TotalCount><FilterCount>{filtered}</FilterCount>\
                 <SentCount>{sent}</SentCount><ErrorCount>{errors}</ErrorCount>"
            ));
        }
    }
    if let (true, Some(id)) = (callback.is_message(), msg_id) {
        x.push_str(&format!("<MsgId>{id}</MsgId>"));
    }
    x.push_str("</xml>");
    x
}

/// The URL of one try: the callback URL with WeChat's query parameters added.
fn signed_url(base: &str, params: &[(&str, &str)]) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(base).map_err(|e| format!("the callback URL {base:?} is not a URL: {e}"))?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url)
}

fn random_prefix() -> [u8; 16] {
    const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    std::array::from_fn(|_| ALPHANUMERIC[rng.gen_range(0..ALPHANUMERIC.len())])
}

/// Sends the callback until an answer is accepted or the tries run out.
pub(crate) async fn deliver(
    http: &reqwest::Client,
    target: &Target,
    openid: &str,
    xml: &str,
) -> (Vec<Try>, Option<String>) {
    let mut tries = Vec::new();
    for _ in 0..target.max_tries {
        let timestamp = wall_clock().to_string();
        let nonce = nonce();
        let sig = signature(&target.token, &timestamp, &nonce);
        let mut params =
            vec![("signature", sig.as_str()), ("timestamp", &timestamp), ("nonce", &nonce), ("openid", openid)];
        let (body, msg_sig) = match (&target.crypto, target.mode) {
            (Some(crypto), Mode::Safe | Mode::Compatible) => {
                let encrypt = crypto.encrypt_with_random(xml, KeySlot::Current, random_prefix());
                let msg_sig = msg_signature(&target.token, &timestamp, &nonce, &encrypt);
                let mut body = String::from("<xml>");
                if target.mode == Mode::Compatible {
                    body.push_str(xml.trim_start_matches("<xml>").trim_end_matches("</xml>"));
                } else {
                    cdata(&mut body, "ToUserName", &target.original_id);
                }
                cdata(&mut body, "Encrypt", &encrypt);
                body.push_str("</xml>");
                (body, Some(msg_sig))
            }
            _ => (xml.to_owned(), None),
        };
        if let Some(msg_sig) = &msg_sig {
            params.push(("encrypt_type", "aes"));
            params.push(("msg_signature", msg_sig));
        }
        let url = match signed_url(&target.url, &params) {
            Ok(url) => url,
            Err(outcome) => {
                tries.push(Try { status: None, accepted: false, outcome });
                break;
            }
        };
        let request = http.post(url).header("content-type", "text/xml").body(body).timeout(target.timeout).send();
        let answer = match request.await {
            Ok(response) => {
                let status = response.status().as_u16();
                match tokio::time::timeout(target.timeout, response.bytes()).await {
                    Ok(Ok(bytes)) => Ok((status, bytes)),
                    Ok(Err(e)) => Err((Some(status), describe(&e, target.timeout))),
                    Err(_) => Err((Some(status), format!("timed out after {} ms", target.timeout.as_millis()))),
                }
            }
            Err(e) => Err((None, describe(&e, target.timeout))),
        };
        match answer {
            Ok((200, bytes)) => match check_answer(target, openid, msg_sig.is_some(), &bytes) {
                Ok((outcome, reply)) => {
                    tries.push(Try { status: Some(200), accepted: true, outcome });
                    return (tries, reply);
                }
                Err(outcome) => tries.push(Try { status: Some(200), accepted: false, outcome }),
            },
            Ok((status, _)) => {
                tries.push(Try { status: Some(status), accepted: false, outcome: format!("status {status}") })
            }
            Err((status, outcome)) => tries.push(Try { status, accepted: false, outcome }),
        }
    }
    (tries, None)
}

fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("timed out after {} ms", timeout.as_millis())
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        format!("request failed: {e}")
    }
}

/// Is the answer one WeChat takes? Empty or `success` ("received, no reply"), or a passive reply
/// addressed back to the subscriber; in safe mode it must be encrypted with a valid MsgSignature.
fn check_answer(
    target: &Target,
    openid: &str,
    encrypted: bool,
    body: &[u8],
) -> Result<(String, Option<String>), String> {
    let text = std::str::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_owned())?.trim();
    if text.is_empty() {
        return Ok(("empty".into(), None));
    }
    if text == "success" {
        return Ok(("success".into(), None));
    }
    let xml = match (&target.crypto, encrypted) {
        (Some(crypto), true) => match parse_reply_envelope(text.as_bytes()) {
            Ok(envelope) => {
                crypto
                    .decrypt_message(&envelope.msg_signature, &envelope.timestamp, &envelope.nonce, text.as_bytes())
                    .map_err(|e| format!("the encrypted reply does not open: {e}"))?
                    .xml
            }
            Err(_) if target.mode == Mode::Compatible => text.to_owned(),
            Err(e) => return Err(format!("safe mode needs an encrypted reply: {e}")),
        },
        _ => text.to_owned(),
    };
    let fields =
        parse_fields(xml.as_bytes(), MAX_XML_BYTES).map_err(|e| format!("the reply is not a passive reply: {e}"))?;
    if fields.get("ToUserName").map(str::trim) != Some(openid) {
        return Err("the passive reply's ToUserName is not the subscriber's OpenID".into());
    }
    if fields.get("FromUserName").map(str::trim) != Some(target.original_id.as_str()) {
        return Err("the passive reply's FromUserName is not the account's original ID".into());
    }
    const KINDS: &[&str] = &["text", "image", "voice", "video", "music", "news", "transfer_customer_service"];
    if !fields.get("MsgType").map(str::trim).is_some_and(|k| KINDS.contains(&k)) {
        return Err("the passive reply's MsgType is not one WeChat sends on".into());
    }
    Ok(("passive reply".into(), Some(xml)))
}

/// The GET the console sends when the merchant saves the server URL: `echostr` must come back unchanged.
pub(crate) async fn verify_url(http: &reqwest::Client, target: &Target) -> UrlCheck {
    let timestamp = wall_clock().to_string();
    let nonce = nonce();
    let echostr = rand::thread_rng().gen_range(1_000_000_000_000_000_000u64..10_000_000_000_000_000_000).to_string();
    let sig = signature(&target.token, &timestamp, &nonce);
    let params = [("signature", sig.as_str()), ("timestamp", &timestamp), ("nonce", &nonce), ("echostr", &echostr)];
    let url = match signed_url(&target.url, &params) {
        Ok(url) => url,
        Err(outcome) => return UrlCheck { verified: false, status: None, outcome },
    };
    match http.get(url).timeout(target.timeout).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let verified = status == 200 && body == echostr;
            let outcome = if verified {
                "echostr returned".to_owned()
            } else if status != 200 {
                format!("status {status}")
            } else {
                "the answer is not the echostr sent".to_owned()
            };
            UrlCheck { verified, status: Some(status), outcome }
        }
        Err(e) => UrlCheck { verified: false, status: None, outcome: describe(&e, target.timeout) },
    }
}
