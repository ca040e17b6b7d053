//! The security policy of a built site (src/security.rs): every page carries
//! the Content-Security-Policy `<meta>` first in its head, `_headers` repeats
//! it for hosts that read one, and no page holds inline code or styles the
//! policy would block.

use crate::support::{SiteTest, tree};

/// The `content` of the page's CSP `<meta>`, with HTML entities decoded.
fn meta_policy(html: &str) -> Option<String> {
    // Take the whole tag: a theme may write content= before http-equiv=.
    let at = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let open = html[..at].rfind('<')?;
    let tag = &html[open..at + html[at..].find('>')?];
    let content = tag.split_once("content=")?.1;
    let value = match content.chars().next()? {
        quote @ ('"' | '\'') => content[1..].split(quote).next()?,
        _ => content.split(' ').next()?,
    };
    Some(value.replace("&#39;", "'").replace("&#x27;", "'").replace("&quot;", "\""))
}

#[test]
fn every_page_carries_the_policy_first_and_headers_repeat_it() {
    let site = SiteTest::fixture("worksheets");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let files = tree(&site.public());
    let policy = carebook::render::headers::meta_content_security_policy();
    let pages: Vec<&String> = files.keys().filter(|path| path.ends_with(".html")).collect();
    assert!(pages.iter().any(|p| p.ends_with("print/index.html")), "{pages:?}");
    assert!(pages.contains(&&"offline/index.html".to_string()), "{pages:?}");
    for path in pages {
        let html = String::from_utf8_lossy(&files[path]);
        let found = meta_policy(&html);
        assert_eq!(found.as_deref(), Some(policy.as_str()), "{path}");
        // Only <meta charset> may come before it; everything after is covered.
        let at = html.find("http-equiv=\"Content-Security-Policy\"").unwrap_or(0);
        let head = &html[..html[..at].rfind("<meta").unwrap_or(0)];
        assert!(!head.contains("<script") && !head.contains("<link"), "{path}: {head}");
    }
    let headers = site.read_output("_headers");
    assert!(headers.contains("\n/*\n"), "{headers}");
    let csp = carebook::render::headers::header_content_security_policy();
    assert!(headers.contains(&format!("  Content-Security-Policy: {csp}\n")), "{headers}");
    assert!(csp.starts_with(&policy));
    assert!(headers.contains("  Referrer-Policy: no-referrer\n"), "{headers}");
    // _headers is for the host: not a page for crawlers or the offline copy.
    assert!(!site.read_output("sitemap.xml").contains("_headers"));
    assert!(!site.read_output("sw.js").contains("_headers"));
}

#[test]
fn no_page_holds_inline_scripts_handlers_or_style_attributes() {
    let site = SiteTest::fixture("worksheets");
    assert!(site.build().success);
    for (path, bytes) in tree(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes).to_lowercase();
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap_or(0)];
            assert!(
                tag.contains(" src=") || tag.contains("type=\"application/json\""),
                "{path}: inline script {tag}"
            );
        }
        assert!(!html.contains("<style"), "{path}: a <style> block");
        assert!(!html.contains(" style="), "{path}: a style attribute");
        let handler = html.match_indices(" on").find(|(at, _)| {
            let rest = &html[at + 3..];
            let name_len = rest.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(0);
            name_len > 0
                && rest[name_len..].starts_with('=')
                && html[..*at].rfind('<') > html[..*at].rfind('>')
        });
        assert!(handler.is_none(), "{path}: an inline event handler at {handler:?}");
    }
}

#[test]
fn a_site_under_a_path_gets_headers_for_that_path() {
    let site = SiteTest::fixture("base");
    let run = site.run(&["build", "--base-url", "https://example.org/guide"]);
    assert!(run.success, "{}", run.stderr);
    assert!(site.read_output("_headers").contains("\n/guide/*\n"));
}
