//! Links to other websites: listed always, visited only with `--external`.
//!
//! Visiting sends a HEAD request (a GET if the HEAD fails, since some
//! servers refuse HEAD) with a 10-second limit, at most four at a time,
//! each address once however often it is linked. A 4xx or 5xx answer or
//! no answer at all is a warning at every link to that address: websites
//! go down for a while, so a broken link does not fail the check.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};

use crate::content::frontmatter::ParsedDoc;
use crate::content::html::{html_attributes, html_tags};
use crate::content::markdown::{LineIndex, markdown_options};
use crate::diagnostic::{Diagnostic, Position};

/// How long one request may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How many requests run at once.
const FETCHERS: usize = 4;

/// A link from a page to another website.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExternalLink {
    /// Path relative to the site root, e.g. `content/safety.md`.
    pub path: PathBuf,
    pub position: Position,
    pub url: String,
}

/// What visiting an address found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// The website answered with this status (below 400).
    Ok(u16),
    /// The website answered 4xx or 5xx: the status and its reason.
    Broken(u16, String),
    /// No answer: why, in words.
    Unreachable(String),
}

/// The `http(s)://` links of a document: Markdown links, autolinks and
/// raw HTML `<a href>`.
pub fn external_links(doc: &ParsedDoc) -> Vec<ExternalLink> {
    let lines = LineIndex::new(&doc.body, doc.body_first_line);
    let mut links = Vec::new();
    let mut add = |url: &str, offset: usize| {
        if is_web_address(url) {
            let (path, position) = (doc.display_path.clone(), lines.position(offset));
            links.push(ExternalLink { path, position, url: url.trim().to_string() });
        }
    };
    for (event, range) in Parser::new_ext(&doc.body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => add(&dest_url, range.start),
            Event::Html(_) | Event::InlineHtml(_) => {
                let source = doc.body.get(range.clone()).unwrap_or_default();
                for (at, tag) in html_tags(source, "a") {
                    for (name, value) in html_attributes(tag) {
                        if name == "href" {
                            add(&value, range.start + at);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    links
}

fn is_web_address(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Visits every address once, four at a time.
pub fn fetch_all(urls: &[String]) -> BTreeMap<String, LinkStatus> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("carebook-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..FETCHERS.min(urls.len()) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let status = fetch(&agent, url);
                    results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(url.clone(), status);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// HEAD, then GET if HEAD did not give a good answer.
fn fetch(agent: &ureq::Agent, url: &str) -> LinkStatus {
    if let Ok(response) = agent.head(url).call()
        && response.status().as_u16() < 400
    {
        return LinkStatus::Ok(response.status().as_u16());
    }
    match agent.get(url).call() {
        Ok(response) => {
            let status = response.status();
            if status.as_u16() < 400 {
                LinkStatus::Ok(status.as_u16())
            } else {
                LinkStatus::Broken(status.as_u16(), status.canonical_reason().unwrap_or("").into())
            }
        }
        Err(err) => LinkStatus::Unreachable(describe(&err)),
    }
}

/// Why a website could not be reached, for someone who is not a developer.
fn describe(err: &ureq::Error) -> String {
    match err {
        ureq::Error::HostNotFound => "no website has this name".into(),
        ureq::Error::Timeout(_) => {
            format!("the website did not answer within {} seconds", TIMEOUT.as_secs())
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the website refused the connection".into()
        }
        ureq::Error::BadUri(_) => "this is not a valid web address".into(),
        other => format!("the connection failed ({other})"),
    }
}

/// The warning for a link whose address failed, if it did.
pub fn link_warning(link: &ExternalLink, status: &LinkStatus) -> Option<Diagnostic> {
    let (message, hint) = match status {
        LinkStatus::Ok(_) => return None,
        LinkStatus::Broken(code, reason) => (
            format!("the link to {} is broken: the website answered {code} {reason}", link.url)
                .trim_end()
                .to_string(),
            "open it in a browser; if the page has moved, link to its new address, or remove the link",
        ),
        LinkStatus::Unreachable(why) => (
            format!("the link to {} could not be opened: {why}", link.url),
            "check the address for typos; if the website is only down for now, check again later",
        ),
    };
    Some(Diagnostic::warning(&link.path, link.position, message).with_hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> ParsedDoc {
        ParsedDoc::page("a.md", body)
    }

    #[test]
    fn web_links_are_found_with_their_positions() {
        let body = "See [988](https://988lifeline.org) and <http://x.org>.\n\n[local](/a/) [mail](mailto:a@b.c) `https://in.code`\n\n<p><a class=x href=\"https://y.org/p\">y</a></p>\n";
        let links = external_links(&doc(body));
        let found: Vec<(&str, usize, usize)> =
            links.iter().map(|l| (l.url.as_str(), l.position.line, l.position.column)).collect();
        assert_eq!(
            found,
            [("https://988lifeline.org", 5, 5), ("http://x.org", 5, 40), ("https://y.org/p", 9, 4)]
        );
    }

    #[test]
    fn failures_become_warnings() {
        let link = ExternalLink {
            path: "content/a.md".into(),
            position: Position::new(3, 4),
            url: "https://x.org/gone".into(),
        };
        assert!(link_warning(&link, &LinkStatus::Ok(200)).is_none());
        let warning = link_warning(&link, &LinkStatus::Broken(404, "Not Found".into())).unwrap();
        assert_eq!(
            warning.to_string().lines().next().unwrap(),
            "content/a.md:3:4: warning: the link to https://x.org/gone is broken: the website answered 404 Not Found"
        );
    }

    #[test]
    fn a_closed_port_is_unreachable() {
        // Bind then drop a listener, so the port is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/");
        let results = fetch_all(std::slice::from_ref(&url));
        assert!(matches!(results[&url], LinkStatus::Unreachable(_)), "{results:?}");
    }
}
