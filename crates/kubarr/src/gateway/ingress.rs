//! Ingress mode: what Kubarr hands each app's chart under `kubarr.ingress`, so the chart's fixed
//! templates (`kubarr-app.ingress` in the library chart) render the app's Ingress and its
//! forward-auth wiring, and Helm owns those objects with the release. Nothing here is a user
//! value: the controller, class, TLS Secret and URLs come from `gateway.ingress.*`, the host from
//! `gateway.apps_domain`, the sign-in URL from the public URL setting.

use kubarr_orchestrator::AppName;
use serde_json::{json, Value};

use crate::config::{GatewayConfig, IngressController};

/// `{"kubarr": {"ingress": {…}}}` for `app`, or `None` when Ingress mode is off.
/// `public_url` is the dashboard's (the sign-in page); without it ingress-nginx gets no
/// `auth-signin` and signed-out browsers see the controller's 401.
pub fn values(config: &GatewayConfig, app: &AppName, public_url: Option<&str>) -> Option<Value> {
    let ingress = config.ingress.as_ref()?;
    let domain = config.apps_domain.as_deref()?;
    let signin_url = public_url
        .map(|u| {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("app", app.as_str())
                .finish();
            format!("{}/login?{query}", u.trim_end_matches('/'))
        })
        .unwrap_or_default();
    let (gateway_service, gateway_port) = match (&ingress.gateway_service, ingress.controller) {
        (Some((host, port)), IngressController::Nginx) => (host.clone(), *port),
        _ => (String::new(), 80),
    };
    Some(json!({"kubarr": {"ingress": {
        "controller": ingress.controller.as_str(),
        "className": ingress.class_name.clone().unwrap_or_default(),
        "host": format!("{app}.{domain}"),
        "authUrl": ingress.auth_url,
        "signinUrl": signin_url,
        "gatewayService": gateway_service,
        "gatewayPort": gateway_port,
        "tlsSecret": ingress.tls_secret.clone().unwrap_or_default(),
        "controllerNamespace": ingress.controller_namespace.clone().unwrap_or_default(),
    }}}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IngressConfig;

    fn config(controller: IngressController) -> GatewayConfig {
        GatewayConfig {
            apps_domain: Some("apps.home.example".into()),
            ingress: Some(IngressConfig {
                controller,
                class_name: Some("traefik".into()),
                tls_secret: None,
                auth_url: "http://kubarr.kubarr.svc.cluster.local:8080/api/auth/forward".into(),
                gateway_service: Some(("kubarr-gateway.kubarr.svc.cluster.local".into(), 8081)),
                controller_namespace: Some("ingress-nginx".into()),
            }),
            ..GatewayConfig::default()
        }
    }

    #[test]
    fn values_name_the_app_host_and_the_sign_in() {
        let app = AppName::parse("sonarr").unwrap();
        let v = values(
            &config(IngressController::Nginx),
            &app,
            Some("https://kubarr.home.example/"),
        )
        .unwrap();
        let i = &v["kubarr"]["ingress"];
        assert_eq!(i["controller"], "nginx");
        assert_eq!(i["host"], "sonarr.apps.home.example");
        assert_eq!(i["className"], "traefik");
        assert_eq!(i["tlsSecret"], "");
        assert_eq!(
            i["signinUrl"],
            "https://kubarr.home.example/login?app=sonarr"
        );
        assert_eq!(
            i["gatewayService"],
            "kubarr-gateway.kubarr.svc.cluster.local"
        );
        assert_eq!(i["gatewayPort"], 8081);
        assert_eq!(i["controllerNamespace"], "ingress-nginx");

        let v = values(&config(IngressController::Traefik), &app, None).unwrap();
        let i = &v["kubarr"]["ingress"];
        assert_eq!(i["controller"], "traefik");
        assert_eq!(i["signinUrl"], "");
        assert_eq!(i["gatewayService"], "", "Traefik needs no gateway Service");

        assert!(values(&GatewayConfig::default(), &app, None).is_none());
    }
}
