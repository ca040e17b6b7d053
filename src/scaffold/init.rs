//! `carebook init <dir>`: writes a small site that builds as it is, for a
//! clinic to start from. The default theme is built into carebook, so the
//! new site has no theme folder to maintain.

use std::fs;
use std::path::Path;

use crate::check::review::{TODAY_VARIABLE, today};
use crate::error::BuildError;
use crate::source::config::CONFIG_FILE;

/// The files of a new site: (path, contents).
const STARTER_FILES: &[(&str, &str)] = &[
    (
        CONFIG_FILE,
        r##"# Settings for your guide. After a change, run `carebook build` again.
title = "Our patient guide"
description = "Plain-language help for our patients, before and after treatment."
# The address where the site will be published.
base_url = "https://guide.example.org"
default_language = "en"
theme = "default"

[clinic]
name = "Our Clinic"
phone = "+1 555 0100"
address = "1 Main Street, Springfield"
# logo = "logo.svg"          # put the file in static/

[clinic.colors]
primary = "#1d5c7a"
accent = "#9a4a0c"

[safety]
title = "If you need help now"
text = "If you feel unsafe, call or text 988 (Suicide and Crisis Lifeline). In an emergency, call 911."
phone = "988"

# What `carebook check` looks for before you publish.
[check]
max_grade = 8              # the highest reading level (US school grade) a page should have
review_every_months = 12   # how long a clinical review stays current
require_reviewed = false   # true: warn about pages with no reviewed date
"##,
    ),
    (
        "content/_index.md",
        r#"+++
# Front matter: settings for this page, between the +++ lines, in TOML.
# content/_index.md is the home page; every other _index.md is the first
# page of its folder (a "section").
title = "Welcome"
description = "Start here: what this guide covers and how to use it."
reviewed = REVIEWED    # the day a clinician last checked this page (a date, no quotes)
+++

<!-- From here on, plain Markdown. Text between these marks is a comment:
     patients never see it. -->

This guide helps you get ready for your treatment and look after yourself afterwards.

<!-- Link to another page by its file, not its address: carebook turns the
     link into the page's address, and stops the build if the file is missing. -->
Start with [getting ready](guide/_index.md).

<!-- Every section with checklists or journal pages gets a print pack at
     <section>/print/ (here /guide/print/, and /print/ for the whole guide):
     all of them, one per printed page. The home page and each section page
     link to theirs by themselves, under "Print all the worksheets". -->
To fill in the forms on paper, print them all from the link below.
"#,
    ),
    (
        "content/guide/_index.md",
        r#"+++
# This folder's section page: a folder under content/ needs an _index.md,
# or its address (/guide/) would be a "page not found".
title = "Getting ready"
description = "Simple steps to take before your visit."
weight = 10    # the order among sections and pages: lower comes first
reviewed = REVIEWED
+++

These pages walk you through the days before your visit.

- [First steps](first-steps.md): what to do in the week before.
- [What to bring](what-to-bring.md): a list to tick off.
- [How you feel](how-you-feel.md): a few questions to answer for yourself.
"#,
    ),
    (
        "content/guide/first-steps.md",
        r###"+++
# A guidance page: Markdown that patients read and print.
title = "First steps"
description = "What to do in the week before your visit."
weight = 10
reviewed = REVIEWED
+++

<!-- "## " starts a heading. Each heading gets an id from its words, so a
     link can point at it: [in the week before](#in-the-week-before). -->

## In the week before

- Read this guide once, slowly.
- Write down any questions for your care team.
- Plan how you will get home after your visit.

<!-- A callout: a box with a label that screen readers announce too.
     Others: [!NOTE], [!TIP], [!WARNING], [!CAUTION]. -->
> [!IMPORTANT]
> If you take medicines that thin your blood, tell us a week before your visit.

## On the day

Eat a light meal, drink water, and wear soft, comfortable clothes.
See [in the week before](#in-the-week-before) if you missed a step.
"###,
    ),
    (
        "content/guide/what-to-bring.md",
        r#"+++
# A checklist: patients tick the items on their phone (the ticks stay on
# their device) or print the page with empty boxes.
title = "What to bring"
description = "A short list of things to bring on the day of your visit."
kind = "checklist"
weight = 20
reviewed = REVIEWED
+++

<!-- Each "- [ ]" line is an item. The {#id} at its end is where a patient's
     tick is kept: keep it when you reword the item, or the tick is lost.
     A line indented under an item is its note. -->

Tick each thing as you pack it.

- [ ] Your photo ID and insurance card {#id-card}
- [ ] A list of the medicines you take {#medicines}
  Include vitamins and herbal remedies.
- [ ] Glasses or hearing aids, if you use them {#glasses}
- [ ] A phone charger {#charger}
"#,
    ),
    (
        "content/guide/how-you-feel.md",
        r###"+++
# A journal page: each "## " heading is a question. Answers are saved on the
# patient's own device and never sent anywhere.
title = "How you feel"
description = "A few questions to answer for yourself before your visit."
kind = "prompts"
weight = 30
reviewed = REVIEWED
+++

<!-- Text before the first question introduces the page; text under a
     question is its hint. {#id} keeps the answers when you reword the
     question. .scale asks for a number from 0 to 10 (low and high label the
     ends), .short for one line; with neither, the answer box is large. -->

Take a quiet moment for these questions. There are no right answers.

## How worried do you feel about your visit? {#worry .scale low="Not worried" high="Very worried"}

## What would help you feel ready? {#help}

Think of people, things or plans.

## One question to ask your care team {#question .short}
"###,
    ),
];

/// Stands for today's date in the starter pages' `reviewed` keys, so a new
/// site passes `carebook check` without review warnings.
const REVIEWED: &str = "REVIEWED";

/// Creates a new site in `dir` (created if missing; must hold no site yet).
pub fn init_site(dir: &Path) -> Result<Vec<String>, BuildError> {
    if dir.join(CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(BuildError::InitTargetNotEmpty { dir: dir.to_path_buf() });
    }
    let today =
        today().map_err(|value| BuildError::InvalidDate { variable: TODAY_VARIABLE, value })?;
    let mut written = Vec::new();
    for (relative, text) in STARTER_FILES {
        let text = text.replace(REVIEWED, &today.to_string());
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|source| BuildError::Write { path: parent.to_path_buf(), source })?;
        }
        fs::write(&path, text)
            .map_err(|source| BuildError::Write { path: path.clone(), source })?;
        written.push((*relative).to_string());
    }
    Ok(written)
}
