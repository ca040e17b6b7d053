//! `output::minify`: minifies the HTML of an [`OutputSet`] in place.
//!
//! JavaScript stays as written (readable, and the Content-Security-Policy
//! forbids inline scripts anyway); CSS inside HTML is minified.

use rayon::prelude::*;

use crate::render::OutputSet;

/// Pages larger than this are published as rendered, not minified.
///
/// minify_html builds a tree of the whole page and peaks at about 100 bytes
/// per byte of HTML (a 3.7 MB table page: 650 MB, issue #16). Minifying
/// saves a few per cent on such a page; its memory would grow with it.
/// Guidance pages are a few KiB to a few tens of KiB, far below this.
pub const MINIFY_LIMIT: usize = 256 * 1024;

/// Minifies every `.html` file up to [`MINIFY_LIMIT`] bytes.
pub fn minify_output(files: &mut OutputSet) {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::new()
    };
    files
        .par_iter_mut()
        .filter(|(path, bytes)| path.ends_with(".html") && bytes.len() <= MINIFY_LIMIT)
        .for_each(|(_, bytes)| {
            *bytes = minify_html::minify(bytes, &cfg);
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_minified_and_other_files_are_not() {
        let mut files = OutputSet::new();
        files.insert(
            "index.html".into(),
            b"<!doctype html>\n<html>  <p>  Hi  </p>\n</html>".to_vec(),
        );
        files.insert("app.js".into(), b"let  a = 1;\n".to_vec());
        minify_output(&mut files);
        let html = String::from_utf8(files["index.html"].clone()).unwrap();
        assert!(html.len() < 40 && html.contains("Hi"), "{html}");
        assert_eq!(files["app.js"], b"let  a = 1;\n");
    }

    #[test]
    fn huge_pages_are_left_as_rendered() {
        let mut files = OutputSet::new();
        let big = format!("<html>  <p>  {}  </p></html>", "x".repeat(MINIFY_LIMIT));
        files.insert("big.html".into(), big.clone().into_bytes());
        minify_output(&mut files);
        assert_eq!(files["big.html"], big.into_bytes());
    }
}
