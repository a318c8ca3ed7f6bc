//! A WeChat menu, as the menu editor imports it: what reads is written back
//! as WeChat's JSON and reads again as the same menu with nothing left
//! out; its Alipay JSON has the menu's shape; the layout holding it is
//! written and read back the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wicket_fuzz::{check_alipay_menu, renumbered};
use wicket_model::layout::{import_wechat_menu, parse_layout, wechat_menu_json, Layout};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(import) = import_wechat_menu(text) else { return };
    let menu = import.menu;
    assert_eq!(renumbered(&menu), menu, "items are numbered m1, m2, … and m1_1, …");

    let again = import_wechat_menu(&wechat_menu_json(&menu).to_string())
        .unwrap_or_else(|issues| panic!("an imported menu's own JSON reads back: {issues:?}"));
    assert_eq!(again.menu, menu, "import, export, import gives the same menu");
    assert!(again.notices.is_empty(), "nothing of our own JSON is left out: {:?}", again.notices);

    check_alipay_menu(&menu);

    // The designer keeps the menu in a layout, saved as JSON.
    let layout = Layout { menu, ..Layout::default() };
    let saved = serde_json::to_string(&layout).expect("a layout with an imported menu can be saved");
    assert_eq!(parse_layout(&saved), Ok(layout), "and reads back the same");
});
