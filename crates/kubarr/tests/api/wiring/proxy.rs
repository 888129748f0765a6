//! Prowlarr's FlareSolverr proxy: set up with the `flaresolverr` tag once both are installed
//! (Prowlarr's own test sends a request through the FlareSolverr double), a user's own proxy and
//! tags left alone, a removed tag put back, and the proxy taken out when FlareSolverr goes.

use reqwest::Method;
use serde_json::json;

use super::stack::Stack;

const PROXY: &str = "prowlarr:indexer-proxy:flaresolverr";

#[tokio::test]
async fn prowlarr_sends_tagged_indexers_through_flaresolverr_until_it_goes() {
    let mut s = Stack::new().await;
    s.install("flaresolverr").await;
    s.install("prowlarr").await;
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    let link = s.link(PROXY).await;
    assert_eq!(link["state"], "ok", "{link:#}");
    assert_eq!(
        link["detail"],
        "Prowlarr sends indexers tagged flaresolverr through FlareSolverr"
    );
    // Prowlarr tested it through FlareSolverr before saving.
    let commands = s
        .flaresolverr
        .as_ref()
        .unwrap()
        .state()
        .lock()
        .commands
        .clone();
    assert_eq!(
        commands,
        ["request.get https://prowlarr.servarr.com/v1/ping"]
    );
    // What a user sees in Prowlarr: the proxy at FlareSolverr's address, with the tag.
    let (_, tags) = s
        .arr_call("prowlarr", Method::GET, "/api/v1/tag", None)
        .await;
    let tag = tags
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "flaresolverr")
        .unwrap_or_else(|| panic!("{tags}"))["id"]
        .clone();
    let proxy = s
        .arr_object(
            "prowlarr",
            "/api/v1",
            "indexerProxy",
            "FlareSolverr (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(proxy["tags"], json!([tag]));
    let host = super::stack::field(&proxy, "host");
    assert_eq!(
        host.as_str().unwrap(),
        format!("{}/", s.flaresolverr.as_ref().unwrap().url())
    );

    // A steady pass only reads.
    s.arr("prowlarr").state().clear_requests();
    let report = s.pass().await;
    assert_eq!((report.applied, report.failed), (0, 0), "{report:?}");
    let requests = s.arr("prowlarr").state().requests();
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "{requests:?}"
    );

    // Somebody takes the tag off the proxy: reported and put back.
    let id = proxy["id"].as_i64().unwrap();
    let mut untagged = proxy.clone();
    untagged["tags"] = json!([]);
    let (status, body) = s
        .arr_call(
            "prowlarr",
            Method::PUT,
            &format!("/api/v1/indexerProxy/{id}"),
            Some(untagged),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let report = s.pass().await;
    assert_eq!(report.applied, 1, "{report:?}: {:#}", s.graph().await);
    let proxy = s
        .arr_object(
            "prowlarr",
            "/api/v1",
            "indexerProxy",
            "FlareSolverr (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(proxy["tags"], json!([tag]));

    // FlareSolverr goes: the proxy leaves Prowlarr, the tag (maybe on indexers) stays.
    s.uninstall("flaresolverr").await;
    let report = s.pass().await;
    assert_eq!(report.removed, 1, "{report:?}");
    assert!(s
        .arr_object(
            "prowlarr",
            "/api/v1",
            "indexerProxy",
            "FlareSolverr (Kubarr)"
        )
        .await
        .is_none());
    let (_, tags) = s
        .arr_call("prowlarr", Method::GET, "/api/v1/tag", None)
        .await;
    assert!(tags.to_string().contains("flaresolverr"), "{tags}");
}
