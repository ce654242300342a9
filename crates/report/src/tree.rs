//! The resolved outline: the template's nodes laid out for one report, repeated blocks expanded
//! into their instances and every heading numbered from its position. Validation uses it to name
//! places ("B.II.1.2.2"); the document builder uses it to print. One numbering, used everywhere.

use std::collections::HashMap;

use outline::{Node, NodeKind, Numbering, Template};
use serde_json::Value;

use crate::model::{Instance, Report};

/// One node of the template at one place in the report.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub node: &'a Node,
    /// The instance of the enclosing repeated block, if any (None also for a skeleton instance).
    pub instance: Option<&'a Instance>,
    /// The enclosing repeated block's id and the instance's position (0-based), if inside one.
    pub block: Option<(&'a str, usize)>,
    /// True for the empty instance printed when a block has none (working drafts).
    pub skeleton: bool,
    /// True for the heading of a further, unfilled instance after a skeleton ("1.2- … / …"),
    /// as the outline itself shows it: its children are not laid out.
    pub stub: bool,
    /// The generated number ("1.1.2", "II", "A") of a numbered node.
    pub number: Option<String>,
    /// The profile's heading style key: "upper-letter", "upper-roman", "arabic-2"…
    pub scheme: Option<String>,
    /// The place of this entry in outline terms: the number path of the nearest numbered
    /// ancestor-or-self ("B.II.1.2.2").
    pub path: String,
    /// Depth in the outline (0 at the top).
    pub depth: usize,
}

impl<'a> Entry<'a> {
    /// This entry's answer, if any.
    pub fn answer(&self, report: &'a Report) -> Option<&'a Value> {
        report.scope(self.instance).get(&self.node.id)
    }

    /// A short human name of the place: path and the item's text (first words).
    pub fn place(&self) -> String {
        let text = strip_markup(&self.node.text);
        let text = text.trim().trim_end_matches(':').trim();
        // Cut at a word boundary: never leave half a word ("nh…").
        let short = vi::shorten(text, 60);
        match (self.node.kind, self.number.is_some(), short.is_empty()) {
            (_, true, _) | (_, _, true) => self.path.clone(),
            _ => format!("{} – {}", self.path, short),
        }
    }
}

/// Removes `[^n]` anchors and `{model}` from a node's text (for names of places).
pub fn strip_markup(text: &str) -> String {
    let mut out = String::new();
    for piece in outline::split_anchors(text) {
        if let outline::TextPiece::Text(t) = piece {
            out.push_str(t);
        }
    }
    out.replace(" {model}", "").replace("{model}", "")
}

/// Options for laying out the tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct TreeOptions {
    /// Add one empty instance to each skeleton block the report has no instance of.
    pub skeletons: bool,
}

/// Lays out the template for this report, in document order.
pub fn resolve<'a>(t: &'a Template, r: &'a Report, opts: TreeOptions) -> Vec<Entry<'a>> {
    let mut children: HashMap<Option<&str>, Vec<&Node>> = HashMap::new();
    for n in &t.node {
        children.entry(n.parent.as_deref()).or_default().push(n);
    }
    let mut out = Vec::new();
    let ctx = Ctx {
        instance: None,
        block: None,
        skeleton: false,
        stub: false,
        number: None,
        arabic_depth: 0,
        path: String::new(),
        depth: 0,
    };
    walk(&children, r, opts, None, &ctx, &mut out);
    out
}

#[derive(Clone)]
struct Ctx<'a> {
    instance: Option<&'a Instance>,
    block: Option<(&'a str, usize)>,
    skeleton: bool,
    stub: bool,
    /// The parent's number when it is arabic (for dotted numbers).
    number: Option<String>,
    arabic_depth: usize,
    path: String,
    depth: usize,
}

fn walk<'a>(
    children: &HashMap<Option<&'a str>, Vec<&'a Node>>,
    r: &'a Report,
    opts: TreeOptions,
    parent: Option<&'a str>,
    ctx: &Ctx<'a>,
    out: &mut Vec<Entry<'a>>,
) {
    let Some(kids) = children.get(&parent) else {
        return;
    };
    let mut counters: HashMap<Numbering, usize> = HashMap::new();
    for node in kids {
        if node.kind == NodeKind::Repeat {
            let instances: Vec<Option<&Instance>> = match r.blocks.get(&node.id) {
                Some(list) => list.iter().map(Some).collect(),
                // A blank report (no block answered yet) prints as the working outline: a
                // skeleton, then the heading of a second instance, as the outline shows it.
                None if opts.skeletons && node.skeleton && r.blocks.is_empty() => {
                    vec![None, None]
                }
                None => Vec::new(),
            };
            for (i, inst) in instances.into_iter().enumerate() {
                let mut c = ctx.clone();
                c.instance = inst;
                c.block = Some((node.id.as_str(), i));
                c.skeleton = inst.is_none();
                c.stub = inst.is_none() && i > 0;
                push(children, r, opts, node, &c, &mut counters, out);
            }
        } else {
            push(children, r, opts, node, ctx, &mut counters, out);
        }
    }
}

fn push<'a>(
    children: &HashMap<Option<&'a str>, Vec<&'a Node>>,
    r: &'a Report,
    opts: TreeOptions,
    node: &'a Node,
    ctx: &Ctx<'a>,
    counters: &mut HashMap<Numbering, usize>,
    out: &mut Vec<Entry<'a>>,
) {
    let mut child = ctx.clone();
    child.depth = ctx.depth + 1;
    child.number = None;
    child.arabic_depth = 0;
    let (number, scheme) = match node.numbering {
        Some(n) => {
            let k = counters.entry(n).or_insert(0);
            *k += 1;
            let (num, scheme) = match n {
                Numbering::UpperLetter => (letter(*k, b'A'), "upper-letter".to_string()),
                Numbering::LowerLetter => (letter(*k, b'a'), "lower-letter".to_string()),
                Numbering::UpperRoman => (roman(*k), "upper-roman".to_string()),
                Numbering::ParenArabic => (k.to_string(), "paren-arabic".to_string()),
                Numbering::Arabic => {
                    let depth = ctx.arabic_depth + 1;
                    let num = match &ctx.number {
                        Some(p) => format!("{p}.{k}"),
                        None => k.to_string(),
                    };
                    child.number = Some(num.clone());
                    child.arabic_depth = depth;
                    (num, format!("arabic-{depth}"))
                }
            };
            let seg = match n {
                // A dotted number already carries its parents: only its last part is new.
                Numbering::Arabic => num.rsplit('.').next().unwrap_or(&num).to_string(),
                _ => num.clone(),
            };
            child.path = if ctx.path.is_empty() {
                seg
            } else {
                format!("{}.{seg}", ctx.path)
            };
            (Some(num), Some(scheme))
        }
        None => (None, None),
    };
    out.push(Entry {
        node,
        instance: ctx.instance,
        block: ctx.block,
        skeleton: ctx.skeleton,
        stub: ctx.stub,
        number,
        scheme,
        path: if child.path.is_empty() {
            "(đầu văn bản)".to_string()
        } else {
            child.path.clone()
        },
        depth: ctx.depth,
    });
    if !ctx.stub {
        walk(children, r, opts, Some(node.id.as_str()), &child, out);
    }
}

fn letter(k: usize, base: u8) -> String {
    // 26 letters are enough for any outline; past Z, repeat (AA…) rather than fail.
    let mut k = k;
    let mut s = Vec::new();
    while k > 0 {
        let rem = (k - 1) % 26;
        s.push(base + rem as u8);
        k = (k - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Whether the report answers the repeated block `id` with "none": an empty list, or a block
/// left out of a report that answers others (only a report with no block at all, a blank draft,
/// prints the working outline's skeleton instead).
pub fn answers_none(r: &Report, id: &str) -> bool {
    match r.blocks.get(id) {
        Some(list) => list.is_empty(),
        None => !r.blocks.is_empty(),
    }
}

/// Roman numerals (the outline's I, II, III…).
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(9), "IX");
        assert_eq!(roman(14), "XIV");
        assert_eq!(letter(1, b'A'), "A");
        assert_eq!(letter(26, b'a'), "z");
        assert_eq!(letter(27, b'A'), "AA");
    }
}
