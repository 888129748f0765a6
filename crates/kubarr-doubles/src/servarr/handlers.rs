//! The provider endpoints, shared by download clients, indexers and Prowlarr's applications:
//! list, get, schema, create (201; tests first unless `forceSave=true`), update (202), delete,
//! test and testall.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::provider::{Failure, Provider};
use super::schema::ProviderKind;
use super::{clients, invalid, prowlarr, ServarrApp, Shared};

/// Adds the provider routes of `kind` under `path` (e.g. `/downloadclient`).
pub(super) fn provider_routes(
    router: Router<Shared>,
    path: &str,
    kind: ProviderKind,
) -> Router<Shared> {
    router
        .route(
            path,
            get(move |State(s): State<Shared>| async move { list(s, kind) }).post(
                move |State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Bytes| async move {
                    create(s, kind, q, body).await
                },
            ),
        )
        .route(
            &format!("{path}/schema"),
            get(move |State(s): State<Shared>| async move { Json(s.lock().collection(kind).schema()) }),
        )
        .route(
            &format!("{path}/test"),
            post(move |State(s): State<Shared>, body: Bytes| async move { test(s, kind, body).await }),
        )
        .route(
            &format!("{path}/testall"),
            post(move |State(s): State<Shared>| async move { test_all(s, kind).await }),
        )
        .route(
            &format!("{path}/{{id}}"),
            get(move |State(s): State<Shared>, Path(id): Path<String>| async move { get_one(s, kind, &id) })
                .put(
                    move |State(s): State<Shared>,
                          Path(id): Path<String>,
                          Query(q): Query<HashMap<String, String>>,
                          body: Bytes| async move { update(s, kind, &id, q, body).await },
                )
                .delete(move |State(s): State<Shared>, Path(id): Path<String>| async move {
                    delete(s, kind, &id).await
                }),
        )
}

fn list(s: Shared, kind: ProviderKind) -> Json<Value> {
    let st = s.lock();
    let c = st.collection(kind);
    Json(Value::Array(c.all().map(|p| c.to_json(p)).collect()))
}

fn parse_id(id: &str) -> Option<i64> {
    id.parse().ok()
}

fn get_one(s: Shared, kind: ProviderKind, id: &str) -> Response {
    let st = s.lock();
    let c = st.collection(kind);
    match parse_id(id).and_then(|id| c.get(id)) {
        Some(p) => Json(c.to_json(p)).into_response(),
        None => not_found_response(),
    }
}

fn not_found_response() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": "NotFound"}))).into_response()
}

fn body_json(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        invalid(vec![Failure::new(
            "",
            format!("the body is not valid JSON: {e}"),
        )])
    })
}

fn force_save(q: &HashMap<String, String>) -> bool {
    q.get("forceSave")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Runs the provider's connection test for real.
pub(super) async fn run_test(
    s: &Shared,
    kind: ProviderKind,
    p: &Provider,
) -> Result<(), Vec<Failure>> {
    let app = s.lock().app;
    match kind {
        ProviderKind::DownloadClient => clients::probe(app, p, clients::Mode::Test).await.map(drop),
        ProviderKind::Indexer => prowlarr::test_indexer(p).await,
        ProviderKind::Application => prowlarr::test_application(s, p).await,
        ProviderKind::IndexerProxy => prowlarr::test_flaresolverr(p).await,
    }
}

async fn create(
    s: Shared,
    kind: ProviderKind,
    q: HashMap<String, String>,
    body: Bytes,
) -> Response {
    let v = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let parsed = {
        let st = s.lock();
        let c = st.collection(kind);
        c.parse(&v, None).and_then(|p| {
            if c.name_taken(&p.name, None) {
                Err(vec![
                    Failure::new("Name", "Should be unique").with_value(json!(p.name))
                ])
            } else {
                Ok(p)
            }
        })
    };
    let p = match parsed {
        Ok(p) => p,
        Err(f) => return invalid(f),
    };
    if !force_save(&q) {
        if let Err(f) = run_test(&s, kind, &p).await {
            return invalid(f);
        }
    }
    let (id, out) = {
        let mut st = s.lock();
        let c = st.collection_mut(kind);
        // Checked again: another request may have taken the name while the test ran.
        if c.name_taken(&p.name, None) {
            return invalid(vec![
                Failure::new("Name", "Should be unique").with_value(json!(p.name))
            ]);
        }
        let id = c.insert(p);
        let out = c.to_json(c.get(id).expect("just inserted"));
        (id, out)
    };
    after_change(&s, kind, Some(id)).await;
    (StatusCode::CREATED, Json(out)).into_response()
}

async fn update(
    s: Shared,
    kind: ProviderKind,
    id: &str,
    q: HashMap<String, String>,
    body: Bytes,
) -> Response {
    let Some(id) = parse_id(id) else {
        return not_found_response();
    };
    let v = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Some(body_id) = v.get("id") {
        if body_id.as_i64() != Some(id) {
            return invalid(vec![Failure::new(
                "Id",
                "the id in the body differs from the id in the path",
            )
            .with_value(body_id.clone())]);
        }
    }
    let parsed = {
        let st = s.lock();
        let c = st.collection(kind);
        let Some(existing) = c.get(id) else {
            return not_found_response();
        };
        c.parse(&v, Some(existing)).and_then(|p| {
            if c.name_taken(&p.name, Some(id)) {
                Err(vec![
                    Failure::new("Name", "Should be unique").with_value(json!(p.name))
                ])
            } else {
                Ok(p)
            }
        })
    };
    let p = match parsed {
        Ok(p) => p,
        Err(f) => return invalid(f),
    };
    if !force_save(&q) {
        if let Err(f) = run_test(&s, kind, &p).await {
            return invalid(f);
        }
    }
    let out = {
        let mut st = s.lock();
        let c = st.collection_mut(kind);
        if c.get(id).is_none() {
            return not_found_response();
        }
        c.replace(p);
        c.to_json(c.get(id).expect("just replaced"))
    };
    after_change(&s, kind, Some(id)).await;
    (StatusCode::ACCEPTED, Json(out)).into_response()
}

async fn delete(s: Shared, kind: ProviderKind, id: &str) -> Response {
    let removed = parse_id(id).is_some_and(|id| s.lock().collection_mut(kind).remove(id));
    if !removed {
        return not_found_response();
    }
    after_change(&s, kind, None).await;
    Json(json!({})).into_response()
}

async fn test(s: Shared, kind: ProviderKind, body: Bytes) -> Response {
    let v = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let parsed = {
        let st = s.lock();
        let c = st.collection(kind);
        // An existing provider's masked secrets resolve to the stored ones.
        let existing = v.get("id").and_then(Value::as_i64).and_then(|id| c.get(id));
        c.parse(&v, existing)
    };
    let p = match parsed {
        Ok(p) => p,
        Err(f) => return invalid(f),
    };
    match run_test(&s, kind, &p).await {
        Ok(()) => Json(json!({})).into_response(),
        Err(f) => invalid(f),
    }
}

async fn test_all(s: Shared, kind: ProviderKind) -> Response {
    let all: Vec<Provider> = s.lock().collection(kind).all().cloned().collect();
    let mut out = Vec::new();
    for p in all {
        let failures = run_test(&s, kind, &p).await.err().unwrap_or_default();
        out.push(
            json!({"id": p.id, "isValid": failures.is_empty(), "validationFailures": failures}),
        );
    }
    Json(Value::Array(out)).into_response()
}

/// Prowlarr pushes its indexers to the applications whenever either side changes.
async fn after_change(s: &Shared, kind: ProviderKind, _id: Option<i64>) {
    let app = s.lock().app;
    if app == ServarrApp::Prowlarr
        && matches!(kind, ProviderKind::Application | ProviderKind::Indexer)
    {
        prowlarr::sync_all(s).await;
    }
}
