//! serde's (serde_json's, toml's) messages are English ("invalid type: map, expected struct
//! Report"); say them in Vietnamese. Names from the input (fields, values) are kept between
//! backticks; nothing English is passed through.

/// What a serde message says, in Vietnamese. `syntax` is said when the message is not one of
/// the known kinds (e.g. "lỗi cú pháp JSON").
pub fn serde_message(msg: &str, syntax: &str) -> String {
    let msg = msg.trim();
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!(
            "trường {} không có trong định dạng",
            backticked(rest).unwrap_or_default()
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!(
            "thiếu trường bắt buộc {}",
            backticked(rest).unwrap_or_default()
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return format!(
            "trường {} xuất hiện hai lần",
            backticked(rest).unwrap_or_default()
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        return format!(
            "khóa {} xuất hiện hai lần",
            backticked(rest).unwrap_or_default()
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return format!(
            "giá trị {} không thuộc các giá trị cho phép",
            backticked(rest).unwrap_or_default()
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "sai kiểu dữ liệu: có {}, cần {}",
            kind(found),
            kind(expected)
        );
    }
    if msg.starts_with("invalid value") {
        return "giá trị không hợp lệ".to_string();
    }
    if msg.starts_with("invalid length") {
        return "số phần tử không đúng".to_string();
    }
    if msg.contains("surrogate")
        || msg.contains("escape")
        || msg.contains("invalid unicode code point")
    {
        return "chuỗi có mã thoát (\\u…) không hợp lệ".to_string();
    }
    if msg.starts_with("EOF while parsing") || msg.contains("unexpected end") {
        return "tệp kết thúc giữa chừng".to_string();
    }
    if msg.contains("control character") {
        return "chuỗi có ký tự điều khiển chưa được thoát".to_string();
    }
    if msg.contains("recursion limit") {
        return "dữ liệu lồng nhau quá sâu".to_string();
    }
    if msg.contains("number out of range") {
        return "số quá lớn".to_string();
    }
    if msg.starts_with("trailing") {
        return "có nội dung thừa sau phần dữ liệu".to_string();
    }
    if msg.starts_with("key must be a string") {
        return "khóa phải là chuỗi văn bản".to_string();
    }
    syntax.to_string()
}

/// The first `name` between backticks of a message.
fn backticked(s: &str) -> Option<String> {
    let start = s.find('`')?;
    let end = s[start + 1..].find('`')? + start + 1;
    Some(format!("`{}`", &s[start + 1..end]))
}

/// A serde "unexpected"/"expected" kind in Vietnamese.
fn kind(s: &str) -> &'static str {
    let s = s.trim();
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .unwrap_or(s);
    let word = s.split([' ', '`', '"']).next().unwrap_or("");
    match word {
        "map" | "struct" | "newtype" => "một đối tượng {…}",
        "sequence" | "tuple" | "array" => "một danh sách […]",
        "string" | "str" | "char" | "borrowed" => "một chuỗi văn bản",
        "integer" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize"
        | "isize" => "một số nguyên",
        "floating" | "f32" | "f64" => "một số",
        "boolean" | "bool" => "giá trị đúng/sai",
        "null" | "unit" | "option" => "giá trị rỗng (null)",
        "enum" | "variant" => "một giá trị trong danh sách cho phép",
        _ => "một giá trị khác",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_only() {
        let cases = [
            (
                "invalid type: map, expected struct Report",
                "sai kiểu dữ liệu: có một đối tượng {…}, cần một đối tượng {…}",
            ),
            (
                "invalid type: string \"x\", expected u64 at line 1 column 5",
                "sai kiểu dữ liệu: có một chuỗi văn bản, cần một số nguyên",
            ),
            (
                "lone leading surrogate in hex escape at line 1 column 10",
                "chuỗi có mã thoát (\\u…) không hợp lệ",
            ),
            (
                "unknown field `foo`, expected one of `a`, `b`",
                "trường `foo` không có trong định dạng",
            ),
            ("missing field `unit`", "thiếu trường bắt buộc `unit`"),
            ("expected `,` or `}`", "lỗi cú pháp"),
        ];
        for (en, vi) in cases {
            assert_eq!(serde_message(en, "lỗi cú pháp"), vi, "{en}");
        }
    }
}
