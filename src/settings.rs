//! The config resolved once into the forms the parsers use: the severity
//! scale, section names, the site zone, durations and "today".

use chrono::Duration;

use crate::config::Config;
use crate::section::{Catalogue, SectionNames};
use crate::severity::Scale;
use crate::text::{fold, PhraseMatcher};
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
    pub blame: PhraseMatcher,
    /// `action_items.vague_phrases`, folded once.
    pub vague_phrases: Vec<String>,
}

impl Settings {
    /// `config` must have passed `config::parse`, which validates the values used here.
    pub fn new(config: Config, today: Today) -> Settings {
        let mut incident_sections = SectionNames::new(Catalogue::Incident, &config.incidents.section_aliases);
        let named = ["Summary", "Root cause", "Timeline", "Action items"];
        incident_sections.prepare(config.incidents.required_sections.iter().map(String::as_str).chain(named));
        let mut runbook_sections = SectionNames::new(Catalogue::Runbook, &Default::default());
        runbook_sections.prepare(config.runbooks.required_sections.iter().map(String::as_str).chain(["Meaning"]));
        Settings {
            scale: Scale::from_config(&config.severities),
            incident_sections,
            runbook_sections,
            zone: Zone::parse(&config.timezone).unwrap_or(Zone::UTC),
            review_every: parse_duration(&config.runbooks.review_every).unwrap_or(Duration::days(180)),
            blame: PhraseMatcher::new(&config.incidents.blame_phrases),
            vague_phrases: config.action_items.vague_phrases.iter().map(|p| fold(p)).collect(),
            today,
            config,
        }
    }
}
