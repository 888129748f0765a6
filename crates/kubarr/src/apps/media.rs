//! The shared media storage: the administrator's `media_storage` setting, checked against the
//! allowed roots the deployer set (`media.allowed_roots`), turned into the backing of every app's
//! media volume. The setting alone decides it: the catalog charts take no user value for it.
//!
//! Paths are canonicalised lexically (`.`, `..` and repeated slashes resolved) before any check,
//! and a host path must lie inside an allowed root; `/` and system directories are never allowed,
//! not even as a root.

use kubarr_orchestrator::cluster::MediaBacking;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{MediaStorage, MediaStorageKind};

/// Directories that are never media roots nor inside one (the host's system and Kubernetes's own
/// state). `/` itself is refused separately.
const SYSTEM_PATHS: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var/lib/containerd",
    "/var/lib/docker",
    "/var/lib/etcd",
    "/var/lib/kubelet",
    "/var/lib/rancher",
    "/var/log",
    "/var/run",
];

/// Parents of system directories: refused themselves, though paths below them may be fine.
const SYSTEM_PARENTS: &[&str] = &["/var", "/var/lib"];

/// The lexical canonical form of an absolute path: no `.` or empty segments, `..` resolved, no
/// trailing slash. `None` for a relative path, control characters, or `..` above the root.
pub fn canonical(path: &str) -> Option<String> {
    if !path.starts_with('/') || path.len() > 1024 || path.chars().any(char::is_control) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

fn within(path: &str, dir: &str) -> bool {
    path == dir || path.starts_with(&format!("{dir}/"))
}

/// Why `path` (canonical) can never hold media, if it cannot.
pub fn system_path_problem(path: &str) -> Option<String> {
    if path == "/" {
        return Some("the root directory `/` cannot be used".into());
    }
    if let Some(dir) = SYSTEM_PATHS.iter().find(|d| within(path, d)) {
        return Some(format!("`{path}` is a system directory (under {dir})"));
    }
    if SYSTEM_PARENTS.contains(&path) {
        return Some(format!(
            "`{path}` is too broad: choose a directory inside it"
        ));
    }
    None
}

/// The allowed roots of host-path media, from the configuration (already canonical).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MediaRoots(Vec<String>);

impl MediaRoots {
    /// Checks and canonicalises configured roots; one message per bad root.
    pub fn parse(roots: &[String]) -> Result<Self, Vec<String>> {
        let mut ok = Vec::new();
        let mut problems = Vec::new();
        for r in roots {
            match canonical(r.trim()) {
                None => problems.push(format!("`{r}` is not an absolute path")),
                Some(c) => match system_path_problem(&c) {
                    Some(p) => problems.push(p),
                    None => ok.push(c),
                },
            }
        }
        if problems.is_empty() {
            Ok(Self(ok))
        } else {
            Err(problems)
        }
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Checks the setting and returns it in canonical form (what is stored and deployed).
    pub fn check(&self, setting: &MediaStorage) -> AppResult<MediaStorage> {
        let bad = |field: &str, message: String| {
            AppError::unprocessable(ErrorCode::InvalidSetting, message)
                .with_field(format!("value.{field}"))
        };
        let mut out = setting.clone();
        match setting.kind {
            MediaStorageKind::HostPath => {
                let raw = setting.host_path.as_deref().unwrap_or_default();
                let path = canonical(raw)
                    .ok_or_else(|| bad("host_path", "An absolute host path is required.".into()))?;
                if let Some(problem) = system_path_problem(&path) {
                    return Err(bad(
                        "host_path",
                        format!("The host path is refused: {problem}."),
                    ));
                }
                if !self.0.iter().any(|root| within(&path, root)) {
                    let roots = if self.0.is_empty() {
                        "none are allowed (media.allowed_roots is empty)".to_owned()
                    } else {
                        self.0.join(", ")
                    };
                    return Err(bad(
                        "host_path",
                        format!("The host path must be inside an allowed root: {roots}."),
                    ));
                }
                out.host_path = Some(path);
            }
            MediaStorageKind::Nfs => {
                let raw = setting.nfs_path.as_deref().unwrap_or_default();
                let path = canonical(raw).ok_or_else(|| {
                    bad(
                        "nfs_path",
                        "An absolute NFS export path is required.".into(),
                    )
                })?;
                out.nfs_path = Some(path);
            }
            MediaStorageKind::ExistingClaim | MediaStorageKind::None => {}
        }
        Ok(out)
    }
}

/// The backing of every app's media volume under a checked setting (`None`: no shared media; each
/// app gets an empty scratch directory). An existing claim is resolved by the caller (it needs
/// the cluster).
pub fn backing(setting: &MediaStorage) -> Option<MediaBacking> {
    match setting.kind {
        MediaStorageKind::HostPath => Some(MediaBacking::HostPath {
            path: setting.host_path.clone()?,
        }),
        MediaStorageKind::Nfs => Some(MediaBacking::Nfs {
            server: setting.nfs_server.clone()?,
            path: setting.nfs_path.clone()?,
        }),
        MediaStorageKind::ExistingClaim | MediaStorageKind::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(path: &str) -> MediaStorage {
        MediaStorage {
            kind: MediaStorageKind::HostPath,
            host_path: Some(path.into()),
            ..MediaStorage::default()
        }
    }

    #[test]
    fn paths_are_canonicalised() {
        assert_eq!(
            canonical("/srv//kubarr/./data/").as_deref(),
            Some("/srv/kubarr/data")
        );
        assert_eq!(canonical("/srv/kubarr/../../etc").as_deref(), Some("/etc"));
        assert_eq!(canonical("/").as_deref(), Some("/"));
        assert_eq!(canonical("/.."), None);
        assert_eq!(canonical("relative/x"), None);
        assert_eq!(canonical("/a\0b"), None);
    }

    #[test]
    fn host_paths_stay_inside_the_allowed_roots() {
        let roots = MediaRoots::parse(&["/srv/kubarr/".into()]).unwrap();
        assert_eq!(roots.as_slice(), ["/srv/kubarr"]);
        let ok = roots.check(&host("/srv/kubarr//data/")).unwrap();
        assert_eq!(ok.host_path.as_deref(), Some("/srv/kubarr/data"));
        roots.check(&host("/srv/kubarr")).unwrap();
        for bad in [
            "/",
            "/etc",
            "/srv/kubarr/../../etc",
            "/srv/kubarrx",
            "/var/lib/kubelet/pods",
            "/srv",
            "relative",
        ] {
            let e = roots.check(&host(bad)).unwrap_err();
            assert_eq!(e.status().as_u16(), 422, "{bad}");
        }
    }

    #[test]
    fn roots_themselves_are_checked() {
        for bad in ["/", "/etc", "/var/lib", "/usr/local/media", "x"] {
            assert!(MediaRoots::parse(&[bad.into()]).is_err(), "{bad}");
        }
        assert!(MediaRoots::parse(&["/srv/media".into(), "/home/me/media".into()]).is_ok());
        // No roots: host paths are refused altogether (NFS and claims still work).
        let none = MediaRoots::parse(&[]).unwrap();
        assert!(none.check(&host("/srv/kubarr/data")).is_err());
    }
}
