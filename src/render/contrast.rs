//! The brand-colour rule: the clinic's colours must stay readable in the
//! default theme (WCAG 2.2 AA, at least 4.5:1 for text).
//!
//! The theme puts white text on `primary` (header band, buttons) and on
//! `accent` (the call button), and uses `primary` for links on the
//! off-white page. Contrast follows WCAG 2.2's definitions of relative
//! luminance and contrast ratio exactly (sRGB linearised with the 0.04045
//! threshold of the sRGB standard; WCAG's older text said 0.03928, which
//! makes no difference at 8 bits per channel).

use std::path::Path;

use crate::diagnostic::{Diagnostic, Position};
use crate::source::config::{CONFIG_FILE, Config};

/// WCAG 2.2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
/// The default theme's light page background (`--color-bg`).
pub const PAGE_BACKGROUND: [u8; 3] = [0xfa, 0xf7, 0xf2];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

/// Reads `#rrggbb`.
pub fn parse_hex(colour: &str) -> Option<[u8; 3]> {
    let digits = colour.strip_prefix('#')?;
    if digits.len() != 6 || !digits.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

fn to_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// WCAG relative luminance of an sRGB colour, from 0 (black) to 1 (white).
pub fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let linear = |channel: u8| {
        let c = f64::from(channel) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG contrast ratio between two colours, from 1 to 21.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The ratio as people read it, never rounded up to a passing value.
fn format_ratio(ratio: f64) -> String {
    format!("{:.2}:1", (ratio * 100.0).floor() / 100.0)
}

/// The lightest shade of `rgb` (mixed with black, so the hue stays) that
/// reaches the minimum contrast against every colour in `against`.
fn darker_shade(rgb: [u8; 3], against: &[[u8; 3]]) -> [u8; 3] {
    (0..=100)
        .map(|percent| rgb.map(|c| (f64::from(c) * f64::from(100 - percent) / 100.0).round() as u8))
        .find(|shade| against.iter().all(|&bg| contrast_ratio(*shade, bg) >= MIN_CONTRAST))
        .unwrap_or([0, 0, 0])
}

/// Contrast errors for the brand colours set in site.toml.
pub fn check_brand_colours(config: &Config) -> Vec<Diagnostic> {
    let colors = &config.clinic.colors;
    let mut diagnostics = Vec::new();
    if let (Some(value), Some(position)) = (&colors.primary, colors.primary_position) {
        diagnostics.extend(check_primary(value, position));
    }
    if let (Some(value), Some(position)) = (&colors.accent, colors.accent_position)
        && let Some(rgb) = parse_hex(value)
    {
        let ratio = contrast_ratio(WHITE, rgb);
        if ratio < MIN_CONTRAST {
            let shade = to_hex(darker_shade(rgb, &[WHITE]));
            diagnostics.push(
                Diagnostic::error(Path::new(CONFIG_FILE), position, white_text_message("accent", value, ratio))
                    .with_hint(format!("the call button shows white text on the accent colour. A darker shade such as \"{shade}\" keeps the hue and is readable")),
            );
        }
    }
    diagnostics
}

fn white_text_message(key: &str, value: &str, ratio: f64) -> String {
    format!(
        "white text on the {key} colour {value} has a contrast of {}, below the {MIN_CONTRAST}:1 that WCAG 2.2 AA asks for",
        format_ratio(ratio)
    )
}

/// White text on `primary`, and `primary` links on the page: one error
/// (white is lighter than the page, so failing on white fails both).
fn check_primary(value: &str, position: Position) -> Option<Diagnostic> {
    let rgb = parse_hex(value)?;
    let shade = to_hex(darker_shade(rgb, &[WHITE, PAGE_BACKGROUND]));
    let on_white = contrast_ratio(WHITE, rgb);
    let on_page = contrast_ratio(PAGE_BACKGROUND, rgb);
    let (message, use_) = if on_white < MIN_CONTRAST {
        (
            white_text_message("primary", value, on_white),
            "the header band and buttons show white text on the primary colour, and links use it",
        )
    } else if on_page < MIN_CONTRAST {
        (
            format!(
                "links in the primary colour {value} on the page background {} have a contrast of {}, below the {MIN_CONTRAST}:1 that WCAG 2.2 AA asks for",
                to_hex(PAGE_BACKGROUND),
                format_ratio(on_page)
            ),
            "links use the primary colour on the off-white page",
        )
    } else {
        return None;
    };
    Some(Diagnostic::error(Path::new(CONFIG_FILE), position, message).with_hint(format!(
        "{use_}. A darker shade such as \"{shade}\" keeps the hue and is readable"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::config::{ConfigOverrides, parse_config};

    #[test]
    fn luminance_follows_wcag() {
        assert_eq!(relative_luminance(WHITE), 1.0);
        assert_eq!(relative_luminance([0, 0, 0]), 0.0);
        // Channels at or below the 0.04045 threshold are linear: 10/255/12.92.
        assert!((relative_luminance([10, 10, 10]) - 10.0 / 255.0 / 12.92).abs() < 1e-12);
    }

    #[test]
    fn known_contrast_ratios() {
        // #767676 is the lightest grey with 4.5:1 on white (4.54:1).
        let grey = contrast_ratio(parse_hex("#767676").unwrap(), WHITE);
        assert_eq!(format_ratio(grey), "4.54:1");
        assert_eq!(format_ratio(contrast_ratio([0, 0, 0], WHITE)), "21.00:1");
        assert_eq!(contrast_ratio(WHITE, WHITE), 1.0);
        // #777777 just misses (4.47:1).
        assert!(contrast_ratio(parse_hex("#777777").unwrap(), WHITE) < MIN_CONTRAST);
    }

    fn config(colours: &str) -> Config {
        let text =
            format!("title = \"G\"\nbase_url = \"https://e.org\"\n[clinic.colors]\n{colours}");
        parse_config(Path::new("/s"), &text, &ConfigOverrides::default()).unwrap()
    }

    #[test]
    fn the_default_theme_colours_pass() {
        assert!(
            check_brand_colours(&config("primary = \"#1d5c7a\"\naccent = \"#9a4a0c\"\n"))
                .is_empty()
        );
    }

    #[test]
    fn light_colours_are_errors_at_their_key() {
        let errors = check_brand_colours(&config("primary = \"#ffff00\"\naccent = \"#ff9900\"\n"));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].position, Position::new(4, 11));
        assert!(
            errors[0]
                .message
                .starts_with("white text on the primary colour #ffff00 has a contrast of 1.07:1"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[1].position, Position::new(5, 10));
        let hint = errors[0].hint.as_deref().unwrap();
        let shade = hint.split('"').nth(1).unwrap();
        let rgb = parse_hex(shade).unwrap();
        assert!(
            contrast_ratio(rgb, WHITE) >= MIN_CONTRAST
                && contrast_ratio(rgb, PAGE_BACKGROUND) >= MIN_CONTRAST
        );
    }

    #[test]
    fn a_primary_readable_on_white_but_not_on_the_page_is_an_error() {
        // #757575: 4.60:1 on white, 4.31:1 on #faf7f2.
        let errors = check_brand_colours(&config("primary = \"#757575\"\n"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.starts_with("links in the primary colour #757575"),
            "{}",
            errors[0].message
        );
    }
}
