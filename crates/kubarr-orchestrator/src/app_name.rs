//! Validated app names: also the Helm release name and the namespace. The one validator of app
//! names in Kubarr: request bodies, paths, per-app grants and database rows all go through
//! [`AppName::parse`].

use std::fmt;

/// A DNS-1123 label of at most 53 characters (Helm's release-name limit): lowercase letters,
/// digits and `-`, starting with a letter and not ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppName(String);

/// Why a string is not an [`AppName`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{shown}` is not a valid app name (lowercase letters, digits and '-', starting with a letter, at most 53)")]
pub struct InvalidAppName {
    /// The start of the rejected input (never more than 60 characters).
    shown: String,
}

impl AppName {
    /// Longest name (Helm's limit for release names).
    pub const MAX_LEN: usize = 53;
    /// The rule as a regular expression (for API documents); [`parse`](Self::parse) is the
    /// authority and a test keeps the two in step.
    pub const PATTERN: &'static str = "^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$";

    pub fn parse(s: &str) -> Result<Self, InvalidAppName> {
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        let ends = s.bytes().last().is_some_and(|b| b != b'-');
        if s.is_empty() || s.len() > Self::MAX_LEN || !ok_chars || !starts || !ends {
            return Err(InvalidAppName {
                shown: s.chars().take(60).collect(),
            });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for AppName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AppName {
    type Err = InvalidAppName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for AppName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for AppName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::AppName;

    const GOOD: &[&str] = &["sonarr", "a", "jelly-fin2", "a-b-c", "x0"];
    const BAD: &[&str] = &[
        "",
        "Sonarr",
        "-x",
        "x-",
        "1abc",
        "a_b",
        "a.b",
        "../x",
        "kube system",
        "é",
        "a\n",
        "sixty-four-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];

    #[test]
    fn accepts_dns_labels() {
        for ok in GOOD.iter().copied().chain([&*"a".repeat(53)]) {
            assert!(AppName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in BAD.iter().copied().chain([&*"a".repeat(54)]) {
            assert!(AppName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_documented_pattern_says_what_parse_does() {
        let schema = serde_json::json!({"type": "string", "pattern": AppName::PATTERN});
        let pattern = jsonschema::validator_for(&schema).unwrap();
        let long = [
            "a".repeat(53),
            "a".repeat(54),
            format!("a{}", "-".repeat(51)),
        ];
        let samples = GOOD
            .iter()
            .chain(BAD)
            .copied()
            .chain(long.iter().map(String::as_str));
        for s in samples {
            assert_eq!(
                pattern.is_valid(&serde_json::json!(s)),
                AppName::parse(s).is_ok(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<AppName>("\"sonarr\"").is_ok());
        let err = serde_json::from_str::<AppName>("\"Sonarr\"").unwrap_err();
        assert!(err.to_string().contains("not a valid app name"), "{err}");
    }
}
