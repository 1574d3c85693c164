//! Prometheus alerting rules against the site's runbooks: every alert that
//! pages has a runbook, every `runbook_url` into the site lands on an alert
//! page that exists, and every alert a runbook names is still defined.
//!
//! Rule files are Prometheus rule files (`groups[].rules[]`) or Kubernetes
//! `PrometheusRule` objects (`spec.groups`), one or more YAML documents each.
//! `debrief alerts` prints, or writes in place, the `runbook_url` each rule
//! should carry, changing nothing else in the file.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Site;
use crate::source::Locator;
use crate::text::quote;
use crate::yaml::{self, Pos, Value};

/// One alerting rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub alert: String,
    pub severity: Option<String>,
    pub runbook_url: Option<String>,
    /// File lines and columns (1-based) of the alert name and of the URL.
    pub alert_pos: Pos,
    pub url_pos: Option<Pos>,
    /// The rule's `annotations` key, when it has one in block style.
    pub annotations: Option<AnnotationsAt>,
    /// The first line after the rule (where `annotations:` can be added).
    pub end_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnotationsAt {
    pub line: usize,
    pub key_column: usize,
    /// Column of its first child key, if it has any.
    pub child_column: Option<usize>,
    pub flow: bool,
}

/// A rule file, read.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// As diagnostics name it.
    pub rel: String,
    pub path: PathBuf,
    pub text: String,
    pub rules: Vec<Rule>,
}

/// The rule files at `paths` (files, or folders searched for `.yml` and
/// `.yaml`), each named relative to `base` when it is inside it.
pub fn read(paths: &[PathBuf], base: &Path) -> (Vec<RuleFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for path in expand(paths) {
        let rel = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().trim_start_matches("./").to_string();
        let text = match crate::source::read_capped(&path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            _ => {
                diags.push(invalid(&rel, "", 1, "this alert rule file cannot be read as UTF-8 text"));
                continue;
            }
        };
        match parse(&text) {
            Ok(rules) => files.push(RuleFile { rel, path, text, rules }),
            Err((line, message)) => diags.push(invalid(&rel, &text, line, &message)),
        }
    }
    (files, diags)
}

fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .flatten()
                .map(|e| e.into_path())
                .filter(|f| f.extension().is_some_and(|e| e == "yml" || e == "yaml"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn invalid(rel: &str, text: &str, line: usize, message: &str) -> Diagnostic {
    Locator::new(rel, text).at_line_col(
        line,
        1,
        1,
        Code::AlertRulesInvalid,
        message.to_string(),
        "give a Prometheus rule file (groups: [{name, rules: [{alert, expr, labels, annotations}]}]) or a PrometheusRule",
    )
}

/// The alerting rules of a file's YAML documents; recording rules are skipped.
pub fn parse(text: &str) -> Result<Vec<Rule>, (usize, String)> {
    let mut rules = Vec::new();
    let mut start_line = 1;
    for doc in documents(text) {
        let parsed =
            yaml::parse(doc).map_err(|e| (start_line + e.line - 1, format!("not valid YAML: {}", e.message)))?;
        let shift = |p: Pos| Pos { line: p.line + start_line - 1, ..p };
        let (groups, prefix) = match (parsed.root.get("groups"), parsed.root.get("spec").and_then(|s| s.get("groups")))
        {
            (Some(g), _) => (g, "groups"),
            (None, Some(g)) => (g, "spec.groups"),
            _ if parsed.root.is_empty() => {
                start_line += doc.lines().count() + 1;
                continue;
            }
            _ => return Err((start_line, "no `groups:` (or `spec.groups:`) in this document".into())),
        };
        let Value::Seq(groups) = groups else { return Err((start_line, "`groups` is not a list".into())) };
        for (g, group) in groups.iter().enumerate() {
            let Some(Value::Seq(list)) = group.get("rules") else { continue };
            for (r, rule) in list.iter().enumerate() {
                let path = format!("{prefix}.{g}.rules.{r}");
                let Some(alert) = rule.get("alert").and_then(Value::as_text) else { continue };
                let at = |key: &str| parsed.positions.value_exact(&format!("{path}.{key}")).map(shift);
                let annotations = parsed.positions.key_exact(&format!("{path}.annotations")).map(|k| {
                    let first_child = match rule.get("annotations") {
                        Some(Value::Map(entries)) => entries.first().map(|(k, _)| k.clone()),
                        _ => None,
                    };
                    let child =
                        first_child.and_then(|c| parsed.positions.key_exact(&format!("{path}.annotations.{c}")));
                    let flow = child.is_some_and(|c| c.line == k.line);
                    AnnotationsAt {
                        line: shift(k).line,
                        key_column: k.column,
                        child_column: child.map(|c| c.column),
                        flow,
                    }
                });
                let next = format!("{prefix}.{g}.rules.{}", r + 1);
                let end_line = parsed
                    .positions
                    .key_exact(&format!("{next}.alert"))
                    .or_else(|| parsed.positions.key_exact(&format!("{next}.record")))
                    .or_else(|| parsed.positions.key_exact(&format!("{prefix}.{}.name", g + 1)))
                    .map_or(start_line + doc.lines().count(), |p| shift(p).line);
                rules.push(Rule {
                    severity: rule.get("labels").and_then(|l| l.get("severity")).and_then(Value::as_text),
                    runbook_url: rule.get("annotations").and_then(|a| a.get("runbook_url")).and_then(Value::as_text),
                    alert_pos: at("alert").unwrap_or(Pos { line: start_line, column: 1, width: 1 }),
                    url_pos: at("annotations.runbook_url"),
                    annotations,
                    end_line,
                    alert,
                });
            }
        }
        start_line += doc.lines().count() + 1;
    }
    Ok(rules)
}

/// The YAML documents of a file (split at `---` lines), in order.
fn documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut from = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            docs.push(&text[from..at]);
            from = at + line.len();
        }
        at += line.len();
    }
    docs.push(&text[from..]);
    docs
}

/// Which runbook answers each alert name.
pub fn runbook_alerts(site: &Site) -> BTreeMap<&str, &crate::runbook::Runbook> {
    site.runbooks.iter().flat_map(|r| r.alerts.iter().map(move |a| (a.value.as_str(), r))).collect()
}

/// The diagnostics of the rules against the site.
pub fn check(site: &Site, files: &[RuleFile]) -> Vec<Diagnostic> {
    let config = &site.settings.config;
    let paging: Vec<String> = config.alert_rules.paging.iter().map(|s| s.to_lowercase()).collect();
    let answered = runbook_alerts(site);
    let mut out = Vec::new();
    let mut defined: HashSet<&str> = HashSet::new();
    for f in files {
        let loc = Locator::new(&f.rel, &f.text);
        for rule in &f.rules {
            defined.insert(rule.alert.as_str());
            let p = rule.alert_pos;
            if !answered.contains_key(rule.alert.as_str()) {
                let pages = rule.severity.as_ref().is_some_and(|s| paging.contains(&s.to_lowercase()));
                let severity = rule.severity.as_deref().unwrap_or("none");
                let (code, message) = if pages {
                    (
                        Code::AlertWithoutRunbook,
                        format!("alert `{}` pages (severity {severity}) but no runbook answers it", rule.alert),
                    )
                } else {
                    (
                        Code::QuietAlertWithoutRunbook,
                        format!("alert `{}` (severity {severity}) has no runbook", rule.alert),
                    )
                };
                let help = format!(
                    "add `{}` to a runbook's `alerts:`, or write one: debrief new runbook SERVICE/NAME --alert {}",
                    rule.alert, rule.alert
                );
                out.push(loc.at_line_col(p.line, p.column, p.width, code, message, help));
            }
            if let (Some(url), Some(pos)) = (&rule.runbook_url, rule.url_pos) {
                if let Some(problem) = url_problem(url, &rule.alert, &config.base_url, |a| answered.contains_key(a)) {
                    out.push(loc.at_line_col(
                        pos.line,
                        pos.column,
                        pos.width,
                        Code::RunbookUrlBroken,
                        problem,
                        format!(
                            "set it to what `debrief alerts` prints: {}",
                            runbook_url(&config.base_url, &rule.alert)
                        ),
                    ));
                }
            }
        }
    }
    if files.is_empty() {
        return out;
    }
    for r in &site.runbooks {
        for a in r.alerts.iter().filter(|a| !defined.contains(a.value.as_str())) {
            out.push(Diagnostic {
                file: a.span.file.clone(),
                line: a.span.line,
                column: a.span.column,
                width: a.span.width,
                code: Code::RunbookAlertUndefined,
                level: Code::RunbookAlertUndefined.level(),
                message: format!("no alert rule defines `{}`", quote(&a.value, 60)),
                help: "remove it from `alerts:` if the alert is gone, or fix its spelling to match the rule".into(),
                snippet: a.span.snippet.clone(),
            });
        }
    }
    out
}

/// What is wrong with a `runbook_url` that points into this site (None for
/// one that is fine or points elsewhere).
fn url_problem(url: &str, alert: &str, base_url: &str, answered: impl Fn(&str) -> bool) -> Option<String> {
    let base = base_url.trim_end_matches('/');
    let absolute = base.starts_with("http://") || base.starts_with("https://");
    let path =
        if absolute { url.strip_prefix(base)? } else { url.strip_prefix(base).filter(|_| url.starts_with('/'))? };
    let rest = path.trim_start_matches('/');
    let Some(name) = rest.strip_prefix("alerts/").map(|n| n.trim_end_matches("index.html").trim_end_matches('/'))
    else {
        return Some(format!("`runbook_url` points into this site but not at an alert page (/alerts/{alert}/)"));
    };
    if !answered(name) {
        return Some(format!("`runbook_url` points to /alerts/{name}/, which this site does not have"));
    }
    (name != alert)
        .then(|| format!("`runbook_url` points to /alerts/{name}/, not to this alert's page /alerts/{alert}/"))
}

/// The URL of an alert's page: `base_url` + `alerts/<name>/`.
pub fn runbook_url(base_url: &str, alert: &str) -> String {
    format!("{}/alerts/{alert}/", base_url.trim_end_matches('/'))
}

/// A rule file's text with each rule of an alert in `answered` carrying
/// `runbook_url`, and nothing else changed. Returns the new text and how
/// many rules changed.
pub fn with_runbook_urls(file: &RuleFile, base_url: &str, answered: impl Fn(&str) -> bool) -> (String, usize) {
    let mut lines: Vec<String> = file.text.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        let last = lines.len() - 1;
        lines[last].push('\n');
    }
    // Edits from the bottom up, so earlier line numbers stay right.
    let mut edits: Vec<(usize, Edit)> = Vec::new();
    for rule in file.rules.iter().filter(|r| answered(&r.alert)) {
        let url = runbook_url(base_url, &rule.alert);
        if rule.runbook_url.as_deref() == Some(url.as_str()) {
            continue;
        }
        match (rule.url_pos, rule.annotations) {
            (Some(pos), Some(a)) if !a.flow => edits.push((pos.line, Edit::Replace { column: pos.column, url })),
            (None, Some(a)) if !a.flow => {
                let column = a.child_column.unwrap_or(a.key_column + 2);
                edits.push((a.line, Edit::InsertAfter(format!("{}runbook_url: {url}\n", " ".repeat(column - 1)))));
            }
            (None, None) => {
                let column = rule.alert_pos.column.saturating_sub("alert: ".len()).max(1);
                let pad = " ".repeat(column - 1);
                let at = last_content_line(&lines, rule.end_line);
                edits.push((at, Edit::InsertAfter(format!("{pad}annotations:\n{pad}  runbook_url: {url}\n"))));
            }
            // Flow-style annotations ({summary: …}) are left for a person.
            _ => {}
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let changed = edits.len();
    for (line, edit) in edits {
        let i = line - 1;
        match edit {
            Edit::Replace { column, url } => {
                let l = &lines[i];
                let start = l.char_indices().nth(column - 1).map_or(l.len(), |(b, _)| b);
                let comment = l[start..].find(" #").map(|c| l[start + c..].trim_end().to_string()).unwrap_or_default();
                lines[i] = format!("{}{url}{comment}\n", &l[..start]);
            }
            Edit::InsertAfter(text) => lines.insert(i + 1, text),
        }
    }
    (lines.concat(), changed)
}

enum Edit {
    Replace { column: usize, url: String },
    InsertAfter(String),
}

/// The last line before `end_line` (1-based) that is not blank or a comment.
fn last_content_line(lines: &[String], end_line: usize) -> usize {
    let mut at = end_line.saturating_sub(1).min(lines.len());
    let skip = |l: &str| matches!(l.trim(), "" | "-") || l.trim_start().starts_with('#');
    while at > 1 && skip(&lines[at - 1]) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "groups:\n  - name: payments\n    rules:\n      - alert: PaymentsDown\n        expr: up == 0\n        labels:\n          severity: critical\n        annotations:\n          summary: down\n          runbook_url: https://old.example.com/x # keep\n      - record: job:up\n        expr: sum(up)\n      - alert: PaymentsSlow\n        expr: latency > 1\n        labels: { severity: warning }\n        annotations:\n          summary: slow\n      - alert: PaymentsNoAnnotations\n        expr: |\n          rate(x[5m])\n            > 1\n\n  - name: other\n    rules:\n      - alert: Other\n        expr: vector(1)\n";

    fn file() -> RuleFile {
        RuleFile { rel: "rules.yml".into(), path: "rules.yml".into(), text: RULES.into(), rules: parse(RULES).unwrap() }
    }

    #[test]
    fn alerts_with_their_severity_url_and_place() {
        let rules = parse(RULES).unwrap();
        let names: Vec<&str> = rules.iter().map(|r| r.alert.as_str()).collect();
        assert_eq!(names, ["PaymentsDown", "PaymentsSlow", "PaymentsNoAnnotations", "Other"]);
        assert_eq!(rules[0].severity.as_deref(), Some("critical"));
        assert_eq!(rules[1].severity.as_deref(), Some("warning"));
        assert_eq!((rules[0].alert_pos.line, rules[0].alert_pos.column), (4, 16));
        assert_eq!(rules[0].url_pos.map(|p| p.line), Some(10));
        assert_eq!(rules[2].end_line, 23);
    }

    #[test]
    fn prometheus_rule_objects_and_several_documents() {
        let text = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: x\n";
        let rules = parse(text).unwrap_err();
        assert_eq!(rules.0, 1, "a document that is not a rule file is reported");
        let text = &text[text.find("---").unwrap() + 4..];
        let rules = parse(&format!("---\n{text}")).unwrap();
        assert_eq!((rules[0].alert.as_str(), rules[0].alert_pos.line), ("A", 8));
    }

    #[test]
    fn writing_urls_changes_only_those_lines() {
        let answered: HashSet<String> =
            ["PaymentsDown", "PaymentsSlow", "PaymentsNoAnnotations"].map(String::from).into();
        let (text, n) = with_runbook_urls(&file(), "https://incidents.example.com/", |a| answered.contains(a));
        assert_eq!(n, 3);
        let want = RULES
            .replace(
                "runbook_url: https://old.example.com/x # keep",
                "runbook_url: https://incidents.example.com/alerts/PaymentsDown/ # keep",
            )
            .replace(
                "        annotations:\n          summary: slow\n",
                "        annotations:\n          runbook_url: https://incidents.example.com/alerts/PaymentsSlow/\n          summary: slow\n",
            )
            .replace(
                "            > 1\n",
                "            > 1\n        annotations:\n          runbook_url: https://incidents.example.com/alerts/PaymentsNoAnnotations/\n",
            );
        assert_eq!(text, want);
        // Written again, nothing changes.
        let again = RuleFile { text: text.clone(), rules: parse(&text).unwrap(), ..file() };
        assert_eq!(with_runbook_urls(&again, "https://incidents.example.com", |a| answered.contains(a)), (text, 0));
    }

    #[test]
    fn urls_into_the_site_must_land_on_the_alerts_page() {
        let site_base = "https://incidents.example.com/";
        let check = |url: &str| url_problem(url, "A", site_base, |a| a == "A" || a == "B");
        assert_eq!(check("https://incidents.example.com/alerts/A/"), None);
        assert_eq!(check("https://incidents.example.com/alerts/A/index.html"), None);
        assert_eq!(check("https://wiki.example.com/A"), None, "elsewhere is not ours to judge");
        assert!(check("https://incidents.example.com/alerts/Gone/").unwrap().contains("does not have"));
        assert!(check("https://incidents.example.com/alerts/B/").unwrap().contains("not to this alert's page"));
        assert!(check("https://incidents.example.com/runbooks/x/").unwrap().contains("not at an alert page"));
    }
}
