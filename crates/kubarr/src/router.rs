//! Every route of the server, in one place.

use std::sync::Arc;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::handlers::{account, audit_log, auth, invites, roles, settings, setup, users};
use crate::handlers::{app_resources, apps, catalog, events_stream, health};
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::{middleware, spa};

/// The OpenAPI router holding every documented route.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        // Setup, authentication and the caller's account.
        .routes(routes!(setup::setup_status))
        .routes(routes!(setup::setup))
        .routes(routes!(auth::login))
        .routes(routes!(auth::verify_2fa))
        .routes(routes!(auth::recover_2fa))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::list_sessions))
        .routes(routes!(auth::revoke_session))
        .routes(routes!(auth::register))
        .routes(routes!(account::setup_2fa))
        .routes(routes!(account::enable_2fa))
        .routes(routes!(account::disable_2fa))
        .routes(routes!(account::change_password))
        // Users, invites, roles, audit, settings.
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::delete_user
        ))
        .routes(routes!(users::reset_user_password))
        .routes(routes!(invites::list_invites, invites::create_invite))
        .routes(routes!(invites::revoke_invite))
        .routes(routes!(roles::list_permissions))
        .routes(routes!(roles::list_roles, roles::create_role))
        .routes(routes!(
            roles::get_role,
            roles::update_role,
            roles::delete_role
        ))
        .routes(routes!(roles::set_role_permissions))
        .routes(routes!(roles::set_role_apps))
        .routes(routes!(audit_log::list_audit))
        .routes(routes!(settings::list_settings, settings::update_setting))
        // Catalog and apps.
        .routes(routes!(catalog::list_catalog))
        .routes(routes!(catalog::get_catalog_app))
        .routes(routes!(catalog::get_catalog_icon))
        .routes(routes!(catalog::reload_catalog))
        .routes(routes!(apps::install_app))
        .routes(routes!(apps::list_apps))
        .routes(routes!(apps::app_status))
        .routes(routes!(apps::upgrade_app))
        .routes(routes!(apps::restart_app))
        .routes(routes!(apps::uninstall_app))
        .routes(routes!(app_resources::list_pods))
        .routes(routes!(app_resources::list_events))
        .routes(routes!(app_resources::app_logs))
        .routes(routes!(events_stream::event_stream))
}

/// The generated OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// The complete application: API, OpenAPI document, SPA fallback and every layer.
pub fn build(state: AppState) -> Router {
    let (api, openapi) = api_routes().split_for_parts();
    let openapi = Arc::new(openapi);
    let web_dir = state.config.web_dir.clone();
    let router = api
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(move |req: Request| fallback(web_dir.clone(), req))
        .with_state(state.clone());
    middleware::apply(router, &state)
}

async fn fallback(web_dir: std::path::PathBuf, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return middleware::api_not_found().into_response();
    }
    spa::serve(web_dir, req).await
}
