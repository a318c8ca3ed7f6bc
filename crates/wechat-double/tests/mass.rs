//! The mass-message API of the double checks what WeChat checks (PLATFORM-RULES §3.1).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use common::{errcode, Fixture, APPID};
use serde_json::json;

fn text(touser: &[String], clientmsgid: &str) -> serde_json::Value {
    json!({"touser": touser, "msgtype": "text", "text": {"content": "春季新品"}, "clientmsgid": clientmsgid})
}

#[tokio::test]
async fn lists_of_two_to_ten_thousand_with_a_clientmsgid_taken_once_and_four_a_month_per_follower() {
    let f = Fixture::start(None).await;
    let fans: Vec<String> = (0..10_001).map(|i| format!("oFan{i:05}")).collect();
    f.double.add_followers(APPID, &fans).unwrap();
    let token = f.token().await;
    let send = |body: serde_json::Value| {
        let (f, token) = (&f, token.clone());
        async move { f.post_json(&format!("/cgi-bin/message/mass/send?access_token={token}"), &body).await }
    };
    assert_eq!(errcode(&send(text(&fans[..1], "a")).await), 40130, "one OpenID is too few");
    assert_eq!(errcode(&send(text(&fans, "b")).await), 40130, "10,001 are too many");
    assert_eq!(errcode(&send(text(&fans[..2], &"x".repeat(65))).await), 45067, "clientmsgid over 64 bytes");
    let first = send(text(&fans[..10_000], "c")).await;
    assert_eq!(errcode(&first), 0, "{first}");
    let again = send(text(&fans[..10_000], "c")).await;
    assert_eq!(errcode(&again), 45065, "the same clientmsgid is one send");
    assert_eq!(f.double.mass_sends(APPID).len(), 1);
    for id in ["d", "e", "f"] {
        assert_eq!(errcode(&send(text(&fans[..2], id)).await), 0);
    }
    let fifth = send(text(&fans[..3], "g")).await;
    assert_eq!(errcode(&fifth), 0, "{fifth}");
    let last = f.double.mass_sends(APPID).pop().unwrap();
    assert_eq!((last.total, last.filtered), (3, 1), "the first two had their 4 this month; the third had 1");
    f.double.advance_clock(40 * 86_400);
    let token = f.token().await;
    let url = format!("/cgi-bin/message/mass/send?access_token={token}");
    assert_eq!(errcode(&f.post_json(&url, &text(&fans[..3], "h")).await), 0);
    let next_month = f.double.mass_sends(APPID).pop().unwrap();
    assert_eq!(next_month.filtered, 3, "a new calendar month");
}

#[tokio::test]
async fn sixty_calls_a_minute_and_a_subscription_account_sends_to_all_once_a_day() {
    let f = Fixture::start(None).await;
    let fans: Vec<String> = (0..3).map(|i| format!("oFan{i}")).collect();
    f.double.add_followers(APPID, &fans).unwrap();
    let token = f.token().await;
    let preview = format!("/cgi-bin/message/mass/preview?access_token={token}");
    for _ in 0..60 {
        let answer =
            f.post_json(&preview, &json!({"touser": fans[0], "msgtype": "text", "text": {"content": "试发"}})).await;
        assert_eq!(errcode(&answer), 0, "{answer}");
    }
    let over = f.post_json(&preview, &json!({"touser": fans[0], "msgtype": "text", "text": {"content": "试发"}})).await;
    assert_eq!(errcode(&over), 45011, "the 61st call in a minute");
    assert_eq!(f.double.mass_previews(APPID).len(), 60);

    let g = Fixture::start(None).await;
    g.double.add_followers(APPID, &fans).unwrap();
    g.double.set_subscription_account(APPID, true);
    let token = g.token().await;
    let list = g.post_json(&format!("/cgi-bin/message/mass/send?access_token={token}"), &text(&fans, "a")).await;
    assert_eq!(errcode(&list), 48001, "lists are for service accounts");
    let all = json!({"filter": {"is_to_all": true}, "msgtype": "text", "text": {"content": "今日特价"}});
    let sendall = format!("/cgi-bin/message/mass/sendall?access_token={token}");
    assert_eq!(errcode(&g.post_json(&sendall, &all).await), 0);
    assert_eq!(errcode(&g.post_json(&sendall, &all).await), 45028, "once a day");
    assert_eq!(g.double.mass_sends(APPID)[0].filtered, 3, "to every follower");
}

#[tokio::test]
async fn a_send_to_a_tag_reaches_the_followers_tagged_with_it_and_needs_a_tag_the_account_has() {
    let f = Fixture::start(None).await;
    let fans: Vec<String> = (0..4).map(|i| format!("oFan{i}")).collect();
    f.double.add_followers(APPID, &fans).unwrap();
    let vip = f.double.tag_users(APPID, "VIP", &fans[..2]);
    assert_eq!(f.double.tag_users(APPID, "VIP", &fans[1..3]), vip, "the same name is the same tag");
    let token = f.token().await;
    let tags = f.get(&format!("/cgi-bin/tags/get?access_token={token}")).await;
    assert_eq!(tags["tags"], json!([{"id": vip, "name": "VIP", "count": 3}]), "{tags}");
    let sendall = format!("/cgi-bin/message/mass/sendall?access_token={token}");
    let to = |tag_id: i64| {
        json!({"filter": {"is_to_all": false, "tag_id": tag_id}, "msgtype": "text", "text": {"content": "会员日"},
            "clientmsgid": format!("t{tag_id}")})
    };
    assert_eq!(errcode(&f.post_json(&sendall, &to(vip + 1)).await), 45159, "no such tag");
    let no_tag = json!({"filter": {"is_to_all": false}, "msgtype": "text", "text": {"content": "会员日"}});
    assert_eq!(errcode(&f.post_json(&sendall, &no_tag).await), 47001, "a filter names a tag or is to all");
    assert_eq!(errcode(&f.post_json(&sendall, &to(vip)).await), 0);
    let sent = f.double.mass_sends(APPID).pop().unwrap();
    assert_eq!((sent.tag_id, sent.is_to_all, sent.total, sent.filtered), (Some(vip), false, 3, 3));
}

/// A JPEG thumb uploaded as WeChat's `media/upload?type=thumb`: its media_id.
async fn upload_thumb(f: &Fixture, token: &str, bytes: &[u8]) -> serde_json::Value {
    let boundary = "----wicketdoubleboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"cover.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let url = f.url(&format!("/cgi-bin/media/upload?access_token={token}&type=thumb"));
    let response = f
        .http
        .post(url)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_mpnews_send_names_an_article_material_made_from_an_uploaded_thumb() {
    let f = Fixture::start(None).await;
    let fans: Vec<String> = (0..2).map(|i| format!("oFan{i}")).collect();
    f.double.add_followers(APPID, &fans).unwrap();
    let token = f.token().await;
    let thumb = upload_thumb(&f, &token, b"\xff\xd8\xff\xe0 a small jpeg").await;
    let thumb_id = thumb["media_id"].as_str().expect("a thumb media_id").to_owned();
    let news = format!("/cgi-bin/media/uploadnews?access_token={token}");
    let article = |thumb: &str, title: &str| {
        json!({"articles": [{"thumb_media_id": thumb, "title": title, "content": "<p>春季</p>",
            "content_source_url": "https://shop.example/new", "digest": "春季"}]})
    };
    assert_eq!(errcode(&f.post_json(&news, &article("nope", "新品")).await), 40007, "a thumb it did not upload");
    assert_eq!(errcode(&f.post_json(&news, &article(&thumb_id, " ")).await), 44003, "a title");
    assert_eq!(errcode(&f.post_json(&news, &json!({"articles": []})).await), 45008, "1 to 8 articles");
    let made = f.post_json(&news, &article(&thumb_id, "新品上市")).await;
    let media_id = made["media_id"].as_str().expect("a material's media_id").to_owned();
    assert_eq!(f.double.news(APPID)[0].articles[0]["title"], "新品上市");
    let send = format!("/cgi-bin/message/mass/send?access_token={token}");
    let mpnews =
        |id: &str| json!({"touser": fans, "msgtype": "mpnews", "mpnews": {"media_id": id}, "send_ignore_reprint": 0});
    assert_eq!(errcode(&f.post_json(&send, &mpnews("news-0")).await), 40007, "a material it did not make");
    assert_eq!(errcode(&f.post_json(&send, &mpnews(&media_id)).await), 0);
    assert_eq!(f.double.mass_sends(APPID)[0].msgtype, "mpnews");
}
