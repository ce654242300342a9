//! The JSON Schema (draft 2020-12) of reports against one template, generated from the template
//! so that it names every item and the type of its answer. Written by hand because the report's
//! shape depends on the template at run time (schemars derives schemas from Rust types only).

use outline::{AnswerType, ColumnType, NodeKind, Template};
use serde_json::{json, Map, Value};

/// The JSON Schema of a report against `t`.
pub fn schema(t: &Template) -> Value {
    let mut top = Map::new();
    let mut blocks = Map::new();
    for n in &t.node {
        if n.kind == NodeKind::Repeat {
            let mut inner = Map::new();
            for m in t.node.iter().filter(|m| {
                m.answer.is_some() && t.enclosing_repeat(&m.id).map(|b| &b.id) == Some(&n.id)
            }) {
                if let Some(a) = &m.answer {
                    inner.insert(m.id.clone(), answer_schema(a, &m.text));
                }
            }
            let mut models: Vec<Value> = t.catalogue_for(n).map(|c| json!(c.code)).collect();
            models.push(json!("khac"));
            blocks.insert(
                n.id.clone(),
                json!({
                    "type": "array",
                    "description": crate::tree::strip_markup(&n.text),
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["id", "model"],
                        "properties": {
                            "id": {"type": "string", "minLength": 1},
                            "model": {"enum": models, "description": "Mã mô hình trong danh mục, hoặc “khac”"},
                            "name": {"type": "string", "description": "Tên mô hình khi model là “khac”"},
                            "answers": {"type": "object", "additionalProperties": false, "properties": inner}
                        }
                    }
                }),
            );
        } else if let Some(a) = &n.answer {
            if t.enclosing_repeat(&n.id).is_none() {
                top.insert(n.id.clone(), answer_schema(a, &n.text));
            }
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:baocao:report:{}:{}", t.template.id, t.template.version),
        "title": format!("Báo cáo theo đề cương {} (phiên bản {})", t.template.id, t.template.version),
        "type": "object",
        "additionalProperties": false,
        "required": ["template", "unit"],
        "properties": {
            "template": {
                "type": "object", "additionalProperties": false, "required": ["id", "version"],
                "properties": {"id": {"const": t.template.id}, "version": {"type": "string"}}
            },
            "unit": {
                "type": "object", "additionalProperties": false, "required": ["province"],
                "properties": {"province": {"type": "string", "pattern": "^[0-9]{2}$", "description": "Mã tỉnh, thành phố (Tổng cục Thống kê)"}}
            },
            "document": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "number": {"type": "string", "pattern": "^[0-9]{1,6}$"},
                    "place": {"type": "string", "maxLength": 200},
                    "date": date_schema(),
                    "signer": {"type": "string", "maxLength": 200},
                    "signer_title": {"type": "string", "maxLength": 200},
                    "recipients": {"type": "array", "items": {"type": "string"}}
                }
            },
            "answers": {"type": "object", "additionalProperties": false, "properties": top},
            "blocks": {"type": "object", "additionalProperties": false, "properties": blocks}
        }
    })
}

fn date_schema() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn answer_schema(a: &outline::Answer, text: &str) -> Value {
    let description = crate::tree::strip_markup(text);
    let enum_of = |opts: &[outline::ChoiceOption]| -> Vec<Value> {
        opts.iter().map(|o| json!(o.value)).collect()
    };
    let mut s = match a.kind {
        AnswerType::Narrative => {
            json!({"type": "string", "maxLength": crate::validate::MAX_TEXT_CHARS})
        }
        AnswerType::Text => json!({"type": "string", "maxLength": crate::validate::MAX_LINE_CHARS}),
        AnswerType::Integer => json!({"type": "integer", "minimum": a.min.unwrap_or(0)}),
        AnswerType::Date => date_schema(),
        AnswerType::Choice => json!({"enum": enum_of(&a.option)}),
        AnswerType::Multichoice => {
            json!({"type": "array", "uniqueItems": true, "items": {"enum": enum_of(&a.option)}})
        }
        AnswerType::Docrefs => json!({
            "type": "array",
            "items": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "number": {"type": "string"}, "date": date_schema(),
                    "issuer": {"type": "string"}, "title": {"type": "string"}
                }
            }
        }),
        AnswerType::Records => {
            let mut props = Map::new();
            for c in &a.column {
                let v = match c.kind {
                    ColumnType::Unit => {
                        json!({"type": "string", "pattern": "^[0-9]{3}$", "description": "Mã đơn vị cấp huyện"})
                    }
                    ColumnType::Text => json!({"type": "string"}),
                    ColumnType::Integer => json!({"type": "integer", "minimum": 0}),
                    ColumnType::Date => date_schema(),
                    ColumnType::Choice => json!({"enum": enum_of(&c.option)}),
                };
                props.insert(c.key.clone(), v);
            }
            json!({"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": props}})
        }
        AnswerType::Figures => {
            let mut props = Map::new();
            let n = json!({"type": ["integer", "null"], "minimum": 0});
            for r in &a.row {
                props.insert(
                    r.key.clone(),
                    json!({
                        "type": "object", "additionalProperties": false, "description": r.label,
                        "properties": {"before": n, "after": n, "authorised": n}
                    }),
                );
            }
            json!({"type": "object", "additionalProperties": false, "properties": props})
        }
    };
    if let Some(obj) = s.as_object_mut() {
        obj.insert("description".into(), json!(description));
    }
    s
}
