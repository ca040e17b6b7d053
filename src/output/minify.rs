//! `output::minify`: minifies each HTML page as it is published.
//!
//! JavaScript stays as written (readable, and the Content-Security-Policy
//! forbids inline scripts anyway); CSS inside HTML is minified.

/// Pages larger than this are published as rendered, not minified.
///
/// minify_html builds a tree of the whole page and peaks at about 100 bytes
/// per byte of HTML (a 3.7 MB table page: 650 MB, issue #16). Minifying
/// saves a few per cent on such a page; its memory would grow with it.
/// Guidance pages are a few KiB to a few tens of KiB, far below this.
pub const MINIFY_LIMIT: usize = 256 * 1024;

/// The bytes to publish at `path`: minified if it is an `.html` file of
/// at most [`MINIFY_LIMIT`] bytes, as rendered otherwise.
pub fn minify_file(path: &str, bytes: Vec<u8>) -> Vec<u8> {
    if !path.ends_with(".html") || bytes.len() > MINIFY_LIMIT {
        return bytes;
    }
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::new()
    };
    minify_html::minify(&bytes, &cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_minified_and_other_files_are_not() {
        let page = b"<!doctype html>\n<html>  <p>  Hi  </p>\n</html>".to_vec();
        let html = String::from_utf8(minify_file("index.html", page)).unwrap();
        assert!(html.len() < 40 && html.contains("Hi"), "{html}");
        assert_eq!(minify_file("app.js", b"let  a = 1;\n".to_vec()), b"let  a = 1;\n");
    }

    #[test]
    fn huge_pages_are_left_as_rendered() {
        let big = format!("<html>  <p>  {}  </p></html>", "x".repeat(MINIFY_LIMIT));
        assert_eq!(minify_file("big.html", big.clone().into_bytes()), big.into_bytes());
    }
}
