//! Searching the collated narrative (issue 13, item 12): entries where the words stand together
//! rank first, a phrase in quotes matches only as written, and the snippet marks the words found.

use consolidate::search::NarrativeIndex;
use consolidate::{consolidate, Source};
use serde_json::json;

fn source(province: &str, text: &str) -> Source {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = units::Units::embedded().unwrap();
    let mut r = report::sample::sample(&t, u, province, 3).unwrap();
    r.answers.insert("A.I".into(), json!(text));
    Source {
        report: r,
        version: format!("bc-{province}"),
        at: None,
        invalid: false,
    }
}

#[test]
fn words_together_rank_first_and_quotes_are_phrases() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = units::Units::embedded().unwrap();
    let apart = "Cơ quan dùng con dấu riêng; việc đóng dấu được giao cho hai bộ phận theo quy \
                 chế làm việc của cơ quan.";
    let together = "Cơ quan sau hợp nhất vẫn phải dùng hai con dấu, gây khó khăn trong quản lý.";
    let c = consolidate(&t, u, &[source("04", apart), source("02", together)]).unwrap();
    let index = NarrativeIndex::build(&c).unwrap();
    let in_ai = |hits: Vec<consolidate::search::Hit>| -> Vec<String> {
        hits.into_iter()
            .filter(|h| h.item == "A.I")
            .map(|h| h.province)
            .collect()
    };
    // Both have every word; the one where they stand together comes first.
    let hits = in_ai(index.search("hai con dau", 200).unwrap());
    assert_eq!(hits, vec!["02", "04"], "words together rank first");
    // In quotes: only as written.
    let hits = in_ai(index.search("\"hai con dấu\"", 200).unwrap());
    assert_eq!(hits, vec!["02"]);
    // The snippet marks the words found, with their diacritics as written.
    let hit = index
        .search("\"hai con dấu\"", 200)
        .unwrap()
        .into_iter()
        .find(|h| h.item == "A.I")
        .unwrap();
    let marked: Vec<&str> = hit
        .marked
        .iter()
        .filter(|(m, _)| *m)
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(marked, vec!["hai", "con", "dấu"]);
    let whole: String = hit.marked.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(whole, hit.snippet);
}
