//! Making an account: who may make which (`access::may_create_account`), and the checks of its
//! name, role, unit and password.

use store::Role;

use crate::auth::{self, Viewer};
use crate::{access, App, AppError, AppResult};

/// Creates a user after checking the form; shared with the API.
#[allow(clippy::too_many_arguments)]
pub async fn create_user_checked(
    app: &App,
    v: &Viewer,
    username: &str,
    full_name: &str,
    role: &str,
    province: Option<&str>,
    district: Option<&str>,
    password: &str,
) -> AppResult<i64> {
    let username = username.trim().to_lowercase();
    let role: Role = role
        .parse()
        .map_err(|_| AppError::bad_request("Vai trò không hợp lệ."))?;
    let province = province.filter(|p| !p.is_empty());
    let district = district.filter(|d| !d.is_empty());
    // A district account belongs to a district of its province (the province follows from
    // the district when not given).
    let province = match (role.is_district(), district) {
        (true, None) => {
            return Err(AppError::bad_request(
                "Cán bộ huyện phải thuộc một đơn vị cấp huyện.",
            ))
        }
        (true, Some(d)) => {
            let found = app.units.district(d).ok_or_else(|| {
                AppError::bad_request("Mã đơn vị cấp huyện không có trong danh mục.")
            })?;
            if province.is_some_and(|p| p != found.province_code) {
                return Err(AppError::bad_request(format!(
                    "{} không thuộc tỉnh, thành phố đã chọn.",
                    found.name
                )));
            }
            Some(found.province_code.as_str())
        }
        (false, Some(_)) => {
            return Err(AppError::bad_request(
                "Chỉ cán bộ huyện mới gắn với một đơn vị cấp huyện.",
            ))
        }
        (false, None) => province,
    };
    // The administrator creates every account; a province's approver its districts' accounts.
    access::require(access::may_create_account(&v.user, role, province))?;
    if username.len() < 3
        || username.len() > 40
        || !username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(AppError::bad_request(
            "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
        ));
    }
    let in_province = role.is_provincial() || role.is_district();
    match (in_province, province) {
        (true, None) => return Err(AppError::bad_request("Cán bộ tỉnh phải thuộc một tỉnh.")),
        (true, Some(p)) if app.units.province(p).is_none() => {
            return Err(AppError::bad_request("Mã tỉnh không có trong danh mục."))
        }
        (false, Some(_)) => {
            return Err(AppError::bad_request(
                "Chỉ cán bộ tỉnh, huyện mới gắn với một tỉnh.",
            ))
        }
        _ => {}
    }
    if password.chars().count() < 8 {
        return Err(AppError::bad_request("Mật khẩu phải có ít nhất 8 ký tự."));
    }
    let full_name = vi::nfc(full_name.trim());
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::bad_request(
            "Họ tên không được để trống và không quá 200 ký tự.",
        ));
    }
    let pw = password.to_string();
    let hash = auth::hash_password_async(&pw).await?;
    Ok(app
        .store
        .create_user(
            &store::NewUser {
                username: &username,
                full_name: &full_name,
                role,
                province: if in_province { province } else { None },
                district: if role.is_district() { district } else { None },
                password_hash: &hash,
            },
            (&v.user).into(),
        )
        .await?)
}
