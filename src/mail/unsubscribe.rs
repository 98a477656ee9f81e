//! Signed unsubscribe links (RFC 8058 one-click): the token names the user
//! and the kind of mail, and carries an HMAC of both under the secret key,
//! so the link works without a session and cannot be forged for another
//! user.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The kinds of mail a link can turn off.
pub const KINDS: [&str; 5] = ["digest", "mentions", "replies", "ideas", "follows"];

fn mac(secret: &[u8], user_id: i64, kind: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(format!("grapevine-unsubscribe:{user_id}:{kind}").as_bytes());
    m
}

pub fn sign(secret: &[u8], user_id: i64, kind: &str) -> String {
    let tag = mac(secret, user_id, kind).finalize().into_bytes();
    format!("{user_id}.{kind}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// The user and kind of a genuine token.
pub fn verify(secret: &[u8], token: &str) -> Option<(i64, &'static str)> {
    let mut parts = token.trim().splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    let named = parts.next()?;
    let kind = KINDS.into_iter().find(|k| *k == named)?;
    let tag = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    mac(secret, user_id, kind)
        .verify_slice(&tag)
        .ok()
        .map(|_| (user_id, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_and_forgeries_do_not() {
        let key = [7u8; 64];
        for kind in KINDS {
            assert_eq!(verify(&key, &sign(&key, 42, kind)), Some((42, kind)));
        }
        let t = sign(&key, 42, "digest");
        assert_eq!(verify(&[8u8; 64], &t), None, "another key");
        let other_user = t.replacen("42.", "43.", 1);
        assert_eq!(verify(&key, &other_user), None);
        let other_kind = t.replacen("digest", "ideas", 1);
        assert_eq!(verify(&key, &other_kind), None);
        assert_eq!(verify(&key, "42.digest"), None);
        assert_eq!(verify(&key, "42.spam.AAAA"), None);
    }
}
