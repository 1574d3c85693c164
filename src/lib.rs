//! debrief checks incident post-mortems, runbooks and status templates kept as
//! markdown with YAML front matter, and compiles them into a static site.
//!
//! The pipeline runs one way: load (`source`) → parse (`document`, `markdown`,
//! the kind modules) → validate (`validate`) → … See ARCHITECTURE.md.

pub mod action_item;
pub mod alert_rules;
pub mod cache;
pub mod chart;
pub mod check;
pub mod ci_report;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod git;
pub mod incident;
pub mod incident_log;
pub mod markdown;
pub mod model;
pub mod output;
pub mod page;
pub mod progress;
pub mod render;
pub mod runbook;
pub mod scaffold;
pub mod search;
pub mod section;
pub mod serve;
pub mod settings;
pub mod severity;
pub mod similar;
pub mod site;
pub mod source;
pub mod stats;
pub mod status;
pub mod text;
pub mod theme;
pub mod time;
pub mod timeline;
pub mod trends;
pub mod url;
pub mod validate;
pub mod yaml;
