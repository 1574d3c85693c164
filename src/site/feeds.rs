//! The machine-readable files: the Atom feed of post-mortems, the sitemap,
//! and `incidents.json`, an export of every post-mortem.

use serde::Serialize;

use super::links::dir;
use super::{duration_between, status_label, Index};
use crate::yaml::Value as Yaml;

use crate::text::escape_markup as xml_escape;

/// The URL of a page for feeds: absolute when `base_url` is, else root-relative.
fn url(ix: &Index, dir: &str) -> String {
    ix.absolute(dir).unwrap_or_else(|| {
        let base = ix.base_url.trim_end_matches('/');
        if dir.is_empty() {
            format!("{base}/")
        } else {
            format!("{base}/{dir}/")
        }
    })
}

/// An Atom feed of the 50 most recent post-mortems. Its `updated` is the
/// newest entry's, so the feed is a function of the content alone.
pub fn atom(ix: &Index) -> String {
    let entries: Vec<_> = ix.incidents.iter().take(50).collect();
    let stamp = |i: &crate::incident::Incident| {
        i.times
            .resolved
            .or(i.times.started)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into())
    };
    let updated = entries.iter().map(|i| stamp(i)).max().unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let title = xml_escape(&ix.site.settings.config.title);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{title}</title>\n  <id>{}</id>\n  <link href=\"{}\"/>\n  <updated>{updated}</updated>\n  <generator>debrief</generator>\n",
        xml_escape(&url(ix, dir::INCIDENTS)),
        xml_escape(&url(ix, dir::INCIDENTS)),
    );
    for i in entries {
        let link = xml_escape(&url(ix, &dir::incident(&i.meta.slug)));
        let severity = i.severity.as_deref().unwrap_or("");
        let summary = format!("{severity} · {} · {}", i.services.join(", "), i.meta.summary);
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{link}</id>\n    <link href=\"{link}\"/>\n    <updated>{}</updated>\n    <summary>{}</summary>\n",
            xml_escape(&i.meta.title),
            stamp(i),
            xml_escape(summary.trim_matches([' ', '·'])),
        ));
        if let Some(sev) = &i.severity {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(sev)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn sitemap(ix: &Index, pages: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        let d = p.trim_end_matches("index.html").trim_end_matches('/');
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(&url(ix, d))));
    }
    out.push_str("</urlset>\n");
    out
}

#[derive(Serialize)]
struct ExportItem<'a> {
    text: &'a str,
    owner: Option<&'a str>,
    due: Option<&'a str>,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    status: crate::action_item::Status,
    ticket: Option<&'a str>,
    overdue: bool,
}

#[derive(Serialize)]
struct Durations {
    time_to_detect: Option<i64>,
    time_to_acknowledge: Option<i64>,
    time_to_mitigate: Option<i64>,
    time_to_resolve: Option<i64>,
}

#[derive(Serialize)]
struct ExportIncident<'a> {
    id: &'a str,
    url: String,
    source: &'a str,
    title: &'a str,
    severity: Option<&'a str>,
    status: &'static str,
    started_at: Option<String>,
    detected_at: Option<String>,
    acknowledged_at: Option<String>,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    /// Seconds from `started_at`.
    durations: Durations,
    services: &'a [String],
    tags: &'a [String],
    detected_by: Option<&'a str>,
    root_cause_category: Option<&'a str>,
    root_cause_commits: Vec<&'a str>,
    runbooks: Vec<&'a str>,
    related: Vec<&'a str>,
    commander: Option<&'a str>,
    comms_lead: Option<&'a str>,
    summary: &'a str,
    action_items: Vec<ExportItem<'a>>,
    /// Front-matter keys debrief does not know, as written.
    extra: serde_json::Map<String, serde_json::Value>,
}

fn field(f: &Option<crate::action_item::Field>) -> Option<&str> {
    f.as_ref().map(|f| f.text.as_str()).filter(|s| !s.is_empty())
}

fn to_json(v: &Yaml) -> serde_json::Value {
    match v {
        Yaml::Null => serde_json::Value::Null,
        Yaml::Bool(b) => (*b).into(),
        Yaml::Number(n) => n
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| n.clone().into(), serde_json::Value::Number),
        Yaml::String(s) => s.clone().into(),
        Yaml::Seq(items) => items.iter().map(to_json).collect(),
        Yaml::Map(entries) => {
            entries.iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<serde_json::Map<_, _>>().into()
        }
    }
}

pub fn incidents_json(ix: &Index) -> String {
    let today = ix.site.settings.today.date;
    // `{"incidents":[…]}`, one post-mortem at a time: at 100,000 the export is
    // 170 MB, and holding every record besides the text cost as much again.
    // Compact: this is for machines, and pretty-printing doubles its size.
    let mut out = Vec::with_capacity(ix.incidents.len() * 1024 + 64);
    out.extend_from_slice(b"{\"incidents\":[");
    for (n, i) in ix.incidents.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &export(ix, i, today)).expect("export serialises");
    }
    out.extend_from_slice(b"]}\n");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// One post-mortem's record in `incidents.json`.
fn export<'a>(ix: &Index, i: &'a crate::incident::Incident, today: chrono::NaiveDate) -> ExportIncident<'a> {
    let t = &i.times;
    let since_start = |end| duration_between(t.started, end).map(|d| d.num_seconds());
    ExportIncident {
        id: &i.meta.id,
        url: url(ix, &dir::incident(&i.meta.slug)),
        source: &i.meta.rel_path,
        title: &i.meta.title,
        severity: i.severity.as_deref(),
        status: status_label(i.status),
        started_at: t.started.map(|v| v.to_rfc3339()),
        detected_at: t.detected.map(|v| v.to_rfc3339()),
        acknowledged_at: t.acknowledged.map(|v| v.to_rfc3339()),
        mitigated_at: t.mitigated.map(|v| v.to_rfc3339()),
        resolved_at: t.resolved.map(|v| v.to_rfc3339()),
        durations: Durations {
            time_to_detect: since_start(t.detected),
            time_to_acknowledge: since_start(t.acknowledged),
            time_to_mitigate: since_start(t.mitigated),
            time_to_resolve: since_start(t.resolved),
        },
        services: &i.services,
        tags: &i.tags,
        detected_by: i.detected_by.as_deref(),
        root_cause_category: i.root_cause_category.as_deref(),
        root_cause_commits: i.commits.iter().map(|c| c.value.as_str()).collect(),
        runbooks: i.runbooks.iter().map(|r| r.value.as_str()).collect(),
        related: i.related.iter().map(|r| r.value.as_str()).collect(),
        commander: i.commander.as_deref(),
        comms_lead: i.comms_lead.as_deref(),
        summary: &i.meta.summary,
        action_items: i
            .action_items
            .iter()
            .map(|a| ExportItem {
                text: &a.text,
                owner: field(&a.owner),
                due: field(&a.due),
                kind: field(&a.kind),
                status: a.status,
                ticket: field(&a.ticket),
                overdue: a.is_overdue(today),
            })
            .collect(),
        extra: i.extra.iter().map(|(k, v)| (k.clone(), to_json(v))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_control_characters() {
        assert_eq!(xml_escape("<a href=\"x\">&'\u{0}\u{7}"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
