//! The security policy every built site carries, written in one place so
//! that the `<meta http-equiv="Content-Security-Policy">` of each page, the
//! `_headers` file for static hosts and the headers of `carebook serve` all
//! say the same thing.
//!
//! The policy allows only the site's own files: no inline scripts or styles,
//! no `eval`, no request to another origin. The theme is written for it (see
//! the comment at the top of `base.html`); raw HTML an author puts in
//! Markdown passes through, but an inline `<script>` or `style="…"` in it is
//! blocked by the browser (README, "Security").

use crate::render::OutputSet;

/// The file Netlify, Cloudflare Pages and similar hosts read headers from.
pub const HEADERS_FILE: &str = "_headers";

/// Directives that apply both in the `<meta>` tag and as a header.
///
/// `'self'` everywhere: scripts, styles, images, fonts, the manifest and the
/// service worker are all files of the site, and `connect-src` covers the
/// service worker's fetches and serve's live-reload `EventSource`.
/// `upgrade-insecure-requests` is left out on purpose: it would send
/// `carebook serve`'s own http://127.0.0.1 requests to https, and a
/// published site makes no http request to upgrade.
const DIRECTIVES: &[&str] = &[
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
];

/// Directives browsers ignore (and warn about in the console) when they come
/// in a `<meta>` tag, so they are sent only as headers.
const HEADER_ONLY_DIRECTIVES: &[&str] = &["frame-ancestors 'none'"];

/// Do not tell other sites which page (and so which worry) a reader came from.
pub const REFERRER_POLICY: &str = "no-referrer";

/// Browser features the site never uses, switched off for it and anything
/// it could embed. Only features Chromium knows (its
/// `document.featurePolicy.features()`): for any other it logs "Error with
/// Permissions-Policy header: Unrecognized feature" on every page, which is
/// why `bluetooth` is not here (Chromium 156; issue #15).
/// tests/browser/serve.test.mjs fails on such a warning.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), \
     display-capture=(), geolocation=(), gyroscope=(), hid=(), interest-cohort=(), \
     magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), \
     serial=(), usb=(), xr-spatial-tracking=()";

/// The policy for the `<meta http-equiv="Content-Security-Policy">` tag.
pub fn meta_content_security_policy() -> String {
    DIRECTIVES.join("; ")
}

/// The policy sent as an HTTP header: the meta policy plus the directives
/// only a header can carry.
pub fn header_content_security_policy() -> String {
    DIRECTIVES.iter().chain(HEADER_ONLY_DIRECTIVES).copied().collect::<Vec<_>>().join("; ")
}

/// Every security header, in the order they are written.
pub fn security_headers() -> Vec<(&'static str, String)> {
    vec![
        ("Content-Security-Policy", header_content_security_policy()),
        ("Referrer-Policy", REFERRER_POLICY.to_string()),
        ("Permissions-Policy", PERMISSIONS_POLICY.to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
    ]
}

/// The `_headers` file: every security header for every path of the site
/// (`base_path` is `/` or `/guide/`).
pub fn render_headers_file(base_path: &str) -> String {
    let mut text = String::from(
        "# Security headers for hosts that read a _headers file (Netlify, Cloudflare Pages).\n\
         # Written by carebook: the same policy as the <meta> tag in every page.\n",
    );
    text.push_str(base_path);
    text.push_str("*\n");
    for (name, value) in security_headers() {
        text.push_str(&format!("  {name}: {value}\n"));
    }
    text
}

/// Adds `_headers` to a build's output.
pub fn add_headers_file(files: &mut OutputSet, base_path: &str) {
    files.insert(HEADERS_FILE.to_string(), render_headers_file(base_path).into_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_policy_is_strict_and_complete() {
        assert_eq!(
            meta_content_security_policy(),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
             font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'"
        );
    }

    #[test]
    fn nothing_unsafe_and_no_other_origin_is_allowed() {
        let policy = header_content_security_policy();
        for forbidden in ["unsafe-inline", "unsafe-eval", "unsafe-hashes", "data:", "http", "*"] {
            assert!(!policy.contains(forbidden), "{forbidden} in {policy}");
        }
        // Browsers ignore frame-ancestors in <meta> and say so in the console.
        assert!(!meta_content_security_policy().contains("frame-ancestors"));
        assert!(policy.ends_with("; frame-ancestors 'none'"));
        assert!(policy.starts_with(&meta_content_security_policy()));
    }

    #[test]
    fn the_headers_file_covers_the_whole_site() {
        let text = render_headers_file("/guide/");
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(lines[0], "/guide/*");
        assert_eq!(
            lines[1],
            format!("  Content-Security-Policy: {}", header_content_security_policy())
        );
        assert!(lines.contains(&"  Referrer-Policy: no-referrer"));
        assert!(lines.contains(&"  X-Content-Type-Options: nosniff"));
        assert!(lines.iter().any(|l| l.starts_with("  Permissions-Policy: ")
            && l.contains("camera=()")
            && l.contains("microphone=()")
            && l.contains("geolocation=()")));
    }
}
