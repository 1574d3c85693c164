//! The severity scale: configured levels, highest first, each with aliases.
//! This is the one place a severity is parsed.

use chrono::Duration;

use crate::config::SeverityConfig;
use crate::time::parse_duration;

/// One level of the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub id: String,
    pub rank: usize,
    pub update_every: Option<Duration>,
    pub description: String,
    pub aliases: Vec<String>,
    names: Vec<String>,
}

/// The configured scale, highest severity first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub levels: Vec<Level>,
}

/// The form names are compared in: lower-case, without `-`, `_`, spaces or dots,
/// so `SEV-1`, `sev 1` and `Sev1` are one name.
pub fn normalise(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '-' | '_' | ' ' | '.')).flat_map(char::to_lowercase).collect()
}

impl Scale {
    pub fn from_config(levels: &[SeverityConfig]) -> Scale {
        Scale {
            levels: levels
                .iter()
                .enumerate()
                .map(|(rank, l)| Level {
                    id: l.id.clone(),
                    rank,
                    update_every: parse_duration(&l.update_every),
                    description: l.description.clone(),
                    aliases: l.aliases.clone(),
                    names: std::iter::once(&l.id).chain(&l.aliases).map(|n| normalise(n)).collect(),
                })
                .collect(),
        }
    }

    /// The level `s` names (by id or alias), if any.
    pub fn parse(&self, s: &str) -> Option<&Level> {
        let n = normalise(s);
        if n.is_empty() {
            return None;
        }
        self.levels.iter().find(|l| l.names.contains(&n))
    }

    /// What to write instead of an unknown severity, for messages.
    pub fn hint(&self) -> String {
        let aliases: Vec<String> =
            self.levels.iter().filter_map(|l| l.aliases.first().map(|a| format!("{a} for {}", l.id))).take(2).collect();
        if aliases.is_empty() {
            format!("use one of {}", self.ids())
        } else {
            format!("use one of {}, or an alias such as {}", self.ids(), aliases.join(" or "))
        }
    }

    /// "SEV-1, SEV-2, SEV-3, SEV-4", for messages.
    pub fn ids(&self) -> String {
        self.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn default_scale_reads_every_alias() {
        let scale = Scale::from_config(&Config::default().severities);
        for (input, id) in [
            ("SEV-1", "SEV-1"),
            ("sev1", "SEV-1"),
            ("Sev 2", "SEV-2"),
            ("S3", "SEV-3"),
            ("1", "SEV-1"),
            ("P0", "SEV-1"),
            ("p3", "SEV-4"),
            ("SEV_4", "SEV-4"),
        ] {
            assert_eq!(scale.parse(input).map(|l| l.id.as_str()), Some(id), "{input}");
        }
        for bad in ["SEV-5", "P4", "critical", "", "0"] {
            assert!(scale.parse(bad).is_none(), "{bad}");
        }
        assert_eq!(scale.parse("P1").unwrap().rank, 1);
        assert_eq!(scale.parse("SEV-1").unwrap().update_every, Some(Duration::minutes(15)));
        assert_eq!(scale.parse("SEV-4").unwrap().update_every, None);
    }

    #[test]
    fn custom_scale() {
        let levels = vec![
            SeverityConfig { id: "critical".into(), aliases: vec!["crit".into()], ..Default::default() },
            SeverityConfig { id: "minor".into(), ..Default::default() },
        ];
        let scale = Scale::from_config(&levels);
        assert_eq!(scale.parse("CRIT").unwrap().id, "critical");
        assert!(scale.parse("SEV-1").is_none());
        assert_eq!(scale.ids(), "critical, minor");
    }
}
