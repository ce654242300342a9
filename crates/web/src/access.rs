//! Who may see and do what (PRODUCT.md §2). Every page and API call asks these functions on the
//! server; a report of another province is "not found" (404), never "forbidden", so that ids
//! cannot be probed.

use store::{ReportInfo, Role, User};

use crate::{AppError, AppResult};

/// Whether `u` may read report `r`.
pub fn can_view(u: &User, r: &ReportInfo) -> bool {
    match u.role {
        Role::Reviewer | Role::Admin => true,
        Role::Drafter | Role::Approver => u.province.as_deref() == Some(r.province.as_str()),
    }
}

/// 404 unless `u` may read `r`.
pub fn require_view(u: &User, r: &ReportInfo) -> AppResult<()> {
    if can_view(u, r) {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Whether `u` is one of the province's users who write the report (state aside).
pub fn is_author(u: &User, r: &ReportInfo) -> bool {
    u.role.is_provincial() && u.province.as_deref() == Some(r.province.as_str())
}

/// Whether `u` may edit `r` now.
pub fn can_edit(u: &User, r: &ReportInfo) -> bool {
    is_author(u, r) && r.state.editable()
}

/// Whether `u` may import a Word file into `r` (upload, review, accept) and deal with the text
/// set aside from one: the province's drafters and approvers while the report is editable.
pub fn can_import(u: &User, r: &ReportInfo) -> bool {
    can_edit(u, r)
}

/// Whether `u` may download the Word files uploaded to `r`: whoever may read the report.
pub fn can_download_upload(u: &User, r: &ReportInfo) -> bool {
    can_view(u, r)
}

/// Whether `u` may submit `r` (an approver of the province; the state is checked on submit).
pub fn can_submit(u: &User, r: &ReportInfo) -> bool {
    u.role == Role::Approver && is_author(u, r)
}

/// Whether `u` reviews reports (comments, returns, accepts).
pub fn is_reviewer(u: &User) -> bool {
    u.role == Role::Reviewer
}

/// Whether `u` sees the national dashboard.
pub fn sees_dashboard(u: &User) -> bool {
    matches!(u.role, Role::Reviewer | Role::Admin)
}

/// 403 unless `ok`.
pub fn require(ok: bool) -> AppResult<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}
