#!/usr/bin/env python3
"""Dump a DOCX as JSON with python-docx: an independent reader to check baocao's DOCX exporter.

Usage: python3 scripts/docx_dump.py report.docx > report.json

Prints {"sections", "paragraphs", "tables", "footnotes", "header_texts", "core"}:
- sections: page size, margins (mm, to 0.1) and whether page 1 has its own header;
- paragraphs: the body's top-level paragraphs with style, bold/italic (true when every run
  with text is) and alignment;
- tables: every top-level table in document order (the page-1 header, data tables, the
  closing), as rows of cell texts;
- table_widths: for each of those tables, its w:gridCol widths, the w:tcW widths of each row's
  cells (twips) and whether it has borders (data tables do, the header and closing do not);
- footnotes: the text of each footnote (separators skipped, reference mark removed);
- header_texts: the text of each header part, by part name;
- core: title, author, subject, created.
Needs python-docx (pip install python-docx).
"""

import json
import sys

try:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
except ImportError:  # pragma: no cover
    sys.exit("docx_dump.py needs python-docx: pip install python-docx")

from lxml import etree

W_T, W_TAB, W_BR, W_P, W_R = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:p"), qn("w:r")
SKIPPED_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def mm(length):
    return None if length is None else round(length.mm, 1)


def effective(run, paragraph, attr):
    """A run's bold/italic: its own setting, else its character style's, else the paragraph
    style's (python-docx does not resolve inheritance)."""
    value = getattr(run.font, attr)
    if value is None and run.style is not None:
        value = getattr(run.style.font, attr)
    if value is None and paragraph.style is not None:
        value = getattr(paragraph.style.font, attr)
    return bool(value)


def all_runs(paragraph, attr):
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(effective(r, paragraph, attr) for r in runs)


def alignment(paragraph):
    a = paragraph.alignment
    if a is None and paragraph.style is not None:
        a = paragraph.style.paragraph_format.alignment
    return None if a is None else a.name.lower()


def element_text(element, skip_run=None):
    """Text of the w:p paragraphs under `element`: tabs and breaks kept, paragraphs joined by
    newlines; runs for which skip_run(run) is true left out."""
    out = []
    for p in element.iter(W_P):
        parts = []
        for r in p.iter(W_R):
            if skip_run is not None and skip_run(r):
                continue
            for child in r:
                if child.tag == W_T:
                    parts.append(child.text or "")
                elif child.tag == W_TAB:
                    parts.append("\t")
                elif child.tag == W_BR:
                    parts.append("\n")
        out.append("".join(parts))
    return "\n".join(out)


def is_reference_mark(run):
    if run.find(qn("w:footnoteRef")) is not None:
        return True
    style = run.find(qn("w:rPr") + "/" + qn("w:rStyle"))
    return style is not None and "footnotereference" in (style.get(qn("w:val")) or "").lower()


def related_parts(document, reltype):
    parts = [rel.target_part for rel in document.part.rels.values()
             if rel.reltype == reltype and not rel.is_external]
    return sorted(parts, key=lambda part: str(part.partname))


def footnotes(document):
    notes = []
    for part in related_parts(document, RT.FOOTNOTES):
        root = etree.fromstring(part.blob)
        for note in root.iter(qn("w:footnote")):
            kind = note.get(qn("w:type"))
            if kind in SKIPPED_NOTE_TYPES or int(note.get(qn("w:id"), "0")) <= 0:
                continue
            notes.append(element_text(note, skip_run=is_reference_mark).strip())
    return notes


def header_texts(document):
    return [element_text(etree.fromstring(part.blob)).strip()
            for part in related_parts(document, RT.HEADER)]


def table_widths(table):
    tbl = table._tbl
    grid = [int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))]
    rows = []
    for tr in tbl.iter(qn("w:tr")):
        rows.append([int(w.get(qn("w:w"))) for w in tr.iter(qn("w:tcW"))])
    borders = tbl.find(qn("w:tblPr") + "/" + qn("w:tblBorders"))
    bordered = borders is not None and any(
        (b.get(qn("w:val")) or "nil") not in ("nil", "none") for b in borders)
    return {"grid": grid, "rows": rows, "bordered": bordered}


def dump(path):
    d = docx.Document(path)
    sections = [{
        "page_width_mm": mm(s.page_width),
        "page_height_mm": mm(s.page_height),
        "top_mm": mm(s.top_margin),
        "bottom_mm": mm(s.bottom_margin),
        "left_mm": mm(s.left_margin),
        "right_mm": mm(s.right_margin),
        "different_first_page": bool(s.different_first_page_header_footer),
    } for s in d.sections]
    paragraphs = [{
        "text": p.text,
        "style": p.style.name if p.style is not None else None,
        "bold": all_runs(p, "bold"),
        "italic": all_runs(p, "italic"),
        "alignment": alignment(p),
    } for p in d.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in d.tables]
    cp = d.core_properties
    core = {
        "title": cp.title,
        "author": cp.author,
        "subject": cp.subject,
        "created": cp.created.isoformat() if cp.created else None,
    }
    return {
        "sections": sections,
        "paragraphs": paragraphs,
        "tables": tables,
        "table_widths": [table_widths(t) for t in d.tables],
        "footnotes": footnotes(d),
        "header_texts": header_texts(d),
        "core": core,
    }


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: docx_dump.py FILE.docx")
    json.dump(dump(argv[1]), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
