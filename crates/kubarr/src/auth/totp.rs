//! TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second steps, ±1 step of
//! clock drift. A code is accepted only for a step later than the last one used, so a code
//! cannot be replayed within its window.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const DIGITS: u32 = 6;
pub const STEP_SECS: i64 = 30;
/// Steps of drift accepted on each side.
pub const WINDOW: i64 = 1;
/// Secret length: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
pub const ISSUER: &str = "Kubarr";

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new random secret, base32-encoded (what authenticator apps take).
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// RFC 4648 base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in data {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive; spaces and `=` padding ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars() {
        if c == '=' || c.is_whitespace() {
            continue;
        }
        let c = c.to_ascii_uppercase() as u8;
        let value = BASE32.iter().position(|&b| b == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The time step of a Unix time.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The HOTP value for a counter (RFC 4226 §5.3), as a zero-padded string.
pub fn hotp(secret: &[u8], counter: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    format!(
        "{:0width$}",
        binary % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// The TOTP code for a time step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    hotp(secret, step.max(0) as u64)
}

/// Checks `code` against the steps around `now_step`. Returns the matching step when it lies
/// after `last_used_step` (a code of an already-used step is a replay and fails).
pub fn verify(
    secret: &[u8],
    code: &str,
    now_step: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut matched = None;
    // Check every candidate step so the time taken does not depend on which one matches.
    for step in (now_step - WINDOW)..=(now_step + WINDOW) {
        let expected = code_at_step(secret, step);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) && matched.is_none() {
            matched = Some(step);
        }
    }
    matched.filter(|step| last_used_step.is_none_or(|last| *step > last))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `otpauth://` URI authenticator apps scan.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let label = format!("{ISSUER}:{account}");
    format!(
        "otpauth://totp/{}?secret={secret_b32}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent_encode(&label)
    )
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B, SHA-1 (8 digits there; the last 6 digits are the 6-digit code).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected8) in [
            (59i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at_step(secret, step_at(time)),
                expected8[2..],
                "{time}"
            );
        }
    }

    /// RFC 4226 appendix D.
    #[test]
    fn rfc4226_vectors() {
        let secret = b"12345678901234567890";
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(secret, counter as u64), *code);
        }
    }

    #[test]
    fn base32_matches_rfc4648() {
        for (raw, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(raw.as_bytes()), enc);
            assert_eq!(base32_decode(enc).unwrap(), raw.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert!(base32_decode("MZ1").is_none());
    }

    #[test]
    fn uri_names_issuer_and_account() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "ann@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Kubarr%3Aann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kubarr&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn malformed_codes_fail() {
        let secret = b"12345678901234567890";
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert!(verify(secret, bad, 100, None).is_none(), "{bad}");
        }
    }

    proptest! {
        /// A code is accepted for exactly the steps within ±1 of "now", and reports its step.
        #[test]
        fn window_is_plus_minus_one_step(
            secret in proptest::collection::vec(any::<u8>(), 10..40),
            now in 1_000i64..10_000_000_000,
            offset in -4i64..=4,
        ) {
            let now_step = step_at(now);
            let code = code_at_step(&secret, now_step + offset);
            let result = verify(&secret, &code, now_step, None);
            if offset.abs() <= WINDOW {
                // Another step in the window may collide on 6 digits (rare); then it reports
                // the earliest matching step, still inside the window.
                let step = result.expect("in-window code accepted");
                prop_assert!((step - now_step).abs() <= WINDOW);
            } else if let Some(step) = result {
                // Only a 6-digit collision with an in-window step can pass.
                prop_assert!((step - now_step).abs() <= WINDOW);
                prop_assert_eq!(code_at_step(&secret, step), code);
            }
        }

        /// Once a step is used, no code of that step or an earlier one passes again.
        #[test]
        fn used_steps_never_pass_again(
            secret in proptest::collection::vec(any::<u8>(), 10..40),
            now in 1_000i64..10_000_000_000,
            offset in -1i64..=1,
            used_offset in -1i64..=1,
        ) {
            let now_step = step_at(now);
            let last_used = now_step + used_offset;
            let code = code_at_step(&secret, now_step + offset);
            if let Some(step) = verify(&secret, &code, now_step, Some(last_used)) {
                prop_assert!(step > last_used);
            }
        }

        #[test]
        fn base32_round_trips(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(base32_decode(&base32_encode(&data)).unwrap(), data);
        }
    }
}
