//! Mass messages (群发, PLATFORM-RULES §3.1, WX-MASS): send by OpenID list, send to all or to a
//! tag, and the preview to one user, with what WeChat checks: at most 60 calls a minute on the mass
//! API (45011), 2 to 10,000 OpenIDs a list (40130), a `clientmsgid` of at most 64 bytes (45067)
//! under which a second send is refused with the first one's `msg_id` (45065), lists for service
//! accounts only, a subscription account's one send a day (45028), and a service account's cap of 4
//! mass messages per follower per calendar month in China time (the follower is filtered out, as
//! WeChat's `FilterCount` shows). A send to a tag needs a tag the account has (45159 otherwise) and
//! reaches the followers tagged with it. The outcome is pushed back as a `MASSSENDJOBFINISH` event.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::WxError;
use crate::state::State;

/// Calls a minute on the mass API (§3.1: ≤ 60 requests/min).
pub const MASS_CALLS_PER_MINUTE: usize = 60;
/// OpenIDs in one list (§3.1: up to 10,000; at least 2).
pub const MASS_OPENIDS_MAX: usize = 10_000;
/// A service account's mass messages per follower per calendar month (§3.1).
pub const SERVICE_MONTHLY_CAP: usize = 4;
/// `clientmsgid` length in bytes (§3.1).
pub const CLIENT_MSG_ID_MAX_BYTES: usize = 64;

/// One mass send WeChat took.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MassSend {
    pub msg_id: String,
    pub clientmsgid: Option<String>,
    /// The OpenID list, for a send by list.
    pub touser: Option<Vec<String>>,
    /// The tag, for a send to a tag; `None` with `is_to_all`.
    pub tag_id: Option<i64>,
    pub is_to_all: bool,
    pub msgtype: String,
    pub body: Value,
    /// The double's clock, Unix seconds.
    pub at: i64,
    /// `TotalCount`: the users named (or the tag's, or all).
    pub total: usize,
    /// `FilterCount`: left after WeChat's filter (unfollowed, over the monthly cap).
    pub filtered: usize,
    pub sent: usize,
    pub errors: usize,
}

/// A preview WeChat took.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MassPreview {
    pub touser: String,
    pub msgtype: String,
    pub body: Value,
    pub at: i64,
}

/// What the double keeps of an account's mass messages.
#[derive(Default)]
pub(crate) struct MassLog {
    pub sends: Vec<MassSend>,
    pub previews: Vec<MassPreview>,
    /// Subscription account (one send a day, no lists) instead of a service account.
    pub subscription: bool,
    /// When each follower received a mass message (the double's clock).
    received: HashMap<String, Vec<i64>>,
    /// The mass API's recent calls, for the rate (real time: the rate is WeChat's, not the test's).
    calls: VecDeque<Instant>,
    /// The account's user tags (`tags/get`), with their members.
    pub tags: Vec<Tag>,
    /// The article materials `media/uploadnews` made, for `mpnews` mass sends.
    pub news: Vec<News>,
}

/// An article material (`media/uploadnews`): its `media_id` and the articles as posted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct News {
    pub media_id: String,
    pub articles: Vec<Value>,
}

/// Articles in one material (WX-MASS uploadnews: "支持1到8条图文").
pub const NEWS_ARTICLES_MAX: usize = 8;

/// A user tag of the account and the OpenIDs tagged with it (WX-TAG; PLATFORM-RULES §6).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub openids: Vec<String>,
}

/// Ids 0, 1 and 2 are WeChat's reserved tags (§6): a new tag's id is above them.
pub const FIRST_TAG_ID: i64 = 100;
/// `errcode` of a tag id the account does not have (the tag APIs' "invalid tag id").
pub const INVALID_TAG_ID: i64 = 45159;

/// The totals the double reports for a send in its `MASSSENDJOBFINISH` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    pub msg_id: String,
    pub total: usize,
    pub filtered: usize,
    pub sent: usize,
    pub errors: usize,
}

/// The start (Unix seconds) of the calendar month holding `now` in China time (UTC+8).
pub fn china_month_start(now: i64) -> i64 {
    const OFFSET: i64 = 8 * 3600;
    let days = (now + OFFSET).div_euclid(86_400);
    // Civil date from days (H. Hinnant), then back to the first of the month.
    let z = days + 719_468;
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day_of_month = doy - (153 * mp + 2) / 5;
    (days - day_of_month) * 86_400 - OFFSET
}

fn china_day_start(now: i64) -> i64 {
    const OFFSET: i64 = 8 * 3600;
    (now + OFFSET).div_euclid(86_400) * 86_400 - OFFSET
}

impl State {
    /// `POST /cgi-bin/media/uploadnews`: 1 to 8 articles, each with a title, a body (`content`) and
    /// the `thumb_media_id` of a thumb this account uploaded (`media/upload?type=thumb`, ≤ 64 KB JPG);
    /// the material's `media_id`, for an `mpnews` mass send.
    pub(crate) fn upload_news(&mut self, appid: &str, body: &[u8]) -> Result<Value, WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let articles = request.get("articles").and_then(Value::as_array).ok_or_else(WxError::data_format)?.clone();
        if articles.is_empty() || articles.len() > NEWS_ARTICLES_MAX {
            return Err(WxError::new(45008, "article size out of limit"));
        }
        let now = self.now();
        let account = self.accounts.get(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        for article in &articles {
            let text = |field: &str| article.get(field).and_then(Value::as_str).unwrap_or_default();
            if text("title").trim().is_empty() {
                return Err(WxError::new(44003, "empty news data: title"));
            }
            if text("content").trim().is_empty() {
                return Err(WxError::new(44003, "empty news data: content"));
            }
            let thumb = text("thumb_media_id");
            if !account.uploads.iter().any(|u| u.media_id == thumb && u.kind == "thumb") {
                return Err(WxError::new(40007, "invalid media_id: thumb_media_id"));
            }
        }
        let media_id = format!("news-{}", self.next_msg_id());
        self.mass.entry(appid.to_owned()).or_default().news.push(News { media_id: media_id.clone(), articles });
        Ok(json!({"type": "news", "media_id": media_id, "created_at": now}))
    }

    /// `GET /cgi-bin/tags/get`: the account's tags with how many users each holds.
    pub(crate) fn tags_get(&mut self, appid: &str) -> Result<Value, WxError> {
        let tags: Vec<Value> = self
            .mass
            .get(appid)
            .map(|log| log.tags.iter().map(|t| json!({"id": t.id, "name": t.name, "count": t.openids.len()})).collect())
            .unwrap_or_default();
        Ok(json!({ "tags": tags }))
    }

    /// Tags `openids` with the tag named `name` (made when the account has none of that name); its id.
    pub(crate) fn tag_users(&mut self, appid: &str, name: &str, openids: &[String]) -> i64 {
        let log = self.mass.entry(appid.to_owned()).or_default();
        let next = log.tags.iter().map(|t| t.id + 1).max().unwrap_or(FIRST_TAG_ID);
        let at = match log.tags.iter().position(|t| t.name == name) {
            Some(at) => at,
            None => {
                log.tags.push(Tag { id: next, name: name.to_owned(), openids: vec![] });
                log.tags.len() - 1
            }
        };
        let tag = &mut log.tags[at];
        for openid in openids {
            if !tag.openids.contains(openid) {
                tag.openids.push(openid.clone());
            }
        }
        tag.id
    }
}

impl MassLog {
    fn take_call(&mut self) -> Result<(), WxError> {
        let now = Instant::now();
        while self.calls.front().is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(60)) {
            self.calls.pop_front();
        }
        if self.calls.len() >= MASS_CALLS_PER_MINUTE {
            return Err(WxError::new(45011, "api minute-quota reach limit mustslower retry next minute"));
        }
        self.calls.push_back(now);
        Ok(())
    }
}

/// The mass message's content: text, or `mpnews` naming an article material of the account
/// (`media/uploadnews`); other media need materials the double does not keep.
fn check_content(request: &serde_json::Map<String, Value>, news: &[News]) -> Result<String, WxError> {
    let msgtype = request.get("msgtype").and_then(Value::as_str).ok_or_else(WxError::data_format)?.to_owned();
    match msgtype.as_str() {
        "text" => {
            let content = request
                .get("text")
                .and_then(|t| t.get("content"))
                .and_then(Value::as_str)
                .ok_or_else(WxError::data_format)?;
            if content.is_empty() {
                return Err(WxError::new(44004, "empty content"));
            }
            Ok(msgtype)
        }
        "mpnews" => {
            let media_id = request
                .get("mpnews")
                .and_then(|m| m.get("media_id"))
                .and_then(Value::as_str)
                .ok_or_else(WxError::data_format)?;
            if !news.iter().any(|n| n.media_id == media_id) {
                return Err(WxError::new(40007, "invalid media_id"));
            }
            Ok(msgtype)
        }
        "image" | "voice" | "mpvideo" | "wxcard" | "images" => {
            Err(WxError::new(40008, "invalid message type (not modelled by the double)"))
        }
        _ => Err(WxError::new(40008, "invalid message type")),
    }
}

impl State {
    /// `POST /cgi-bin/message/mass/send` (by OpenID list) and `/cgi-bin/message/mass/sendall`
    /// (`filter: {is_to_all, tag_id}`). The answer and the report to push.
    pub(crate) fn mass_send(&mut self, appid: &str, body: &[u8], to_list: bool) -> Result<(Value, Report), WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let request = request.as_object().ok_or_else(WxError::data_format)?.clone();
        let now = self.now();
        let msg_id = self.next_msg_id();
        let subscribed: Vec<String> = {
            let account = self.accounts.get(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
            account.followers.iter().filter(|f| f.subscribed).map(|f| f.openid.clone()).collect()
        };
        let log = self.mass.entry(appid.to_owned()).or_default();
        log.take_call()?;
        let clientmsgid = match request.get("clientmsgid") {
            None => None,
            Some(Value::String(id)) if id.len() <= CLIENT_MSG_ID_MAX_BYTES => Some(id.clone()),
            Some(Value::String(_)) => return Err(WxError::new(45067, "clientmsgid size out of limit")),
            Some(_) => return Err(WxError::data_format()),
        };
        if let Some(id) = &clientmsgid {
            if let Some(before) = log.sends.iter().find(|s| s.clientmsgid.as_ref() == Some(id) && now - s.at < 86_400) {
                return Err(WxError::new(45065, format!("clientmsgid exist, msg_id {}", before.msg_id)));
            }
        }
        let msgtype = check_content(&request, &log.news)?;
        let (touser, tag_id, is_to_all) = if to_list {
            if log.subscription {
                return Err(WxError::new(48001, "api unauthorized"));
            }
            let list = request.get("touser").and_then(Value::as_array).ok_or_else(WxError::data_format)?;
            let list: Vec<String> = list
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(WxError::data_format)?;
            if list.len() < 2 || list.len() > MASS_OPENIDS_MAX {
                return Err(WxError::new(40130, "invalid openid list size, at least two openid"));
            }
            (Some(list), None, false)
        } else {
            let filter = request.get("filter").and_then(Value::as_object).ok_or_else(WxError::data_format)?;
            let is_to_all = filter.get("is_to_all").and_then(Value::as_bool).unwrap_or(false);
            let tag_id = filter.get("tag_id").and_then(Value::as_i64);
            if !is_to_all && tag_id.is_none() {
                return Err(WxError::data_format());
            }
            if let Some(id) = tag_id.filter(|_| !is_to_all) {
                if !log.tags.iter().any(|t| t.id == id) {
                    return Err(WxError::new(INVALID_TAG_ID, "invalid tag id"));
                }
            }
            if log.subscription && log.sends.iter().any(|s| s.at >= china_day_start(now)) {
                return Err(WxError::new(45028, "has no masssend quota"));
            }
            (None, tag_id, is_to_all)
        };
        // A send to all reaches every follower; to a tag, the followers tagged with it.
        let named: Vec<String> = match (&touser, tag_id.filter(|_| !is_to_all)) {
            (Some(list), _) => list.clone(),
            (None, Some(id)) => log.tags.iter().find(|t| t.id == id).map(|t| t.openids.clone()).unwrap_or_default(),
            (None, None) => subscribed.clone(),
        };
        let following: HashSet<&String> = subscribed.iter().collect();
        let month = china_month_start(now);
        let mut filtered = 0;
        let mut seen = HashSet::new();
        for openid in &named {
            if !seen.insert(openid) || !following.contains(openid) {
                continue;
            }
            let received = log.received.entry(openid.clone()).or_default();
            if !log.subscription && received.iter().filter(|at| **at >= month).count() >= SERVICE_MONTHLY_CAP {
                continue;
            }
            received.push(now);
            filtered += 1;
        }
        let report = Report { msg_id: msg_id.clone(), total: named.len(), filtered, sent: filtered, errors: 0 };
        log.sends.push(MassSend {
            msg_id: msg_id.clone(),
            clientmsgid,
            touser,
            tag_id,
            is_to_all,
            msgtype,
            body: Value::Object(request),
            at: now,
            total: report.total,
            filtered,
            sent: filtered,
            errors: 0,
        });
        let answer = json!({"errcode": 0, "errmsg": "send job submission success", "msg_id": msg_id.parse::<u64>().unwrap_or(0), "msg_data_id": msg_id.parse::<u64>().unwrap_or(0)});
        Ok((answer, report))
    }

    /// `POST /cgi-bin/message/mass/preview`: one follower, by OpenID.
    pub(crate) fn mass_preview(&mut self, appid: &str, body: &[u8]) -> Result<Value, WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let request = request.as_object().ok_or_else(WxError::data_format)?.clone();
        let now = self.now();
        let account = self.accounts.get_mut(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        let touser = request.get("touser").and_then(Value::as_str).ok_or_else(WxError::invalid_openid)?.to_owned();
        let following = account.follower_mut(&touser).is_some_and(|f| f.subscribed);
        let log = self.mass.entry(appid.to_owned()).or_default();
        log.take_call()?;
        let msgtype = check_content(&request, &log.news)?;
        if !following {
            return Err(WxError::invalid_openid());
        }
        log.previews.push(MassPreview { touser, msgtype, body: Value::Object(request), at: now });
        Ok(json!({"errcode": 0, "errmsg": "preview success", "msg_id": 0}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_in_china_begins_at_16_00_utc_the_day_before() {
        // 2026-02-01T00:30+08:00 = 2026-01-31T16:30Z.
        let now = 1_769_877_000;
        assert_eq!(china_month_start(now), 1_769_875_200, "2026-01-31T16:00Z");
        assert_eq!(china_month_start(now - 3_600), 1_767_196_800, "an hour earlier it is January: 2025-12-31T16:00Z");
    }
}
