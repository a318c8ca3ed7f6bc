//! Platform rules as data: one table per platform profile. Every check in
//! Wicket reads its figures from here; the figures and their sources are in
//! the project's PLATFORM-RULES notes.

use crate::account::PlatformProfile;

/// How a platform counts the length of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Unicode characters (what a person counts).
    Chars,
    /// Bytes of UTF-8 (WeChat's menu names).
    Utf8Bytes,
}

impl LengthUnit {
    pub fn measure(self, text: &str) -> usize {
        match self {
            LengthUnit::Chars => text.chars().count(),
            LengthUnit::Utf8Bytes => text.len(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthRule {
    pub min: usize,
    pub max: usize,
    pub unit: LengthUnit,
}

/// The rules of one platform profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformRules {
    /// The public name of the account. Alipay: 2–20 characters
    /// (`alipay.open.public.info.modify`). WeChat publishes no API rule for
    /// the name; Wicket keeps it to 30 characters so it fits the profile page.
    pub account_name: LengthRule,
}

/// Rules that are Wicket's own, the same on every platform.
pub mod wicket {
    /// The merchant's own category label (e.g. "Credit cards").
    pub const CATEGORY_MAX_CHARS: usize = 40;
    /// The description staff see in the console.
    pub const DESCRIPTION_MAX_CHARS: usize = 200;
}

pub const ALIPAY: PlatformRules = PlatformRules {
    account_name: LengthRule {
        min: 2,
        max: 20,
        unit: LengthUnit::Chars,
    },
};

pub const WECHAT: PlatformRules = PlatformRules {
    account_name: LengthRule {
        min: 1,
        max: 30,
        unit: LengthUnit::Chars,
    },
};

pub fn for_profile(profile: PlatformProfile) -> &'static PlatformRules {
    match profile {
        PlatformProfile::Alipay => &ALIPAY,
        PlatformProfile::Wechat => &WECHAT,
    }
}
