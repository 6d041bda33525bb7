//! The one door for objects named by an id in an address: a handler hands over the actor and the
//! id, and gets the object only if the domain's rule (`org::Staff::may_access_object`) lets that
//! actor see what the object's owning unit holds. Anything else is "not found", so ids cannot be
//! probed by walking them.

use gongkai_domain::org::{AttachmentOwner, ObjectKind};

use super::Actor;
use crate::db::application::AttachmentMeta;
use crate::db::{self, Db};
use crate::error::{AppError, Result};

/// A stored file of any owner (an application's, an item's draft or unmasked original, a 发放名册
/// roster, a project update's or village disclosure's file), for a member of staff.
pub async fn staff_file(db: &Db, actor: &Actor, attachment_id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
    let (meta, bytes) = db::application::attachment_content(db, attachment_id).await?.ok_or(AppError::NotFound)?;
    let owner = AttachmentOwner::parse(&meta.owner_type).ok_or(AppError::NotFound)?;
    let unit = db::access::attachment_owner_unit(db, owner, meta.owner_id).await?.ok_or(AppError::NotFound)?;
    let staff = actor.staff().ok_or(AppError::NotFound)?;
    if !staff.may_access_object(unit) {
        return Err(AppError::NotFound);
    }
    Ok((meta, bytes))
}

/// The door for every other object named by an id: passes only when the object exists and the
/// actor is staff allowed to see what its owning unit holds (the domain's
/// `Staff::may_access_object`). Anything else, the public included, is `NotFound`, so a clerk
/// walking ids learns nothing about other units' objects.
pub async fn object(db: &Db, actor: &Actor, kind: ObjectKind, id: i64) -> Result<()> {
    let staff = actor.staff().ok_or(AppError::NotFound)?;
    let unit = db::access::object_owner_unit(db, kind, id).await?.ok_or(AppError::NotFound)?;
    if staff.may_access_object(unit) { Ok(()) } else { Err(AppError::NotFound) }
}
