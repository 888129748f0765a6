//! Validated app names: also the Helm release name and the namespace.

use std::fmt;

/// A DNS-1123 label of at most 53 characters (Helm's release-name limit): lowercase letters,
/// digits and `-`, starting with a letter and not ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppName(String);

impl AppName {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        let ends = s.bytes().last().is_some_and(|b| b != b'-');
        if s.is_empty() || s.len() > 53 || !ok_chars || !starts || !ends {
            return Err(format!(
                "`{}` is not a valid app name (lowercase letters, digits and '-', at most 53)",
                s.chars().take(60).collect::<String>()
            ));
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

#[cfg(test)]
mod tests {
    use super::AppName;

    #[test]
    fn accepts_dns_labels() {
        for ok in ["sonarr", "a", "jelly-fin2", &"a".repeat(53)] {
            assert!(AppName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "Sonarr",
            "-x",
            "x-",
            "1abc",
            "a_b",
            "a.b",
            "../x",
            "kube system",
            &"a".repeat(54),
            "é",
        ] {
            assert!(AppName::parse(bad).is_err(), "{bad}");
        }
    }
}
