//! The reading-level rule: a page whose prose scores above `max_grade`
//! (Flesch-Kincaid) gets a warning that names its longest sentences.
//! Pages with fewer than [`MIN_WORDS`] words of prose are scored but not
//! warned about.

use crate::check::prose::prose_passages;
use crate::content::frontmatter::ParsedDoc;
use crate::diagnostic::{Diagnostic, Position};
use crate::readability::{Sentence, score, split_sentences};

/// How many long sentences the hint lists.
const LONGEST: usize = 3;
/// How much of each listed sentence the hint shows.
const EXCERPT_CHARS: usize = 80;
/// Below this many words a grade says little ("Welcome." alone is grade
/// 8.4), so shorter pages get a grade but no warning.
pub const MIN_WORDS: usize = 30;

/// A page's grade (rounded to one decimal; `None` without prose) and the
/// warning if it is above `max_grade`.
pub fn check_reading_level(doc: &ParsedDoc, max_grade: f64) -> (Option<f64>, Option<Diagnostic>) {
    let sentences: Vec<Sentence> = prose_passages(doc).iter().flat_map(split_sentences).collect();
    let score = score(&sentences);
    let Some(grade) = score.grade.map(|g| (g * 10.0).round() / 10.0) else {
        return (None, None);
    };
    if grade <= max_grade || score.words < MIN_WORDS {
        return (Some(grade), None);
    }
    let warning = Diagnostic::warning(
        &doc.display_path,
        Position::start(),
        format!(
            "reading level is grade {grade:.1} (the site aims for {} or lower)",
            format_grade(max_grade)
        ),
    )
    .with_hint(longest_sentences_hint(&sentences));
    (Some(grade), Some(warning))
}

/// `8` for 8.0, `7.5` for 7.5.
fn format_grade(grade: f64) -> String {
    if grade.fract() == 0.0 { format!("{grade:.0}") } else { format!("{grade}") }
}

fn longest_sentences_hint(sentences: &[Sentence]) -> String {
    let mut longest: Vec<&Sentence> = sentences.iter().collect();
    // Stable sort: of sentences of equal length the earlier comes first.
    longest.sort_by_key(|sentence| std::cmp::Reverse(sentence.words));
    let mut hint = String::from(
        "shorter sentences and everyday words make a page easier to read. Its longest sentences:",
    );
    for sentence in longest.into_iter().take(LONGEST) {
        let words = if sentence.words == 1 { "word" } else { "words" };
        hint.push_str(&format!(
            "\n    line {} ({} {words}): \"{}\"",
            sentence.line,
            sentence.words,
            excerpt(&sentence.text)
        ));
    }
    hint
}

/// The start of `text`, cut at a word boundary near `EXCERPT_CHARS`.
fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> ParsedDoc {
        ParsedDoc::page("a.md", body)
    }

    #[test]
    fn easy_page_has_a_grade_and_no_warning() {
        let (grade, warning) = check_reading_level(&doc("Eat a light meal. Drink water.\n"), 8.0);
        assert!(grade.unwrap() < 8.0);
        assert!(warning.is_none());
    }

    #[test]
    fn hard_page_warns_with_its_longest_sentences() {
        let body = "Short one.\n\nThe pharmacological characteristics of ketamine necessitate individualized consideration of cardiovascular contraindications before administration.\n\nAnother considerably complicated consideration.\n\nIntravenous administration necessitates continuous cardiovascular monitoring throughout the procedure, particularly for individuals with hypertension.\n";
        let (grade, warning) = check_reading_level(&doc(body), 8.0);
        let warning = warning.expect("a warning");
        assert_eq!(
            warning.message,
            format!("reading level is grade {:.1} (the site aims for 8 or lower)", grade.unwrap())
        );
        assert_eq!(warning.position, Position::start());
        let hint = warning.hint.unwrap();
        let lines: Vec<&str> = hint.lines().skip(1).collect();
        assert_eq!(lines.len(), 3, "{hint}");
        assert!(lines[0].starts_with("    line 11 (14 words): \"Intravenous"), "{hint}");
        assert!(lines[0].ends_with("…\""), "{hint}");
        assert!(lines[1].starts_with("    line 7 (13 words): \"The pharmacological"), "{hint}");
        assert!(lines[2].starts_with("    line 9 (4 words)"), "{hint}");
    }

    #[test]
    fn short_pages_get_a_grade_but_no_warning() {
        let (grade, warning) = check_reading_level(&doc("Welcome.\n"), 8.0);
        assert_eq!(grade, Some(8.4));
        assert!(warning.is_none());
    }

    #[test]
    fn max_grade_prints_without_needless_decimals() {
        assert_eq!(format_grade(8.0), "8");
        assert_eq!(format_grade(7.5), "7.5");
    }

    #[test]
    fn excerpts_stop_at_a_word() {
        let long = "word ".repeat(30);
        let cut = excerpt(long.trim());
        assert!(cut.ends_with("word…") && cut.chars().count() <= EXCERPT_CHARS + 1, "{cut}");
    }
}
