//! Markdown to safe HTML, done once at write time and stored beside the
//! source: CommonMark with tables and strikethrough (pulldown-cmark), bare
//! URLs linked (linkify), `@handle` mentions linked to the user, then
//! sanitized with ammonia. Raw HTML in the source is shown as text.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A user a mention resolves to.
#[derive(Debug, Clone)]
pub struct Mentioned {
    pub id: i64,
    pub name: String,
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_allowed_classes("a", &["mention"])
        .rm_tags(&["img"]);
    b
});

/// Sanitizes HTML with Grapevine's allowlist (exposed for tests). Character
/// references such as `&#1;` decode to control characters: they are
/// replaced, so no content can forge the page cache's placeholders.
pub fn sanitize(html: &str) -> String {
    without_controls(&CLEANER.clean(html).to_string()).into_owned()
}

/// `text` with every C0 control character but tab, line feed and carriage
/// return (and DEL) replaced by U+FFFD.
pub fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}';
    if text.contains(bad) {
        text.replace(bad, "\u{fffd}").into()
    } else {
        text.into()
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The `@handle`s in a source, lowercased, without the `@`.
pub fn mention_handles(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in Parser::new_ext(source, options()) {
        if let Event::Text(t) = event {
            for (_, handle) in find_mentions(&t) {
                let h = handle.to_lowercase();
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// `(byte offset of '@', handle)` pairs. A handle follows a non-word
/// character (so emails are not mentions) and is letters, digits, `.`, `_`, `-`.
fn find_mentions(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('@') {
        let before_ok = i == 0 || {
            let prev = text[..i].chars().next_back().unwrap_or(' ');
            !(prev.is_alphanumeric() || prev == '.' || prev == '_' || prev == '-')
        };
        if !before_ok {
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || b"._-".contains(&bytes[end]))
        {
            end += 1;
        }
        let handle = text[i + 1..end].trim_end_matches(['.', '-', '_']);
        if !handle.is_empty() && handle.len() <= 64 {
            found.push((i, handle));
        }
    }
    found
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Links bare URLs and known mentions inside one text run.
fn enrich_text(text: &str, mentions: &HashMap<String, Mentioned>, out: &mut Vec<Event<'static>>) {
    let finder = {
        let mut f = linkify::LinkFinder::new();
        f.kinds(&[linkify::LinkKind::Url]);
        f
    };
    let mut pieces: Vec<(usize, usize, String)> = finder
        .links(text)
        .map(|l| {
            let html = format!(
                "<a href=\"{}\">{}</a>",
                escape(l.as_str()),
                escape(l.as_str())
            );
            (l.start(), l.end(), html)
        })
        .collect();
    for (at, handle) in find_mentions(text) {
        let end = at + 1 + handle.len();
        if pieces.iter().any(|(s, e, _)| at < *e && end > *s) {
            continue;
        }
        if let Some(m) = mentions.get(&handle.to_lowercase()) {
            let html = format!(
                "<a class=\"mention\" href=\"/users/{}\" title=\"{}\">@{}</a>",
                m.id,
                escape(&m.name),
                escape(handle)
            );
            pieces.push((at, end, html));
        }
    }
    if pieces.is_empty() {
        out.push(Event::Text(CowStr::from(text.to_string())));
        return;
    }
    pieces.sort_by_key(|p| p.0);
    let mut pos = 0;
    for (start, end, html) in pieces {
        if start > pos {
            out.push(Event::Text(CowStr::from(text[pos..start].to_string())));
        }
        out.push(Event::InlineHtml(CowStr::from(html)));
        pos = end;
    }
    if pos < text.len() {
        out.push(Event::Text(CowStr::from(text[pos..].to_string())));
    }
}

/// Markdown to HTML before sanitizing (exposed for the conformance test).
pub fn to_unsanitized_html(source: &str, mentions: &HashMap<String, Mentioned>) -> String {
    let mut events: Vec<Event<'static>> = Vec::new();
    // Inside links and code, text stays as written.
    let mut plain_depth = 0usize;
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_))) => {
                plain_depth += 1;
                events.push(Event::Start(tag.into_static()));
            }
            Event::End(tag @ (TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock)) => {
                plain_depth = plain_depth.saturating_sub(1);
                events.push(Event::End(tag));
            }
            Event::Text(t) if plain_depth == 0 => enrich_text(&t, mentions, &mut events),
            // Raw HTML is not markup here: show it as typed.
            Event::Html(h) | Event::InlineHtml(h) => {
                events.push(Event::Text(CowStr::from(h.to_string())))
            }
            other => events.push(other.into_static()),
        }
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The full pipeline: Markdown → HTML → sanitized HTML.
pub fn render(source: &str, mentions: &HashMap<String, Mentioned>) -> String {
    sanitize(&to_unsanitized_html(source, mentions))
}

/// Plain text of a post, for excerpts in lists, feeds and emails.
pub fn excerpt(source: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        if text.len() > max_chars * 4 {
            break;
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        text
    } else {
        let cut: String = text.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(src: &str) -> String {
        render(src, &HashMap::new())
    }

    #[test]
    fn tables_strikethrough_and_autolinks() {
        let html =
            plain("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ see https://example.com/x?y=1");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.com/x?y=1" rel="noopener noreferrer nofollow">"#
            ),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = plain("<b>hi</b> <script>alert(1)</script>");
        assert!(html.contains("&lt;b&gt;hi&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn mentions_link_known_users_only() {
        let mut m = HashMap::new();
        m.insert(
            "ann.martin".to_string(),
            Mentioned {
                id: 7,
                name: "Ann <Martin>".into(),
            },
        );
        let html = render("ping @Ann.Martin and @nobody, mail bob@ann.martin.com", &m);
        assert!(
            html.contains(r#"<a class="mention" href="/users/7""#),
            "{html}"
        );
        assert!(html.contains("@nobody"));
        assert_eq!(html.matches("class=\"mention\"").count(), 1, "{html}");
        assert_eq!(
            mention_handles("hi @Ann.Martin. and `@code` @x"),
            ["ann.martin", "x"]
        );
    }

    #[test]
    fn excerpt_is_plain_and_short() {
        assert_eq!(
            excerpt("# Title\n\nSome **bold** text", 100),
            "Title Some bold text"
        );
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
    }
}
