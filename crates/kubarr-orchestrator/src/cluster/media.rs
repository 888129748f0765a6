//! The shared media tree of each app: a PersistentVolume that Kubarr creates with the storage the
//! administrator chose, and a claim bound to it in the app's namespace. Every app's volume has the
//! same backing, so all apps see one filesystem at `/data` (hardlinks and atomic moves work across
//! apps), while no pod spec holds a `hostPath` — which the app namespaces' Pod Security level
//! (`baseline`) refuses anyway.
//!
//! Names carry a fingerprint of the backing: when the setting changes, the next deploy creates a
//! new volume and claim, the chart moves the pods over, and the old ones are removed.

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use serde_json::{json, Value};

use super::Cluster;
use crate::app_name::AppName;
use crate::error::{Error, Result};
use crate::{APP_LABEL, FIELD_MANAGER};

/// Label on media volumes and claims: the backing's fingerprint.
pub const MEDIA_LABEL: &str = "kubarr.io/media";
/// Nominal size: static volumes are not provisioned, the backing decides the real size.
const NOMINAL_SIZE: &str = "1Ti";

/// Where the media tree lives.
#[derive(Clone, Debug, PartialEq)]
pub enum MediaBacking {
    /// A directory on the node (single-node clusters), already checked against the allowed roots.
    HostPath { path: String },
    /// An NFS export.
    Nfs { server: String, path: String },
    /// The CSI volume of an existing claim: its PersistentVolume's `csi` block, reused as is.
    Csi { csi: Value },
}

impl MediaBacking {
    /// The volume source of the PersistentVolume spec.
    fn source(&self) -> Value {
        match self {
            Self::HostPath { path } => {
                json!({"hostPath": {"path": path, "type": "DirectoryOrCreate"}})
            }
            Self::Nfs { server, path } => json!({"nfs": {"server": server, "path": path}}),
            Self::Csi { csi } => json!({ "csi": csi }),
        }
    }

    /// Eight hex digits identifying the backing (FNV-1a of its source), stable across releases.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.source().to_string().bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{:08x}", (h >> 32) as u32 ^ (h as u32))
    }

    /// The claim name the app's chart mounts at `/data`.
    pub fn claim_name(&self) -> String {
        format!("kubarr-media-{}", self.fingerprint())
    }

    fn volume_name(&self, app: &AppName) -> String {
        format!("kubarr-media-{app}-{}", self.fingerprint())
    }
}

impl Cluster {
    /// Creates (or keeps) the app's media volume and its bound claim; returns the claim's name.
    /// Call after [`ensure_namespace`](Self::ensure_namespace).
    pub async fn ensure_media_volume(
        &self,
        app: &AppName,
        backing: &MediaBacking,
    ) -> Result<String> {
        let claim = backing.claim_name();
        let volume = backing.volume_name(app);
        let labels = json!({
            APP_LABEL: app.as_str(),
            MEDIA_LABEL: backing.fingerprint(),
            "app.kubernetes.io/managed-by": "kubarr",
        });
        let mut spec = json!({
            "capacity": {"storage": NOMINAL_SIZE},
            "accessModes": ["ReadWriteMany"],
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": "",
            "volumeMode": "Filesystem",
            // Reserved for this app's claim: nothing else can bind it.
            "claimRef": {"namespace": app.as_str(), "name": claim},
        });
        if let (Some(spec), Value::Object(source)) = (spec.as_object_mut(), backing.source()) {
            spec.extend(source);
        }
        let pv = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": volume, "labels": labels},
            "spec": spec,
        });
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let volumes: Api<PersistentVolume> = Api::all(self.client.clone());
        volumes.patch(&volume, &params, &Patch::Apply(pv)).await?;
        let pvc = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": claim, "namespace": app.as_str(), "labels": labels},
            "spec": {
                "accessModes": ["ReadWriteMany"],
                "storageClassName": "",
                "volumeName": volume,
                "resources": {"requests": {"storage": NOMINAL_SIZE}},
            },
        });
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), app.as_str());
        claims.patch(&claim, &params, &Patch::Apply(pvc)).await?;
        Ok(claim)
    }

    /// Removes the app's media claims and volumes other than `keep` (a claim name), after the pods
    /// moved to `keep`. The data stays where it is: volumes are `Retain` and only the Kubernetes
    /// objects go. A claim still mounted by a terminating pod goes once the pod is gone.
    pub async fn remove_old_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        let selector = format!("{APP_LABEL}={app},{MEDIA_LABEL}");
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), app.as_str());
        for c in claims
            .list(&ListParams::default().labels(&selector))
            .await?
            .items
        {
            let name = c.metadata.name.unwrap_or_default();
            if Some(name.as_str()) != keep {
                ignore_missing(claims.delete(&name, &DeleteParams::default()).await)?;
            }
        }
        self.remove_media_volumes(app, keep).await
    }

    /// Removes the app's media volumes (cluster-wide objects) other than the one bound to `keep`;
    /// with `None`, all of them (after its namespace, and so its claims, are gone).
    pub async fn remove_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        let selector = format!("{APP_LABEL}={app},{MEDIA_LABEL}");
        let volumes: Api<PersistentVolume> = Api::all(self.client.clone());
        for v in volumes
            .list(&ListParams::default().labels(&selector))
            .await?
            .items
        {
            let claim = v
                .spec
                .as_ref()
                .and_then(|s| s.claim_ref.as_ref())
                .and_then(|r| r.name.clone());
            if claim.as_deref() != keep {
                let name = v.metadata.name.unwrap_or_default();
                ignore_missing(volumes.delete(&name, &DeleteParams::default()).await)?;
            }
        }
        Ok(())
    }

    /// The CSI backing of an existing, bound claim (for storage a CSI driver provides): the `csi`
    /// block of its PersistentVolume, which every app's volume then shares.
    pub async fn csi_backing_of_claim(&self, namespace: &str, claim: &str) -> Result<MediaBacking> {
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), namespace);
        let pvc = claims.get(claim).await?;
        let volume = pvc
            .spec
            .and_then(|s| s.volume_name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::Config(format!("claim {namespace}/{claim} is not bound")))?;
        let volumes: Api<PersistentVolume> = Api::all(self.client.clone());
        let pv = volumes.get(&volume).await?;
        let csi = pv.spec.and_then(|s| s.csi).ok_or_else(|| {
            Error::Config(format!(
                "the volume of claim {namespace}/{claim} is not a CSI volume"
            ))
        })?;
        let csi = serde_json::to_value(csi).map_err(|e| Error::Config(e.to_string()))?;
        Ok(MediaBacking::Csi { csi })
    }
}

fn ignore_missing<T>(r: std::result::Result<T, kube::Error>) -> Result<()> {
    match r {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_backing() {
        let a = MediaBacking::HostPath {
            path: "/srv/kubarr/data".into(),
        };
        let b = MediaBacking::Nfs {
            server: "nas.lan".into(),
            path: "/export/media".into(),
        };
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 8);
        let sonarr = AppName::parse("sonarr").unwrap();
        assert!(a.volume_name(&sonarr).starts_with("kubarr-media-sonarr-"));
        assert_eq!(a.claim_name(), format!("kubarr-media-{}", a.fingerprint()));
        assert_eq!(
            a.source(),
            json!({"hostPath": {"path": "/srv/kubarr/data", "type": "DirectoryOrCreate"}})
        );
    }
}
