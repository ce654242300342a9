//! Charts: the same [`Chart`] as an inline SVG (HTML pages, the web app) and as a DrawingML chart
//! part (DOCX). In DOCX the chart is native — Word and LibreOffice draw it from the figures kept in
//! the part (literal values, no embedded workbook), so it stays sharp at any zoom, prints in the
//! document's font and can be restyled by the official who edits the report; no raster image and
//! no font rasterizer are needed in this pure crate.

use std::fmt::Write as _;

use crate::docx::xml_escape;
use crate::model::Chart;

/// Series colours (RGB hex): the Party red, then grey, green, blue. Every exporter that draws
/// charts uses these.
pub const COLOURS: [&str; 4] = ["A50E0E", "9AA0A6", "1E6B35", "0D47A1"];

fn esc(s: &str) -> String {
    xml_escape(s)
}

/// The chart as an SVG `<figure>` (caption, legend, bars with their values).
pub fn svg(c: &Chart) -> String {
    let max = c.max_value();
    let n = c.series.len().max(1);
    let (label_w, bar_w, bar_h) = (330.0, 300.0, 13.0);
    let row_h = bar_h * n as f64 + 8.0;
    let top = if n > 1 { 22.0 } else { 6.0 };
    let height = top + row_h * c.categories.len() as f64 + 6.0;
    // The drawing scales down to the page (viewBox): on a phone the chart shrinks instead of
    // scrolling sideways.
    let width = label_w + bar_w + 70.0;
    let mut o = String::new();
    let _ = write!(
        o,
        "<figure class=\"chart\"><figcaption>{}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" \
         role=\"img\" aria-label=\"{}\">",
        esc(&c.title),
        esc(&c.title)
    );
    if n > 1 {
        let mut x = label_w;
        for (si, s) in c.series.iter().enumerate() {
            let _ = write!(
                o,
                "<rect x=\"{x}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#{}\"/>\
                 <text x=\"{}\" y=\"13\" font-size=\"11\">{}</text>",
                COLOURS[si % COLOURS.len()],
                x + 14.0,
                esc(&s.name)
            );
            x += 30.0 + 7.0 * s.name.chars().count() as f64;
        }
    }
    for (i, cat) in c.categories.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            label_w - 6.0,
            y + row_h / 2.0 + 4.0,
            esc(&vi::shorten(cat, 48))
        );
        for (si, s) in c.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let w = bar_w * v.max(0) as f64 / max as f64;
            let by = y + 4.0 + bar_h * si as f64;
            let _ = write!(
                o,
                "<rect x=\"{label_w}\" y=\"{by}\" width=\"{w:.1}\" height=\"{}\" fill=\"#{}\"/>\
                 <text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>",
                bar_h - 2.0,
                COLOURS[si % COLOURS.len()],
                label_w + w + 4.0,
                by + bar_h - 3.0,
                vi::format_int(v)
            );
        }
    }
    o.push_str("</svg></figure>\n");
    o
}

/// The chart part (`word/charts/chartN.xml`) of a DOCX, in the document's font.
pub fn drawingml(c: &Chart, font: &str) -> String {
    let mut o = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" \
         xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <c:roundedCorners val=\"0\"/><c:chart>",
    );
    let _ = write!(
        o,
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1200\" \
         b=\"1\"/></a:pPr><a:r><a:rPr lang=\"vi-VN\" sz=\"1200\" b=\"1\"/><a:t>{}</a:t></a:r>\
         </a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/>\
         <c:plotArea><c:layout/><c:barChart><c:barDir val=\"bar\"/>\
         <c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>",
        esc(&c.title)
    );
    let count = c.categories.len();
    for (si, s) in c.series.iter().enumerate() {
        let _ = write!(
            o,
            "<c:ser><c:idx val=\"{si}\"/><c:order val=\"{si}\"/><c:tx><c:v>{}</c:v></c:tx>\
             <c:spPr><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></c:spPr>\
             <c:invertIfNegative val=\"0\"/><c:dLbls><c:numFmt formatCode=\"#,##0\" \
             sourceLinked=\"0\"/><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/>\
             <c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/>\
             <c:showBubbleSize val=\"0\"/></c:dLbls><c:cat><c:strLit><c:ptCount val=\"{count}\"/>",
            esc(&s.name),
            COLOURS[si % COLOURS.len()]
        );
        for (i, cat) in c.categories.iter().enumerate() {
            let _ = write!(o, "<c:pt idx=\"{i}\"><c:v>{}</c:v></c:pt>", esc(cat));
        }
        let _ = write!(
            o,
            "</c:strLit></c:cat><c:val><c:numLit><c:formatCode>#,##0</c:formatCode>\
             <c:ptCount val=\"{count}\"/>"
        );
        for i in 0..count {
            let v = s.values.get(i).copied().unwrap_or(0);
            let _ = write!(o, "<c:pt idx=\"{i}\"><c:v>{v}</c:v></c:pt>");
        }
        o.push_str("</c:numLit></c:val></c:ser>");
    }
    let _ = write!(
        o,
        "<c:gapWidth val=\"60\"/><c:axId val=\"50010\"/><c:axId val=\"50020\"/></c:barChart>\
         <c:catAx><c:axId val=\"50010\"/><c:scaling><c:orientation val=\"maxMin\"/></c:scaling>\
         <c:delete val=\"0\"/><c:axPos val=\"l\"/><c:numFmt formatCode=\"General\" \
         sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/>\
         <c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"50020\"/><c:crosses val=\"autoZero\"/>\
         <c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/>\
         <c:noMultiLvlLbl val=\"0\"/></c:catAx><c:valAx><c:axId val=\"50020\"/><c:scaling>\
         <c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"t\"/>\
         <c:majorGridlines/><c:numFmt formatCode=\"#,##0\" sourceLinked=\"0\"/>\
         <c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/>\
         <c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"50010\"/><c:crosses val=\"autoZero\"/>\
         <c:crossBetween val=\"between\"/></c:valAx></c:plotArea>{}\
         <c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>\
         <c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1000\">\
         <a:latin typeface=\"{font}\"/><a:cs typeface=\"{font}\"/></a:defRPr></a:pPr>\
         <a:endParaRPr lang=\"vi-VN\"/></a:p></c:txPr></c:chartSpace>",
        if c.series.len() > 1 {
            "<c:legend><c:legendPos val=\"b\"/><c:overlay val=\"0\"/></c:legend>"
        } else {
            ""
        },
        font = esc(font)
    );
    o
}

/// The chart's height in the document, in EMU (bars and labels of every category, the title).
pub fn height_emu(c: &Chart) -> i64 {
    const CM: i64 = 360_000;
    let rows = c.categories.len() as i64 * c.series.len().max(1) as i64;
    (3 * CM + rows * CM * 6 / 10).min(20 * CM)
}
