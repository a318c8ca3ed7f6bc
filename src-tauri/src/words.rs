//! The shell's own words (the application menu, the tray, notifications it
//! sends by itself) in the UI's language, read from the UI's language files
//! so every string has one home.

use crate::settings::Language;

const EN: &str = include_str!("../../ui/src/i18n/en.json");
const ZH_CN: &str = include_str!("../../ui/src/i18n/zh-CN.json");

pub struct Words(serde_json::Value);

impl Words {
    pub fn new(language: Language) -> Words {
        let file = match language {
            Language::En => EN,
            Language::ZhCn => ZH_CN,
        };
        Words(serde_json::from_str(file).unwrap_or_default())
    }

    /// The string at a dotted key ("appMenu.edit"); the key itself if a
    /// language file lacks it (tests check both have every key used).
    pub fn get(&self, key: &str) -> String {
        key.split('.').try_fold(&self.0, |at, part| at.get(part)).and_then(|v| v.as_str()).unwrap_or(key).to_owned()
    }

    /// As [`Words::get`], with i18next's `{{name}}` placeholders filled.
    pub fn format(&self, key: &str, values: &[(&str, String)]) -> String {
        values.iter().fold(self.get(key), |text, (name, value)| text.replace(&format!("{{{{{name}}}}}"), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_from_the_ui_language_files_with_their_placeholders_filled() {
        let zh = Words::new(Language::ZhCn);
        assert_eq!(zh.get("appMenu.edit"), "编辑");
        assert_eq!(zh.format("sync.pending", &[("count", "3".into())]), "3 项待同步");
        assert_eq!(Words::new(Language::En).get("no.such.key"), "no.such.key", "a missing key shows as itself");
    }
}
