//! The signer and verifier against published vectors, byte for byte.
//!
//! Every vector is copied from a public repository; the file, and the commit it was read at, are
//! named above it. RSA PKCS#1 v1.5 is deterministic, so where a suite publishes a signature and
//! its private key, signing their content must give their signature exactly; where it publishes
//! only Alipay's public key (real notifications and answers), the signature must verify and any
//! change to the content must be refused.
//!
//! Alipay publishes no GBK vector that was found. The GBK vectors below use the Java SDK's
//! published key and were computed with OpenSSL 3.0 (an implementation independent of this crate):
//! `printf '%s' "$CONTENT" | iconv -f UTF-8 -t GBK | openssl dgst -sha256 -sign ProdCert.pem | base64 -w0`.
//! The same command without iconv reproduces the Java SDK's own published UTF-8 vector, which
//! is what makes it a fair oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use wicket_alipay::gateway::{signed_gateway_form_with_rule, SERVICE_NOTIFY};
use wicket_alipay::openapi::verify_response_in;
use wicket_alipay::sign::{sign, sign_content, verify};
use wicket_alipay::{
    parse_form, signed_gateway_form, verify_response, Charset, ContentRule, GatewayError, GatewayRequest, KeyError,
    NotifyKind, PrivateKey, PublicKey, Request, ResponseError, SignType, VerifyError,
};

fn request(params: &[(&str, &str)], sign_type: SignType) -> GatewayRequest {
    GatewayRequest {
        service: String::new(),
        charset: Charset::Utf8,
        sign_type,
        params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        raw: params.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// alipay/alipay-sdk-java-all: src/test/java/com/alipay/api/RSACheckTest.java (read at 078e14a8a66a),
// its key "ProdCert" in src/test/resources/fixture/privateKey.json (read at 72e688789a2e), bare
// base64 PKCS#8 as Alipay's key tool exports it for Java. The test verifies with the public key of
// fixture/appCertPublicKey_2019091767145019.crt (read at 9b90dcce54ee), which is this key's.
// RSACheckTest calls rsaCheckV2: the content keeps sign_type.
// ---------------------------------------------------------------------------------------------
mod java_sdk {
    use super::*;

    pub const PROD_CERT: &str = include_str!("vectors/alipay-sdk-java-all/ProdCert.txt");
    /// The SubjectPublicKeyInfo inside appCertPublicKey_2019091767145019.crt (`openssl x509 -pubkey`).
    const CERT_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAjuWo0SEz7Oa6h927DFEL8d4BxhbVLX9iahEQXvURXZu3jF7FyzSneE8YTEzUhe6vscRl9zWOyr7tTaSFGg0RWxp0FkyxU9O1zdqK6IdY3+BSJJvi4z+GcBFBJS3UzuYRfGklHPSRYmxJSqNzHYGi+7TRwYVshkZe/8fzpDMF8+lF32oBPfSt9KJlvcKO2J5UxOrrTCZYh13z/WtmkbL4QRcEYaRc5CgZMGBReh9AjPCtaKABM23/42DHrS440x4lMuTVFij7UX9XaJY2CwQKqFTrbzeJDpJyOZSGs5VW6HbRM5JoXHbFzM0LULDmo/6Ea0hOdi4YhMNXFKGjWT7ThQIDAQAB";

    const METHOD: (&str, &str) = ("method", "koubei.marketing.data.indicator.query");
    const APP_ID: (&str, &str) = ("app_id", "2019090366875133");

    /// should_pass_rsa_check_when_sign_type_is_rsa (SHA1withRSA).
    const SIGN_RSA: &str = "RkEZgdCVF4TF48+tVZlPLEUMgrOoff3TGynWtXRUmzMXxmsCX8Y9YtpZE+NNg/JGpYQ5htTDd8PXVqiG5fqvzE2g4ugDutr++BeQ2eJQ1uhasp6VIPTSAPWHRD7FSXqZfOoWvxeFHF9WGnzXw5eueOdGMZYXdjhR6srj+ZAeJxyR402FVNbRuI/hDZVq27xWi4CQ2ffdV0lf7E2V/HMUPXECbIKkTnLXrwJBmsLgTGbTDGf7pGo0y0rkRvdsg9BmPPswfTeq/o2rlxD0XxrK1MPZ4uSPFhpdWVEyNchtXEfKoVsaYeVXV3cMfZi9zcKc6RCE8ezF9LxRJp1R0BxKEg==";
    /// should_pass_rsa_check_when_sign_type_is_rsa2.
    const SIGN_RSA2: &str = "JzoDc8VxY1/w6yN9WdWV10aipS3YcRpK+jw4xfLybf90ZK9L3AHLUJbNLWVnHW3IuLoJbBeSGVxSbPBhe4ggPklcYUkPowgtlZ6YlthuQDtjF23h2obXuXkQRd+RPbDWvOA5AYQjsKH8uSHil5aRARewPIPhukl9Mn4HEovUccsBR/RirQFSGmGYiMM0zvhVSR7pXZDEhiADzvzAkvVVTI1/HbNqcoBU4ctSPAGsuDPO/mah1+IwGQAuPP6xoEPL+3zQ0wztQCwHT2o8aQmxFJ9a09q8ybRprHaNjCgTaLDeTWE0o1pllZIE8c7wnG3cOuj6quYjTcQyLm6P4M87Zw==";
    /// should_pass_rsa_check_when_charset_is_utf8: a Chinese value.
    const SIGN_CHINESE: &str = "KrRGUY3/2JX3KtlLgus8CbK0xuUIBDCpOdJkVzJDefez6HvlA8RA6uCVj2rrMd7DgVfarG5SROdSnkZbf8MLKHbVoFqi9w0QCvto9mc8n3ezfWejZECJVCZhbJ3OslB+4gij9+F70usrnCNEJZm02ntyNdVzcqMbgdRMB93BJIRC1jjmCotpXgXWrRdTb/SfhIAkoHqgGi2aCUHuLDInLGZCn8NeziGWMnFOic6/sE/nMpwriOmwLb2nyzD0fGiolwuuxlOGMcBHAb22J8XqchFHyCpbs2A/rWdJMjhUfqsErbtZQM93fi1xfL2pUa9RMWX0Q81Qk7iSEeHCR+NGyQ==";

    pub fn key() -> PrivateKey {
        PrivateKey::parse(PROD_CERT).unwrap()
    }

    #[test]
    fn java_sdk_key_is_the_certificates_key() {
        assert_eq!(key().public_key_base64(), CERT_PUBLIC_KEY);
        assert_eq!(PublicKey::parse(CERT_PUBLIC_KEY).unwrap(), key().public_key());
    }

    #[test]
    fn java_sdk_signatures_are_reproduced_byte_for_byte() {
        let cases = [
            (SignType::Rsa, vec![METHOD, APP_ID, ("sign_type", "RSA")], SIGN_RSA),
            (SignType::Rsa2, vec![METHOD, APP_ID, ("sign_type", "RSA2")], SIGN_RSA2),
            (SignType::Rsa2, vec![METHOD, APP_ID, ("extra", "中文测试"), ("sign_type", "RSA2")], SIGN_CHINESE),
        ];
        for (sign_type, params, expected) in cases {
            let content = sign_content(params.iter().copied(), ContentRule::V2);
            assert_eq!(sign(&key(), sign_type, content.as_bytes()), expected, "content {content}");
            assert_eq!(verify(&key().public_key(), sign_type, content.as_bytes(), expected), Ok(()));
        }
    }

    #[test]
    fn java_sdk_chinese_vector_is_the_v2_content_in_utf8() {
        let params = [METHOD, APP_ID, ("extra", "中文测试"), ("sign_type", "RSA2"), ("sign", SIGN_CHINESE)];
        assert_eq!(
            sign_content(params, ContentRule::V2),
            "app_id=2019090366875133&extra=中文测试&method=koubei.marketing.data.indicator.query&sign_type=RSA2"
        );
        assert_eq!(request(&params, SignType::Rsa2).verify(&key().public_key()), Ok(()), "through the gateway check");
        let tampered = [METHOD, APP_ID, ("extra", "中文测验"), ("sign_type", "RSA2"), ("sign", SIGN_CHINESE)];
        assert!(request(&tampered, SignType::Rsa2).verify(&key().public_key()).is_err(), "one character changed");
    }
}

// ---------------------------------------------------------------------------------------------
// alipay/alipay-sdk-nodejs-all: test/alipay.test.ts and test/fixtures/ (both last changed in
// 46ad56e245ab, read at e1676390871e). Its checkNotifySign keeps sign_type first, then drops it.
// ---------------------------------------------------------------------------------------------
mod nodejs_sdk {
    use super::*;

    const APP_PRIVATE_PKCS1_PEM: &str = include_str!("vectors/alipay-sdk-nodejs-all/app-private-key.pem");
    const APP_PRIVATE_PKCS8_PEM: &str = include_str!("vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");
    const APP_PRIVATE_PKCS1_BARE: &str = include_str!("vectors/alipay-sdk-nodejs-all/app-private-key-no-wrapper.pem");
    const APP_PRIVATE_PKCS8_BARE: &str =
        include_str!("vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8-no-wrapper.pem");
    const APP_PUBLIC_PEM: &str = include_str!("vectors/alipay-sdk-nodejs-all/app-public-key.pem");
    const APP_PUBLIC_BARE: &str = include_str!("vectors/alipay-sdk-nodejs-all/app-public-key-no-wrapper.pem");
    const ALIPAY_PUBLIC_PEM: &str = include_str!("vectors/alipay-sdk-nodejs-all/alipay-public-key.pem");
    const NOTIFY_KEY_V2_PEM: &str = include_str!("vectors/alipay-sdk-nodejs-all/alipay-notify-sign-public-key-v2.pem");
    /// notifyAlipayPublicKeyV1, written in the test itself.
    const NOTIFY_KEY_V1: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB";

    #[test]
    fn nodejs_fixture_keys_read_in_every_form() {
        let forms = [APP_PRIVATE_PKCS1_PEM, APP_PRIVATE_PKCS8_PEM, APP_PRIVATE_PKCS1_BARE, APP_PRIVATE_PKCS8_BARE];
        for text in forms {
            let key = PrivateKey::parse(text).unwrap();
            assert_eq!(key.public_key_base64(), APP_PUBLIC_BARE.trim(), "PEM or bare, PKCS#1 or PKCS#8: one key");
        }
        assert_eq!(PublicKey::parse(APP_PUBLIC_PEM).unwrap(), PublicKey::parse(APP_PUBLIC_BARE).unwrap());
        assert_eq!(PrivateKey::parse(APP_PUBLIC_PEM), Err(KeyError::PublicNotPrivate));
        assert_eq!(PublicKey::parse(APP_PRIVATE_PKCS8_BARE), Err(KeyError::PrivateNotPublic));
    }

    /// "verify sign should delete sign_type / with sign_type arguments verify success": a real
    /// Alipay trade notification, Chinese subject, signed by the V1 rule.
    fn trade_notify(subject: &str) -> Vec<(&str, &str)> {
        vec![
            ("gmt_create", "2019-08-15 15:56:22"),
            ("charset", "utf-8"),
            ("seller_email", "z97-yuquerevenue@service.aliyun.com"),
            ("subject", subject),
            ("sign", "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ=="),
            ("buyer_id", "2088102534368455"),
            ("invoice_amount", "0.10"),
            ("notify_id", "2019081500222155624068450559358070"),
            // The test passes an array; the SDK signs its JSON.stringify, as Alipay's form carries it.
            ("fund_bill_list", r#"[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]"#),
            ("notify_type", "trade_status_sync"),
            ("trade_status", "TRADE_SUCCESS"),
            ("receipt_amount", "0.10"),
            ("buyer_pay_amount", "0.10"),
            ("sign_type", "RSA2"),
            ("app_id", "2019073166072302"),
            ("seller_id", "2088531891668739"),
            ("gmt_payment", "2019-08-15 15:56:24"),
            ("notify_time", "2019-08-15 15:56:25"),
            ("version", "1.0"),
            ("out_trade_no", "20190815155618536-564-57"),
            ("total_amount", "0.10"),
            ("trade_no", "2019081522001468450512505578"),
            ("auth_app_id", "2019073166072302"),
            ("buyer_logon_id", "xud***@126.com"),
            ("point_amount", "0.00"),
        ]
    }

    #[test]
    fn nodejs_v1_notify_verifies_by_falling_back_to_v1() {
        let key = PublicKey::parse(NOTIFY_KEY_V1).unwrap();
        let params = trade_notify("语雀空间 500人规模");
        let signature = params.iter().find(|(k, _)| *k == "sign").unwrap().1;
        let v1 = sign_content(params.iter().copied(), ContentRule::V1);
        let v2 = sign_content(params.iter().copied(), ContentRule::V2);
        assert_eq!(verify(&key, SignType::Rsa2, v1.as_bytes(), signature), Ok(()), "Alipay signed the V1 content");
        assert_eq!(verify(&key, SignType::Rsa2, v2.as_bytes(), signature), Err(VerifyError::Mismatch));
        assert_eq!(request(&params, SignType::Rsa2).verify(&key), Ok(()), "V2 first, then V1");
        let tampered = trade_notify("语雀空间 501人规模");
        assert!(matches!(
            request(&tampered, SignType::Rsa2).verify(&key),
            Err(GatewayError::Signature(VerifyError::Mismatch))
        ));
    }

    /// "verify sign should delete sign_type / verify fail": a signature that belongs to other data.
    #[test]
    fn nodejs_v1_notify_with_a_foreign_signature_is_refused() {
        let key = PublicKey::parse(NOTIFY_KEY_V1).unwrap();
        let params = [
            ("app_id", "2018121762595097"),
            ("auth_app_id", "2018121762595097"),
            ("buyer_id", "2088512613526436"),
            ("buyer_logon_id", "152****6706"),
            ("buyer_pay_amount", "0.01"),
            ("charset", "utf-8"),
            ("fund_bill_list", r#"[{"amount":"0.01","fundChannel":"PCREDIT"}]"#),
            ("gmt_create", "2019-05-23 14:13:56"),
            ("gmt_payment", "2019-05-23 14:17:13"),
            ("invoice_amount", "0.01"),
            ("notify_id", "2019052300222141714026431019971405"),
            ("notify_time", "2019-05-23 14:17:14"),
            ("notify_type", "trade_status_sync"),
            ("out_trade_no", "tpxy23962362669658"),
            ("point_amount", "0.00"),
            ("receipt_amount", "0.01"),
            ("seller_email", "myapp@alitest.com"),
            ("seller_id", "2088331578818800"),
            ("sign", "T946S2qyNFAXLhAaRgNMmatxH6SO3MyWYFnTamQOgW1iAcheL/Zz+VoizwvEc6mTEwYewvvKS1wNkMQ1oEajMUHv9+cXQ9IFvU/qKS9Ktvw5xHvCaK0fj7LsVcQ7VxfyT3kSvXUDfKDP4cHSPuSZKwM2ybkzr53bIH9OUTpTQd2d3J0rbdf76OoUt+XF9vwqj7OVE7AGjH2HPWp842DgL/YVy4qeA9N2uFKRevT3YUskjaRxuI/E66reNjTMFhbjEqGLKvMcDD4BaQXnibq9ojAj60589fBwzKk3yWsVQmqGfksMQoheVMtZ3lAw4o2ty3TFngbVFFLwgx8FDpBZ9Q=="),
            ("sign_type", "RSA2"),
            ("subject", "tpxy2222896485"),
            ("total_amount", "0.01"),
            ("trade_no", "111111112019052322001426431037869358"),
            ("trade_status", "TRADE_SUCCESS"),
            ("version", "1.0"),
        ];
        assert!(request(&params, SignType::Rsa2).verify(&key).is_err());
    }

    /// "verify sign should not delete sign_type": a real service-market notification, Chinese
    /// values, signed by the V2 rule.
    fn servicemarket_notify(service_code: &str) -> Vec<(&str, &str)> {
        vec![
            ("app_id", "2017122801303261"),
            ("charset", "UTF-8"),
            ("commodity_order_id", "2019030800000018079639"),
            ("contactor", "技术支持测试的公司"),
            ("merchant_pid", "2088721996721370"),
            ("method", "alipay.open.servicemarket.order.notify"),
            ("name", "技术支持测试的公司"),
            ("notify_id", "2019030800222102023008121054923345"),
            ("notify_time", "2019-03-08 10:20:23"),
            ("notify_type", "servicemarket_order_notify"),
            ("order_item_num", "1"),
            ("order_ticket", "29b1c37d99ab48c5bd5bdaeaeaefbB37"),
            ("order_time", "2019-03-08 10:20:08"),
            ("phone", "17826894615"),
            ("service_code", service_code),
            ("sign", "MsK5SCw8oqLw4f0hiNSd5OVGXxBY3wnQeT8vn5PklJSZFWSZbK4hQbNvkp4ZezeXQH514cEv0ul6Qow8yh6e6yM06LfEL+EZjcpZ0nxzFGRNQ5qq2AUc1OaXQdk92AGvxh+Iq4NGpPQFBd4D8EBJa3NJd8+czMfQskceosOQFqUtLQMYa5DPs+VpN7VM5BdXjaVIuKn5d9Wm2B9dI9ObIM+YRySDkZZPv14DVmUvcrcqJfOR8aHvtSd7B4l92wUQPQgQKNcOQho7xOHS/Bk+Y74AZL2y7TkNmdDoq9OGsThuF5tDW9rI9nVwXxOtsuB+bstra+W7aw9x9DvkKgdSRw=="),
            ("sign_type", "RSA2"),
            ("timestamp", "2019-03-08 10:20:23"),
            ("title", "麦禾商城模版"),
            ("total_price", "0.00"),
            ("version", "1.0"),
        ]
    }

    #[test]
    fn nodejs_v2_notify_verifies_and_a_changed_parameter_is_refused() {
        let key = PublicKey::parse(NOTIFY_KEY_V2_PEM).unwrap();
        let params = servicemarket_notify("58621634");
        let signature = params.iter().find(|(k, _)| *k == "sign").unwrap().1;
        let v2 = sign_content(params.iter().copied(), ContentRule::V2);
        let v1 = sign_content(params.iter().copied(), ContentRule::V1);
        assert_eq!(verify(&key, SignType::Rsa2, v2.as_bytes(), signature), Ok(()), "Alipay signed the V2 content");
        assert_eq!(verify(&key, SignType::Rsa2, v1.as_bytes(), signature), Err(VerifyError::Mismatch));
        assert_eq!(request(&params, SignType::Rsa2).verify(&key), Ok(()));
        // Their "verify fail" case: service_code 58621634111 under the same signature.
        let tampered = servicemarket_notify("58621634111");
        assert!(request(&tampered, SignType::Rsa2).verify(&key).is_err());
        // The same notification posted as a form: percent-encoded Chinese read back and verified.
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.extend_pairs(params.iter().copied()).append_pair("service", "x");
        let form = parse_form(body.finish().as_bytes()).unwrap();
        assert!(form.verify(&key).is_err(), "an added parameter is signed content too");
    }

    /// checkResponseSign "should work": a real answer of alipay.open.file.upload with the SDK's
    /// Alipay public key fixture.
    #[test]
    fn nodejs_real_response_verifies_on_its_raw_text() {
        let key = PublicKey::parse(ALIPAY_PUBLIC_PEM).unwrap();
        let body = r#"{"alipay_open_file_upload_response":{"code":"10000","msg":"Success","file_id":"CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr"},"sign":"F+LDzpTNiavn7xVZPGuPCSSVRSmWzJGgtuji6tVELGEaqMaNj0jRKXUEr5nloZJBBmwEnddOyCjjepMmrTKTvoOqQ0Efxpr/R1iEeHTHVbb/Q8TTh6Up5gHJDkILdaWS2q1cWeQ6VT+HQY9P3WRXS7uhILHuDODIhpAyCu5KhWGt0rMCIG+Im6NODJP2oohtSCtmTFXg58HH587Z2y2bdbjzOxLvzD9IrU1imghXQ2S/Q+wMIvRk9on6cWnBLkrNvJKapA2ReNGWOwyuASvB9zDVzhMPbR+3mfRGkVDxsq5HYLjBKGskJMXHw0HuugZij6ScRuaLPODhmHwr/pJ9yw=="}"#;
        let response = verify_response(body, "alipay.open.file.upload", &key, SignType::Rsa2).unwrap();
        assert!(response.is_success());
        assert_eq!(response.body["file_id"], "CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr");
        let tampered = body.replace("CAxAToWB1Js", "CAxAToWB1Jt");
        assert_eq!(
            verify_response(&tampered, "alipay.open.file.upload", &key, SignType::Rsa2),
            Err(ResponseError::Signature(VerifyError::Mismatch))
        );
        // Their "sign not match" case: the signature replaced.
        let wrong = body.replace("F+LDzpTNiavn", "G+LDzpTNiavn");
        assert!(verify_response(&wrong, "alipay.open.file.upload", &key, SignType::Rsa2).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// yansongda/pay: tests/Plugin/Alipay/V2/AddPayloadSignaturePluginTest.php (last changed in
// f427f0df0766) and the key app_secret_cert of tests/TestCase.php (bare base64 PKCS#1), read at
// 45f1b1feac77. The plugin signs every payload parameter, sorted, raw values (the V2 rule).
// ---------------------------------------------------------------------------------------------
mod yansongda {
    use super::*;

    const APP_SECRET_CERT: &str = include_str!("vectors/yansongda-pay/app_secret_cert.txt");
    const EXPECTED: &str = "FrzUwXziVWK2x5glZkGoQ6dGR87O33APv3D/lWjVqPrFnMwcYjOYyln1B1bw5VuOwokLRmqcwWuTumBg8Q+n4FkVR3DMCvL8ywTBp5+6pRAETfhFop4m+r6jI+dgOavwyoZ69CWCzCcEyb0vMjgrV2eoSI4bgLjJyPcGpZ+iDBTSvE6eVxs05bUjainAOB5NnAvME06nkaxGLB4qwF9c3SQoiZt7QcMRdyy6mRItZxRaEjMm6qX8dfPuuquJC4wpTRk8PQeu5EMR4yyc1atxso3CMovjkGr5LzDtqLNseyqqorYW+Gfu3ugHSs9aqkwAAysg79O6TsvuFa9OHq64Tg==";

    fn payload() -> Vec<(&'static str, &'static str)> {
        vec![
            ("app_id", "9021000122682882"),
            ("method", "alipay.trade.query"),
            ("format", "JSON"),
            ("return_url", "http://hk.ysdor.cn/index.php"),
            ("charset", "utf-8"),
            ("sign_type", "RSA2"),
            ("timestamp", "2023-12-21 06:54:37"),
            ("version", "1.0"),
            ("notify_url", "http://hk.ysdor.cn/index.php"),
            ("app_cert_sn", "e90dd23a37c5c7b616e003970817ff82"),
            ("alipay_root_cert_sn", "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"),
            ("biz_content", r#"{"out_trade_no":"1703141270"}"#),
        ]
    }

    #[test]
    fn yansongda_request_signature_is_reproduced_byte_for_byte() {
        let key = PrivateKey::parse(APP_SECRET_CERT).unwrap();
        let content = sign_content(payload(), ContentRule::V2);
        assert_eq!(sign(&key, SignType::Rsa2, content.as_bytes()), EXPECTED);
    }

    #[test]
    fn yansongda_signed_request_opens_on_the_doubles_side() {
        let key = PrivateKey::parse(APP_SECRET_CERT).unwrap();
        let mut params = payload();
        params.push(("sign", EXPECTED));
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.extend_pairs(params);
        let opened = wicket_alipay::open_request(body.finish().as_bytes(), |app_id| {
            (app_id == "9021000122682882").then(|| key.public_key())
        })
        .unwrap();
        assert_eq!(opened.method, "alipay.trade.query");
        assert_eq!(opened.biz_content, r#"{"out_trade_no":"1703141270"}"#);
    }
}

// ---------------------------------------------------------------------------------------------
// GBK, and this crate's own request and answer shapes, with the Java SDK's published key; the
// expected signatures computed with OpenSSL 3.0.19 as described at the top of this file.
// ---------------------------------------------------------------------------------------------
mod openssl_oracle {
    use super::*;
    use java_sdk::key;

    const TEXT_XML: &str = "<XML><AppId><![CDATA[2019091767145019]]></AppId><FromAlipayUserId><![CDATA[2088102122524333]]></FromAlipayUserId><CreateTime>1700000000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Text><Content><![CDATA[你好，生活号]]></Content></Text><MsgId><![CDATA[2311150000000001]]></MsgId></XML>";
    /// RSA2 over the GBK bytes of `biz_content=…&charset=GBK&service=…&sign_type=RSA2`.
    const TEXT_GBK_RSA2: &str = "Ygjm5yvWt469tYEJR9x91KIFVBt+z7Zro9QzHIgUfLoD2bGdcWx4GQqvdEtodj7VOEF96pBZoEvoc6EbRcHt89sfB9P4Op3F0VcKTzGOvQ+vgMvewLOIIT88KQCVK6T7I+TJ+ch2SIoM6LuAA5KIuFVQlq9RCt2B5vL93tPyKF6kt4NDeCLOuMgs6e57kw3xzPKEEJRoskRFGRWZBGOBMjX4EE0F1x191Y5kEAKpfoZ08ln5Ydo4why33I7TsTmK6zxb8TT1Xj5cU5V9qSwuXyEzYYmAsr4DIhvnEeB/LJcxvFXVIBvt0Z3Bc+knjkifmTj4phDxq2KORixbI58vbw==";

    const CLICK_XML: &str = "<XML><AppId><![CDATA[2019091767145019]]></AppId><FromAlipayUserId><![CDATA[2088102122524333]]></FromAlipayUserId><CreateTime>1700000000000</CreateTime><MsgType><![CDATA[event]]></MsgType><EventType><![CDATA[click]]></EventType><ActionParam><![CDATA[会员中心]]></ActionParam></XML>";
    /// The legacy 服务窗 shape: RSA (SHA-1), V1 content (no sign_type), GBK bytes.
    const CLICK_GBK_RSA_V1: &str = "ViUAhcTjW86gPgWEbgUxTWArUXUkz1ESRzWyXWVtj9IvWquQsGZAWPKu9yD4EVZUMtADZ8AF5p8XUlD4Wbrk3AH1zVlyMjKWj+k2fumU02ikLIftBbFNcAcSZPXuX36ecYu9gRJllHU5RdfAxQHnUMbQyhF1DSsVDT96GJPKEBNnooLw2CfSI6yH7oMK1ImVMNPuKdB3QrZeVysBVETCicOwBoTjyb64sd1VoiQi7a6s+mOp8Ku1UKemA6D0HeXpi9f44U4r2wIzaAzcFmH/yo7TUUKXK3FKjQk5RhDwx4GaloCPwzDBg00ItMeyqM8K8xV3/6xTXON4WLY2lRg/og==";

    fn sign_param(body: &[u8]) -> String {
        wicket_alipay::form::parse(body).unwrap().get("sign").unwrap().to_owned()
    }

    #[test]
    fn gbk_gateway_request_is_signed_over_gbk_bytes() {
        let body = signed_gateway_form(SERVICE_NOTIFY, TEXT_XML, Charset::Gbk, SignType::Rsa2, &key(), &[]);
        assert!(String::from_utf8_lossy(&body).contains("%C4%E3%BA%C3"), "你好 travels as its GBK bytes C4E3 BAC3");
        assert_eq!(sign_param(&body), TEXT_GBK_RSA2);
        let request = parse_form(&body).unwrap();
        assert_eq!(request.charset, Charset::Gbk);
        let notify = request.open(&key().public_key()).unwrap();
        assert_eq!(notify.kind, NotifyKind::Text { content: "你好，生活号".into() });
        assert_eq!(notify.dedup_key(), "msg:2311150000000001");
        // The UTF-8 bytes of the same content do not carry this signature.
        let content = sign_content(request.params.iter().map(|(k, v)| (k.as_str(), v.as_str())), ContentRule::V2);
        assert_eq!(
            verify(&key().public_key(), SignType::Rsa2, content.as_bytes(), TEXT_GBK_RSA2),
            Err(VerifyError::Mismatch)
        );
    }

    /// The legacy signer still matches OpenSSL; the gateway refuses what it signs (RSA2 only).
    #[test]
    fn legacy_gbk_rsa_v1_request_is_signed_as_openssl_signs_and_refused() {
        let body = signed_gateway_form_with_rule(
            SERVICE_NOTIFY,
            CLICK_XML,
            Charset::Gbk,
            SignType::Rsa,
            &key(),
            &[],
            ContentRule::V1,
        );
        assert_eq!(sign_param(&body), CLICK_GBK_RSA_V1);
        assert_eq!(parse_form(&body), Err(GatewayError::Sha1Refused));
    }

    const CUSTOM_SEND: &str =
        r#"{"to_user_id":"2088102122524333","msg_type":"text","text":{"content":"您好，欢迎关注"}}"#;
    const CUSTOM_SEND_UTF8: &str = "P3Sm5/3+VSmOCUJc2fXEz3xCZuFuYOeMsDvXNEtmZJ0hgFPR5YsV6fftonYXi1XkjQV+cFwaXtXJQ4xF3sRhT4CNKxp6anx7haJzGIMj6JwHyUxesu4RsR9b+DEEcCipT/5zlUmULbUwinkGaOFrFgmAnawwB1dKOeB10SZoXHgrBLqDLNyr+6AnKeYy35Ih6wbiTVLGT7zH/+ObrjXDDw3sVUXWpNZBPvNHWszwD8N67zxDtXaJnUYV8PAqowNQJxOB7ULgAVwdYmyepg8Rsf4VtGNvDqfw5dHqSY8p2+iibGYeo5793qdLKQ5ghY3Ocg018f3KzExq4Yn2zfJC7g==";
    const CUSTOM_SEND_GBK: &str = "XFGaY58hs4SA71sCyMJZWxzYkctfXhYzSkRF1rivtrnwI8579Xw+95c3kxrZSqmAUz9wrr7W+YZVMxfzxXf67hXgr8F9M/Db5C3Va5WChCiRC925ChCpu9gRHjKmgUXtkjtJ1WaR0+bzC3wmXP1WTsHgug3ekD4FaSQh+odCGPVE/5UtbEEVU1AZM4r35/VzNAnufPwC9SUvnDE11ejl5rmzyAw07kXk7IfE0QxlvneHWMAqP1evAQkvEd/gQzCBdBJ/cluicU/HHXHcTMxxRlZ/G1xUd2mfx8Kux5ZX4QNWvkrJtUFez+8jYGWSrtyQCX5iC1eJdst0BUS86nMXDA==";

    #[test]
    fn openapi_request_signature_matches_openssl_in_both_charsets() {
        for (charset, expected) in [(Charset::Utf8, CUSTOM_SEND_UTF8), (Charset::Gbk, CUSTOM_SEND_GBK)] {
            let request = Request {
                app_id: "2019091767145019",
                method: "alipay.open.public.message.custom.send",
                biz_content: CUSTOM_SEND,
                timestamp: "2019-09-17 20:54:24",
                charset,
                sign_type: SignType::Rsa2,
                app_auth_token: None,
            };
            let params = request.signed_params(&key());
            assert_eq!(params.last().map(|(k, v)| (k.as_str(), v.as_str())), Some(("sign", expected)), "{charset:?}");
            let opened = wicket_alipay::open_request(&request.form_body(&key()), |_| Some(key().public_key())).unwrap();
            assert_eq!(opened.biz_content, CUSTOM_SEND);
        }
    }

    /// An answer of custom.send refusing for the 48-hour rule, Chinese sub_msg, RSA2 over its
    /// raw UTF-8 text.
    const REFUSAL: &str = r#"{"code":"40004","msg":"Business Failed","sub_code":"USER_NOT_INTERACT","sub_msg":"用户48小时内未与生活号互动"}"#;
    const REFUSAL_SIGN: &str = "QSIIvjpoXGLe21CGsJM7KWWXT96wf20/nnpqwYXKbxB6cyVhejfW+670Ke8dlRPslYJgXVlw+LJ/X7iIu4VWeMCUkKRK3LG2kNeIFMwZMIxwNb4tIX0Jangj1cGy4OO88aAS+NpHl+KQFRs5lsXW8rS14rKSqI6NxZ5U4GqQMpT5PRtu2+jDVEdg+MLnholSuPd9/+vxUWd6U02mcaBVWJn7WjSjonbLtdofFXLlHShNEDzhwFG7yVy9t74e0ksxVjDFTDY7K/LRK0mI1NHQvtC1wENcIMbgEhB+4Sl+ij0bfY6iyhCPXOQTXx1rCqyi3aQLtaZ5oBzhxLnzz8mGFQ==";

    #[test]
    fn signed_refusal_is_believed_and_its_chinese_read() {
        let method = "alipay.open.public.message.custom.send";
        let body =
            format!(r#"{{"alipay_open_public_message_custom_send_response":{REFUSAL},"sign":"{REFUSAL_SIGN}"}}"#);
        let response = verify_response(&body, method, &key().public_key(), SignType::Rsa2).unwrap();
        assert!(!response.is_success());
        assert_eq!(response.sub_code.as_deref(), Some("USER_NOT_INTERACT"));
        assert_eq!(response.sub_msg.as_deref(), Some("用户48小时内未与生活号互动"));
        assert_eq!(
            wicket_alipay::signed_response(method, &response.body, &key(), SignType::Rsa2),
            body,
            "the double writes the same bytes"
        );
        assert!(
            verify_response_in(&body, method, &key().public_key(), SignType::Rsa2, Charset::Gbk).is_err(),
            "signed over UTF-8, so not valid as GBK"
        );
    }
}
