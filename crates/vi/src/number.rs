//! Numbers written the Vietnamese way: `.` groups thousands, `,` is the decimal mark.

/// Groups a string of ASCII digits by thousands with `.`.
fn group_digits(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    // Digits left until the next group boundary.
    let mut left = match len % 3 {
        0 => 3,
        r => r,
    };
    for c in digits.chars() {
        if left == 0 {
            out.push('.');
            left = 3;
        }
        out.push(c);
        left -= 1;
    }
    out
}

/// Formats an integer with `.` between groups of thousands: `1234567` → `"1.234.567"`,
/// `-1234` → `"-1.234"`, `0` → `"0"`. Safe for `i64::MIN`.
pub fn format_int(n: i64) -> String {
    let grouped = group_digits(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// Formats a signed change: `3` → `"+3"`, `-1234` → `"-1.234"`, `0` → `"0"`.
pub fn format_change(n: i64) -> String {
    if n > 0 {
        format!("+{}", format_int(n))
    } else {
        format_int(n)
    }
}

/// Formats a real number with exactly `decimals` decimals, `.` grouping thousands and
/// `,` as the decimal mark: `(12.5, 1)` → `"12,5"`, `(1234.5, 1)` → `"1.234,5"`.
///
/// A value that rounds to zero is written without a minus sign (`-0.04` with one
/// decimal gives `"0,0"`). Non-finite values are written `"NaN"`, `"∞"` and `"-∞"`.
pub fn format_decimal(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    let plain = format!("{:.*}", decimals, x.abs());
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let is_zero = plain.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    if x.is_sign_negative() && !is_zero {
        out.push('-');
    }
    out.push_str(&group_digits(int_part));
    if let Some(f) = frac_part {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// Formats a percentage (the value is already in percent): `(12.5, 1)` → `"12,5%"`.
pub fn format_percent(x: f64, decimals: usize) -> String {
    format!("{}%", format_decimal(x, decimals))
}

/// Parses an integer as typed by a Vietnamese user: `"1.234"`, `"1234"`, `" 12 "`,
/// `"-1.234"`, `"+5"`. Dots must group thousands correctly. Decimal numbers (`"1,5"`),
/// text and empty input are rejected with a Vietnamese message.
pub fn parse_int(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("chưa nhập số (ô trống)".to_string());
    }
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.contains(',')
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b"., ".contains(&b))
    {
        return Err(format!(
            "“{t}” không phải là số nguyên: dấu phẩy là dấu thập phân, ở đây chỉ được nhập số nguyên (ví dụ 1.234)"
        ));
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(format!(
            "“{t}” không phải là số nguyên hợp lệ (ví dụ 1.234 hoặc 1234)"
        ));
    }
    if body.contains('.') {
        let mut groups = body.split('.');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) {
            return Err(format!(
                "“{t}” không phải là số nguyên hợp lệ: dấu chấm phân cách hàng nghìn phải đứng trước từng nhóm 3 chữ số (ví dụ 1.234.567)"
            ));
        }
    }
    let too_big = || format!("“{t}” quá lớn, vượt quá giới hạn cho phép");
    let mut magnitude: i128 = 0;
    for b in body.bytes().filter(u8::is_ascii_digit) {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or_else(too_big)?;
        if magnitude > i128::from(i64::MAX) + 1 {
            return Err(too_big());
        }
    }
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).map_err(|_| too_big())
}
