//! The app's credentials Secret ([`CREDENTIALS_SECRET`]), written by server-side apply before
//! every deploy so the chart can read it, and left alone by Helm (it is not part of a release).

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use super::Cluster;
use crate::app_name::AppName;
use crate::credentials::{SecretData, CREDENTIALS_SECRET};
use crate::error::Result;
use crate::{APP_LABEL, FIELD_MANAGER};

impl Cluster {
    /// Creates or updates the app's credentials Secret with exactly `data`. Call after
    /// [`ensure_namespace`](Self::ensure_namespace).
    pub async fn ensure_credentials_secret(&self, app: &AppName, data: &SecretData) -> Result<()> {
        let secret = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": CREDENTIALS_SECRET,
                "namespace": app.as_str(),
                "labels": {APP_LABEL: app.as_str(), "app.kubernetes.io/managed-by": "kubarr"},
            },
            "type": "Opaque",
            "stringData": data,
        });
        let secrets: Api<Secret> = Api::namespaced(self.client.clone(), app.as_str());
        secrets
            .patch(
                CREDENTIALS_SECRET,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(secret),
            )
            .await?;
        Ok(())
    }
}
