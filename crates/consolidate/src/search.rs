//! Searching the collated narrative: full-text search with BM25 ranking (tantivy), insensitive
//! to case and to Vietnamese diacritics ("kiem nhiem" finds "kiêm nhiệm", "Đà Nẵng" is found by
//! "da nang"). Folding is done by [`vi::fold`] on both the indexed text and the query, so the
//! index's own tokenizer sees plain lower-case letters.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, Value, INDEXED, STORED, TEXT};
use tantivy::{doc, Index, IndexReader, TantivyDocument};

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
    pub score: f32,
}

/// An in-memory index of a consolidation's narrative.
pub struct NarrativeIndex {
    reader: IndexReader,
    index: Index,
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
            index,
            body,
            pos,
            entries,
            items: c.narrative.clone(),
        })
    }

    /// The best `limit` entries for `query`, every word required, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, Error> {
        let folded = vi::fold(query);
        // Words only: the user's punctuation is not query syntax.
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut parser = QueryParser::for_index(&self.index, vec![self.body]);
        parser.set_conjunction_by_default();
        let q = parser.parse_query(&words.join(" ")).map_err(err)?;
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

#[cfg(test)]
mod tests {
    use super::snippet;

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
