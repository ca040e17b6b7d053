//! The small HTTP/1.1 server behind `carebook serve`: it answers from the
//! in-memory build, never from the disk, so a request can only ever reach a
//! file the build produced. Paths that try to climb out (`/../`, encoded as
//! `%2e%2e`, backslashes, NUL) are refused outright.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The path of the live-reload script, injected into pages in serve mode.
pub const LIVE_SCRIPT_PATH: &str = "/__carebook/live.js";
/// The server-sent events stream the live-reload script listens to.
pub const EVENTS_PATH: &str = "/__carebook/events";

/// A parsed request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without the query string, still percent-encoded.
    pub path: String,
}

/// Reads the request head (up to 16 KiB) and returns its method and path.
pub fn read_request(stream: &TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut total = request_line.len();
    loop {
        let mut header = String::new();
        let read = reader.read_line(&mut header).ok()?;
        total += read;
        if read == 0 || header == "\r\n" || header == "\n" || total > 16 * 1024 {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    Some(Request { method, path })
}

/// Where a request path leads in the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the build, by its output path.
    File(String),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    NotFound,
    /// A path that tries to leave the site.
    Refused,
}

/// Maps a request path to a file of the build, `exists` telling which
/// output paths it has.
pub fn resolve_path(raw_path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::Refused;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::Refused;
    }
    if decoded.split('/').any(|segment| segment == ".." || segment == ".") {
        return Resolved::Refused;
    }
    let relative = decoded.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        let index = format!("{relative}index.html");
        return if exists(&index) { Resolved::File(index) } else { Resolved::NotFound };
    }
    if exists(relative) {
        return Resolved::File(relative.to_string());
    }
    if exists(&format!("{relative}/index.html")) {
        return Resolved::Redirect(format!("{decoded}/"));
    }
    Resolved::NotFound
}

/// The Content-Type for an output path.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script to a page and marks the page as served by
/// `carebook serve` (js/main.js then keeps the service worker out of the
/// way). Only done in serve mode: built pages never carry either.
pub fn inject_live_reload(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let marked = text.replacen("<body", "<body data-serve=true", 1);
    let script = format!("<script src={LIVE_SCRIPT_PATH} defer></script>");
    match marked.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &marked[..i], &marked[i..]).into_bytes(),
        None => format!("{marked}{script}").into_bytes(),
    }
}

/// Writes a whole response and closes the connection.
pub fn respond(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) {
    let mut head =
        format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // The published site's headers (its _headers file), so a preview shows
    // what the policy blocks; connect-src 'self' lets live.js listen.
    for (name, value) in crate::render::headers::security_headers() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // The dev server must never let a browser or service worker keep an old copy.
    head.push_str("Cache-Control: no-store\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(path: &str) -> bool {
        ["index.html", "prepare/gather/index.html", "style.abc.css"].contains(&path)
    }

    #[test]
    fn resolves_pages_assets_and_folders() {
        assert_eq!(resolve_path("/", exists), Resolved::File("index.html".into()));
        assert_eq!(
            resolve_path("/prepare/gather/", exists),
            Resolved::File("prepare/gather/index.html".into())
        );
        assert_eq!(
            resolve_path("/prepare/gather", exists),
            Resolved::Redirect("/prepare/gather/".into())
        );
        assert_eq!(resolve_path("/style.abc.css", exists), Resolved::File("style.abc.css".into()));
        assert_eq!(resolve_path("/nope/", exists), Resolved::NotFound);
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for path in [
            "/../etc/passwd",
            "/prepare/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/prepare/%2e%2e/%2e%2e/x",
            "/..%5c..%5cwindows",
            "/a%00.html",
            "/./index.html",
            "relative",
            "/%ff%fe",
        ] {
            assert_eq!(resolve_path(path, exists), Resolved::Refused, "{path}");
        }
    }

    #[test]
    fn live_reload_goes_before_the_end_of_body() {
        let html = inject_live_reload(b"<html><body data-base-path=/><p>Hi</body></html>");
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("<body data-serve=true data-base-path=/>"));
        assert!(html.contains("<script src=/__carebook/live.js defer></script></body>"));
    }
}
