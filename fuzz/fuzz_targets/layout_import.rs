//! A layout file, as the console imports it: what reads is written out (as
//! the export does) and reads back the same; the rules check it on both
//! platforms without failing; a menu the WeChat rules accept survives
//! WeChat's menu JSON, and Alipay's menu JSON has the menu's shape.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wicket_fuzz::{actions, check_alipay_menu, renumbered};
use wicket_model::layout::{import_wechat_menu, parse_layout, validate, wechat_menu_json, Action, RuleContext};
use wicket_model::platform::PlatformProfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(layout) = parse_layout(text) else { return };

    let pretty = serde_json::to_string_pretty(&layout).expect("a layout that was read can be written");
    assert_eq!(parse_layout(&pretty).as_ref(), Ok(&layout), "export then import gives the same layout");
    let compact = serde_json::to_string(&layout).expect("a layout that was read can be written");
    assert_eq!(parse_layout(&compact).as_ref(), Ok(&layout), "the compact form reads back the same");

    let mut valid_on_wechat = false;
    for profile in [PlatformProfile::Wechat, PlatformProfile::Alipay] {
        for alipay_chat_switch in [false, true] {
            let issues = validate(&layout, &RuleContext { profile, alipay_chat_switch });
            for issue in &issues {
                assert!(!issue.key.is_empty(), "every issue has a key: {issue:?}");
            }
            if profile == PlatformProfile::Wechat && !alipay_chat_switch {
                valid_on_wechat = issues.is_empty();
            }
        }
    }

    check_alipay_menu(&layout.menu);
    let wechat = wechat_menu_json(&layout.menu).to_string();
    let imported = import_wechat_menu(&wechat);
    // A payment's amount lives in the layout, not in the key WeChat is sent.
    let has_pay = actions(&layout.menu).iter().any(|action| matches!(action, Action::Pay { .. }));
    if valid_on_wechat && !has_pay {
        let imported = imported.unwrap_or_else(|issues| panic!("a valid menu's WeChat JSON reads back: {issues:?}"));
        assert_eq!(imported.menu, renumbered(&layout.menu), "WeChat's menu JSON gives back the menu");
        assert!(imported.notices.is_empty(), "nothing of our own JSON is left out: {:?}", imported.notices);
    }
});
