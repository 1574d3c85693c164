//! `debrief stats`: the trend figures as a terminal table, JSON or CSV.
//! CSV is one tidy table (`section,group,measure,value`), so a spreadsheet
//! or a script can pivot it without knowing the layout.

use std::fmt::Write;

use crate::trends::{Coverage, Metric, OwnerItems, Publication, Trends};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
    Csv,
}

/// Every figure.
pub fn render(t: &Trends, format: StatsFormat) -> String {
    match format {
        StatsFormat::Table => table(t),
        StatsFormat::Json => serde_json::to_string_pretty(t).expect("figures serialise") + "\n",
        StatsFormat::Csv => csv(t),
    }
}

/// Only the overdue action items, per owner (for a chat bot or a weekly reminder).
pub fn render_overdue(t: &Trends, format: StatsFormat) -> String {
    let owners: Vec<&OwnerItems> = t.owners.iter().filter(|o| o.overdue > 0).collect();
    match format {
        StatsFormat::Json => serde_json::to_string_pretty(&owners).expect("items serialise") + "\n",
        StatsFormat::Csv => {
            let mut rows = vec![["owner", "incident", "item", "due", "days_overdue", "source"].map(String::from)];
            for o in &owners {
                for i in &o.overdue_items {
                    let days = i.days_overdue.to_string();
                    rows.push([&o.owner, &i.incident, &i.item, &i.due, &days, &i.source].map(String::clone));
                }
            }
            write_csv(&rows)
        }
        StatsFormat::Table => {
            let mut out = String::new();
            if owners.is_empty() {
                let _ = writeln!(out, "No overdue action items (today is {}).", t.today);
            }
            for o in &owners {
                let _ = writeln!(out, "{} — {} overdue of {} open", o.owner, o.overdue, o.open);
                for i in &o.overdue_items {
                    let _ = writeln!(
                        out,
                        "  {} days  {}  {} (due {}, {})",
                        i.days_overdue, i.incident, i.item, i.due, i.source
                    );
                }
            }
            out
        }
    }
}

fn minutes(m: Option<f64>) -> String {
    match m {
        None => "—".into(),
        Some(m) if m < 60.0 => format!("{m:.0} min"),
        Some(m) if m < 48.0 * 60.0 => format!("{:.1} h", m / 60.0),
        Some(m) => format!("{:.1} d", m / 1440.0),
    }
}

fn incidents(n: usize) -> String {
    if n == 1 {
        "1 incident".into()
    } else {
        format!("{n} incidents")
    }
}

fn table(t: &Trends) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{} published post-mortems (today is {})", t.incidents, t.today);
    if t.undated > 0 {
        let _ = writeln!(w, "{} have no started_at and are in no month or quarter", t.undated);
    }
    let _ = writeln!(w, "\nIncidents per month");
    let _ =
        writeln!(w, "  {:<8} {}  total", "month", t.severities.iter().map(|s| format!("{s:>6}")).collect::<String>());
    for m in &t.months {
        let cells: String = m.counts.iter().map(|c| format!("{c:>6}")).collect();
        let _ = writeln!(w, "  {:<8} {cells}  {:>5}", m.month, m.total);
    }
    for metric in &t.durations {
        durations(w, metric);
    }
    let _ = writeln!(w, "\nRoot-cause categories");
    for c in &t.root_causes {
        let _ = writeln!(w, "  {:>5}  {}", c.count, c.name);
    }
    let _ = writeln!(w, "\nDetected by");
    for c in &t.detected_by {
        let _ = writeln!(w, "  {:>5}  {}", c.count, c.name);
    }
    let _ = writeln!(w, "\nServices with the most incidents (repeats: within 90 days of the one before)");
    for s in t.services.iter().take(15) {
        let _ = writeln!(w, "  {:>5}  {:<24} {} repeats", s.incidents, s.name, s.repeats_90d);
    }
    publication(w, &t.publication);
    coverage(w, &t.coverage);
    let a = &t.action_items;
    let _ = writeln!(
        w,
        "\nAction items: {} in all, {} open ({} overdue), {} done, {} won't do",
        a.total, a.open, a.overdue, a.done, a.wont_do
    );
    for o in t.owners.iter().take(15) {
        let _ = writeln!(w, "  {:<24} {:>4} open {:>4} overdue", o.owner, o.open, o.overdue);
    }
    out
}

fn publication(w: &mut String, p: &Publication) {
    let days = |d: Option<f64>| d.map_or("—".into(), |d| format!("{d:.1}"));
    let _ = writeln!(w, "\nTime to publish the post-mortem (target: {} after resolution)", p.target);
    let _ = writeln!(
        w,
        "  {} of {} within target ({}); median {}, p90 {} {}",
        p.within_target,
        p.count,
        p.within_target_percent.map_or("—".into(), |v| format!("{v:.1}%")),
        days(p.median_days),
        days(p.p90_days),
        p.unit
    );
    if let Some(note) = &p.note {
        let _ = writeln!(w, "  {note}");
    }
    for q in &p.quarters {
        let _ = writeln!(
            w,
            "  {}  {:>4} of {:<4} within target  median {:>5}  p90 {:>5}",
            q.quarter,
            q.within_target,
            q.count,
            days(q.median_days),
            days(q.p90_days)
        );
    }
    for l in p.late.iter().take(10) {
        let _ = writeln!(
            w,
            "  late: {}  {} {} (resolved {}, published {} by {})  {}",
            l.incident, l.days, p.unit, l.resolved, l.published, l.published_by, l.source
        );
    }
    for l in p.awaiting.iter().take(10) {
        let _ = writeln!(
            w,
            "  awaiting: {}  {}, resolved {} ({} {} ago)  {}",
            l.incident, l.status, l.resolved, l.days, p.unit, l.source
        );
    }
}

fn coverage(w: &mut String, c: &Coverage) {
    let from = if c.from_log {
        "post-mortems and the incident log"
    } else {
        "post-mortems only; set trends.incident_log to count incidents with none"
    };
    let _ = writeln!(w, "\nIncidents of {} with a published post-mortem ({from})", c.severities.join(", "));
    let _ = writeln!(
        w,
        "  {} of {} ({})",
        c.with_post_mortem,
        c.incidents,
        c.percent.map_or("—".into(), |v| format!("{v:.1}%"))
    );
    for u in c.without.iter().take(15) {
        let _ = writeln!(
            w,
            "  without: {}  {}  {}  post-mortem: {}  {}",
            u.incident, u.severity, u.started, u.post_mortem, u.title
        );
    }
}

fn durations(w: &mut String, m: &Metric) {
    let _ = writeln!(
        w,
        "\n{} ({}): median {}, p90 {} over {}",
        m.name,
        m.definition,
        minutes(m.overall.median_minutes),
        minutes(m.overall.p90_minutes),
        incidents(m.overall.count)
    );
    if let Some(note) = &m.note {
        let _ = writeln!(w, "  {note}");
    }
    for q in &m.quarters {
        let s = &q.summary;
        let _ = writeln!(
            w,
            "  {}  median {:>9}  p90 {:>9}  ({})",
            q.quarter,
            minutes(s.median_minutes),
            minutes(s.p90_minutes),
            incidents(s.count)
        );
    }
}

fn csv(t: &Trends) -> String {
    let mut rows: Vec<[String; 4]> = vec![["incidents".into(), String::new(), "count".into(), t.incidents.to_string()]];
    rows.push(["incidents".into(), String::new(), "undated".into(), t.undated.to_string()]);
    for m in &t.months {
        for (sev, n) in t.severities.iter().zip(&m.counts) {
            rows.push(["month".into(), m.month.clone(), sev.clone(), n.to_string()]);
        }
    }
    let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.1}"));
    for d in &t.durations {
        let mut push = |group: &str, s: &crate::trends::Summary| {
            rows.push([d.name.into(), group.into(), "count".into(), s.count.to_string()]);
            rows.push([d.name.into(), group.into(), "median_minutes".into(), number(s.median_minutes)]);
            rows.push([d.name.into(), group.into(), "p90_minutes".into(), number(s.p90_minutes)]);
        };
        push("all", &d.overall);
        for q in &d.quarters {
            push(&q.quarter, &q.summary);
        }
        rows.push([d.name.into(), "all".into(), "missing".into(), d.missing.to_string()]);
    }
    for c in &t.root_causes {
        rows.push(["root_cause".into(), c.name.clone(), "count".into(), c.count.to_string()]);
    }
    for c in &t.detected_by {
        rows.push(["detected_by".into(), c.name.clone(), "count".into(), c.count.to_string()]);
    }
    for s in &t.services {
        rows.push(["service".into(), s.name.clone(), "incidents".into(), s.incidents.to_string()]);
        rows.push(["service".into(), s.name.clone(), "repeats_90d".into(), s.repeats_90d.to_string()]);
    }
    let p = &t.publication;
    let mut publish = |group: &str, count: usize, within: usize, median: Option<f64>, p90: Option<f64>| {
        rows.push(["publication".into(), group.into(), "count".into(), count.to_string()]);
        rows.push(["publication".into(), group.into(), "within_target".into(), within.to_string()]);
        rows.push(["publication".into(), group.into(), format!("median_{}", p.unit.replace(' ', "_")), number(median)]);
        rows.push(["publication".into(), group.into(), format!("p90_{}", p.unit.replace(' ', "_")), number(p90)]);
    };
    publish("all", p.count, p.within_target, p.median_days, p.p90_days);
    for q in &p.quarters {
        publish(&q.quarter, q.count, q.within_target, q.median_days, q.p90_days);
    }
    rows.push(["publication".into(), "all".into(), "missing".into(), p.missing.to_string()]);
    rows.push(["publication".into(), "all".into(), "awaiting".into(), p.awaiting.len().to_string()]);
    let c = &t.coverage;
    let group = c.severities.join(" ");
    rows.push(["coverage".into(), group.clone(), "incidents".into(), c.incidents.to_string()]);
    rows.push(["coverage".into(), group.clone(), "with_post_mortem".into(), c.with_post_mortem.to_string()]);
    rows.push(["coverage".into(), group, "percent".into(), number(c.percent)]);
    let a = &t.action_items;
    for (k, v) in
        [("total", a.total), ("open", a.open), ("overdue", a.overdue), ("done", a.done), ("wont_do", a.wont_do)]
    {
        rows.push(["action_items".into(), String::new(), k.into(), v.to_string()]);
    }
    for o in &t.owners {
        rows.push(["owner".into(), o.owner.clone(), "open".into(), o.open.to_string()]);
        rows.push(["owner".into(), o.owner.clone(), "overdue".into(), o.overdue.to_string()]);
    }
    rows.insert(0, ["section", "group", "measure", "value"].map(String::from));
    write_csv(&rows)
}

/// RFC 4180 (the csv crate quotes a field only when it must), each field defused.
fn write_csv<const N: usize>(rows: &[[String; N]]) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|f| defuse(f))).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("fields are UTF-8")
}

/// A field a spreadsheet would run as a formula (`=…`, `+…`, `-…` that is
/// not a number, `@…(`) gets a leading `'`; owner handles like `@payments`
/// stay as they are.
fn defuse(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-']) && s.parse::<f64>().is_err() || s.starts_with('@') && s.contains('(');
    if formula {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        let row = |f: &str| write_csv(&[[f.to_string(), "x".into()]]);
        assert_eq!(row("plain"), "plain,x\n");
        assert_eq!(row("a, b"), "\"a, b\",x\n");
        assert_eq!(row("say \"hi\""), "\"say \"\"hi\"\"\",x\n");
        assert_eq!(row("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\",x\n");
        assert_eq!(row("@payments"), "@payments,x\n");
        assert_eq!(row("@SUM(A1)"), "'@SUM(A1),x\n");
        assert_eq!(row("-5"), "-5,x\n");
        assert_eq!(row("two\nlines"), "\"two\nlines\",x\n");
    }

    #[test]
    fn minutes_read_naturally() {
        assert_eq!(minutes(None), "—");
        assert_eq!(minutes(Some(45.0)), "45 min");
        assert_eq!(minutes(Some(90.0)), "1.5 h");
        assert_eq!(minutes(Some(3.0 * 1440.0)), "3.0 d");
    }
}
