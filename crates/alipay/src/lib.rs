//! Alipay 生活号 (public service account) and OpenAPI protocol, with no I/O and no server code.
//!
//! The server's Alipay adapter, the Alipay double and the fuzz target all use this crate.
//! [`keys`] reads the keys merchants paste, [`sign`] is Alipay's RSA2/RSA signature rule,
//! [`charset`] keeps GBK requests signed over GBK bytes, [`openapi`] signs outbound calls and
//! verifies Alipay's answers.
//!
//! Every refusal is a typed error whose message says what was wrong without echoing a key or a
//! signature.

pub mod charset;
pub mod form;
pub mod keys;
pub mod openapi;
pub mod sign;

pub use charset::{Charset, CharsetError};
pub use keys::{KeyError, PrivateKey, PublicKey};
pub use openapi::{
    open_request, signed_response, timestamp, verify_response, OpenedRequest, Request, RequestError, Response,
    ResponseError,
};
pub use sign::{sign_content, ContentRule, SignType, UnknownSignType, VerifyError};
