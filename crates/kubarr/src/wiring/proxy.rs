//! Prowlarr's indexer proxy: FlareSolverr, which opens indexer pages behind a browser challenge.
//! Prowlarr sends an indexer through a proxy only when they share a tag, so Kubarr keeps a
//! `flaresolverr` tag on its proxy; a user puts the same tag on the indexers that need it.

use serde_json::{json, Value};

use super::http::CallError;
use super::servarr::{owned_name, Provider, Servarr};

/// The tag Kubarr's proxy carries.
pub const TAG: &str = "flaresolverr";

/// The proxy Kubarr wants, without its tag id (Prowlarr numbers tags; see [`with_tag`]).
pub fn flaresolverr(display: &str, base: &str) -> Provider {
    Provider {
        collection: "indexerProxy",
        name: owned_name(display),
        implementation: "FlareSolverr".into(),
        props: serde_json::Map::new(),
        fields: vec![
            (
                "host".into(),
                json!(format!("{}/", base.trim_end_matches('/'))),
            ),
            ("requestTimeout".into(), json!(60)),
        ],
        secrets: Vec::new(),
    }
}

/// The proxy with Prowlarr's id of [`TAG`].
pub fn with_tag(proxy: &Provider, tag: i64) -> Provider {
    let mut p = proxy.clone();
    p.props.insert("tags".into(), json!([tag]));
    p
}

/// Prowlarr's id of [`TAG`], if the tag exists (reads only).
pub async fn tag_id(api: &Servarr<'_>) -> Result<Option<i64>, CallError> {
    let tags = api.api().get(&api.path("/tag")).await?;
    Ok(find(&tags))
}

/// Prowlarr's id of [`TAG`], made when missing.
pub async fn ensure_tag(api: &Servarr<'_>) -> Result<i64, CallError> {
    if let Some(id) = tag_id(api).await? {
        return Ok(id);
    }
    let made = api
        .api()
        .post(&api.path("/tag"), &json!({"label": TAG}))
        .await?;
    Ok(made["id"].as_i64().unwrap_or_default())
}

fn find(tags: &Value) -> Option<i64> {
    tags.as_array()?
        .iter()
        .find(|t| {
            t["label"]
                .as_str()
                .is_some_and(|l| l.eq_ignore_ascii_case(TAG))
        })
        .and_then(|t| t["id"].as_i64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_points_at_flaresolverr_and_carries_the_tag() {
        let p = flaresolverr("FlareSolverr", "http://flaresolverr.flaresolverr.svc:8191");
        assert_eq!(p.name, "FlareSolverr (Kubarr)");
        assert_eq!(p.fields[0].1, "http://flaresolverr.flaresolverr.svc:8191/");
        let tagged = with_tag(&p, 3);
        assert_eq!(tagged.props["tags"], json!([3]));
        let tags = json!([{"id": 1, "label": "anime"}, {"id": 3, "label": "flaresolverr"}]);
        assert_eq!(find(&tags), Some(3));
        assert_eq!(find(&json!([])), None);
    }
}
