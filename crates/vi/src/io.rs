//! Operating-system errors said in Vietnamese: `std::io::Error`'s own text is English ("Is a
//! directory (os error 21)") and must not reach a user.

use std::io::{Error, ErrorKind};

/// Why a file operation failed, in Vietnamese (no English, no error number).
pub fn io_reason(e: &Error) -> &'static str {
    // Kinds stabilised after our minimum Rust version are matched by their raw OS codes.
    #[cfg(unix)]
    match e.raw_os_error() {
        Some(21) => return "đây là một thư mục, không phải tệp",
        Some(20) => return "một phần của đường dẫn không phải thư mục",
        Some(28) => return "ổ đĩa đã đầy",
        Some(30) => return "ổ đĩa chỉ cho đọc",
        Some(36) => return "tên tệp quá dài",
        Some(39) => return "thư mục không trống",
        _ => {}
    }
    match e.kind() {
        ErrorKind::NotFound => "không tồn tại",
        ErrorKind::PermissionDenied => "không có quyền truy cập",
        ErrorKind::AlreadyExists => "đã tồn tại",
        ErrorKind::InvalidData => "nội dung không hợp lệ (không phải văn bản UTF-8)",
        ErrorKind::InvalidInput => "đường dẫn hoặc tham số không hợp lệ",
        ErrorKind::UnexpectedEof => "tệp kết thúc đột ngột",
        ErrorKind::WriteZero => "không ghi thêm được dữ liệu",
        ErrorKind::Interrupted => "bị ngắt giữa chừng",
        ErrorKind::OutOfMemory => "không đủ bộ nhớ",
        ErrorKind::AddrInUse => "địa chỉ hoặc cổng đang được chương trình khác dùng",
        ErrorKind::AddrNotAvailable => "địa chỉ không có trên máy này",
        ErrorKind::ConnectionRefused => "kết nối bị từ chối",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "kết nối bị ngắt",
        ErrorKind::TimedOut => "quá thời gian chờ",
        ErrorKind::Unsupported => "hệ điều hành không hỗ trợ thao tác này",
        _ => "lỗi của hệ điều hành",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_english() {
        let dir = std::env::temp_dir();
        let e = std::fs::read_to_string(&dir).unwrap_err();
        assert_eq!(io_reason(&e), "đây là một thư mục, không phải tệp");
        let e = std::fs::read_to_string(dir.join("khong-co-tep-nay-0x1")).unwrap_err();
        assert_eq!(io_reason(&e), "không tồn tại");
    }
}
