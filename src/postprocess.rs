//! Stage 8, `postprocess`: minifies the HTML of an [`OutputSet`] in place.
//!
//! JavaScript stays as written (readable, and the Content-Security-Policy
//! forbids inline scripts anyway); CSS inside HTML is minified.

use rayon::prelude::*;

use crate::output::OutputSet;

/// Minifies every `.html` file.
pub fn minify_output(files: &mut OutputSet) {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::new()
    };
    files.par_iter_mut().filter(|(path, _)| path.ends_with(".html")).for_each(|(_, bytes)| {
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
}
