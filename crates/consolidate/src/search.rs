//! Searching the collated narrative: full-text search with BM25 ranking (tantivy), insensitive
//! to case and to Vietnamese diacritics ("kiem nhiem" finds "kiêm nhiệm", "Đà Nẵng" is found by
//! "da nang"). Folding is done by [`vi::fold`] on both the indexed text and the query, so the
//! index's own tokenizer sees plain lower-case letters.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value, INDEXED, STORED, TEXT};
use tantivy::{doc, Index, IndexReader, TantivyDocument, Term};

use crate::model::{Consolidation, NarrativeEntry, NarrativeItem};
use crate::Error;

/// A hit: the item, the province's entry, a snippet of the original text, the score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub item: String,
    pub title: String,
    pub province: String,
    pub province_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    pub snippet: String,
    /// The snippet in pieces, `true` for the words that matched (to highlight).
    pub marked: Vec<(bool, String)>,
    pub score: f32,
}

/// A query as the user typed it: every word required; a phrase in quotes ("kiêm nhiệm chức
/// danh") must appear as written, its words together; without quotes, entries where the words
/// stand together rank first.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Folded words outside quotes.
    pub words: Vec<String>,
    /// Folded phrases (each two words or more) from quotes.
    pub phrases: Vec<Vec<String>>,
}

/// Splits a query into words and quoted phrases, folded (diacritics and case) as the index is.
pub fn parse_query(query: &str) -> Parsed {
    let folded = vi::fold(query);
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut words = Vec::new();
    let mut phrases = Vec::new();
    // Odd pieces between quotes are phrases (an unclosed quote runs to the end).
    for (i, piece) in folded.split(['"', '“', '”']).enumerate() {
        let w = split(piece);
        if i % 2 == 1 && w.len() > 1 {
            phrases.push(w);
        } else {
            words.extend(w);
        }
    }
    Parsed { words, phrases }
}

/// An in-memory index of a consolidation's narrative.
pub struct NarrativeIndex {
    reader: IndexReader,
    body: Field,
    pos: Field,
    /// (item, entry) positions, in index order.
    entries: Vec<(usize, usize)>,
    items: Vec<NarrativeItem>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Search(e.to_string())
}

impl NarrativeIndex {
    /// Indexes every entry of every narrative item.
    pub fn build(c: &Consolidation) -> Result<NarrativeIndex, Error> {
        let mut sb = Schema::builder();
        let body = sb.add_text_field("body", TEXT);
        let pos = sb.add_u64_field("pos", STORED | INDEXED);
        let index = Index::create_in_ram(sb.build());
        // One thread: deterministic document order, and the budget stays small.
        let mut writer = index.writer_with_num_threads(1, 50_000_000).map_err(err)?;
        let mut entries = Vec::new();
        for (i, item) in c.narrative.iter().enumerate() {
            for (j, e) in item.entries.iter().enumerate() {
                let text = format!("{} {}", item.title, e.text);
                writer
                    .add_document(doc!(body => vi::fold(&text), pos => entries.len() as u64))
                    .map_err(err)?;
                entries.push((i, j));
            }
        }
        writer.commit().map_err(err)?;
        let reader = index.reader().map_err(err)?;
        Ok(NarrativeIndex {
            reader,
            body,
            pos,
            entries,
            items: c.narrative.clone(),
        })
    }

    /// The best `limit` entries for `query`, every word required, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, Error> {
        let parsed = parse_query(query);
        if parsed.words.is_empty() && parsed.phrases.is_empty() {
            return Ok(Vec::new());
        }
        let term = |w: &str| Term::from_field_text(self.body, w);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in &parsed.words {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs)),
            ));
        }
        for p in &parsed.phrases {
            clauses.push((
                Occur::Must,
                Box::new(PhraseQuery::new(p.iter().map(|w| term(w)).collect())),
            ));
        }
        // Words written together (as typed) rank first.
        if parsed.words.len() > 1 {
            let together = PhraseQuery::new(parsed.words.iter().map(|w| term(w)).collect());
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(together), 3.0)),
            ));
        }
        let q = BooleanQuery::new(clauses);
        let words: Vec<&str> = parsed
            .words
            .iter()
            .chain(parsed.phrases.iter().flatten())
            .map(String::as_str)
            .collect();
        let searcher = self.reader.searcher();
        let top = searcher
            // Never more than there are entries: a huge limit must not allocate for nothing.
            .search(
                &q,
                &TopDocs::with_limit(limit.clamp(1, self.entries.len().max(1))),
            )
            .map_err(err)?;
        let mut hits = Vec::new();
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let Some(p) = d.get_first(self.pos).and_then(|v| v.as_u64()) else {
                continue;
            };
            let Some(&(i, j)) = self.entries.get(p as usize) else {
                continue;
            };
            let item = &self.items[i];
            let e: &NarrativeEntry = &item.entries[j];
            hits.push(Hit {
                item: item.item.clone(),
                title: item.title.clone(),
                province: e.province.to_string(),
                province_name: e.province_name.to_string(),
                model_name: e.model_name.as_deref().map(str::to_string),
                snippet: snippet(&e.text, &words),
                marked: mark(&snippet(&e.text, &words), &words),
                score,
            });
        }
        Ok(hits)
    }
}

/// About 200 characters of the original text around the first word of the query found in it.
fn snippet(text: &str, words: &[&str]) -> String {
    // Fold character by character so positions in the folded text are positions in the text.
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars
        .iter()
        .map(|c| {
            if c.is_whitespace() {
                ' '
            } else {
                vi::fold(&c.to_string()).chars().next().unwrap_or(*c)
            }
        })
        .collect();
    let folded: String = folded.into_iter().collect();
    let at = words
        .iter()
        .filter_map(|w| folded.find(w))
        .min()
        .map(|byte| folded[..byte].chars().count())
        .unwrap_or(0);
    let mut start = at.saturating_sub(80);
    let mut end = (at + 120).min(chars.len());
    // Whole words only: never a piece of a word at either end ("…ng trình").
    if start > 0 && !chars[start - 1].is_whitespace() {
        if let Some(sp) = chars[start..at].iter().position(|c| c.is_whitespace()) {
            start += sp + 1;
        }
    }
    if end < chars.len() && !chars[end].is_whitespace() {
        if let Some(sp) = chars[at..end].iter().rposition(|c| c.is_whitespace()) {
            end = at + sp;
        }
    }
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s = format!("…{s}");
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

/// A snippet in pieces, the words of the query (whole words, diacritics and case aside) marked.
fn mark(text: &str, words: &[&str]) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut push = |hit: bool, s: &str| match out.last_mut() {
        Some((h, t)) if *h == hit => t.push_str(s),
        _ => out.push((hit, s.to_string())),
    };
    let mut word = String::new();
    let flush = |word: &mut String, push: &mut dyn FnMut(bool, &str)| {
        if !word.is_empty() {
            let hit = words.contains(&vi::fold(word).as_str());
            push(hit, word);
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut push);
            push(false, &c.to_string());
        }
    }
    flush(&mut word, &mut push);
    out
}

#[cfg(test)]
mod tests {
    use super::{mark, parse_query, snippet};

    #[test]
    fn quotes_make_phrases_and_marks_are_whole_words() {
        let p = parse_query("Sở Nội vụ \"kiêm nhiệm chức danh\"");
        assert_eq!(p.words, vec!["so", "noi", "vu"]);
        assert_eq!(p.phrases, vec![vec!["kiem", "nhiem", "chuc", "danh"]]);
        let m = mark("Kiêm nhiệm, nhiệm kỳ; kiêm", &["kiem", "nhiem"]);
        let hits: Vec<&str> = m
            .iter()
            .filter(|(h, _)| *h)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(hits, vec!["Kiêm", "nhiệm", "nhiệm", "kiêm"]);
        assert!(!m.iter().any(|(h, s)| *h && s.contains("kỳ")));
    }

    #[test]
    fn snippets_cut_between_words() {
        let text = "Chương trình hành động của Tỉnh ủy về việc thực hiện thí điểm ".repeat(12)
            + "kiêm nhiệm chức danh "
            + &"Trưởng Ban Tổ chức đồng thời là Giám đốc Sở Nội vụ ".repeat(12);
        let s = snippet(&text, &["kiem"]);
        assert!(s.contains("kiêm nhiệm"), "{s}");
        let words: Vec<&str> = text.split_whitespace().collect();
        let inner = s.trim_start_matches('…').trim_end_matches('…');
        let (first, last) = (
            inner.split_whitespace().next().unwrap(),
            inner.split_whitespace().last().unwrap(),
        );
        assert!(words.contains(&first), "starts mid-word: {s}");
        assert!(words.contains(&last), "ends mid-word: {s}");
        assert!(s.starts_with('…') && s.ends_with('…'));
    }
}
