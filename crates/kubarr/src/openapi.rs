//! The OpenAPI document's fixed parts; the paths come from the handlers via `router.rs`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorCode, ErrorDetail};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kubarr API",
        description = "Run a self-hosted media stack on Kubernetes. Every error has the shape \
                       `{\"error\": {\"code\", \"message\", \"field\"?}}`.",
    ),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode)),
    modifiers(&Security),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "setup", description = "First-run setup"),
        (name = "auth", description = "Login, 2FA, sessions and registration"),
        (name = "account", description = "The caller's own account: 2FA and password"),
        (name = "users", description = "User administration"),
        (name = "invites", description = "Invitations to register"),
        (name = "roles", description = "Roles, permissions and per-app grants"),
        (name = "audit", description = "The audit log"),
        (name = "settings", description = "System settings"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("kubarr_session"))),
        );
    }
}
