//! Every route of the server, in one place, with who may call it ([`ACCESS`]): `kubarr routes`
//! prints that table and the authorization-matrix test checks every route against it.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Permission;
use crate::handlers::{account, audit_log, auth, invites, roles, settings, setup, users};
use crate::handlers::{
    app_account, app_resources, apps, catalog, events_stream, gateway, health, stack,
};
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::{middleware, spa};

/// The OpenAPI router holding every documented route.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(health::openapi_document))
        // Setup, authentication and the caller's account.
        .routes(routes!(setup::setup_status))
        .routes(routes!(setup::setup))
        .routes(routes!(auth::login))
        .routes(routes!(auth::challenge::verify_2fa))
        .routes(routes!(auth::challenge::recover_2fa))
        .routes(routes!(auth::identity::logout))
        .routes(routes!(auth::identity::me))
        .routes(routes!(auth::identity::list_sessions))
        .routes(routes!(auth::identity::revoke_session))
        .routes(routes!(auth::register::register))
        .routes(routes!(account::setup_2fa))
        .routes(routes!(account::enable_2fa))
        .routes(routes!(account::disable_2fa))
        .routes(routes!(account::change_password))
        // Users, invites, roles, audit, settings.
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(
            users::get_user,
            users::update::update_user,
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
        .routes(routes!(roles::grants::set_role_permissions))
        .routes(routes!(roles::grants::set_role_apps))
        .routes(routes!(audit_log::list_audit))
        .routes(routes!(settings::list_settings))
        .routes(routes!(settings::update_setting))
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
        // The app gateway.
        .routes(routes!(gateway::launch::launch_app))
        .routes(routes!(gateway::launch::list_openable_apps))
        .routes(routes!(gateway::settings::gateway_overview))
        .routes(routes!(gateway::settings::set_app_access))
        .routes(routes!(
            gateway::settings::set_app_credentials,
            gateway::settings::clear_app_credentials
        ))
        .routes(routes!(gateway::forward::forward_auth))
        // Stack wiring.
        .routes(routes!(stack::get_wiring))
        .routes(routes!(stack::repair_wiring_link))
        .routes(routes!(stack::set_wiring_link))
        .routes(routes!(
            app_account::get_app_account,
            app_account::set_app_account,
            app_account::clear_app_account
        ))
}

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anybody, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A user holding the permission (for an app-scopable one, a grant for some app is enough;
    /// lists then show only those apps).
    Global(Permission),
    /// A user holding the permission for the `{app}` of the path (404 for an app the user cannot
    /// see, 403 when they see it but lack the permission).
    PerApp(Permission),
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Public => f.write_str("public"),
            Access::SignedIn => f.write_str("signed in"),
            Access::Global(p) => f.write_str(p.as_str()),
            Access::PerApp(p) => write!(f, "{} (for the app)", p.as_str()),
        }
    }
}

/// Who may call each handler, by its operation id (the handler's name). A route whose handler
/// is missing here is listed as undeclared and fails the authorization-matrix test.
pub const ACCESS: &[(&str, Access)] = {
    use Access::*;
    use Permission as P;
    &[
        ("health", Public),
        ("ready", Public),
        ("openapi_document", Public),
        ("setup_status", Public),
        ("setup", Public),
        ("login", Public),
        ("verify_2fa", Public),
        ("recover_2fa", Public),
        ("register", Public),
        ("logout", SignedIn),
        ("me", SignedIn),
        ("list_sessions", SignedIn),
        ("revoke_session", SignedIn),
        ("setup_2fa", SignedIn),
        ("enable_2fa", SignedIn),
        ("disable_2fa", SignedIn),
        ("change_password", SignedIn),
        ("list_users", Global(P::UsersView)),
        ("create_user", Global(P::UsersManage)),
        ("get_user", Global(P::UsersView)),
        ("update_user", Global(P::UsersManage)),
        ("delete_user", Global(P::UsersManage)),
        ("reset_user_password", Global(P::UsersResetPassword)),
        ("list_invites", Global(P::UsersManage)),
        ("create_invite", Global(P::UsersManage)),
        ("revoke_invite", Global(P::UsersManage)),
        ("list_permissions", Global(P::RolesView)),
        ("list_roles", Global(P::RolesView)),
        ("create_role", Global(P::RolesManage)),
        ("get_role", Global(P::RolesView)),
        ("update_role", Global(P::RolesManage)),
        ("delete_role", Global(P::RolesManage)),
        ("set_role_permissions", Global(P::RolesManage)),
        ("set_role_apps", Global(P::RolesManage)),
        ("list_audit", Global(P::AuditView)),
        ("list_settings", Global(P::SettingsView)),
        ("update_setting", Global(P::SettingsManage)),
        ("list_catalog", Global(P::AppsView)),
        ("get_catalog_app", PerApp(P::AppsView)),
        ("get_catalog_icon", Public),
        ("reload_catalog", Global(P::AppsInstall)),
        ("install_app", Global(P::AppsInstall)),
        ("list_apps", Global(P::AppsView)),
        ("app_status", PerApp(P::AppsView)),
        ("upgrade_app", PerApp(P::AppsUpgrade)),
        ("restart_app", PerApp(P::AppsRestart)),
        ("uninstall_app", PerApp(P::AppsDelete)),
        ("list_pods", PerApp(P::AppsView)),
        ("list_events", PerApp(P::AppsView)),
        ("app_logs", PerApp(P::LogsView)),
        ("event_stream", SignedIn),
        ("launch_app", PerApp(P::AppsOpen)),
        ("set_app_access", Global(P::SettingsManage)),
        ("set_app_credentials", Global(P::SettingsManage)),
        ("clear_app_credentials", Global(P::SettingsManage)),
        ("list_openable_apps", SignedIn),
        ("gateway_overview", Global(P::SettingsView)),
        ("forward_auth", Public),
        ("get_wiring", Global(P::AppsView)),
        ("repair_wiring_link", Global(P::AppsUpgrade)),
        ("set_wiring_link", Global(P::AppsUpgrade)),
        ("get_app_account", PerApp(P::AppsView)),
        ("set_app_account", PerApp(P::AppsUpgrade)),
        ("clear_app_account", PerApp(P::AppsUpgrade)),
    ]
};

/// One route of the API.
#[derive(Clone, Debug)]
pub struct Route {
    pub method: axum::http::Method,
    /// As routed (`{app}`, `{id}`, … for parameters).
    pub path: String,
    pub operation_id: String,
    /// `None`: the handler has no entry in [`ACCESS`].
    pub access: Option<Access>,
}

/// Every documented route, sorted by path then method.
pub fn routes() -> Vec<Route> {
    use axum::http::Method;
    let doc = api_routes().split_for_parts().1;
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let operation_id = op.operation_id.clone().unwrap_or_default();
            let access = ACCESS
                .iter()
                .find(|(id, _)| *id == operation_id)
                .map(|(_, a)| *a);
            out.push(Route {
                method,
                path: path.clone(),
                operation_id,
                access,
            });
        }
    }
    out
}

/// The generated OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api_routes().split_for_parts().1;
    crate::openapi::finish(&mut doc);
    doc
}

/// The complete application: API, OpenAPI document, SPA fallback and every layer.
pub fn build(state: AppState) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let web_dir = state.config.web_dir.clone();
    let router = api
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
