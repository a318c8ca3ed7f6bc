//! What the fuzz targets share: reading menus back and the Alipay menu's shape.

use serde_json::Value;
use wicket_model::layout::{alipay_menu_json, Action, Menu, MenuTarget};

/// The menu with the ids an import gives: `m1`, `m2`, … and `m1_1`, … .
pub fn renumbered(menu: &Menu) -> Menu {
    let mut menu = menu.clone();
    for (index, item) in menu.items.iter_mut().enumerate() {
        item.id = format!("m{}", index + 1);
        if let MenuTarget::Submenu { items } = &mut item.target {
            for (sub_index, sub) in items.iter_mut().enumerate() {
                sub.id = format!("{}_{}", item.id, sub_index + 1);
            }
        }
    }
    menu
}

/// Every action of the menu, submenus included.
pub fn actions(menu: &Menu) -> Vec<&Action> {
    menu.items
        .iter()
        .flat_map(|item| match &item.target {
            MenuTarget::Action { action } => vec![action],
            MenuTarget::Submenu { items } => items.iter().map(|sub| &sub.action).collect(),
        })
        .collect()
}

/// Alipay's menu JSON of `menu` has its items in order, labelled as in the
/// menu, each leaf with one of Alipay's action types and a parameter.
pub fn check_alipay_menu(menu: &Menu) {
    let json = alipay_menu_json(menu);
    assert_eq!(json["type"], "text", "a text menu");
    let buttons = json["button"].as_array().expect("a button list");
    assert_eq!(buttons.len(), menu.items.len(), "one button per item");
    let leaf = |button: &Value, label: &str| {
        assert_eq!(button["name"], label, "the button is labelled as its item");
        let kind = button["action_type"].as_str().expect("a leaf has an action type");
        assert!(["link", "out", "tel", "map"].contains(&kind), "{kind} is one of Alipay's action types");
        assert!(button["action_param"].is_string(), "a leaf has a parameter");
    };
    for (button, item) in buttons.iter().zip(&menu.items) {
        match &item.target {
            MenuTarget::Action { .. } => leaf(button, &item.label),
            MenuTarget::Submenu { items } => {
                assert_eq!(button["name"], item.label.as_str(), "the submenu is labelled as its item");
                let subs = button["sub_button"].as_array().expect("a submenu has sub_button");
                assert_eq!(subs.len(), items.len(), "one sub button per submenu item");
                for (sub_button, sub) in subs.iter().zip(items) {
                    leaf(sub_button, &sub.label);
                }
            }
        }
    }
    // What Alipay is sent is JSON that reads back as itself.
    let text = json.to_string();
    assert_eq!(serde_json::from_str::<Value>(&text).expect("the menu JSON reads back"), json);
}
