//! Properties over arbitrary input: nothing panics, and what Wicket seals opens to itself.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use proptest::prelude::*;
use wicket_wechat::{fuzz_callback, parse_inbound, parse_reply_envelope, text_reply, Inbound, KeySlot, WechatCrypto};

fn crypto() -> WechatCrypto {
    WechatCrypto::new("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        fuzz_callback(&data);
    }

    #[test]
    fn xml_shaped_noise_never_panics(doc in "<xml>(<[A-Za-z_]{1,8}>([^<&]{0,16}|<!\\[CDATA\\[[^\\]]{0,16}\\]\\]>|&[a-z#0-9]{1,6};)</[A-Za-z_]{1,8}>){0,8}</xml>") {
        fuzz_callback(doc.as_bytes());
    }

    /// Any reply text survives the passive-reply XML and the AES envelope unchanged.
    #[test]
    fn sealed_text_reply_opens_to_the_same_content(content in "\\PC{0,200}", ts in 0i64..4_000_000_000, nonce in "[A-Za-z0-9]{1,16}") {
        let c = crypto();
        let reply = text_reply("oFan", "gh_account", ts, &content);
        let sealed = c.encrypt_reply(&reply, ts, &nonce, KeySlot::Current);
        let envelope = parse_reply_envelope(sealed.as_bytes()).unwrap();
        let opened = c.decrypt_message(&envelope.msg_signature, &ts.to_string(), &nonce, sealed.as_bytes()).unwrap();
        prop_assert_eq!(&opened.xml, &reply);
        // The reply is itself a well-formed WeChat document whose Content is the text given.
        let doc = format!("{}<MsgId>1</MsgId></xml>", reply.trim_end_matches("</xml>"));
        let parsed = parse_inbound(doc.as_bytes()).unwrap();
        prop_assert_eq!(parsed.kind, Inbound::Text { content });
    }
}
