//! Signing in to an app by ticket, and who may: the launch checks, the ticket's single use,
//! the app cookie's scope, the redirects for signed-out browsers, and the audit row.

use axum::http::Method;
use serde_json::json;

use super::stub::Stub;
use super::{assert_only_loopback_dialled, json_of, ticket_in, Gateway};
use crate::identity_support::{create_user, Api};

#[tokio::test]
async fn a_member_opens_a_granted_app_by_single_use_ticket() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let member = g.member_for("alice", "stub").await;

    let res = g
        .launch(&member.token, "stub", Some("/echo?from=launch"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let url = res.json()["url"].as_str().unwrap().to_owned();
    let origin = g.origin("stub");
    assert!(
        url.starts_with(&format!("{origin}/_kubarr/auth?ticket=kbl_")),
        "{url}"
    );
    let ticket = ticket_in(&url);
    assert!(
        ticket.len() >= 4 + 43,
        "a ticket carries at least 128 random bits"
    );

    let browser = g.browser(&["stub"]);
    let r = browser.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/echo?from=launch");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("kubarr_app_stub=kba_"), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(
        !cookie.to_lowercase().contains("domain="),
        "host-only: {cookie}"
    );

    // The app answers through the gateway.
    let r = browser
        .get(format!("{origin}/echo?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let echo = json_of(&r.text().await.unwrap());
    assert_eq!(echo["uri"], "/echo?x=1");

    // The ticket worked once.
    let again = g.browser(&["stub"]).get(&url).send().await.unwrap();
    assert_eq!(again.status(), 403);

    // Redemption is audited without the ticket or the query string.
    let audit =
        g.t.admin(Method::GET, "/api/audit?action=app_opened", None)
            .await;
    assert_eq!(audit.status, 200);
    let text = audit.text();
    assert!(
        text.contains("\"app_opened\"") && text.contains("alice"),
        "{text}"
    );
    assert!(
        !text.contains(ticket) && !text.contains("from=launch"),
        "{text}"
    );
    assert_only_loopback_dialled(&g);
}

#[tokio::test]
async fn launch_refuses_callers_without_the_grant_and_foreign_origins() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream()), ("stub2", stub.upstream())]).await;
    let admin = g.t.admin_token.clone().unwrap();
    // The viewer role sees apps but holds no apps.open.
    let viewer = create_user(&g.t, &admin, "vera", &["viewer"]).await;
    let res = g.launch(&viewer.token, "stub", None).await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.error_code(), "forbidden");
    // A member granted one app cannot open another, and cannot learn that it exists.
    let member = g.member_for("bob", "stub").await;
    let res = g.launch(&member.token, "stub2", None).await;
    assert_eq!(res.status, 404, "{}", res.text());
    // An app nobody installed.
    let res = g.launch(&admin, "radarr", None).await;
    assert_eq!(res.status, 404);

    // `next` must stay on the app's origin.
    for bad in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "evil",
    ] {
        let res = g.launch(&member.token, "stub", Some(bad)).await;
        assert_eq!(res.status, 422, "{bad}: {}", res.text());
        assert_eq!(res.error_code(), "invalid_next");
    }

    // A browser request (cookie) must come from the dashboard's own origin.
    let call = |origin: Option<&'static str>| {
        let mut c =
            g.t.call(Method::POST, "/api/apps/stub/launch")
                .cookie(&member.token)
                .csrf()
                .json(json!({}));
        if let Some(o) = origin {
            c = c.header("origin", o);
        }
        c.send()
    };
    let res = call(Some("http://evil.example")).await;
    assert_eq!(res.status, 403);
    assert_eq!(res.error_code(), "origin_mismatch");
    let res = call(None).await;
    assert_eq!(res.status, 403);
    let res = call(Some("http://stub.apps.test")).await;
    assert_eq!(res.status, 403, "an app's origin is not the dashboard's");
    let res = call(Some("http://kubarr.test")).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[tokio::test]
async fn redemption_refuses_foreign_next_and_tickets_of_other_apps() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream()), ("stub2", stub.upstream())]).await;
    let admin = g.t.admin_token.clone().unwrap();
    let url = g.launch(&admin, "stub", None).await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = ticket_in(&url).to_owned();
    let browser = g.browser(&["stub", "stub2"]);

    for next in ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F"] {
        let r = browser
            .get(format!(
                "{}/_kubarr/auth?ticket={ticket}&next={next}",
                g.origin("stub")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "next={next}");
        assert!(r.headers().get("location").is_none());
    }
    // A ticket for stub does not open stub2.
    let r = browser
        .get(format!(
            "{}/_kubarr/auth?ticket={ticket}&next=/",
            g.origin("stub2")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Garbage tickets.
    for t in [
        "",
        "kbl_short",
        "kbs_0000000000000000000000000000000000000000000",
    ] {
        let r = browser
            .get(format!("{}/_kubarr/auth?ticket={t}", g.origin("stub")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "ticket {t}");
    }
}

#[tokio::test]
async fn signed_out_browsers_go_to_the_dashboard_and_scripts_get_401() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let browser = g.browser(&["stub"]);
    let page = browser
        .get(format!("{}/calendar?week=2", g.origin("stub")))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
    let location = page.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "http://kubarr.test/login?app=stub&next=%2Fcalendar%3Fweek%3D2"
    );
    let api = browser
        .get(format!("{}/api/v3/series", g.origin("stub")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    let body = json_of(&api.text().await.unwrap());
    assert_eq!(body["error"]["code"], "unauthenticated");
    // A forged cookie is no better than none.
    let forged = browser
        .get(format!("{}/echo", g.origin("stub")))
        .header(
            "cookie",
            "kubarr_app_stub=kba_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    // The upstream never saw any of it.
    assert!(g.t.state.gateway.dialled().is_empty());
    // Hosts that are not an app of the apps domain get nothing.
    let other = reqwest::Client::builder()
        .resolve("kubarr.test", g.address)
        .resolve("stub.apps.test.evil", g.address)
        .build()
        .unwrap();
    for host in ["kubarr.test", "stub.apps.test.evil"] {
        let r = other
            .get(format!("http://{host}:{}/echo", g.address.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{host}");
    }
}

#[tokio::test]
async fn access_modes_native_and_off() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let admin = g.t.admin_token.clone().unwrap();
    let viewer = create_user(&g.t, &admin, "vic", &["viewer"]).await;
    let browser = g.browser(&["stub"]);
    let set = |mode: &'static str| {
        g.t.admin(
            Method::PUT,
            "/api/apps/stub/access",
            Some(json!({"mode": mode})),
        )
    };

    // native: reachable with the app's own login only; every member sees it on the home page.
    assert_eq!(set("native").await.status, 200);
    let r = browser
        .get(format!("{}/echo", g.origin("stub")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let home = g.t.get_as("/api/gateway/apps", &viewer.token).send().await;
    assert_eq!(home.status, 200);
    assert_eq!(home.json()[0]["name"], "stub");
    assert_eq!(home.json()[0]["access_mode"], "native");

    // off: nothing is served and nothing can be launched.
    assert_eq!(set("off").await.status, 200);
    let r = browser
        .get(format!("{}/echo", g.origin("stub")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let res = g.launch(&admin, "stub", None).await;
    assert_eq!(res.status, 409);
    assert_eq!(res.error_code(), "app_access_off");
    let home = g.t.get_as("/api/gateway/apps", &viewer.token).send().await;
    assert_eq!(home.json(), json!([]));

    // gated again: the viewer (no apps.open) neither sees nor opens it.
    assert_eq!(set("gated").await.status, 200);
    let home = g.t.get_as("/api/gateway/apps", &viewer.token).send().await;
    assert_eq!(home.json(), json!([]));
    let overview = g.t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.status, 200);
    assert_eq!(overview.json()["mode"], "host");
    assert_eq!(overview.json()["apps"][0]["access_mode"], "gated");
    assert_eq!(overview.json()["apps"][0]["origin"], g.origin("stub"));
    // A viewer may not change modes.
    let res =
        g.t.call(Method::PUT, "/api/apps/stub/access")
            .bearer(&viewer.token)
            .json(json!({"mode": "native"}))
            .send()
            .await;
    assert_eq!(res.status, 403);
    let bad =
        g.t.admin(
            Method::PUT,
            "/api/apps/stub/access",
            Some(json!({"mode": "open"})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert_eq!(bad.error_code(), "validation_failed");
    let actions = crate::identity_support::audit_actions(&g.t).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "app_access_changed")
            .count(),
        3
    );
}

#[tokio::test]
async fn launch_without_a_gateway_says_so() {
    let t = crate::helpers::TestApp::builder().admin().build().await;
    let res = t
        .admin(Method::POST, "/api/apps/sonarr/launch", Some(json!({})))
        .await;
    assert_eq!(res.status, 503, "{}", res.text());
    assert_eq!(res.error_code(), "gateway_disabled");
}
