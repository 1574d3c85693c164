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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionItemsConfig {
    pub required: Vec<String>,
    pub types: Vec<String>,
    pub vague_phrases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunbooksConfig {
    pub required_sections: Vec<String>,
    pub review_every: String,
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
        }
    }
}

impl Default for RunbooksConfig {
    fn default() -> Self {
        RunbooksConfig {
            required_sections: strings(&["Impact", "Diagnosis", "Mitigation"]),
            review_every: "180d".into(),
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
        ],
    ),
    ("repos", &["*"]),
    ("severities.*", &["id", "aliases", "update_every", "description"]),
    ("incidents", &["required_sections", "section_aliases", "blameless", "blame_phrases"]),
    ("incidents.section_aliases", &["*"]),
    ("action_items", &["required", "types", "vague_phrases"]),
    ("runbooks", &["required_sections", "review_every"]),
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
    positions: &yaml::Positions,
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

fn check_values(config: &Config, positions: &yaml::Positions, loc: &Locator, out: &mut Vec<Diagnostic>) {
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
    fn wrong_types_are_reported() {
        let diags = parse("pretty_urls: [1]\n").unwrap_err();
        assert_eq!(diags[0].code, Code::ConfigInvalid);
    }

    #[test]
    fn known_keys_cover_the_struct() {
        // The table of known keys and the struct must agree: serialising the
        // defaults yields exactly the top-level and nested keys listed.
        let v = yaml::parse(&yaml::to_string(&Config::default())).unwrap();
        let Value::Map(top) = &v.root else { panic!() };
        let top_keys: Vec<&str> = top.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(top_keys, known_at("").unwrap());
        for section in ["incidents", "action_items", "runbooks"] {
            let Some(Value::Map(entries)) = v.root.get(section) else { panic!() };
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, known_at(section).unwrap(), "{section}");
        }
    }
}
