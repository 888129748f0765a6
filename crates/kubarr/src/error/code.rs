//! [`ErrorCode`]: every `error.code` the API answers, in one enum (documented in the OpenAPI
//! document as a string enum, so clients can match on it exhaustively).

use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// A stable, machine-readable error code (`error.code` of every error response). The
        /// status code says what kind of failure it is; the code says which one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$( ErrorCode::$variant, )+];

            /// The code as sent to clients.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $name, )+
                }
            }
        }
    };
}

error_codes! {
    // 400: the request itself is malformed or fails validation.
    /// A field fails validation; `field` names it.
    ValidationFailed = "validation_failed",
    /// The body is not valid JSON.
    InvalidJson = "invalid_json",
    /// The body could not be read.
    InvalidBody = "invalid_body",
    /// The body is not JSON (wrong or missing `Content-Type`).
    InvalidContentType = "invalid_content_type",
    /// The request could not be processed (outside any handler).
    BadRequest = "bad_request",
    /// The invite is unknown, used or expired.
    InvalidInvite = "invalid_invite",
    /// The Kubernetes API refused the log request (e.g. an unknown container).
    InvalidLogRequest = "invalid_log_request",
    /// A TOTP or recovery code is wrong (400 when enabling 2FA, 401 at sign-in).
    InvalidCode = "invalid_code",
    /// The `pod` of a log request is not one of the app's pods.
    InvalidPod = "invalid_pod",
    // 401: not signed in.
    /// No credentials were sent.
    Unauthenticated = "unauthenticated",
    /// The session is unknown, revoked, expired or idle too long.
    SessionExpired = "session_expired",
    /// Wrong username or password (also for unknown, inactive and unapproved users).
    InvalidCredentials = "invalid_credentials",
    /// The 2FA challenge is unknown, expired or out of attempts.
    InvalidChallenge = "invalid_challenge",
    // 403: signed in, not allowed.
    /// The caller lacks the permission the message names.
    Forbidden = "forbidden",
    /// A cookie-authenticated write without the `X-Kubarr-Csrf: 1` header.
    CsrfCheckFailed = "csrf_check_failed",
    /// The request's `Origin` is not the dashboard's.
    OriginMismatch = "origin_mismatch",
    /// A role of the caller requires 2FA, which is not set up yet.
    TwoFactorEnrollmentRequired = "two_factor_enrollment_required",
    /// Granting or touching permissions the caller does not hold.
    CannotGrant = "cannot_grant",
    /// Open registration is off: an invite is needed.
    RegistrationClosed = "registration_closed",
    /// First-run setup from anywhere but the server's own machine needs the setup token.
    SetupTokenRequired = "setup_token_required",
    // 404: no such thing (or the caller may not know it exists).
    /// No such API endpoint or item.
    NotFound = "not_found",
    /// No such app in the catalog, or not installed, or not visible to the caller.
    AppNotFound = "app_not_found",
    /// No such pod in the app.
    PodNotFound = "pod_not_found",
    /// No such user.
    UserNotFound = "user_not_found",
    /// No such role.
    RoleNotFound = "role_not_found",
    /// No such invite.
    InviteNotFound = "invite_not_found",
    /// No such live session of the caller.
    SessionNotFound = "session_not_found",
    /// No such setting key.
    SettingNotFound = "setting_not_found",
    /// No such stack-wiring link (or not one the caller may see).
    LinkNotFound = "link_not_found",
    // 405, 408, 413.
    /// The path exists but not with this method (see the `Allow` header).
    MethodNotAllowed = "method_not_allowed",
    /// The request took too long.
    RequestTimeout = "request_timeout",
    /// The body is over the size limit.
    PayloadTooLarge = "payload_too_large",
    // 409: conflicts with the current state.
    /// Setup is done: a user exists.
    SetupCompleted = "setup_completed",
    /// The username is taken.
    UsernameTaken = "username_taken",
    /// An account with the e-mail address exists.
    EmailTaken = "email_taken",
    /// A role with the name exists.
    RoleNameTaken = "role_name_taken",
    /// System roles cannot be renamed, deleted or re-permissioned.
    SystemRole = "system_role",
    /// The change would leave no active administrator.
    LastAdmin = "last_admin",
    /// Users cannot delete their own account.
    CannotDeleteSelf = "cannot_delete_self",
    /// The app is installed already.
    AlreadyInstalled = "already_installed",
    /// Another operation on the app is running.
    AppBusy = "app_busy",
    /// 2FA is on already.
    TwoFactorAlreadyEnabled = "two_factor_already_enabled",
    /// 2FA is off.
    TwoFactorNotEnabled = "two_factor_not_enabled",
    /// 2FA cannot be enabled before its setup started.
    TwoFactorNotSetUp = "two_factor_not_set_up",
    /// 2FA cannot be turned off while a role requires it.
    TwoFactorRequiredByRole = "two_factor_required_by_role",
    /// The app's gateway access mode is `off`.
    AppAccessOff = "app_access_off",
    /// The stack-wiring link is turned off.
    LinkDisabled = "link_disabled",
    // 422: well-formed but semantically invalid.
    /// A new password fails the policy (common, easy to guess, too short or over 72 bytes); the
    /// message says why.
    WeakPassword = "weak_password",
    /// Chart values fail the chart's schema; `field` names the value.
    InvalidValues = "invalid_values",
    /// The requested chart version is not in the catalog.
    VersionUnavailable = "version_unavailable",
    /// A role id or name does not exist.
    UnknownRole = "unknown_role",
    /// An invite restricted to another e-mail address.
    InviteEmailMismatch = "invite_email_mismatch",
    /// A setting value out of range or inconsistent with another.
    InvalidSetting = "invalid_setting",
    /// The media storage setting cannot be used (outside the allowed roots, or its claim).
    InvalidMediaStorage = "invalid_media_storage",
    /// `next` is not a path on the app's own origin.
    InvalidNext = "invalid_next",
    /// The app leaves sign-in to Kubarr's gateway, so it cannot be served with its own login.
    AppNeedsGatewaySignIn = "app_needs_gateway_sign_in",
    /// Kubarr makes its own keys for this app; it takes no account.
    AppTakesNoAccount = "app_takes_no_account",
    /// The app refused the account (wrong name or password, or not an administrator).
    AppRefusedAccount = "app_refused_account",
    // 429.
    /// Too many attempts; see `Retry-After`.
    RateLimited = "rate_limited",
    /// The caller holds the most live streams allowed; see `Retry-After`.
    TooManyStreams = "too_many_streams",
    // 500.
    /// An unexpected server error (logged; the message reveals nothing).
    InternalError = "internal_error",
    // 503: a dependency is down or the server is saturated.
    /// The database cannot be reached.
    DatabaseUnavailable = "database_unavailable",
    /// The database is busy; retry (see `Retry-After`).
    DatabaseBusy = "database_busy",
    /// The Kubernetes cluster cannot be reached (or none is configured).
    ClusterUnavailable = "cluster_unavailable",
    /// The app gateway is not configured (`gateway.listen`).
    GatewayDisabled = "gateway_disabled",
    /// Port mode: every port of `gateway.port_range` is taken.
    GatewayPortsExhausted = "gateway_ports_exhausted",
    /// Too much password hashing queued; retry shortly.
    ServerBusy = "server_busy",
    /// The app did not answer Kubarr (not running yet, or failing); the message says how.
    AppUnreachable = "app_unreachable",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn the_wire_name_is_the_snake_case_name_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str())
            );
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
