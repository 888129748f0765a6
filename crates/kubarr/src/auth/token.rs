//! Opaque random tokens (sessions, 2FA challenges, invites) and recovery codes.
//!
//! A token is a kind prefix plus 256 random bits in unpadded base64url, e.g. `kbs_…` (47
//! characters). It is handed out once; the database stores only its SHA-256 (hex). Parsing is
//! strict, so garbage never reaches the database and a token of one kind is never accepted as
//! another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Random bytes per token: 256 bits.
pub const TOKEN_BYTES: usize = 32;
/// Length of the base64url part.
const ENCODED_LEN: usize = 43;

/// What a token is for; each kind has its own prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Challenge,
    Invite,
    /// The one-time token that lets `POST /api/setup` in from another machine.
    Setup,
    /// A single-use launch ticket for an app's gateway origin.
    Ticket,
    /// The app cookie on a gateway origin.
    AppSession,
}

impl TokenKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "kbs_",
            TokenKind::Challenge => "kbc_",
            TokenKind::Invite => "kbi_",
            TokenKind::Setup => "kbt_",
            TokenKind::Ticket => "kbl_",
            TokenKind::AppSession => "kba_",
        }
    }
}

/// A new token of `kind`: returns the token (give it to the client once) and its hash (store it).
pub fn generate(kind: TokenKind) -> (String, String) {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("{}{}", kind.prefix(), B64URL.encode(bytes));
    let hash = hash(&token);
    (token, hash)
}

/// Checks a token's shape and returns its hash, or `None` when it cannot be a token of `kind`.
pub fn parse(kind: TokenKind, token: &str) -> Option<String> {
    let body = token.strip_prefix(kind.prefix())?;
    if body.len() != ENCODED_LEN
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    // Must decode to exactly 32 bytes (rejects non-canonical trailing bits).
    let decoded = B64URL.decode(body).ok()?;
    if decoded.len() != TOKEN_BYTES || B64URL.encode(&decoded) != body {
        return None;
    }
    Some(hash(token))
}

/// SHA-256 (hex) of a token or code.
pub fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// The alphabet of recovery codes: RFC 4648 base32 letters and digits.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Characters per recovery code (5 bits each: 80 bits).
const CODE_CHARS: usize = 16;

/// A new recovery code such as `ABCD-EFGH-IJKL-MNOP` (80 random bits).
pub fn generate_recovery_code() -> String {
    let mut bytes = [0u8; CODE_CHARS];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(b & 31)] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Normalises a typed recovery code (case, dashes, spaces) and returns its hash, or `None` when
/// it cannot be a recovery code.
pub fn parse_recovery_code(input: &str) -> Option<String> {
    if input.len() > 64 {
        return None;
    }
    let normalized: String = input
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if normalized.len() != CODE_CHARS || !normalized.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return None;
    }
    Some(hash(&normalized))
}

/// The hash stored for a freshly generated recovery code.
pub fn recovery_code_hash(code: &str) -> String {
    parse_recovery_code(code).expect("generated codes are well-formed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_tokens_parse_and_hash() {
        let (token, hash) = generate(TokenKind::Session);
        assert!(token.starts_with("kbs_"));
        assert_eq!(token.len(), 47);
        assert_eq!(hash.len(), 64);
        assert_eq!(parse(TokenKind::Session, &token).as_deref(), Some(&*hash));
        // Another kind's prefix is refused.
        assert!(parse(TokenKind::Invite, &token).is_none());
        assert_ne!(generate(TokenKind::Session).0, token);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let (token, _) = generate(TokenKind::Session);
        for bad in [
            "",
            "kbs_",
            &token[..46],
            &format!("{token}A"),
            &token.replace("kbs_", "KBS_"),
            &format!("kbs_{}", "=".repeat(43)),
            &format!("kbs_{}", "é".repeat(21)),
            "kbs_' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(parse(TokenKind::Session, bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn recovery_codes() {
        let code = generate_recovery_code();
        assert_eq!(code.len(), 19);
        let h = recovery_code_hash(&code);
        assert_eq!(parse_recovery_code(&code.to_lowercase()).unwrap(), h);
        assert_eq!(parse_recovery_code(&code.replace('-', " ")).unwrap(), h);
        assert_eq!(parse_recovery_code(&code.replace('-', "")).unwrap(), h);
        assert!(parse_recovery_code("ABCD-EFGH-IJKL-MNO1").is_none());
        assert!(parse_recovery_code("ABCD-EFGH").is_none());
        assert!(parse_recovery_code(&"A".repeat(100)).is_none());
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_accepts_only_canonical(s in "\\PC{0,80}") {
            if let Some(h) = parse(TokenKind::Session, &s) {
                prop_assert_eq!(h, hash(&s));
                prop_assert_eq!(s.len(), 47);
            }
        }

        #[test]
        fn any_32_bytes_round_trip(bytes in proptest::array::uniform32(any::<u8>())) {
            let token = format!("kbc_{}", B64URL.encode(bytes));
            prop_assert_eq!(parse(TokenKind::Challenge, &token), Some(hash(&token)));
            prop_assert!(parse(TokenKind::Session, &token).is_none());
        }

        #[test]
        fn one_changed_character_changes_the_hash(idx in 4usize..47, c in "[A-Za-z0-9_-]") {
            let (token, h) = generate(TokenKind::Session);
            let mut chars: Vec<char> = token.chars().collect();
            let c = c.chars().next().unwrap();
            prop_assume!(chars[idx] != c);
            chars[idx] = c;
            let other: String = chars.into_iter().collect();
            if let Some(h2) = parse(TokenKind::Session, &other) {
                prop_assert_ne!(h2, h);
            }
        }
    }
}
