//! `jazz create app`: print a new app id. Random (UUIDv7) by
//! default; with `--name`, UUIDv5 of the name in the DNS namespace, so the same name always
//! gives the same id.

use serde_json::json;
use uuid::Uuid;

use super::{Context, Outcome};
use crate::args::CreateAppArgs;

pub fn app(ctx: &mut Context, args: &CreateAppArgs) -> Outcome {
    let id = app_id(args.name.as_deref());
    ctx.out.result(&id);
    Outcome::ok(json!({ "app_id": id }))
}

/// The app id for an optional name, as a canonical lowercase UUID.
pub fn app_id(name: Option<&str>) -> String {
    match name {
        Some(name) => Uuid::new_v5(&Uuid::NAMESPACE_DNS, name.as_bytes()),
        None => Uuid::now_v7(),
    }
    .hyphenated()
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_ids_are_deterministic_v5() {
        let a = app_id(Some("my-app"));
        assert_eq!(a, app_id(Some("my-app")));
        assert_eq!(
            Uuid::parse_str(&a).map(|u| u.get_version_num()).ok(),
            Some(5)
        );
        assert_ne!(a, app_id(Some("other")));
    }

    #[test]
    fn random_ids_are_v7() {
        let id = app_id(None);
        assert_eq!(
            Uuid::parse_str(&id).map(|u| u.get_version_num()).ok(),
            Some(7)
        );
        assert_eq!(id, id.to_lowercase());
    }
}
