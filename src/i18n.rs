//! English and French through a Fluent catalog (`src/locales/`), compiled
//! into the binary. The language is the user's setting, else the browser's
//! Accept-Language, else English.

use std::collections::HashMap;

use actix_web::http::header::{AcceptLanguage, Header, Preference};
use actix_web::HttpRequest;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::Loader;
use unic_langid::LanguageIdentifier;

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./src/locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const SUPPORTED: [&str; 2] = ["en", "fr"];

fn langid(lang: &str) -> LanguageIdentifier {
    lang.parse().unwrap_or_else(|_| unic_langid::langid!("en"))
}

/// The supported language matching `code`, if any ("fr-CA" → "fr").
pub fn supported(code: &str) -> Option<&'static str> {
    let primary = code.split(['-', '_']).next()?.to_lowercase();
    SUPPORTED.into_iter().find(|l| *l == primary)
}

pub fn negotiate(user_locale: Option<&str>, req: &HttpRequest) -> &'static str {
    user_locale
        .and_then(supported)
        .unwrap_or_else(|| from_browser(req))
}

/// The first supported language of the browser's Accept-Language, else English.
pub fn from_browser(req: &HttpRequest) -> &'static str {
    if let Ok(accept) = AcceptLanguage::parse(req) {
        for pref in accept.ranked() {
            if let Preference::Specific(tag) = pref {
                if let Some(l) = supported(tag.primary_language()) {
                    return l;
                }
            }
        }
    }
    "en"
}

pub fn t(lang: &str, key: &str) -> String {
    LOCALES.lookup(&langid(lang), key)
}

/// The message if the catalog has it (in `lang` or the English fallback).
pub fn try_t(lang: &str, key: &str) -> Option<String> {
    LOCALES.try_lookup(&langid(lang), key)
}

pub fn t_args(lang: &str, key: &str, args: &[(&'static str, String)]) -> String {
    // A number given as text is passed as a number: plural branches
    // (`[one]`, `*[other]`) select on numbers only.
    let map: HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| {
            let value = match v.parse::<f64>() {
                Ok(n) if v.trim() == v => FluentValue::from(n),
                _ => FluentValue::from(v.clone()),
            };
            ((*k).into(), value)
        })
        .collect();
    LOCALES.lookup_with_args(&langid(lang), key, &map)
}

/// A number as readers of `lang` write it: no needless decimals, a comma
/// before them in French.
pub fn number(lang: &str, n: f64) -> String {
    let text = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let fixed = format!("{n:.2}");
        fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    if lang == "fr" {
        text.replace('.', ",")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_key() {
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with([' ', '#', '.']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_string())
                .collect()
        };
        let en = keys(include_str!("locales/en/main.ftl"));
        let fr = keys(include_str!("locales/fr/main.ftl"));
        for k in &en {
            assert!(fr.contains(k), "fr is missing {k}");
        }
        for k in &fr {
            assert!(en.contains(k), "en is missing {k}");
        }
        assert_ne!(t("en", "nav-home"), t("fr", "nav-home"));
    }

    /// Every message that chooses a plural, rendered at 0, 1 and 2 in both
    /// languages, shows the count (French counts 0 as singular; no branch
    /// may print a fixed "1").
    #[test]
    fn every_plural_shows_its_count() {
        for (lang, text) in [
            ("en", include_str!("locales/en/main.ftl")),
            ("fr", include_str!("locales/fr/main.ftl")),
        ] {
            let mut checked = 0;
            let mut lines = text.lines().peekable();
            while let Some(line) = lines.next() {
                let Some((key, first)) = line.split_once(" = ").filter(|_| !line.starts_with(' '))
                else {
                    continue;
                };
                let mut body = first.to_string();
                while lines
                    .peek()
                    .is_some_and(|l| l.starts_with(' ') || l.starts_with('}'))
                {
                    body.push('\n');
                    body.push_str(lines.next().unwrap());
                }
                if !body.contains("->") {
                    continue;
                }
                let vars: Vec<&'static str> = body
                    .split('$')
                    .skip(1)
                    .map(|v| {
                        v.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap()
                    })
                    .map(|v| &*Box::leak(v.to_string().into_boxed_str()))
                    .collect();
                let exact_zero = body.contains("[0]");
                for n in 0..3 {
                    let args: Vec<(&'static str, String)> =
                        vars.iter().map(|v| (*v, n.to_string())).collect();
                    let out = t_args(lang, key, &args);
                    if n == 0 && exact_zero {
                        continue;
                    }
                    assert!(out.contains(&n.to_string()), "{lang} {key} at {n}: {out:?}");
                }
                checked += 1;
            }
            assert!(
                checked >= 10,
                "{lang}: only {checked} plural messages found"
            );
        }
        let at = |lang, key, n: u32| t_args(lang, key, &[("count", n.to_string())]);
        assert_eq!(at("fr", "ideas-votes", 0), "0 vote");
        assert_eq!(at("fr", "ideas-votes", 2), "2 votes");
        assert_eq!(at("en", "ideas-votes", 0), "0 votes");
        assert_eq!(at("en", "email-replies", 1), "1 reply");
        assert_eq!(at("en", "email-votes", 1), "1 vote");
        assert_eq!(at("fr", "email-replies", 0), "0 réponse");
    }

    #[test]
    fn picks_supported_language() {
        assert_eq!(supported("fr-CA"), Some("fr"));
        assert_eq!(supported("de"), None);
    }
}
