//! Settings used when Kubarr runs in a cluster installed by its chart: the least-privilege
//! app-manager binding and the initial administrator. Keys that only work together are checked
//! together.

use super::*;

/// `kubernetes.app_manager_role` and `kubernetes.service_account` go together.
pub(super) fn app_manager_binding(r: &mut Reader) -> Option<AppManager> {
    let role = r.string("kubernetes.app_manager_role");
    let account = r.string("kubernetes.service_account");
    match (role, account) {
        (None, None) => None,
        (Some(role), Some(account)) => {
            let parsed = account
                .split_once('/')
                .filter(|(ns, name)| !ns.is_empty() && !name.is_empty() && !name.contains('/'));
            match parsed {
                Some((ns, name)) if !role.trim().is_empty() => Some(AppManager {
                    cluster_role: role.trim().to_owned(),
                    service_account_namespace: ns.to_owned(),
                    service_account_name: name.to_owned(),
                }),
                Some(_) => {
                    r.problem("kubernetes.app_manager_role", "must not be empty".into());
                    None
                }
                None => {
                    r.problem(
                        "kubernetes.service_account",
                        format!("`{account}` must be `<namespace>/<name>`"),
                    );
                    None
                }
            }
        }
        (Some(_), None) => {
            r.problem(
                "kubernetes.service_account",
                "is required with kubernetes.app_manager_role".into(),
            );
            None
        }
        (None, Some(_)) => {
            r.problem(
                "kubernetes.app_manager_role",
                "is required with kubernetes.service_account".into(),
            );
            None
        }
    }
}

/// The administrator created at start-up while no user exists (all three keys, or none).
pub(super) fn initial_admin(r: &mut Reader) -> Option<InitialAdmin> {
    let username = r.string("initial_admin.username");
    let email = r.string("initial_admin.email");
    let password = r.string("initial_admin.password");
    match (username, password) {
        (None, None) if email.is_none() => None,
        (Some(username), Some(password)) => Some(InitialAdmin {
            email: email.unwrap_or_else(|| format!("{}@kubarr.local", username.trim())),
            username,
            password: Secret::new(password),
        }),
        (None, _) => {
            r.problem(
                "initial_admin.username",
                "is required with initial_admin.password".into(),
            );
            None
        }
        (Some(_), None) => {
            r.problem(
                "initial_admin.password",
                "is required with initial_admin.username (set it or initial_admin.password via a _FILE variable)"
                    .into(),
            );
            None
        }
    }
}
