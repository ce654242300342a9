//! Who may see and do what (PRODUCT.md §2). Every page and API call asks these functions on the
//! server; a report of another province is "not found" (404), never "forbidden", so that ids
//! cannot be probed.

use store::{ReportInfo, Role, User};

use crate::{AppError, AppResult};

/// Whether `u` may read report `r` (a province's report or a district's sheet).
///
/// District users see their own district's sheet only (no other district's, no province
/// report); a province's users see its report and its districts' sheets; the BTCTW and the
/// administrator see everything (a national figure's sources reach the district sheets).
pub fn can_view(u: &User, r: &ReportInfo) -> bool {
    match u.role {
        Role::Reviewer | Role::Admin => true,
        Role::Drafter | Role::Approver => u.province.as_deref() == Some(r.province.as_str()),
        Role::DistrictDrafter | Role::DistrictApprover => {
            r.district.is_some()
                && u.province.as_deref() == Some(r.province.as_str())
                && u.district == r.district
        }
    }
}

/// Whether `u` belongs to the province of `province` and writes its report.
pub fn is_province_user(u: &User, province: &str) -> bool {
    u.role.is_provincial() && u.province.as_deref() == Some(province)
}

/// 404 unless `u` may read `r`.
pub fn require_view(u: &User, r: &ReportInfo) -> AppResult<()> {
    if can_view(u, r) {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Whether `u` is one of those who write `r` (state aside): the province's users for its
/// report, the district's users for its sheet.
pub fn is_author(u: &User, r: &ReportInfo) -> bool {
    match &r.district {
        None => is_province_user(u, &r.province),
        Some(d) => {
            u.role.is_district()
                && u.province.as_deref() == Some(r.province.as_str())
                && u.district.as_deref() == Some(d.as_str())
        }
    }
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

/// Whether `u` may submit `r` (the province's approver for its report, the district's approver
/// for its sheet; the state is checked on submit).
pub fn can_submit(u: &User, r: &ReportInfo) -> bool {
    let approver = match r.district {
        None => Role::Approver,
        Some(_) => Role::DistrictApprover,
    };
    u.role == approver && is_author(u, r)
}

/// Whether `u` reviews reports (comments, returns, accepts the provinces' reports).
pub fn is_reviewer(u: &User) -> bool {
    u.role == Role::Reviewer
}

/// Whether `u` reviews `r`: the BTCTW for a province's report, the province's users for their
/// districts' sheets.
pub fn can_review(u: &User, r: &ReportInfo) -> bool {
    match r.district {
        None => is_reviewer(u),
        Some(_) => is_province_user(u, &r.province),
    }
}

/// Whether `u` manages the accounts and deadline of `province`'s districts: its approvers, and
/// the administrator for every province.
pub fn manages_districts(u: &User, province: &str) -> bool {
    u.role == Role::Admin || (u.role == Role::Approver && u.province.as_deref() == Some(province))
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

/// Whether `u` imports, edits and publishes outlines (đề cương, issue 15): the administrator
/// and the BTCTW's reviewers. Opening a round with a published version stays the
/// administrator's.
pub fn manages_outlines(u: &User) -> bool {
    matches!(u.role, Role::Admin | Role::Reviewer)
}

/// Whether `u` is the administrator (accounts, rounds, backups, the audit log, trust roots).
pub fn is_admin(u: &User) -> bool {
    u.role == Role::Admin
}

/// 403 unless `u` is the administrator.
pub fn require_admin(u: &User) -> AppResult<()> {
    require(is_admin(u))
}

/// Whether `u` writes a province's report (its drafters and approvers).
pub fn writes_report(u: &User) -> bool {
    u.role.is_provincial()
}

/// Whether `u` writes a district's sheet (its district drafters and approvers).
pub fn writes_sheet(u: &User) -> bool {
    u.role.is_district()
}

/// Whether `u` may make an account of `role` in `province`: the administrator every account; a
/// province's approver the accounts of its districts.
pub fn may_create_account(u: &User, role: Role, province: Option<&str>) -> bool {
    is_admin(u) || (role.is_district() && province.is_some_and(|p| manages_districts(u, p)))
}

/// The province whose districts `u` manages: their own for a province's users; for the
/// administrator, `asked` (every province is theirs); none for the others.
pub fn districts_province<'a>(u: &'a User, asked: Option<&'a str>) -> Option<&'a str> {
    match u.role {
        Role::Drafter | Role::Approver => u.province.as_deref(),
        Role::Admin => Some(asked.unwrap_or("02")),
        _ => None,
    }
}
