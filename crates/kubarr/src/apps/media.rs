//! The shared media storage setting, turned into chart values.

use serde_json::{json, Value};

/// Chart values for the `media_storage` setting (`{type, host_path, nfs_server, nfs_path}`);
/// `None` when the setting is absent, so the chart's default applies.
pub fn chart_values(setting: Option<&Value>) -> Option<Value> {
    let s = setting?;
    match s.get("type").and_then(Value::as_str)? {
        "host_path" => {
            let path = s
                .get("host_path")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())?;
            Some(json!({"media": {"type": "hostPath", "hostPath": {"path": path}}}))
        }
        "nfs" => {
            let server = s
                .get("nfs_server")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())?;
            let path = s
                .get("nfs_path")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())?;
            Some(json!({"media": {"type": "nfs", "nfs": {"server": server, "path": path}}}))
        }
        "none" => Some(json!({"media": {"type": "none"}})),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::chart_values;

    #[test]
    fn maps_each_backing() {
        assert_eq!(chart_values(None), None);
        assert_eq!(
            chart_values(Some(
                &json!({"type": "host_path", "host_path": "/srv/media"})
            ))
            .unwrap(),
            json!({"media": {"type": "hostPath", "hostPath": {"path": "/srv/media"}}})
        );
        assert_eq!(
            chart_values(Some(
                &json!({"type": "nfs", "nfs_server": "nas.lan", "nfs_path": "/export"})
            ))
            .unwrap(),
            json!({"media": {"type": "nfs", "nfs": {"server": "nas.lan", "path": "/export"}}})
        );
        assert_eq!(
            chart_values(Some(&json!({"type": "nfs", "nfs_server": ""}))),
            None
        );
        assert_eq!(
            chart_values(Some(&json!({"type": "none"}))).unwrap(),
            json!({"media": {"type": "none"}})
        );
    }
}
