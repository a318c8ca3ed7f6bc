//! A team server reached over plain `http://` sends the password and every
//! message in the clear. On this computer (loopback) nobody else sees them;
//! anywhere else staff are warned first and sign in only if they insist.

use std::net::IpAddr;

use wicket_model::{Issue, WicketError};

/// Refuses a plain `http://` address whose host is not this computer, with
/// the issue the sign-in screen turns into a warning (and a way to go on).
/// Every other address passes; whether it is well formed is checked apart.
pub fn refuse_plain_http(server_url: &str) -> Result<(), WicketError> {
    let text = server_url.trim();
    let Some(rest) = text.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("http://")).map(|_| &text[7..]) else {
        return Ok(());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    if is_loopback(host) {
        return Ok(());
    }
    let mut error =
        WicketError::invalid(vec![Issue::new("server_url", "sign_in.server_url.plain_http").with("host", host)]);
    error.message =
        format!("{host} is reached over plain http: the password and messages would cross the network unencrypted");
    Err(error)
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_unless_the_server_is_this_computer() {
        for fine in [
            "https://wicket.example.com",
            "http://127.0.0.1:8686",
            "http://127.8.0.1",
            "HTTP://LOCALHOST:3000/",
            "http://app.localhost",
            "http://[::1]:8686",
            "http://user@127.0.0.1:1/path",
        ] {
            assert!(refuse_plain_http(fine).is_ok(), "{fine} needs no warning");
        }
        for warned in [
            "http://wicket.example.com",
            "http://192.168.1.20:8686",
            "http://[2001:db8::1]:8686",
            "http://127.0.0.1.evil.example",
            "http://localhost@evil.example",
            " http://10.0.0.1 ",
        ] {
            let error = refuse_plain_http(warned).unwrap_err();
            assert_eq!(error.issues[0].key, "sign_in.server_url.plain_http", "{warned} is warned about");
        }
        let error = refuse_plain_http("http://192.168.1.20:8686/").unwrap_err();
        assert_eq!(error.issues[0].param("host"), Some("192.168.1.20"), "the warning names the host");
    }
}
