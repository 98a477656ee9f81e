//! The client's address. `X-Forwarded-For` is anyone's to write, so it is
//! believed only when the connection comes from a proxy named in
//! `GRAPEVINE_TRUSTED_PROXIES`, and then read from the right: the first hop
//! that is not a trusted proxy is the client.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

pub fn resolve(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?.ip();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .map(|h| h.parse::<IpAddr>().ok())
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    Some(
        hops.into_iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .unwrap_or(peer),
    )
}

/// The client's address for a request, as text (`unknown` without a peer).
pub fn of(req: &actix_web::HttpRequest) -> String {
    let trusted = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    resolve(req.peer_addr(), req.headers(), trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let peer: SocketAddr = "10.0.0.5:4000".parse().unwrap();
        let proxies = ["10.0.0.0/24".parse().unwrap()];
        let h = headers(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(
            resolve(Some(peer), &h, &[]),
            Some("10.0.0.5".parse().unwrap()),
            "no trusted proxy: the header is ignored"
        );
        assert_eq!(
            resolve(Some(peer), &h, &proxies),
            Some("203.0.113.7".parse().unwrap()),
            "the hop the proxy saw, not what the client wrote before it"
        );
        let chained = headers(&["6.6.6.6", "203.0.113.7, 10.0.0.9"]);
        assert_eq!(
            resolve(Some(peer), &chained, &proxies),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            resolve(Some(peer), &headers(&["garbage"]), &proxies),
            Some("10.0.0.5".parse().unwrap())
        );
        let outsider: SocketAddr = "198.51.100.1:1".parse().unwrap();
        assert_eq!(
            resolve(Some(outsider), &h, &proxies),
            Some("198.51.100.1".parse().unwrap())
        );
    }
}
