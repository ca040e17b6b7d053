//! The offline search index: what `search-index.json` holds, what it
//! leaves out, and that the service worker saves it.

use serde_json::Value;

use crate::support::SiteTest;

/// The index of the default language, its list and parts read back into
/// one value: `docs` ([url, title]), `places` ([doc, anchor, heading,
/// snippet], numbered across the site), `terms`, and `postings` (per term,
/// its places as deltas), with `v`, `lang` and `parts` (how many files)
/// from the list.
fn index_of(site: &SiteTest) -> Value {
    let manifest: Value = serde_json::from_str(&site.read_output("search-index.json")).unwrap();
    // A term part is [first, last, name], a page part [first doc, name].
    let part = |entry: &Value| -> Value {
        let name = entry.as_array().unwrap().last().unwrap();
        serde_json::from_str(&site.read_output(name.as_str().unwrap())).unwrap()
    };
    let (mut docs, mut places, mut place_ids) = (Vec::new(), Vec::new(), Vec::new());
    for entry in manifest["pages"].as_array().unwrap() {
        for record in part(entry)["docs"].as_array().unwrap() {
            let doc = docs.len();
            docs.push(serde_json::json!([record[0], record[1]]));
            let mut ids = Vec::new();
            for place in record[2].as_array().unwrap() {
                ids.push(places.len() as u64);
                places.push(serde_json::json!([doc, place[0], place[1], place[2]]));
            }
            place_ids.push(ids);
        }
    }
    let (mut terms, mut postings) = (Vec::new(), Vec::new());
    let list = manifest["terms"].as_array().unwrap();
    for entry in list {
        let part = part(entry);
        for (term, pairs) in
            part["terms"].as_array().unwrap().iter().zip(part["postings"].as_array().unwrap())
        {
            let pairs: Vec<u64> =
                pairs.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
            let (mut doc, mut previous, mut deltas) = (0, 0, Vec::new());
            for pair in pairs.chunks(2) {
                doc += pair[0] as usize;
                let id = place_ids[doc][(pair[1] >> 2) as usize];
                deltas.push(id - previous);
                previous = id;
            }
            terms.push(term.clone());
            postings.push(deltas);
        }
    }
    let parts = list.len() + manifest["pages"].as_array().unwrap().len();
    serde_json::json!({
        "v": manifest["v"], "lang": manifest["lang"], "parts": parts,
        "docs": docs, "places": places, "terms": terms, "postings": postings,
    })
}

fn urls(index: &Value) -> Vec<String> {
    index["docs"].as_array().unwrap().iter().map(|d| d[0].as_str().unwrap().to_string()).collect()
}

/// The places (`[doc, anchor, heading, snippet]`) whose postings hold `term`.
fn places_with(index: &Value, term: &str) -> Vec<Value> {
    let terms = index["terms"].as_array().unwrap();
    let Some(at) = terms.iter().position(|t| t == term) else { return Vec::new() };
    let mut place = 0;
    index["postings"][at]
        .as_array()
        .unwrap()
        .iter()
        .map(|delta| {
            place += delta.as_u64().unwrap();
            index["places"][place as usize].clone()
        })
        .collect()
}

#[test]
fn the_index_holds_every_published_page_and_its_content() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["build", "--drafts"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.contains("Search index: "), "the build reports the size: {}", run.stderr);
    let index = index_of(&site);
    assert_eq!(index["v"], 2);
    assert_eq!(index["lang"], "en");
    let urls = urls(&index);
    for url in ["/", "/care/", "/care/nausea/", "/care/kit/", "/care/symptoms/", "/es/cuidados/"] {
        assert!(urls.contains(&url.to_string()), "{url} missing from {urls:?}");
    }
    // Published with --drafts, but a draft is never searchable.
    assert!(site.public().join("care/secret/index.html").exists());
    assert!(!urls.iter().any(|u| u.contains("secret")), "{urls:?}");
    assert!(places_with(&index, "zanzibar").is_empty());
    // Print packs, the offline page and the 404 page are not content.
    assert!(site.public().join("print/index.html").exists());
    assert!(site.public().join("offline/index.html").exists());
    assert!(
        !urls.iter().any(|u| u.contains("print") || u.contains("offline") || u.contains("404"))
    );

    // Accents folded: "náuseas" is found as "nauseas", under its heading.
    let nauseas = places_with(&index, "nauseas");
    assert_eq!(nauseas.len(), 1, "{nauseas:?}");
    assert_eq!(nauseas[0][1], "nauseas");
    assert_eq!(nauseas[0][2], "Si tiene náuseas");
    // Prompts, checklist items and their notes are content.
    assert!(!places_with(&index, "queasiness").is_empty());
    assert!(!places_with(&index, "peppermint").is_empty());
    assert!(!places_with(&index, "warm").is_empty());
    // Chrome is not: the site title, the footer and the navigation.
    assert!(places_with(&index, "clinic").is_empty(), "clinic name in the index");
    assert!(places_with(&index, "cookies").is_empty(), "footer text in the index");
}

#[test]
fn every_anchor_in_the_index_is_an_id_on_its_page() {
    let site = SiteTest::fixture("search");
    assert!(site.build().success);
    let index = index_of(&site);
    let mut anchors = 0;
    for place in index["places"].as_array().unwrap() {
        let anchor = place[1].as_str().unwrap();
        if anchor.is_empty() {
            continue;
        }
        anchors += 1;
        let url = index["docs"][place[0].as_u64().unwrap() as usize][0].as_str().unwrap();
        let page = site.read_output(&format!("{}index.html", url.trim_start_matches('/')));
        assert!(
            page.contains(&format!("id={anchor}>")) || page.contains(&format!("id=\"{anchor}\"")),
            "{url} has no id {anchor}"
        );
    }
    // The fixture's pages have headings, so the index points into them.
    assert!(anchors >= 5, "only {anchors} places in the index have an anchor");
}

#[test]
fn the_service_worker_precaches_the_index_and_the_script() {
    let site = SiteTest::fixture("search");
    assert!(site.build().success);
    let worker = site.read_output("sw.js");
    assert!(worker.contains("\"url\":\"/search-index.json\""), "not precached");
    // And every part of it.
    let manifest: Value = serde_json::from_str(&site.read_output("search-index.json")).unwrap();
    for entry in
        manifest["terms"].as_array().unwrap().iter().chain(manifest["pages"].as_array().unwrap())
    {
        let name = entry.as_array().unwrap().last().unwrap().as_str().unwrap();
        let url = format!("\"url\":\"/{name}\"");
        assert!(worker.contains(&url), "{url} not precached");
    }
    assert!(worker.contains("\"url\":\"/js/search.js\""), "script not precached");
    // The form points at the index and starts hidden.
    let home = site.read_output("index.html");
    assert!(home.contains("data-index=\"/search-index.json\""), "{home}");
    assert!(home.contains("role=\"search\""));
}

#[test]
fn a_site_under_a_sub_path_points_at_its_own_index() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["build", "--base-url", "https://clinic.example/help/"]);
    assert!(run.success, "{}", run.stderr);
    assert!(site.read_output("index.html").contains("data-index=\"/help/search-index.json\""));
    assert!(urls(&index_of(&site)).contains(&"/help/care/nausea/".to_string()));
    assert!(site.read_output("sw.js").contains("\"url\":\"/help/search-index.json\""));
}
