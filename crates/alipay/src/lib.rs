//! Alipay 生活号 (public service account) and OpenAPI protocol, with no I/O and no server code.
//!
//! The server's Alipay adapter, the Alipay double and the fuzz target all use this crate.
//! [`keys`] reads the keys merchants paste, [`sign`] is Alipay's RSA2/RSA signature rule,
//! [`charset`] keeps GBK requests signed over GBK bytes, [`gateway`] checks what Alipay POSTs to
//! the application gateway and signs the answers, [`notify`] reads the subscriber events and
//! messages inside, [`openapi`] signs outbound calls and verifies Alipay's answers. [`xml`] is the
//! bounded reader (size limit, no DOCTYPE, no entity expansion).
//!
//! Every refusal is a typed error whose message says what was wrong without echoing a key or a
//! signature.

pub mod charset;
pub mod form;
pub mod gateway;
pub mod keys;
pub mod notify;
pub mod openapi;
pub mod sign;
pub mod xml;

pub use charset::{Charset, CharsetError};
pub use gateway::{
    failure_response, notify_ack, notify_ack_for, parse_form, parse_form_with_query, parse_gateway_response,
    signed_gateway_form, verifygw_response, GatewayError, GatewayRequest, GatewayResponse, MAX_BODY_BYTES,
};
pub use keys::{KeyError, PrivateKey, PublicKey};
pub use notify::{notify_xml, parse_notify, Notify, NotifyError, NotifyKind, UserInfo};
pub use openapi::{
    open_request, signed_response, timestamp, verify_response, FilePart, MultipartRequest, OpenedRequest, Request,
    RequestError, Response, ResponseError,
};
pub use sign::{check_content_keeping_empty, sign_content, ContentRule, SignType, UnknownSignType, VerifyError};
