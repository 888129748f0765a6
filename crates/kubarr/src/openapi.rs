//! The OpenAPI document's fixed parts; the paths come from the handlers via `router.rs`.
//!
//! What every operation of a kind answers is stated here once, by [`StandardResponses`], not on
//! each handler: 401 and 403 for signed-in routes, 400 for a body or query that fails to parse,
//! 404 for a path naming nothing, 413 for a body over the limit, 503 when the database (or for
//! app routes the cluster) is down. Handlers document what is particular to them.

pub mod fields;
mod settings_paths;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorCode, ErrorDetail};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kubarr API",
        description = "Run a self-hosted media stack on Kubernetes. Every error has the shape \
                       `{\"error\": {\"code\", \"message\", \"field\"?}}`; `code` is an `ErrorCode`.",
    ),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode, crate::settings::MediaStorage)),
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
        (name = "catalog", description = "The app catalog"),
        (name = "apps", description = "Installed apps: operations, status, pods, events, logs"),
        (name = "gateway", description = "Opening apps through Kubarr: launch, access modes, forward-auth"),
        (name = "stack", description = "Stack wiring: the links Kubarr keeps between installed apps"),
    )
)]
pub struct ApiDoc;

/// Completes the document once every route is in: rules of path parameters, the settings
/// paths, and the standard responses.
pub fn finish(doc: &mut utoipa::openapi::OpenApi) {
    PathParameters.modify(doc);
    settings_paths::SettingsPaths.modify(doc);
    StandardResponses.modify(doc);
}

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

/// Path parameters whose rules live in code: `{app}` is an app name everywhere; session and
/// invite ids are SHA-256 hex digests.
struct PathParameters;

impl Modify for PathParameters {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let hex_id = || {
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .pattern(Some("^[0-9a-fA-F]{64}$"))
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in operations_mut(item) {
                for p in op.parameters.iter_mut().flatten() {
                    if p.parameter_in != ParameterIn::Path {
                        continue;
                    }
                    let schema = match (p.name.as_str(), path.as_str()) {
                        ("app", _) => fields::app_name(),
                        ("id", "/api/auth/sessions/{id}") | ("token", "/api/invites/{token}") => {
                            hex_id().into()
                        }
                        _ => continue,
                    };
                    p.schema = Some(RefOr::T(schema));
                }
            }
        }
    }
}

/// The responses every operation of a kind has; see the module docs.
struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let app_route = path.starts_with("/api/apps") || path == "/api/events/stream";
            let public = matches!(path.as_str(), "/api/health" | "/api/ready");
            for op in operations_mut(item) {
                let params = op.parameters.iter().flatten();
                let has_query = params.clone().any(|p| p.parameter_in == ParameterIn::Query);
                let has_path = params.clone().any(|p| p.parameter_in == ParameterIn::Path);
                let signed_in = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let mut add = |status: &str, description: &str| {
                    let responses = &mut op.responses.responses;
                    if !responses.contains_key(status) {
                        responses.insert(status.to_owned(), error_response(description));
                    }
                };
                if op.request_body.is_some() {
                    add(
                        "400",
                        "The body is not JSON, or a field is missing or invalid (`field` names it)",
                    );
                    add("413", "The body is over the size limit");
                }
                if has_query {
                    add("400", "A query parameter is invalid (`field` names it)");
                }
                if has_path {
                    add(
                        "404",
                        "The path names nothing (or nothing the caller may see)",
                    );
                }
                if signed_in {
                    add("401", "Not signed in, or the session has ended");
                    add(
                        "403",
                        "Lacks the permission, a cookie without the CSRF header, or 2FA enrolment owed",
                    );
                }
                if !public {
                    let down = if app_route {
                        "The database or the cluster is unavailable"
                    } else {
                        "The database is unavailable or busy (see `Retry-After`)"
                    };
                    add("503", down);
                }
            }
        }
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// Every operation of a path item.
fn operations_mut(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}
