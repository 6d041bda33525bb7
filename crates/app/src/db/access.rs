//! Which unit holds an object: the storage side of the one access door (`flows::access`).

use gongkai_domain::org::{AttachmentOwner, ObjectKind};
use sqlx::Row;

use super::Db;

/// The unit holding the owner of a file: `None` when the owner does not exist, `Some(None)` when it
/// exists but no unit holds it yet (an application the office has not routed).
pub async fn attachment_owner_unit(
    db: &Db,
    owner: AttachmentOwner,
    owner_id: i64,
) -> Result<Option<Option<i64>>, sqlx::Error> {
    let sql = match owner {
        AttachmentOwner::Application => "SELECT unit_id FROM application WHERE application_id = $1",
        AttachmentOwner::Item => "SELECT unit_id FROM item WHERE item_id = $1",
        AttachmentOwner::DisbursementBatch => "SELECT township_unit_id FROM disbursement_batch WHERE batch_id = $1",
        AttachmentOwner::ProjectUpdate => {
            "SELECT COALESCE(p.unit_id, v.township_unit_id) FROM project_update u
             JOIN livelihood_project p ON p.project_id = u.project_id
             JOIN village v ON v.village_id = p.village_id
             WHERE u.project_update_id = $1"
        }
        AttachmentOwner::VillageDisclosure => {
            "SELECT v.township_unit_id FROM village_disclosure d
             JOIN village v ON v.village_id = d.village_id
             WHERE d.village_disclosure_id = $1"
        }
    };
    let row = sqlx::query(sql).bind(owner_id).fetch_optional(&db.pool).await?;
    row.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()
}

/// The unit holding an object named in an address: `None` when there is no such object,
/// `Some(None)` when it exists but no unit holds it (the office's alone).
pub async fn object_owner_unit(db: &Db, kind: ObjectKind, id: i64) -> Result<Option<Option<i64>>, sqlx::Error> {
    let sql = match kind {
        ObjectKind::Application => "SELECT unit_id FROM application WHERE application_id = $1",
        ObjectKind::Item => "SELECT unit_id FROM item WHERE item_id = $1",
        ObjectKind::Report => "SELECT unit_id FROM annual_report WHERE report_id = $1",
        ObjectKind::DisbursementBatch => "SELECT township_unit_id FROM disbursement_batch WHERE batch_id = $1",
        ObjectKind::Complaint => "SELECT unit_id FROM complaint WHERE complaint_id = $1",
        ObjectKind::Project => {
            "SELECT COALESCE(p.unit_id, v.township_unit_id) FROM livelihood_project p
             JOIN village v ON v.village_id = p.village_id WHERE p.project_id = $1"
        }
        ObjectKind::Message => "SELECT unit_id FROM message WHERE message_id = $1",
        ObjectKind::Interpretation => "SELECT unit_id FROM interpretation WHERE interpretation_id = $1",
        ObjectKind::NewMediaAccount => "SELECT unit_id FROM new_media_account WHERE new_media_account_id = $1",
        ObjectKind::Finding => "SELECT unit_id FROM finding WHERE finding_id = $1",
        ObjectKind::SpotCheck => "SELECT CAST(NULL AS BIGINT) FROM spot_check WHERE spot_check_id = $1",
        ObjectKind::ReviewCase => {
            "SELECT a.unit_id FROM review_case r JOIN application a ON a.application_id = r.application_id
             WHERE r.review_case_id = $1"
        }
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(&db.pool).await?;
    row.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()
}
