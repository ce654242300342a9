//! Realistic, complete, valid sample reports for any of the 63 provinces, deterministic for a
//! given seed: real district names, the models each province ran drawn so that the 63 samples of
//! one seed follow the catalogue's frequencies (`sample` in the template: most provinces one to
//! three models, some models in one or two provinces), some pilots ended with date and reason,
//! merger figures that change both ways, all three proposals across models. `full` gives every
//! model and every district, for stress tests and benchmarks.
//! Tests, demos and benchmarks use them.

use std::collections::BTreeMap;

use outline::{AnswerType, ColumnType, Node, NodeKind, Template};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use units::{Province, Units};

use crate::model::{Instance, Particulars, Report, TemplateRef, UnitRef};

/// Errors making a sample.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("không có tỉnh, thành phố mã “{0}” (mã gồm 2 chữ số, ví dụ 02 là Hà Giang)")]
    UnknownProvince(String),
    #[error("không có đơn vị cấp huyện mã “{district}” thuộc tỉnh, thành phố mã “{province}” (mã gồm 3 chữ số, theo danh mục đơn vị hành chính ngày 30/6/2021)")]
    UnknownDistrict { province: String, district: String },
    #[error("đề cương không có ngày chốt số liệu hợp lệ")]
    NoCutoff,
    #[error("không tạo được ngày cho báo cáo mẫu: {0}")]
    Date(vi::DateError),
}

const SENTENCES: &[&str] = &[
    "Ban Thường vụ {committee} đã lãnh đạo, chỉ đạo quán triệt sâu sắc chủ trương của Trung ương đến các cấp ủy, tổ chức đảng, cán bộ, đảng viên trên địa bàn.",
    "Các cơ quan tham mưu đã chủ động phối hợp xây dựng kế hoạch, lộ trình thực hiện cụ thể, phù hợp với điều kiện thực tiễn của địa phương.",
    "Qua thực hiện, tổ chức bộ máy được sắp xếp tinh gọn hơn, giảm đầu mối trung gian, giảm số lượng cấp phó và biên chế.",
    "Việc thống nhất đầu mối tham mưu giúp nâng cao chất lượng, hiệu quả công tác, khắc phục tình trạng chồng chéo chức năng, nhiệm vụ.",
    "Tuy nhiên, một số quy định của Đảng và pháp luật của Nhà nước chưa đồng bộ, nhất là về thẩm quyền ký văn bản, sử dụng con dấu và chế độ tài chính.",
    "Cơ quan sau hợp nhất phải sử dụng hai con dấu, thực hiện hai chế độ báo cáo, gây khó khăn trong quản lý, điều hành.",
    "Đội ngũ cán bộ được bố trí cơ bản phù hợp với năng lực, sở trường; tâm tư, nguyện vọng của cán bộ được quan tâm giải quyết kịp thời.",
    "Công tác kiểm tra, giám sát được tăng cường, kịp thời phát hiện và tháo gỡ những vướng mắc phát sinh trong quá trình thực hiện.",
    "Một bộ phận cán bộ còn tâm lý e ngại, chưa thật sự yên tâm công tác khi thực hiện sắp xếp tổ chức bộ máy.",
    "Biên chế của khối đảng tăng do tiếp nhận công chức từ cơ quan nhà nước, trong khi chưa có hướng dẫn thống nhất về quản lý biên chế sau hợp nhất.",
    "Người đứng đầu vừa lãnh đạo cơ quan đảng vừa điều hành cơ quan nhà nước, có nguy cơ vừa đá bóng vừa thổi còi nếu thiếu cơ chế kiểm soát quyền lực.",
    "Kết quả thực hiện góp phần nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức đảng và hiệu lực, hiệu quả quản lý nhà nước ở địa phương.",
    "Các cơ quan đã kịp thời rà soát, sửa đổi, bổ sung quy chế làm việc, quy trình giải quyết công việc bảo đảm thông suốt, không gián đoạn.",
    "Chế độ, chính sách đối với cán bộ dôi dư được thực hiện đúng quy định, công khai, minh bạch, tạo sự đồng thuận cao.",
    "Cơ sở vật chất, trụ sở làm việc và phương tiện được bố trí, sử dụng tiết kiệm, hiệu quả.",
    "Đề nghị Trung ương sớm ban hành quy định thống nhất về chức năng, nhiệm vụ, tổ chức bộ máy của cơ quan sau hợp nhất.",
    "Nhận thức của một số cấp ủy, chính quyền về mục đích, yêu cầu của việc thí điểm có lúc chưa đầy đủ, thống nhất.",
    "Bài học rút ra là phải có sự lãnh đạo, chỉ đạo chặt chẽ của cấp ủy, sự vào cuộc đồng bộ của cả hệ thống chính trị.",
    "Việc lựa chọn cán bộ kiêm nhiệm căn cứ tiêu chuẩn chức danh, uy tín, năng lực thực tiễn và kết quả thực hiện nhiệm vụ.",
    "Cơ quan được chọn thí điểm có chức năng, nhiệm vụ tương đồng, đội ngũ cán bộ có trình độ, năng lực, điều kiện thực hiện thuận lợi.",
];

const REASONS: &[&str] = &[
    "Thực hiện Kết luận số 74-KL/TW, ngày 22/5/2020 của Bộ Chính trị về việc kết thúc thí điểm mô hình không phù hợp.",
    "Mô hình phát sinh nhiều vướng mắc về thẩm quyền, con dấu và chế độ tài chính; cơ quan có thẩm quyền quyết định kết thúc thí điểm.",
    "Kiện toàn lại tổ chức theo quy định mới của Luật Tổ chức chính quyền địa phương.",
];

const SIGNERS: &[&str] = &[
    "Nguyễn Văn Sơn",
    "Trần Thị Hồng Hạnh",
    "Lê Quang Tùng",
    "Phạm Minh Đức",
    "Hoàng Thị Thu Hà",
    "Đỗ Trọng Hưng",
    "Vũ Đại Thắng",
    "Bùi Văn Quang",
];

fn fill(s: &str, p: &Province) -> String {
    s.replace("{committee}", &p.committee())
}

fn paragraphs(rng: &mut ChaCha8Rng, p: &Province) -> String {
    let n = rng.gen_range(2..=4);
    let mut picked: Vec<&str> = SENTENCES.choose_multiple(rng, n).copied().collect();
    picked.sort_unstable();
    let mut out = Vec::new();
    for chunk in picked.chunks(2) {
        out.push(
            chunk
                .iter()
                .map(|s| fill(s, p))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    out.join("\n\n")
}

fn date_between(rng: &mut ChaCha8Rng, from: vi::Date, to: vi::Date) -> vi::Date {
    let span = from.days_until(&to).max(0);
    from.plus_days(rng.gen_range(0..=span)).unwrap_or(from)
}

/// The dates samples are drawn between, checked once.
struct Calendar {
    doc_from: vi::Date,
    doc_to: vi::Date,
    start_from: vi::Date,
    start_to: vi::Date,
    cutoff: vi::Date,
    plans_from: vi::Date,
    plans_to: vi::Date,
    districts_from: vi::Date,
    any_from: vi::Date,
}

impl Calendar {
    fn new(cutoff: vi::Date) -> Result<Calendar, vi::DateError> {
        let d = vi::Date::new;
        Ok(Calendar {
            doc_from: cutoff.plus_days(51)?,
            doc_to: cutoff.plus_days(92)?,
            start_from: d(2018, 9, 1)?,
            start_to: d(2020, 6, 30)?,
            cutoff,
            plans_from: d(2018, 1, 15)?,
            plans_to: cutoff.plus_days(-30)?,
            districts_from: d(2019, 1, 1)?,
            any_from: d(2018, 1, 1)?,
        })
    }
}

/// A complete, valid sample report for `province` (GSO code), deterministic for `seed`.
pub fn sample(
    t: &Template,
    units: &Units,
    province: &str,
    seed: u64,
) -> Result<Report, SampleError> {
    sample_with(t, units, province, seed, SampleOptions::default())
}

/// How big a sample to make.
#[derive(Debug, Clone, Copy, Default)]
pub struct SampleOptions {
    /// Every model of the catalogue in every block, and every district of the province in every
    /// district-level block (the largest report a province could send; for benchmarks).
    pub full: bool,
}

/// [`sample`] with options.
pub fn sample_with(
    t: &Template,
    units: &Units,
    province: &str,
    seed: u64,
    opts: SampleOptions,
) -> Result<Report, SampleError> {
    let cutoff = t.cutoff().ok_or(SampleError::NoCutoff)?;
    let cal = Calendar::new(cutoff).map_err(SampleError::Date)?;
    let p = units
        .province(province)
        .ok_or_else(|| SampleError::UnknownProvince(province.to_string()))?;
    let code: u64 = province.parse().unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(code));
    let mut g = Gen {
        t,
        units,
        p,
        rng: &mut rng,
        proposal: 0,
        full: opts.full,
        cal,
    };
    g.proposal = g.rng.gen_range(0..3);
    let doc_date = date_between(g.rng, g.cal.doc_from, g.cal.doc_to);
    let document = Particulars {
        number: Some(format!("{:02}", g.rng.gen_range(1..=60))),
        place: Some(p.short().to_string()),
        date: Some(doc_date.iso()),
        signer: Some(
            SIGNERS
                .choose(g.rng)
                .copied()
                .unwrap_or("Nguyễn Văn Sơn")
                .to_string(),
        ),
        signer_title: Some(
            if g.rng.gen_bool(0.7) {
                "BÍ THƯ"
            } else {
                "PHÓ BÍ THƯ"
            }
            .to_string(),
        ),
        recipients: Vec::new(),
    };
    let mut answers = BTreeMap::new();
    for n in t
        .node
        .iter()
        .filter(|n| t.enclosing_repeat(&n.id).is_none())
    {
        if let Some(v) = g.answer(n, &BTreeMap::new()) {
            answers.insert(n.id.clone(), v);
        }
    }
    let mut blocks = BTreeMap::new();
    for block in t.node.iter().filter(|n| n.kind == NodeKind::Repeat) {
        let district_level = t.level_of(block).is_some_and(|l| l.units == "district");
        // The models this province ran: every model for `full`, else those the catalogue's
        // frequencies give this province for this seed.
        let models: Vec<&outline::CatalogueEntry> = t
            .catalogue_for(block)
            .filter(|c| g.full || runs(units, c, &p.code, seed))
            .collect();
        let mut instances = Vec::new();
        for (i, model) in models.into_iter().enumerate() {
            instances.push(g.instance(block, model, i, district_level));
        }
        blocks.insert(block.id.clone(), instances);
    }
    Ok(Report {
        template: TemplateRef {
            id: t.template.id.clone(),
            version: t.template.version.clone(),
        },
        unit: UnitRef {
            province: p.code.clone(),
            district: None,
        },
        document,
        answers,
        blocks,
    })
}

/// A complete, valid sample sheet (phiếu cấp huyện) of `district` in `province`, agreeing with
/// [`sample_with`] for the same seed and options: the sheet has a block instance for each
/// district-level model type whose province sample lists this district, with the same row; the
/// district's own figures, documents and (sometimes) narrative are drawn for the district. So
/// the sheets of all a province's districts roll up into the rows of its sample report.
pub fn sample_district(
    t: &Template,
    units: &Units,
    province: &str,
    district: &str,
    seed: u64,
    opts: SampleOptions,
) -> Result<Report, SampleError> {
    let unknown = || SampleError::UnknownDistrict {
        province: province.to_string(),
        district: district.to_string(),
    };
    let d = units
        .district(district)
        .filter(|d| d.province_code == province)
        .ok_or_else(unknown)?;
    let whole = sample_with(t, units, province, seed, opts)?;
    let cutoff = t.cutoff().ok_or(SampleError::NoCutoff)?;
    let cal = Calendar::new(cutoff).map_err(SampleError::Date)?;
    let p = units
        .province(province)
        .ok_or_else(|| SampleError::UnknownProvince(province.to_string()))?;
    let code: u64 = district.parse().unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(1_000_003)
            .wrapping_add(code.wrapping_mul(7_919)),
    );
    let mut g = Gen {
        t,
        units,
        p,
        rng: &mut rng,
        proposal: 0,
        full: opts.full,
        cal,
    };
    let mut blocks = BTreeMap::new();
    for block in t.district_blocks() {
        let Some(row_item) = t.node.iter().find(|n| {
            n.district == Some(outline::DistrictFill::Row)
                && t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&block.id)
        }) else {
            continue;
        };
        let unit_key = row_item
            .answer
            .as_ref()
            .and_then(|a| {
                a.column
                    .iter()
                    .find(|c| c.role == Some(outline::ColumnRole::Unit))
            })
            .map(|c| c.key.clone())
            .unwrap_or_default();
        let mut list = Vec::new();
        for inst in whole.blocks.get(&block.id).into_iter().flatten() {
            let own = inst
                .answers
                .get(&row_item.id)
                .and_then(Value::as_array)
                .and_then(|rows| {
                    rows.iter()
                        .find(|r| r.get(&unit_key).and_then(Value::as_str) == Some(d.code.as_str()))
                });
            let Some(own) = own else { continue };
            let mut answers = BTreeMap::new();
            answers.insert(row_item.id.clone(), Value::Array(vec![own.clone()]));
            for n in t.node.iter().filter(|n| {
                n.district.is_some()
                    && n.district != Some(outline::DistrictFill::Row)
                    && t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&block.id)
            }) {
                let Some(a) = &n.answer else { continue };
                let material = n.district == Some(outline::DistrictFill::Material);
                // The district's own narrative is optional: about half the districts write it.
                if material && a.kind == AnswerType::Narrative && !g.rng.gen_bool(0.5) {
                    continue;
                }
                let v = match (a.kind, n.role) {
                    (AnswerType::Text, Some(outline::Role::LocalName)) => {
                        let short = t
                            .catalogue_entry(&inst.model)
                            .map(|c| c.short.clone())
                            .unwrap_or_default();
                        Some(json!(merged_name(&short, true)))
                    }
                    _ => g.answer(n, &answers),
                };
                if let Some(v) = v {
                    answers.insert(n.id.clone(), v);
                }
            }
            // Keep what the chosen answers show (show_if), as the province sample does.
            let keep: Vec<String> = answers
                .keys()
                .filter(|k| {
                    t.node(k).and_then(|n| n.show_if.as_ref()).is_none_or(|c| {
                        answers
                            .get(&c.item)
                            .and_then(Value::as_str)
                            .is_some_and(|v| c.equals.contains(v))
                    })
                })
                .cloned()
                .collect();
            answers.retain(|k, _| keep.contains(k));
            list.push(Instance {
                id: inst.id.clone(),
                model: inst.model.clone(),
                name: inst.name.clone(),
                answers,
                rollup: None,
            });
        }
        blocks.insert(block.id.clone(), list);
    }
    Ok(Report {
        template: whole.template,
        unit: UnitRef {
            province: province.to_string(),
            district: Some(d.code.clone()),
        },
        document: Particulars::default(),
        answers: BTreeMap::new(),
        blocks,
    })
}

struct Gen<'a, 'r> {
    t: &'a Template,
    units: &'a Units,
    p: &'a Province,
    rng: &'r mut ChaCha8Rng,
    proposal: usize,
    full: bool,
    cal: Calendar,
}

impl Gen<'_, '_> {
    fn instance(
        &mut self,
        block: &Node,
        entry: &outline::CatalogueEntry,
        i: usize,
        district_level: bool,
    ) -> Instance {
        let t = self.t;
        let model = entry.code.as_str();
        let mut answers = BTreeMap::new();
        // Status first: other answers depend on it.
        let start = date_between(self.rng, self.cal.start_from, self.cal.start_to);
        let ended = self.rng.gen_bool(0.25);
        let end = date_between(
            self.rng,
            start.plus_days(180).unwrap_or(start),
            self.cal.cutoff,
        );
        self.proposal = (self.proposal + 1) % 3;
        let proposal = if ended {
            "3".to_string()
        } else {
            (self.proposal + 1).to_string()
        };
        let proposal = if ended && self.rng.gen_bool(0.5) {
            (self.proposal + 1).to_string()
        } else {
            proposal
        };
        for n in t
            .node
            .iter()
            .filter(|n| t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&block.id))
        {
            let Some(a) = &n.answer else { continue };
            let id = n.id.as_str();
            let v = if id.ends_with(".x2.tt") && a.kind == AnswerType::Choice {
                Some(json!(if ended { "ket-thuc" } else { "dang" }))
            } else if id.ends_with(".x2.bd") {
                Some(json!(start.iso()))
            } else if id.ends_with(".x2.kt") {
                ended.then(|| json!(end.iso()))
            } else if id.ends_with(".x2.ly") {
                ended.then(|| json!(REASONS.choose(self.rng).copied().unwrap_or(REASONS[0])))
            } else if id.ends_with(".x2.qd") {
                Some(json!([self.docref(
                    start.plus_days(-10).unwrap_or(start),
                    "QĐ",
                    "Quyết định về việc thực hiện thí điểm"
                )]))
            } else if id.ends_with(".x2.dv") {
                Some(self.districts(start, entry.sample.and_then(|f| f.districts)))
            } else if id.ends_with(".x5.dx") {
                Some(json!(proposal))
            } else if id.ends_with(".x2.ten") {
                let short = t
                    .catalogue_entry(model)
                    .map(|c| c.short.clone())
                    .unwrap_or_default();
                Some(json!(merged_name(&short, district_level)))
            } else {
                self.answer(n, &answers)
            };
            if let Some(v) = v {
                answers.insert(n.id.clone(), v);
            }
        }
        // Drop answers whose show_if does not hold (the chosen proposal decides which apply).
        let keep: Vec<String> = answers
            .keys()
            .filter(|k| {
                t.node(k).and_then(|n| n.show_if.as_ref()).is_none_or(|c| {
                    answers
                        .get(&c.item)
                        .and_then(Value::as_str)
                        .is_some_and(|v| c.equals.contains(v))
                })
            })
            .cloned()
            .collect();
        answers.retain(|k, _| keep.contains(k));
        let _ = i;
        Instance {
            id: format!("{}-{}", model.to_lowercase(), i + 1),
            model: model.to_string(),
            name: None,
            answers,
            rollup: None,
        }
    }

    /// A document reference. `kind` is the document type's abbreviation ("QĐ", "KH"): Party
    /// bodies number "123-KH/TU", state bodies "123/KH-UBND".
    fn docref(&mut self, date: vi::Date, kind: &str, title: &str) -> Value {
        let n = self.rng.gen_range(100..=1999);
        let (number, issuer) = if self.rng.gen_bool(0.6) {
            (
                format!("{n}-{kind}/TU"),
                format!("Ban Thường vụ {}", self.p.committee()),
            )
        } else {
            let body = if self.p.is_city() {
                "thành phố"
            } else {
                "tỉnh"
            };
            (
                format!("{n}/{kind}-UBND"),
                format!("Ủy ban nhân dân {body} {}", self.p.short()),
            )
        };
        json!({
            "number": number,
            "date": date.iso(),
            "issuer": issuer,
            "title": title,
        })
    }

    /// District rows: every district for `full`, else between `range`'s bounds (default 2 to
    /// 10), never more than the province has.
    fn districts(&mut self, start: vi::Date, range: Option<[u32; 2]>) -> Value {
        let mut all: Vec<&units::District> = self.units.districts_of(&self.p.code).collect();
        all.shuffle(self.rng);
        let n = if self.full {
            all.len()
        } else {
            let [lo, hi] = range.unwrap_or([2, 10]);
            let hi = (hi as usize).clamp(1, all.len().max(1));
            let lo = (lo as usize).clamp(1, hi);
            self.rng.gen_range(lo..=hi)
        };
        let mut rows = Vec::new();
        all.truncate(n);
        all.sort_by(|a, b| a.code.cmp(&b.code));
        for dist in all {
            let s = date_between(self.rng, start, start.plus_days(120).unwrap_or(start));
            let ended = self.rng.gen_bool(0.2);
            let mut row = json!({
                "unit": dist.code,
                "qd": format!("Quyết định số {}-QĐ/HU, ngày {}", self.rng.gen_range(100..=999), s.plus_days(-7).unwrap_or(s).short_vi()),
                "bd": s.iso(),
                "tt": if ended { "ket-thuc" } else { "dang" },
            });
            if ended {
                let e = date_between(self.rng, s.plus_days(200).unwrap_or(s), self.cal.cutoff);
                row["kt"] = json!(e.iso());
                row["ly"] = json!(REASONS.choose(self.rng).copied().unwrap_or(REASONS[0]));
            }
            rows.push(row);
        }
        Value::Array(rows)
    }

    fn answer(&mut self, n: &Node, scope: &BTreeMap<String, Value>) -> Option<Value> {
        let a = n.answer.as_ref()?;
        if let Some(c) = &n.show_if {
            let holds = scope
                .get(&c.item)
                .and_then(Value::as_str)
                .is_some_and(|v| c.equals.contains(v));
            if !holds && scope.contains_key(&c.item) {
                return None;
            }
        }
        Some(match a.kind {
            AnswerType::Narrative => {
                if !a.required && a.required_if.is_none() && !self.rng.gen_bool(0.3) {
                    return None;
                }
                json!(paragraphs(self.rng, self.p))
            }
            AnswerType::Text => json!(format!("Nội dung {}", self.rng.gen_range(1..=9))),
            AnswerType::Integer => {
                json!(self.rng.gen_range(a.min.unwrap_or(0)..=a.max.unwrap_or(50)))
            }
            AnswerType::Date => {
                json!(date_between(self.rng, self.cal.any_from, self.cal.cutoff).iso())
            }
            AnswerType::Choice => {
                let o = a.option.choose(self.rng)?;
                json!(o.value)
            }
            AnswerType::Multichoice => {
                let k = self.rng.gen_range(1..=a.option.len().max(1));
                let mut picked: Vec<&outline::ChoiceOption> =
                    a.option.choose_multiple(self.rng, k).collect();
                picked.sort_by_key(|o| a.option.iter().position(|x| x.value == o.value));
                json!(picked.iter().map(|o| o.value.clone()).collect::<Vec<_>>())
            }
            AnswerType::Docrefs => {
                let k = self.rng.gen_range(1..=3);
                let mut list = Vec::new();
                for _ in 0..k {
                    let date = date_between(self.rng, self.cal.plans_from, self.cal.plans_to);
                    list.push(self.docref(date, "KH", "Kế hoạch thực hiện Nghị quyết số 18-NQ/TW"));
                }
                Value::Array(list)
            }
            AnswerType::Records => {
                if a.column.iter().any(|c| c.kind == ColumnType::Unit) {
                    self.districts(self.cal.districts_from, None)
                } else {
                    json!([])
                }
            }
            AnswerType::Figures => self.figures(a),
        })
    }

    fn figures(&mut self, a: &outline::Answer) -> Value {
        let r = &mut *self.rng;
        let dau_moi = r.gen_range(6..=14);
        let pho_dm = r.gen_range(10..=26);
        let can_bo = r.gen_range(8..=30);
        let cong_chuc = r.gen_range(30..=80);
        let vien_chuc = r.gen_range(0..=12);
        let nld = r.gen_range(2..=8);
        let nguoi = can_bo + cong_chuc + vien_chuc + nld;
        let bien_che = nguoi + r.gen_range(0..=6);
        let before: BTreeMap<&str, i64> = [
            ("dau-moi", dau_moi),
            ("cap-pho", r.gen_range(4..=7)),
            ("truong-dm", dau_moi),
            ("pho-dm", pho_dm),
            ("bien-che", bien_che),
            ("nguoi", nguoi),
            ("can-bo", can_bo),
            ("cong-chuc", cong_chuc),
            ("vien-chuc", vien_chuc),
            ("nld", nld),
        ]
        .into_iter()
        .collect();
        // Most figures fall after a merger; Party payroll (cán bộ) often grows.
        let mut after: BTreeMap<&str, i64> = BTreeMap::new();
        for (k, b) in &before {
            let delta: i64 = match *k {
                "can-bo" => r.gen_range(-1..=6),
                "cong-chuc" => -r.gen_range(0..=10),
                "vien-chuc" | "nld" => r.gen_range(-2..=1),
                "dau-moi" | "cap-pho" => -r.gen_range(0..=3),
                _ => -r.gen_range(0..=5),
            };
            after.insert(k, (b + delta).max(0));
        }
        after.insert("truong-dm", after["dau-moi"]);
        let people = after["can-bo"] + after["cong-chuc"] + after["vien-chuc"] + after["nld"];
        after.insert("nguoi", people);
        after.insert("bien-che", people + r.gen_range(0..=4));
        let mut out = serde_json::Map::new();
        for row in &a.row {
            let (Some(b), Some(af)) = (before.get(row.key.as_str()), after.get(row.key.as_str()))
            else {
                continue;
            };
            let mut cell = json!({"before": b, "after": af});
            if a.authorised {
                cell["authorised"] = json!(af + r.gen_range(0..=2));
            }
            out.insert(row.key.clone(), cell);
        }
        Value::Object(out)
    }
}

/// Whether the province `code` ran the model `entry` in the samples of `seed`: the catalogue's
/// share of the provinces (30% when it gives none), rounded, exactly; which provinces depends on
/// the seed and the model, not on the province asked about, so the 63 samples of one seed
/// together have exactly that many.
fn runs(units: &Units, entry: &outline::CatalogueEntry, code: &str, seed: u64) -> bool {
    let share = entry.sample.map_or(0.3, |f| f.share).clamp(0.0, 1.0);
    let mut all: Vec<&str> = units.provinces.iter().map(|p| p.code.as_str()).collect();
    let k = (share * all.len() as f64).round() as usize;
    // A stable seed from the model's code (not std's hasher: its output may change).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in entry.code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ h);
    all.shuffle(&mut rng);
    all.iter().take(k).any(|c| *c == code)
}

fn merged_name(short: &str, district_level: bool) -> String {
    let base = if short.contains("Tổ chức") {
        "Ban Tổ chức - Nội vụ"
    } else if short.contains("Kiểm tra") {
        "Cơ quan Ủy ban Kiểm tra - Thanh tra"
    } else if short.contains("Văn phòng") {
        "Văn phòng"
    } else if short.contains("Tuyên giáo") {
        "Ban Tuyên giáo - Trung tâm Chính trị"
    } else {
        "Cơ quan chung"
    };
    if district_level {
        format!("{base} cấp huyện")
    } else {
        format!("{base} tỉnh")
    }
}
