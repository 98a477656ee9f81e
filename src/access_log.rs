//! One log line per request, with the client's address as
//! `client_addr` resolves it and token-bearing query values redacted: an
//! unsubscribe or setup link never expires, so it must not sit in logs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// Query parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "token",
    "code",
    "state",
    "key",
    "secret",
    "password",
    "sig",
    "signature",
];

/// `path?query` with the values of secret parameters replaced.
pub fn redact_target(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let decoded = url::form_urlencoded::parse(name.as_bytes())
                .next()
                .map(|(n, _)| n.to_lowercase())
                .unwrap_or_default();
            if SECRET_PARAMS.iter().any(|s| decoded.contains(s)) {
                format!("{name}=REDACTED")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", parts.join("&"))
}

pub struct AccessLog;

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let trusted = request
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .map(|s| s.settings.trusted_proxies.clone())
            .unwrap_or_default();
        let client = crate::client_addr::resolve(request.peer_addr(), request.headers(), &trusted)
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let target = redact_target(
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or(""),
        );
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %target,
            http.client_ip = %client,
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.in_scope(|| match status {
            500.. => tracing::error!(status, "request failed"),
            400..=499 => tracing::warn!(status, "request refused"),
            _ => tracing::debug!(status, "request done"),
        });
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::redact_target;

    #[test]
    fn secrets_in_queries_are_redacted() {
        assert_eq!(
            redact_target("/unsubscribe?token=abc.def&x=1"),
            "/unsubscribe?token=REDACTED&x=1"
        );
        assert_eq!(
            redact_target("/login/oidc/callback?code=c&state=s"),
            "/login/oidc/callback?code=REDACTED&state=REDACTED"
        );
        assert_eq!(redact_target("/t/5?page=2"), "/t/5?page=2");
        assert_eq!(redact_target("/x?%74oken=zz"), "/x?%74oken=REDACTED");
        assert_eq!(redact_target("/plain"), "/plain");
    }
}
