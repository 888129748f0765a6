//! Every route of the server, in one place.

use std::sync::Arc;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::handlers::health;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::{middleware, spa};

/// The OpenAPI router holding every documented route.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
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
    middleware::apply(router, &state.config.http)
}

async fn fallback(web_dir: std::path::PathBuf, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return middleware::api_not_found().into_response();
    }
    spa::serve(web_dir, req).await
}
