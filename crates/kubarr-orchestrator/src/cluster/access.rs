//! Least privilege: Kubarr's write rights in an app namespace come from a RoleBinding it creates
//! there to the app-manager ClusterRole, and access reviews tell when they are in effect.

use std::time::Duration;

use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

use super::Cluster;
use crate::app_name::AppName;
use crate::error::{Error, Result};
use crate::{APP_LABEL, FIELD_MANAGER};

/// In a least-privilege install, Kubarr's write rights come from a ClusterRole that it binds to
/// its own service account inside each app namespace it creates (and nowhere else).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AppManager {
    pub cluster_role: String,
    pub service_account_namespace: String,
    pub service_account_name: String,
}

/// The name of the RoleBinding Kubarr keeps in every app namespace.
pub const APP_MANAGER_BINDING: &str = "kubarr-app-manager";
/// How long a new binding may take to reach the API server's authorizer.
const BINDING_EFFECTIVE_WITHIN: Duration = Duration::from_secs(20);

impl Cluster {
    /// Applies the app-manager RoleBinding in the app's namespace and waits until the API server
    /// grants what helm needs first (reading its release secrets), so helm never starts early.
    pub(super) async fn bind_app_manager(&self, app: &AppName, manager: &AppManager) -> Result<()> {
        let binding = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {
                "name": APP_MANAGER_BINDING,
                "namespace": app.as_str(),
                "labels": {
                    APP_LABEL: app.as_str(),
                    "app.kubernetes.io/managed-by": "kubarr",
                },
            },
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": manager.cluster_role,
            },
            "subjects": [{
                "kind": "ServiceAccount",
                "name": manager.service_account_name,
                "namespace": manager.service_account_namespace,
            }],
        });
        let api: Api<RoleBinding> = Api::namespaced(self.client.clone(), app.as_str());
        api.patch(
            APP_MANAGER_BINDING,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(binding),
        )
        .await?;
        let deadline = tokio::time::Instant::now() + BINDING_EFFECTIVE_WITHIN;
        while !self.can(app.as_str(), "list", "", "secrets").await? {
            if tokio::time::Instant::now() > deadline {
                return Err(Error::Io(std::io::Error::other(format!(
                    "the RoleBinding in namespace {app} did not take effect within {BINDING_EFFECTIVE_WITHIN:?}"
                ))));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }

    /// Whether this client may `verb` the `resource` in `namespace` (a SelfSubjectAccessReview,
    /// which every authenticated user may create).
    pub async fn can(
        &self,
        namespace: &str,
        verb: &str,
        group: &str,
        resource: &str,
    ) -> Result<bool> {
        let review: SelfSubjectAccessReview = serde_json::from_value(json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {
                "namespace": namespace,
                "verb": verb,
                "group": group,
                "resource": resource,
            }},
        }))
        .map_err(|e| Error::Config(format!("access review: {e}")))?;
        let api: Api<SelfSubjectAccessReview> = Api::all(self.client.clone());
        let answer = api.create(&PostParams::default(), &review).await?;
        Ok(answer.status.is_some_and(|s| s.allowed))
    }
}
