//! The config resolved once into the forms the parsers use: the severity
//! scale, section names, the site zone, durations and "today".

use chrono::Duration;

use crate::config::Config;
use crate::section::{Catalogue, SectionNames};
use crate::severity::Scale;
use crate::time::{parse_duration, Today, Zone};

#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub scale: Scale,
    pub incident_sections: SectionNames,
    pub runbook_sections: SectionNames,
    pub zone: Zone,
    pub review_every: Duration,
    pub today: Today,
    /// Lower-cased, for matching.
    pub blame_phrases: Vec<String>,
}

impl Settings {
    /// `config` must have passed `config::parse`, which validates the values used here.
    pub fn new(config: Config, today: Today) -> Settings {
        Settings {
            scale: Scale::from_config(&config.severities),
            incident_sections: SectionNames::new(Catalogue::Incident, &config.incidents.section_aliases),
            runbook_sections: SectionNames::new(Catalogue::Runbook, &Default::default()),
            zone: Zone::parse(&config.timezone).unwrap_or(Zone::UTC),
            review_every: parse_duration(&config.runbooks.review_every).unwrap_or(Duration::days(180)),
            blame_phrases: config.incidents.blame_phrases.iter().map(|p| p.to_lowercase()).collect(),
            today,
            config,
        }
    }
}
