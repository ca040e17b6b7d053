//! Multilingual sites: `tests/fixtures/i18n` has English (default),
//! Spanish (`*.es.md` for some pages) and Arabic (right to left, no page
//! translated, almost no theme words).

use crate::support::SiteTest;

fn built() -> SiteTest {
    let site = SiteTest::fixture("i18n");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    site
}

#[test]
fn each_language_gets_its_own_url_prefix_lang_and_dir() {
    let site = built();
    let en = site.read_output("a/index.html");
    assert!(en.contains("<html lang=\"en\" dir=\"ltr\">"), "{en}");
    let es = site.read_output("es/a/index.html");
    assert!(es.contains("<html lang=\"es\" dir=\"ltr\">"), "{es}");
    assert!(site.main_of("es/a/index.html").contains("Unas palabras en español."));
    let ar = site.read_output("ar/a/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    // Links inside a translation stay in its language.
    assert!(site.main_of("es/index.html").contains("href=\"/es/b/\""));
    // The theme's words are Spanish, and so are the title and crisis text.
    assert!(es.contains("Ir al contenido principal"), "{es}");
    assert!(es.contains("Guía de prueba"), "{es}");
    assert!(es.contains("Llame al 988 si necesita ayuda ahora."), "{es}");
    assert!(es.contains("1 de noviembre de 2026"), "{es}");
}

#[test]
fn hreflang_lists_the_translations_and_x_default() {
    let site = built();
    let es = site.read_output("es/a/index.html");
    for link in [
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example/a/\">",
        "<link rel=\"alternate\" hreflang=\"es\" href=\"https://fixture.example/es/a/\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://fixture.example/a/\">",
    ] {
        assert!(es.contains(link), "no {link} in\n{es}");
    }
    // Arabic has no translation of a: no alternate claims one.
    assert!(!es.contains("<link rel=\"alternate\" hreflang=\"ar\""), "{es}");
    let sitemap = site.read_output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example/es/a/</loc>"), "{sitemap}");
    assert!(
        sitemap.contains(
            r#"<xhtml:link rel="alternate" hreflang="es" href="https://fixture.example/es/a/"/>"#
        ),
        "{sitemap}"
    );
}

#[test]
fn every_page_has_a_language_switcher_marking_the_current_language() {
    let site = built();
    for (path, current) in
        [("a/index.html", "/a/"), ("es/b/index.html", "/es/b/"), ("ar/index.html", "/ar/")]
    {
        let html = site.read_output(path);
        let start = html.find(r#"<nav class="wrap language-switcher""#).expect(path);
        let nav = &html[start..start + html[start..].find("</nav>").expect(path)];
        assert_eq!(nav.matches("<a ").count(), 3, "{nav}");
        assert_eq!(nav.matches("aria-current").count(), 1, "{nav}");
        let marked = nav.split("<a ").find(|link| link.contains("aria-current")).unwrap();
        assert!(marked.contains(&format!("href=\"{current}\" ")), "{nav}");
    }
    let es_nav = site.read_output("es/b/index.html");
    assert!(es_nav.contains("aria-label=\"Idioma\""), "{es_nav}");
    assert!(
        es_nav.contains("<a href=\"/es/b/\" lang=\"es\" hreflang=\"es\" dir=\"ltr\" aria-current=\"true\">Español</a>"),
        "{es_nav}"
    );
}

#[test]
fn an_untranslated_page_falls_back_with_a_notice_in_the_readers_language() {
    let site = built();
    let main = site.main_of("es/b/index.html");
    assert!(
        main.starts_with("<main id=\"main\" tabindex=\"-1\" lang=\"en\" dir=\"ltr\">"),
        "{main}"
    );
    assert!(
        main.contains(
            "<p class=\"translation-notice\" lang=\"es\" dir=\"ltr\">Esta página todavía no está traducida"
        ),
        "{main}"
    );
    assert!(main.contains("(English)"), "{main}");
    assert!(main.contains("Only in English."), "{main}");
    let html = site.read_output("es/b/index.html");
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://fixture.example/b/\">"),
        "{html}"
    );
    // A translated page has no notice.
    assert!(!site.main_of("es/a/index.html").contains("translation-notice"));
    // Arabic pages in English content keep the page's rtl, the content ltr.
    let ar = site.main_of("ar/b/index.html");
    assert!(ar.starts_with("<main id=\"main\" tabindex=\"-1\" lang=\"en\" dir=\"ltr\""), "{ar}");
}

#[test]
fn translations_share_the_patients_journal_and_the_offline_pages_are_per_language() {
    let site = built();
    assert!(site.main_of("j/index.html").contains("data-journal=\"j\" "));
    let es = site.main_of("es/j/index.html");
    assert!(es.contains("data-journal=\"j\" "), "{es}");
    assert!(es.contains("¿Cómo se siente?"), "{es}");
    assert!(es.contains("Sus entradas"), "{es}");
    let offline = site.read_output("es/offline/index.html");
    assert!(offline.contains("<html lang=\"es\" dir=\"ltr\">"), "{offline}");
    assert!(offline.contains("Esta página aún no está guardada en su dispositivo"), "{offline}");
    let worker = site.read_output("sw.js");
    assert!(worker.contains(r#""/es/offline/""#), "{worker}");
    assert!(worker.contains(r#""/es/j/""#), "precache lacks /es/j/");
    // Print packs per language, titled in it.
    assert!(site.read_output("es/print/index.html").contains("Todas las hojas de trabajo"));
    // The scripts' words, as a JSON data block.
    let html = site.read_output("es/j/index.html");
    assert!(html.contains("<script type=\"application/json\" id=\"cb-text\">{"), "{html}");
    assert!(html.contains("Guardado en este dispositivo a las {time}."), "{html}");
}

#[test]
fn a_missing_theme_word_is_a_check_warning_naming_key_and_language() {
    let site = SiteTest::fixture("i18n");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_carebook"))
        .arg("check")
        .current_dir(site.root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "i18n/ar.toml:1:1: warning: the text key `nav.previous` has no ar translation: the en text is shown"
        ),
        "{stdout}"
    );
    // Spanish is complete in the default theme.
    assert!(!stdout.contains("no es translation"), "{stdout}");
}

#[test]
fn a_text_key_missing_from_the_default_language_stops_the_build() {
    let site = SiteTest::fixture("i18n");
    site.write("templates/404.html", "{{ t(key=\"nav.no_such_key\") }}");
    let run = site.build();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("404.html"), "{}", run.stderr);
    assert!(run.stderr.contains("\"nav.no_such_key\""), "{}", run.stderr);
}

#[test]
fn a_single_language_site_has_no_switcher_and_no_prefix() {
    let site = SiteTest::fixture("base");
    assert!(site.build().success);
    let html = site.read_output("index.html");
    assert!(!html.contains("language-switcher"), "{html}");
    assert!(!html.contains("hreflang"), "{html}");
    assert!(!site.public().join("en").exists());
}
