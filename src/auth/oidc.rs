//! OpenID Connect sign-in (authorization code with PKCE) with the
//! `openidconnect` crate: discovery, the authorization URL, the code
//! exchange and the ID token's checks (signature against the provider's
//! keys, issuer, audience, expiry, nonce). The provider's metadata and
//! keys are kept for an hour and fetched again at once when a token names
//! a key we do not know (the provider rotated its keys).
//!
//! What this module returns is the provider's word on who signed in
//! (`Claims`); whom that makes them in Grapevine is `models::identities`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenResponse,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret, CsrfToken,
    EmptyAdditionalClaims, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout,
    RedirectUrl, RequestTokenError, Scope, SignatureVerificationError, StandardErrorResponse,
    TokenResponse,
};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

use crate::config::OidcSettings;

/// How long discovered metadata and keys are trusted before asking again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Tokens a little past their expiry still pass: the two clocks differ.
const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// A sign-in must come back from the provider within this time.
pub const PENDING_TTL_MINUTES: i64 = 10;

type OidcClient = Client<
    EmptyAdditionalClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    CoreTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through the provider did not end signed in. Each has a
/// message for the user (`key`); the details go to the log only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Discovery, the token endpoint or the user info endpoint failed.
    Unreachable,
    /// The user (or the provider) said no.
    Denied,
    /// Unknown, used, expired or not this browser's `state`.
    BadState,
    /// The provider refused the code (used before, expired).
    CodeRejected,
    /// The ID token failed a check (signature, issuer, audience, nonce).
    BadToken,
    /// The ID token has expired (or the clocks disagree by more than a minute).
    Expired,
    /// The provider gave no usable identity (no `sub`, no email to create a user from).
    Incomplete,
    /// The Grapevine account is deactivated.
    Deactivated,
}

impl Failure {
    pub fn key(self) -> &'static str {
        match self {
            Failure::Unreachable => "sso-error-unreachable",
            Failure::Denied => "sso-error-denied",
            Failure::BadState => "sso-error-state",
            Failure::CodeRejected => "sso-error-code",
            Failure::BadToken => "sso-error-token",
            Failure::Expired => "sso-error-expired",
            Failure::Incomplete => "sso-error-incomplete",
            Failure::Deactivated => "sso-error-deactivated",
        }
    }

    pub fn status(self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        match self {
            Failure::Unreachable => StatusCode::BAD_GATEWAY,
            Failure::Deactivated | Failure::Denied => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The provider's word on who signed in, once every check passed.
#[derive(Debug, Clone)]
pub struct Claims {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The values of the role claim (`GRAPEVINE_OIDC_ROLE_CLAIM`).
    pub groups: Vec<String>,
}

/// A sign-in under way: what the callback needs, kept in `oidc_logins`.
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub redirect_uri: String,
}

struct Discovered {
    metadata: ProviderMetadataWithLogout,
    fetched: Instant,
}

pub struct Provider {
    pub settings: OidcSettings,
    http: openidconnect::reqwest::Client,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

impl Provider {
    pub fn new(settings: OidcSettings) -> Provider {
        let http = openidconnect::reqwest::Client::builder()
            // Following redirects would let a provider's answer send us elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        Provider {
            settings,
            http,
            discovered: RwLock::new(None),
        }
    }

    /// The metadata and keys; `replacing` names a copy found wanting (a
    /// token signed with a key it lacks), which is then fetched again.
    async fn metadata(&self, replacing: Option<&Discovered>) -> Result<Arc<Discovered>, Failure> {
        let usable = |d: &Discovered| match replacing {
            Some(old) => d.fetched > old.fetched,
            None => d.fetched.elapsed() < METADATA_TTL,
        };
        if let Some(d) = self.discovered.read().await.as_ref() {
            if usable(d) {
                return Ok(d.clone());
            }
        }
        let mut slot = self.discovered.write().await;
        // Another request may have fetched it while we waited.
        if let Some(d) = slot.as_ref() {
            if usable(d) {
                return Ok(d.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: the issuer is not a URL");
            Failure::Unreachable
        })?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(issuer = %self.settings.issuer, error = %e, "single sign-on: discovery failed");
                Failure::Unreachable
            })?;
        let d = Arc::new(Discovered {
            metadata,
            fetched: Instant::now(),
        });
        *slot = Some(d.clone());
        Ok(d)
    }

    fn client(&self, d: &Discovered) -> OidcClient {
        Client::from_provider_metadata(
            d.metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
    }

    /// Where to send the browser, and what to keep until it comes back.
    pub async fn begin(&self, redirect_uri: String) -> Result<(String, Pending), Failure> {
        let d = self.metadata(None).await?;
        let redirect = RedirectUrl::new(redirect_uri.clone()).map_err(|_| Failure::Unreachable)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(&d).set_redirect_uri(redirect);
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        for scope in &self.settings.extra_scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url.to_string(),
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                redirect_uri,
            },
        ))
    }

    /// Exchanges the code and checks the ID token; then reads the user info
    /// endpoint for the claims the ID token leaves out.
    pub async fn finish(&self, pending: &Pending, code: String) -> Result<Claims, Failure> {
        let d = self.metadata(None).await?;
        let redirect =
            RedirectUrl::new(pending.redirect_uri.clone()).map_err(|_| Failure::BadState)?;
        let client = self.client(&d).set_redirect_uri(redirect);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| {
                tracing::warn!(error = %e, "single sign-on: the provider has no token endpoint");
                Failure::Unreachable
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => {
                    tracing::warn!(error = %r.error(), "single sign-on: the provider refused the code");
                    Failure::CodeRejected
                }
                other => {
                    tracing::warn!(error = %other, "single sign-on: the token request failed");
                    Failure::Unreachable
                }
            })?;
        let id_token = tokens.id_token().ok_or_else(|| {
            tracing::warn!("single sign-on: the token response has no ID token");
            Failure::BadToken
        })?;
        let nonce = Nonce::new(pending.nonce.clone());
        let verify = |client: &OidcClient| -> Result<(String, String), ClaimsVerificationError> {
            let verifier = client
                .id_token_verifier()
                .set_time_fn(|| chrono::Utc::now() - CLOCK_SKEW);
            let claims = id_token.claims(&verifier, &nonce)?;
            Ok((claims.issuer().to_string(), claims.subject().to_string()))
        };
        let verified = match verify(&client) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // A key we have not seen: the provider may have rotated its keys.
                let fresh = self.metadata(Some(&d)).await?;
                verify(&self.client(&fresh))
            }
            other => other,
        };
        let (issuer, subject) = verified.map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: the ID token failed its checks");
            match e {
                ClaimsVerificationError::Expired(_) => Failure::Expired,
                _ => Failure::BadToken,
            }
        })?;
        // The signature is verified: the payload's other claims can be read.
        let mut claims = jwt_payload(&id_token.to_string()).ok_or(Failure::BadToken)?;
        if let Some(url) = d.metadata.userinfo_endpoint() {
            let info = self
                .user_info(url.url().as_str(), tokens.access_token().secret())
                .await?;
            if info.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
                tracing::warn!("single sign-on: user info is about another subject");
                return Err(Failure::BadToken);
            }
            for (k, v) in info {
                claims.entry(k).or_insert(v);
            }
        }
        Ok(Claims {
            issuer,
            subject,
            email: claims
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_string),
            email_verified: matches!(claims.get("email_verified"), Some(Value::Bool(true)))
                || claims.get("email_verified").and_then(Value::as_str) == Some("true"),
            // The contract's order: `name`, else `preferred_username`.
            name: ["name", "preferred_username"]
                .iter()
                .find_map(|k| {
                    claims
                        .get(*k)
                        .and_then(Value::as_str)
                        .filter(|s| !s.trim().is_empty())
                })
                .map(str::to_string),
            groups: strings(claims.get(&self.settings.role_claim)),
        })
    }

    async fn user_info(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let answer = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("accept", "application/json")
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| {
                tracing::warn!(error = %e, "single sign-on: the user info request failed");
                Failure::Unreachable
            })?;
        let bytes = answer.bytes().await.map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: the user info answer broke off");
            Failure::Unreachable
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: user info is not a JSON object");
            Failure::Unreachable
        })
    }

    /// The provider's logout address (RP-initiated logout), if it has one
    /// and its metadata is at hand; never fetched for this.
    pub async fn end_session_url(&self, after: &str) -> Option<String> {
        let guard = self.discovered.read().await;
        let d = guard.as_ref()?;
        let end = d
            .metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()?;
        let mut url = end.url().clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("post_logout_redirect_uri", after);
        Some(url.to_string())
    }
}

/// The claims of a JWT whose signature was checked.
fn jwt_payload(jwt: &str) -> Option<Map<String, Value>> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A claim holding groups: a list of strings, or one string.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The role the groups map to: the highest mapped one, `None` without a
/// map (single sign-on then leaves roles to the admins).
pub fn mapped_role(settings: &OidcSettings, groups: &[String]) -> Option<crate::domain::Role> {
    if settings.role_map.is_empty() {
        return None;
    }
    Some(
        settings
            .role_map
            .iter()
            .filter(|(g, _)| groups.iter().any(|have| have == g))
            .map(|(_, r)| *r)
            .max()
            .unwrap_or(crate::domain::Role::Rep),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn settings(map: &str) -> OidcSettings {
        OidcSettings {
            issuer: "https://id.example".into(),
            client_id: "c".into(),
            client_secret: None,
            display_name: "Example".into(),
            extra_scopes: vec![],
            role_claim: "groups".into(),
            role_map: crate::config::parse_role_map(map).unwrap(),
        }
    }

    #[test]
    fn highest_mapped_role_wins_and_none_is_a_rep() {
        let s = settings("gv-admins=admin, marketing=marketer");
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            mapped_role(&s, &g(&["marketing", "gv-admins"])),
            Some(Role::Admin)
        );
        assert_eq!(mapped_role(&s, &g(&["marketing"])), Some(Role::Marketer));
        assert_eq!(mapped_role(&s, &g(&["sales"])), Some(Role::Rep));
        assert_eq!(mapped_role(&settings(""), &g(&["gv-admins"])), None);
        assert!(crate::config::parse_role_map("admins").is_err());
        assert!(crate::config::parse_role_map("admins=root").is_err());
    }

    #[test]
    fn a_groups_claim_is_a_list_or_one_string() {
        assert_eq!(strings(Some(&serde_json::json!(["a", 1, "b"]))), ["a", "b"]);
        assert_eq!(strings(Some(&serde_json::json!("a"))), ["a"]);
        assert!(strings(None).is_empty());
    }
}
