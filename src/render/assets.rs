//! Static assets, prepared before pages render (pages need their URLs):
//! copies every static file, adds the clinic's colours to the stylesheet and
//! fingerprints it (`style.<hash>.css`) so hosts can cache it for a year.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::render::OutputSet;
use crate::source::config::{CONFIG_FILE, Config};

/// The theme's one stylesheet.
pub const STYLESHEET: &str = "style.css";

/// Static files ready to write, and the URLs templates need.
#[derive(Debug, Default)]
pub struct Assets {
    pub files: OutputSet,
    /// URL of the fingerprinted stylesheet, or empty if the theme has none.
    pub stylesheet_url: String,
    /// URL of the clinic's logo, or empty.
    pub logo_url: String,
}

/// Prepares the static files of the site and theme.
pub fn prepare_assets(
    statics: &BTreeMap<String, Vec<u8>>,
    config: &Config,
) -> Result<Assets, Vec<Diagnostic>> {
    let mut assets = Assets::default();
    for (path, bytes) in statics {
        if path == STYLESHEET {
            let css = with_brand_colours(bytes, config);
            let name = fingerprinted_name(path, &css);
            assets.stylesheet_url = format!("{}{name}", config.base_path);
            assets.files.insert(name, css);
        } else {
            assets.files.insert(path.clone(), bytes.clone());
        }
    }
    if let Some((logo, position)) = &config.clinic.logo {
        if !statics.contains_key(logo) {
            return Err(vec![
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    *position,
                    format!("the logo {logo:?} is not in static/"),
                )
                .with_hint(format!(
                    "put the file at static/{logo}, or fix the path in [clinic] logo"
                )),
            ]);
        }
        assets.logo_url = format!("{}{logo}", config.base_path);
    }
    Ok(assets)
}

/// Appends the clinic's colours as custom properties; the last `:root` rule
/// wins, so the theme keeps its defaults for colours the clinic leaves out.
fn with_brand_colours(css: &[u8], config: &Config) -> Vec<u8> {
    let colors = &config.clinic.colors;
    let mut declarations = String::new();
    if let Some(primary) = &colors.primary {
        declarations.push_str(&format!("--color-primary:{primary};"));
    }
    if let Some(accent) = &colors.accent {
        declarations.push_str(&format!("--color-accent:{accent};"));
    }
    let mut out = css.to_vec();
    if !declarations.is_empty() {
        out.extend_from_slice(
            format!("\n/* Clinic colours from site.toml */\n:root{{{declarations}}}\n").as_bytes(),
        );
    }
    // @page cannot read custom properties, so the paper is written out here.
    let print = &config.print;
    let page_rule = format!(
        "\n/* Paper from site.toml [print] */\n@page{{size:{};margin:{}}}\n",
        print.paper, print.margin
    );
    out.extend_from_slice(page_rule.as_bytes());
    out
}

/// `style.css` becomes `style.<first 10 hex digits of sha256>.css`.
pub fn fingerprinted_name(path: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match path.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{path}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::config::{ConfigOverrides, parse_config};

    fn config(extra: &str) -> Config {
        let text = format!("title = \"G\"\nbase_url = \"https://e.org/help\"\n{extra}");
        parse_config(Path::new("/s"), &text, &ConfigOverrides::default()).unwrap()
    }

    #[test]
    fn stylesheet_is_fingerprinted_and_coloured() {
        let statics = BTreeMap::from([("style.css".to_string(), b"body{}".to_vec())]);
        let assets =
            prepare_assets(&statics, &config("[clinic.colors]\nprimary = \"#123456\"\n")).unwrap();
        let (name, css) = assets.files.iter().next().unwrap();
        assert!(
            name.starts_with("style.")
                && name.ends_with(".css")
                && name.len() == "style..css".len() + 10
        );
        assert!(String::from_utf8_lossy(css).contains(":root{--color-primary:#123456;}"));
        assert_eq!(assets.stylesheet_url, format!("/help/{name}"));
    }

    #[test]
    fn fingerprint_changes_with_content() {
        assert_ne!(fingerprinted_name("style.css", b"a"), fingerprinted_name("style.css", b"b"));
        assert_eq!(fingerprinted_name("style.css", b"a"), fingerprinted_name("style.css", b"a"));
    }

    #[test]
    fn missing_logo_is_reported_at_its_line() {
        let errors = prepare_assets(&BTreeMap::new(), &config("[clinic]\nlogo = \"logo.svg\"\n"))
            .unwrap_err();
        assert_eq!(errors[0].position.line, 4);
        assert_eq!(errors[0].path, Path::new("site.toml"));
    }
}
