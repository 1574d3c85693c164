//! `debrief.yml` → `Config`. Every key is optional. An unknown key is an error
//! that names the nearest known key, and stops `check` with exit status 2.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Locator;
use crate::text::nearest;
use crate::time::{parse_duration, Zone};
use crate::yaml::{self, Value};

pub const FILE_NAME: &str = "debrief.yml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub output: String,
    pub timezone: String,
    pub theme: String,
    pub pretty_urls: bool,
    /// Show commit authors on post-mortem pages (off: post-mortems are blameless).
    pub show_commit_authors: bool,
    pub repos: BTreeMap<String, String>,
    pub commit_url: String,
    pub change_window: String,
    pub severities: Vec<SeverityConfig>,
    pub incidents: IncidentsConfig,
    pub action_items: ActionItemsConfig,
    pub runbooks: RunbooksConfig,
    pub trends: TrendsConfig,
    pub alert_rules: AlertRulesConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertRulesConfig {
    /// Prometheus rule files (or folders of them) that `check` reads, relative to the site.
    pub files: Vec<String>,
    /// Severity labels of alerts that page someone: those must have a runbook.
    pub paging: Vec<String>,
}

impl Default for AlertRulesConfig {
    fn default() -> Self {
        AlertRulesConfig { files: Vec::new(), paging: strings(&["critical", "page"]) }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SeverityConfig {
    pub id: String,
    pub aliases: Vec<String>,
    pub update_every: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncidentsConfig {
    pub required_sections: Vec<String>,
    /// Extra aliases per section name, added to the built-in ones.
    pub section_aliases: BTreeMap<String, Vec<String>>,
    pub blameless: bool,
    pub blame_phrases: Vec<String>,
    /// Rows on one page of a list of post-mortems (0: every row on one page).
    pub per_page: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionItemsConfig {
    pub required: Vec<String>,
    pub types: Vec<String>,
    pub vague_phrases: Vec<String>,
    /// Rows on one page of a list of action items (0: every row on one page).
    pub per_page: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunbooksConfig {
    pub required_sections: Vec<String>,
    pub review_every: String,
    /// `required` (default) or `optional`: a runbook with no front matter
    /// takes its title from its first `# heading`.
    pub front_matter: String,
    /// Values for keys a runbook leaves out (`owner: "@platform"`).
    pub defaults: BTreeMap<String, String>,
    /// Without `service:`, the runbook's folder under runbooks/ names it.
    pub service_from_folder: bool,
    /// Without `alerts:`, the file name (`KubePodCrashLooping.md`) is the alert.
    pub alert_from_file_name: bool,
    /// `error` (default) or `warning`: how missing and empty sections are reported.
    pub section_problems: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrendsConfig {
    pub metrics: MetricsConfig,
    /// How soon after resolution a post-mortem should be published:
    /// `5 business days`, or a duration such as `7d`.
    pub publish_within: String,
    /// The severities that must have a post-mortem (empty: the scale's top two).
    pub post_mortem_required: Vec<String>,
    /// A CSV of every incident (`id,severity[,started_at,title]`), exported
    /// from the paging or incident tool, so incidents with no post-mortem
    /// count too. Relative to the site folder; empty for none.
    pub incident_log: String,
}

/// Where each duration starts and ends. An empty point is the default one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    #[serde(rename = "MTTD")]
    pub mttd: Span,
    #[serde(rename = "MTTA")]
    pub mtta: Span,
    #[serde(rename = "MTTM")]
    pub mttm: Span,
    #[serde(rename = "MTTR")]
    pub mttr: Span,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Span {
    pub from: String,
    pub to: String,
}

impl Span {
    /// (from, to), with an empty point read as its default.
    pub fn points<'a>(&'a self, default_end: &'a str) -> (&'a str, &'a str) {
        let or = |p: &'a str, d: &'a str| if p.is_empty() { d } else { p };
        (or(&self.from, "started_at"), or(&self.to, default_end))
    }
}

impl MetricsConfig {
    /// Each metric's name, its span as configured, and its default end
    /// (FireHydrant's definitions: every metric starts at `started_at`).
    pub fn spans(&self) -> [(&'static str, &Span, &'static str); 4] {
        [
            ("MTTD", &self.mttd, "detected_at"),
            ("MTTA", &self.mtta, "acknowledged_at"),
            ("MTTM", &self.mttm, "mitigated_at"),
            ("MTTR", &self.mttr, "resolved_at"),
        ]
    }
}

impl Default for MetricsConfig {
    fn default() -> Self {
        let span = |to: &str| Span { from: "started_at".into(), to: to.into() };
        MetricsConfig {
            mttd: span("detected_at"),
            mtta: span("acknowledged_at"),
            mttm: span("mitigated_at"),
            mttr: span("resolved_at"),
        }
    }
}

impl Default for TrendsConfig {
    fn default() -> Self {
        TrendsConfig {
            metrics: MetricsConfig::default(),
            publish_within: "5 business days".into(),
            post_mortem_required: Vec::new(),
            incident_log: String::new(),
        }
    }
}

/// A publication target: `5 business days` (Monday to Friday) or a
/// calendar duration (`7d`, `2w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishTarget {
    BusinessDays(i64),
    Days(i64),
}

impl PublishTarget {
    pub fn parse(s: &str) -> Option<PublishTarget> {
        let s = s.trim().to_ascii_lowercase();
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.as_slice() {
            [n, "business" | "working", "day" | "days"] | [n, "bd"] => n.parse().ok().map(PublishTarget::BusinessDays),
            [n, "day" | "days"] => n.parse().ok().map(PublishTarget::Days),
            [one] => {
                if let Some(n) = one.strip_suffix("bd") {
                    return n.parse().ok().map(PublishTarget::BusinessDays);
                }
                let d = parse_duration(one)?;
                (d.num_seconds() % 86_400 == 0).then(|| PublishTarget::Days(d.num_days()))
            }
            _ => None,
        }
    }

    /// `5 business days`, `7 days`.
    pub fn describe(self) -> String {
        match self {
            PublishTarget::BusinessDays(1) => "1 business day".into(),
            PublishTarget::BusinessDays(n) => format!("{n} business days"),
            PublishTarget::Days(1) => "1 day".into(),
            PublishTarget::Days(n) => format!("{n} days"),
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Config {
    fn default() -> Self {
        let sev = |id: &str, aliases: &[&str], every: &str, description: &str| SeverityConfig {
            id: id.into(),
            aliases: strings(aliases),
            update_every: every.into(),
            description: description.into(),
        };
        Config {
            title: "Incident archive".into(),
            base_url: "/".into(),
            output: "public".into(),
            timezone: "UTC".into(),
            theme: "default".into(),
            pretty_urls: false,
            show_commit_authors: false,
            repos: BTreeMap::new(),
            commit_url: String::new(),
            change_window: "24h".into(),
            severities: vec![
                sev("SEV-1", &["P0", "sev1", "S1", "1"], "15m", "Full outage or data loss affecting most users"),
                sev("SEV-2", &["P1", "sev2", "S2", "2"], "30m", "Major feature broken, significant user impact"),
                sev("SEV-3", &["P2", "sev3", "S3", "3"], "60m", "Degraded experience for some users"),
                sev("SEV-4", &["P3", "sev4", "S4", "4"], "", "Minor issue, workaround available"),
            ],
            incidents: IncidentsConfig::default(),
            action_items: ActionItemsConfig::default(),
            runbooks: RunbooksConfig::default(),
            trends: TrendsConfig::default(),
            alert_rules: AlertRulesConfig::default(),
        }
    }
}

impl Default for IncidentsConfig {
    fn default() -> Self {
        IncidentsConfig {
            required_sections: strings(&[
                "Summary",
                "Impact",
                "Timeline",
                "Root cause",
                "What went well",
                "What went poorly",
                "Action items",
            ]),
            section_aliases: BTreeMap::new(),
            blameless: true,
            blame_phrases: strings(&[
                "human error",
                "should have known",
                "careless",
                "negligence",
                "negligent",
                "their fault",
                "his fault",
                "her fault",
                "didn't bother",
                "did not bother",
                "failed to notice",
            ]),
            per_page: 100,
        }
    }
}

impl Default for ActionItemsConfig {
    fn default() -> Self {
        ActionItemsConfig {
            required: strings(&["owner", "due", "type"]),
            types: strings(&["prevent", "detect", "mitigate"]),
            vague_phrases: strings(&[
                "be more careful",
                "improve monitoring",
                "better monitoring",
                "more monitoring",
                "investigate",
                "look into it",
                "fix it",
                "add more tests",
                "improve testing",
                "improve communication",
                "better communication",
                "be careful",
                "pay more attention",
                "follow up",
            ]),
            // About 400 kB of page: a site with a few hundred post-mortems keeps
            // every item on one page, where the filters in the browser work.
            per_page: 1000,
        }
    }
}

impl Default for RunbooksConfig {
    fn default() -> Self {
        RunbooksConfig {
            required_sections: strings(&["Impact", "Diagnosis", "Mitigation"]),
            review_every: "180d".into(),
            front_matter: "required".into(),
            defaults: BTreeMap::new(),
            service_from_folder: false,
            alert_from_file_name: false,
            section_problems: "error".into(),
        }
    }
}

/// The keys `debrief.yml` may hold, by path. `*` accepts any key (user-named maps).
const KNOWN_KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "title",
            "base_url",
            "output",
            "timezone",
            "theme",
            "pretty_urls",
            "show_commit_authors",
            "repos",
            "commit_url",
            "change_window",
            "severities",
            "incidents",
            "action_items",
            "runbooks",
            "trends",
            "alert_rules",
        ],
    ),
    ("alert_rules", &["files", "paging"]),
    ("repos", &["*"]),
    ("severities.*", &["id", "aliases", "update_every", "description"]),
    ("incidents", &["required_sections", "section_aliases", "blameless", "blame_phrases", "per_page"]),
    ("incidents.section_aliases", &["*"]),
    ("action_items", &["required", "types", "vague_phrases", "per_page"]),
    (
        "runbooks",
        &[
            "required_sections",
            "review_every",
            "front_matter",
            "defaults",
            "service_from_folder",
            "alert_from_file_name",
            "section_problems",
        ],
    ),
    ("runbooks.defaults", &["service", "owner", "severity", "last_reviewed"]),
    ("trends", &["metrics", "publish_within", "post_mortem_required", "incident_log"]),
    ("trends.metrics", &["MTTD", "MTTA", "MTTM", "MTTR"]),
    ("trends.metrics.MTTD", &["from", "to"]),
    ("trends.metrics.MTTA", &["from", "to"]),
    ("trends.metrics.MTTM", &["from", "to"]),
    ("trends.metrics.MTTR", &["from", "to"]),
];

/// Fields an action item can be required to have.
pub const ACTION_ITEM_FIELDS: &[&str] = &["owner", "due", "type", "ticket"];

/// Loads `site/debrief.yml`, or the defaults when there is none. Errors are
/// diagnostics on `debrief.yml`; any error means the site cannot be checked.
pub fn load(site: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = site.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(vec![crate::source::file_level(
                FILE_NAME,
                Code::ConfigInvalid,
                &format!("cannot read debrief.yml: {e}"),
                "check that the file is readable UTF-8",
            )])
        }
    };
    parse(&text)
}

/// Parses the text of `debrief.yml`.
pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let loc = Locator::new(FILE_NAME, text);
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    let parsed = yaml::parse(text).map_err(|e| {
        vec![loc.at_line_col(
            e.line,
            e.column,
            1,
            Code::ConfigInvalid,
            format!("debrief.yml is not valid YAML: {}", e.message),
            "fix the YAML syntax at this position",
        )]
    })?;
    let mut diags = Vec::new();
    unknown_keys(&parsed.root, "", "", &parsed.positions, &loc, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let config: Config = yaml::from_str(text).map_err(|e| {
        vec![loc.at_line_col(
            e.line,
            e.column,
            1,
            Code::ConfigInvalid,
            format!("debrief.yml has a value of the wrong type: {}", e.message),
            "see the debrief.yml reference in docs/content-format.md",
        )]
    })?;
    check_values(&config, &parsed.positions, &loc, &mut diags);
    crate::diagnostic::sort(&mut diags);
    if diags.is_empty() {
        Ok(config)
    } else {
        Err(diags)
    }
}

fn known_at(pattern: &str) -> Option<&'static [&'static str]> {
    KNOWN_KEYS.iter().find(|(p, _)| *p == pattern).map(|(_, keys)| *keys)
}

/// Walks the document against `KNOWN_KEYS`. `path` is the real dotted path;
/// `pattern` is the same with list indices written `*`.
fn unknown_keys(
    value: &Value,
    path: &str,
    pattern: &str,
    positions: &yaml::Positions<'_>,
    loc: &Locator,
    out: &mut Vec<Diagnostic>,
) {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}.{b}")
        }
    };
    match value {
        Value::Map(entries) => {
            let Some(known) = known_at(pattern) else {
                return;
            };
            for (key, child) in entries {
                let child_path = join(path, key);
                if known.contains(&"*") {
                    continue;
                }
                if !known.contains(&key.as_str()) {
                    let near = nearest(key, known.iter().copied(), usize::MAX).unwrap_or("");
                    let where_ = if path.is_empty() { String::new() } else { format!(" under `{pattern}`") };
                    let p = positions.key(&child_path).unwrap_or(yaml::Pos { line: 1, column: 1, width: 1 });
                    out.push(loc.at_line_col(
                        p.line,
                        p.column,
                        key.chars().count(),
                        Code::ConfigUnknownKey,
                        format!("unknown key `{key}`{where_} in debrief.yml"),
                        format!("did you mean `{near}`? (known keys here: {})", known.join(", ")),
                    ));
                    continue;
                }
                unknown_keys(child, &child_path, &join(pattern, key), positions, loc, out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                unknown_keys(item, &join(path, &i.to_string()), &join(pattern, "*"), positions, loc, out);
            }
        }
        _ => {}
    }
}

fn check_values(config: &Config, positions: &yaml::Positions<'_>, loc: &Locator, out: &mut Vec<Diagnostic>) {
    let mut bad = |path: &str, message: String, help: &str| {
        let p = positions.value(path).unwrap_or(yaml::Pos { line: 1, column: 1, width: 1 });
        out.push(loc.at_line_col(p.line, p.column, p.width, Code::ConfigInvalid, message, help));
    };
    if Zone::parse(&config.timezone).is_none() {
        bad(
            "timezone",
            format!("`{}` is not a time zone", config.timezone),
            "use an IANA name such as Europe/London, or UTC",
        );
    }
    for (path, value) in
        [("change_window", &config.change_window), ("runbooks.review_every", &config.runbooks.review_every)]
    {
        if parse_duration(value).is_none() {
            bad(path, format!("`{value}` is not a duration"), "write a number and a unit, such as 24h, 180d or 2w");
        }
    }
    if config.theme.is_empty() || !config.theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        bad(
            "theme",
            format!("`{}` is not a theme name", config.theme),
            "name a folder under themes/ using letters, digits, `-` and `_`",
        );
    }
    if config.output.trim().is_empty() {
        bad("output", "the output folder is empty".into(), "name a folder such as public");
    }
    if config.severities.is_empty() {
        bad("severities", "the severity scale is empty".into(), "list at least one level, highest first");
    }
    let mut seen = std::collections::HashSet::new();
    for (i, s) in config.severities.iter().enumerate() {
        if s.id.trim().is_empty() {
            bad(&format!("severities.{i}"), "a severity level has no id".into(), "give each level an id such as SEV-1");
        }
        let own: std::collections::BTreeSet<String> =
            std::iter::once(&s.id).chain(&s.aliases).map(|n| crate::severity::normalise(n)).collect();
        for norm in own {
            let name = &norm;
            if !norm.is_empty() && !seen.insert(norm.clone()) {
                bad(
                    &format!("severities.{i}"),
                    format!("`{name}` names more than one severity level"),
                    "give each level its own id and aliases",
                );
            }
        }
        if !s.update_every.is_empty() && parse_duration(&s.update_every).is_none() {
            bad(
                &format!("severities.{i}.update_every"),
                format!("`{}` is not a duration", s.update_every),
                "write a number and a unit, such as 15m",
            );
        }
    }
    for (i, field) in config.action_items.required.iter().enumerate() {
        if !ACTION_ITEM_FIELDS.contains(&field.as_str()) {
            bad(
                &format!("action_items.required.{i}"),
                format!("`{field}` is not an action-item field"),
                &format!("use some of: {}", ACTION_ITEM_FIELDS.join(", ")),
            );
        }
    }
    let runbooks = &config.runbooks;
    for (path, value, allowed) in [
        ("runbooks.front_matter", &runbooks.front_matter, &["required", "optional"]),
        ("runbooks.section_problems", &runbooks.section_problems, &["error", "warning"]),
    ] {
        if !allowed.contains(&value.as_str()) {
            bad(
                path,
                format!("`{value}` is not one of {}", allowed.join(", ")),
                &format!("use {}", allowed.join(" or ")),
            );
        }
    }
    let trends = &config.trends;
    for (name, span, default_end) in trends.metrics.spans() {
        for (end, point) in [("from", &span.from), ("to", &span.to)] {
            if !point.is_empty() && !crate::incident::TIMESTAMP_KEYS.contains(&point.as_str()) {
                bad(
                    &format!("trends.metrics.{name}.{end}"),
                    format!("`{point}` is not a post-mortem timestamp"),
                    &format!("use one of: {}", crate::incident::TIMESTAMP_KEYS.join(", ")),
                );
            }
        }
        let (from, to) = span.points(default_end);
        let order = |k: &str| crate::incident::TIMESTAMP_KEYS.iter().position(|t| *t == k);
        if let (Some(a), Some(b)) = (order(from), order(to)) {
            if a >= b {
                bad(
                    &format!("trends.metrics.{name}"),
                    format!("{name} would run from `{from}` to `{to}`, which is not forwards in time"),
                    "make `to` a later timestamp than `from` (started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved)",
                );
            }
        }
    }
    let scale = crate::severity::Scale::from_config(&config.severities);
    for (i, level) in trends.post_mortem_required.iter().enumerate() {
        if scale.parse(level).is_none() {
            bad(
                &format!("trends.post_mortem_required.{i}"),
                format!("`{level}` is not a severity of this site"),
                &format!("use levels of `severities`: {}", scale.ids()),
            );
        }
    }
    let log = Path::new(&trends.incident_log);
    if log.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
        bad(
            "trends.incident_log",
            format!("`{}` is not a path inside the site folder", trends.incident_log),
            "give the log's path relative to the site folder, without `..`, such as incidents.csv",
        );
    }
    if PublishTarget::parse(&trends.publish_within).is_none() {
        bad(
            "trends.publish_within",
            format!("`{}` is not a publication target", trends.publish_within),
            "write a number of business days (`5 business days`) or a duration such as 7d",
        );
    }
    if config.action_items.types.is_empty() {
        bad(
            "action_items.types",
            "the list of action-item types is empty".into(),
            "list the types your team uses, such as prevent, detect, mitigate",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing\n").unwrap(), Config::default());
    }

    #[test]
    fn spec_example_parses() {
        let text = r#"title: Acme incident archive
base_url: /
output: public
timezone: UTC
repos:
  default: .
  payments: ../payments-service
commit_url: https://github.com/acme/{repo}/commit/{sha}
change_window: 24h
severities:
  - { id: SEV-1, aliases: [P0, sev1, "1"], update_every: 15m }
  - { id: SEV-2, aliases: [P1, sev2, "2"], update_every: 30m }
  - { id: SEV-3, aliases: [P2, sev3, "3"], update_every: 60m }
  - { id: SEV-4, aliases: [P3, sev4, "4"] }
incidents:
  required_sections: [Summary, Impact, Timeline, Root cause, What went well, What went poorly, Action items]
action_items:
  required: [owner, due, type]
  types: [prevent, detect, mitigate]
runbooks:
  required_sections: [Impact, Diagnosis, Mitigation]
  review_every: 180d
"#;
        let c = parse(text).unwrap();
        assert_eq!(c.title, "Acme incident archive");
        assert_eq!(c.repos["payments"], "../payments-service");
        assert_eq!(c.severities[3].aliases, vec!["P3", "sev4", "4"]);
        assert_eq!(c.severities[3].update_every, "");
    }

    #[test]
    fn unknown_key_names_the_nearest_one() {
        let diags = parse("title: x\nrunbooks:\n  review_evry: 90d\n").unwrap_err();
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!((d.line, d.column, d.code), (3, 3, Code::ConfigUnknownKey));
        assert!(d.help.contains("did you mean `review_every`?"), "{}", d.help);
        let diags = parse("titel: x\n").unwrap_err();
        assert!(diags[0].help.contains("`title`"));
    }

    #[test]
    fn unknown_keys_inside_list_items() {
        let diags = parse("severities:\n  - { id: SEV-1, update_evry: 15m }\n").unwrap_err();
        assert_eq!((diags[0].line, diags[0].column), (2, 18));
        assert!(diags[0].help.contains("update_every"));
    }

    #[test]
    fn bad_values_are_reported_at_their_line() {
        let diags = parse("timezone: Mars/Base\nchange_window: soon\naction_items:\n  required: [owner, colour]\n")
            .unwrap_err();
        let lines: Vec<_> = diags.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(lines, vec![(1, Code::ConfigInvalid), (2, Code::ConfigInvalid), (4, Code::ConfigInvalid)]);
    }

    #[test]
    fn metric_spans_and_targets_are_checked() {
        let c = parse("trends:\n  metrics:\n    MTTA: { from: detected_at }\n  publish_within: 3bd\n").unwrap();
        assert_eq!(c.trends.metrics.mtta, Span { from: "detected_at".into(), to: String::new() });
        assert_eq!(c.trends.metrics.mttr.to, "resolved_at");
        assert_eq!(PublishTarget::parse(&c.trends.publish_within), Some(PublishTarget::BusinessDays(3)));
        let diags = parse(
            "trends:\n  metrics:\n    MTTR: { from: resolved_at, to: detected_at }\n    MTTD: { to: noticed_at }\n  publish_within: soon\n",
        )
        .unwrap_err();
        let got: Vec<(usize, &str)> = diags.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].1.contains("not forwards in time"), "{got:?}");
        assert!(got[1].1.contains("`noticed_at` is not a post-mortem timestamp"), "{got:?}");
        assert_eq!(got[2], (5, "`soon` is not a publication target"));
        let diags = parse("trends:\n  metrics:\n    MTTX: {}\n").unwrap_err();
        assert!(diags[0].help.contains("MTTD"), "{}", diags[0].help);
    }

    #[test]
    fn publish_targets_read_as_written() {
        use PublishTarget::*;
        for (text, want) in [
            ("5 business days", Some(BusinessDays(5))),
            ("1 working day", Some(BusinessDays(1))),
            ("10bd", Some(BusinessDays(10))),
            ("7d", Some(Days(7))),
            ("2w", Some(Days(14))),
            ("14 days", Some(Days(14))),
            ("36h", None),
            ("fast", None),
        ] {
            assert_eq!(PublishTarget::parse(text), want, "{text}");
        }
        assert_eq!(BusinessDays(5).describe(), "5 business days");
    }

    #[test]
    fn wrong_types_are_reported() {
        let diags = parse("pretty_urls: [1]\n").unwrap_err();
        assert_eq!(diags[0].code, Code::ConfigInvalid);
    }

    #[test]
    fn known_keys_cover_the_struct() {
        // The table of known keys and the struct must agree: serialising the
        // defaults yields exactly the top-level and nested keys listed.
        let text = yaml::to_string(&Config::default());
        let v = yaml::parse(&text).unwrap();
        let Value::Map(top) = &v.root else { panic!() };
        let top_keys: Vec<&str> = top.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(top_keys, known_at("").unwrap());
        for section in ["incidents", "action_items", "runbooks", "trends", "alert_rules"] {
            let Some(Value::Map(entries)) = v.root.get(section) else { panic!() };
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, known_at(section).unwrap(), "{section}");
        }
    }
}
