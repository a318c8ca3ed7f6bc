//! Alipay's answers: `{"code": "...", "msg": "...", "sub_code": "...", "sub_msg": "..."}` inside
//! the `<method>_response` object (or `error_response` when the app id is unknown).
//!
//! Codes and msgs are those of Alipay's public error code page (公共错误码,
//! <https://opendocs.alipay.com/common/02km9f>; the same table is copied into the SDKs'
//! error maps, e.g. alipay-sdk-java-all and yansongda/pay):
//! `10000 Success`, `20000 Service Currently Unavailable` (isp.unknow-error),
//! `40001 Missing Required Arguments` (isv.missing-*), `40002 Invalid Arguments` (isv.invalid-*),
//! `40004 Business Failed` (the API's own sub_codes), `40006 Insufficient Permissions`.
//!
//! Alipay does not publish the business sub_codes of the 生活号 APIs (the v3 SDK docs list none);
//! where a rule is broken the double answers `40004 Business Failed` with an upper-case sub_code
//! named after the rule (its own, marked so in `crate::rules`), and a sub_msg in Alipay's words.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A refusal, as Alipay words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliError {
    pub code: String,
    pub msg: String,
    pub sub_code: String,
    pub sub_msg: String,
}

impl AliError {
    pub fn new(code: &str, msg: &str, sub_code: &str, sub_msg: impl Into<String>) -> Self {
        Self { code: code.into(), msg: msg.into(), sub_code: sub_code.into(), sub_msg: sub_msg.into() }
    }

    /// 20000 Service Currently Unavailable / isp.unknow-error 服务暂不可用（业务系统不可用）.
    pub fn unknown() -> Self {
        Self::new("20000", "Service Currently Unavailable", "isp.unknow-error", "服务暂不可用（业务系统不可用）")
    }

    /// 40001 Missing Required Arguments, e.g. isv.missing-signature.
    pub fn missing(sub_code: &str, sub_msg: impl Into<String>) -> Self {
        Self::new("40001", "Missing Required Arguments", sub_code, sub_msg)
    }

    /// 40002 Invalid Arguments, e.g. isv.invalid-signature.
    pub fn invalid(sub_code: &str, sub_msg: impl Into<String>) -> Self {
        Self::new("40002", "Invalid Arguments", sub_code, sub_msg)
    }

    /// 40002 isv.invalid-parameter 参数无效: a biz_content field of the wrong shape.
    pub fn parameter(sub_msg: impl Into<String>) -> Self {
        Self::invalid("isv.invalid-parameter", sub_msg)
    }

    /// 40004 Business Failed with the API's sub_code.
    pub fn business(sub_code: &str, sub_msg: impl Into<String>) -> Self {
        Self::new("40004", "Business Failed", sub_code, sub_msg)
    }

    /// The `*_response` object.
    pub fn to_json(&self) -> Value {
        json!({ "code": self.code, "msg": self.msg, "sub_code": self.sub_code, "sub_msg": self.sub_msg })
    }
}

impl std::fmt::Display for AliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({}: {})", self.code, self.msg, self.sub_code, self.sub_msg)
    }
}

/// `{"code": "10000", "msg": "Success", ...fields}`: a success with the API's fields.
pub fn success(fields: Value) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!("10000"));
    object.insert("msg".into(), json!("Success"));
    if let Value::Object(fields) = fields {
        object.extend(fields);
    }
    Value::Object(object)
}
