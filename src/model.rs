//! The whole site as plain data: every document, parsed. Later stages read it;
//! nothing mutates it after `check` returns.

use crate::incident::Incident;
use crate::page::Page;
use crate::runbook::Runbook;
use crate::settings::Settings;
use crate::status::StatusTemplate;

#[derive(Debug, Clone)]
pub struct Site {
    pub settings: Settings,
    /// Sorted by source path, so every later stage sees one order.
    pub incidents: Vec<Incident>,
    pub runbooks: Vec<Runbook>,
    pub statuses: Vec<StatusTemplate>,
    pub pages: Vec<Page>,
    /// Every incident, from the incident tool's export (`trends.incident_log`).
    pub incident_log: Vec<crate::incident_log::LoggedIncident>,
}

/// One parsed document of any kind.
#[derive(Debug, Clone)]
pub enum Document {
    Incident(Box<Incident>),
    Runbook(Box<Runbook>),
    Status(Box<StatusTemplate>),
    Page(Box<Page>),
}
