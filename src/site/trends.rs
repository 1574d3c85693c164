//! `/trends/`: the figures of `trends::compute` as charts, each with the
//! table of its numbers.

use super::context::{
    ChartView, CoverageView, Link, MetricDefinition, OwnerRow, PostMortemRow, PublicationView, ServiceHealth,
    ServiceTrendRow, TrendsPage,
};
use super::links::dir;
use super::Index;
use crate::chart::{self, Series};
use crate::incident::Incident;
use crate::trends::{Count, Coverage, LatePostMortem, Metric, Month, Publication};

/// Lists of post-mortems to chase are cut to this many rows.
const LIST_ROWS: usize = 25;

pub fn page(ix: &Index) -> TrendsPage {
    let from = dir::TRENDS;
    let t = crate::trends::compute(ix.site, &ix.trends_context(), &crate::trends::Filter::default());
    let mut charts = vec![by_month(ix, &t.severities, &t.months, t.undated)];
    charts.extend(t.durations.iter().map(duration));
    charts.push(counts("root-causes", "Root-cause categories", "Post-mortems by root_cause.category.", &t.root_causes));
    charts.push(counts("detected-by", "How incidents were detected", "Post-mortems by detected_by.", &t.detected_by));
    let metrics = &ix.site.settings.config.trends.metrics;
    TrendsPage {
        layout: ix.layout(from, "Trends", "Incidents by month and severity, time to detect and resolve, causes"),
        incidents: t.incidents,
        undated: t.undated,
        definitions: metrics
            .spans()
            .iter()
            .map(|&(name, span, end)| {
                let (from, to) = span.points(end);
                MetricDefinition { name, from: from.into(), to: to.into() }
            })
            .collect(),
        publication: publication(ix, &t.publication),
        coverage: coverage(ix, &t.coverage),
        services: t
            .services
            .iter()
            .take(15)
            .map(|s| ServiceTrendRow {
                service: Link { text: s.name.clone(), href: ix.linker.page(from, &dir::service(&s.name)) },
                incidents: s.incidents,
                repeats: s.repeats_90d,
            })
            .collect(),
        owners: t
            .owners
            .iter()
            .take(20)
            .map(|o| OwnerRow { owner: o.owner.clone(), open: o.open, overdue: o.overdue })
            .collect(),
        items: t.action_items.clone(),
        charts,
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or(String::new(), |p| format!("{}%", crate::text::number(p)))
}

/// A post-mortem for a list, linked when its page is built.
fn row(ix: &Index, source: &str, id: &str, title: &str) -> PostMortemRow {
    let built = ix.incident_by_path(source);
    PostMortemRow {
        id: id.to_string(),
        link: built.map(|i| Link {
            text: i.meta.title.clone(),
            href: ix.linker.page(dir::TRENDS, &dir::incident(&i.meta.slug)),
        }),
        title: title.to_string(),
        source: source.to_string(),
        severity: String::new(),
        state: String::new(),
        when: String::new(),
        days: String::new(),
    }
}

fn publication(ix: &Index, p: &Publication) -> PublicationView {
    let late_row = |l: &LatePostMortem| PostMortemRow {
        state: l.status.clone(),
        when: if l.published.is_empty() {
            format!("resolved {}", l.resolved)
        } else {
            let by = if l.published_by == "git" { " (first commit)" } else { "" };
            format!("resolved {}, published {}{by}", l.resolved, l.published)
        },
        days: format!("{} {}", l.days, p.unit),
        ..row(ix, &l.source, &l.incident, &l.title)
    };
    let show = |v: Option<f64>| v.map_or("—".into(), crate::text::number);
    let title = "Time to publish the post-mortem";
    let caption = format!(
        "{} from resolved_at to publication (published_at, else the commit that added the file), per quarter the incident started in. Target: {}.",
        crate::text::capitalise(p.unit),
        p.target
    );
    let labels: Vec<String> = p.quarters.iter().map(|q| q.quarter.clone()).collect();
    let series = [
        Series {
            name: "median".into(),
            class: "c0".into(),
            values: p.quarters.iter().map(|q| q.median_days.unwrap_or(0.0)).collect(),
        },
        Series {
            name: "p90".into(),
            class: "c1".into(),
            values: p.quarters.iter().map(|q| q.p90_days.unwrap_or(0.0)).collect(),
        },
    ];
    let unit = format!(" {}", if p.unit == "days" { "d" } else { "bd" });
    PublicationView {
        target: p.target.clone(),
        unit: p.unit,
        count: p.count,
        within_target: p.within_target,
        percent: percent(p.within_target_percent),
        chart: ChartView {
            id: "publication".into(),
            svg: chart::grouped_bars(title, &caption, &labels, &series, &unit),
            title: title.into(),
            caption: format!("{caption} Overall median {}, p90 {} {}.", show(p.median_days), show(p.p90_days), p.unit),
            note: p.note.clone(),
            head: vec!["Quarter".into(), "Published".into(), "Within target".into(), "Median".into(), "p90".into()],
            rows: p
                .quarters
                .iter()
                .map(|q| {
                    vec![
                        q.quarter.clone(),
                        q.count.to_string(),
                        q.within_target.to_string(),
                        show(q.median_days),
                        show(q.p90_days),
                    ]
                })
                .collect(),
        },
        late: p.late.iter().take(LIST_ROWS).map(late_row).collect(),
        awaiting: p.awaiting.iter().take(LIST_ROWS).map(late_row).collect(),
    }
}

fn coverage(ix: &Index, c: &Coverage) -> CoverageView {
    CoverageView {
        severities: c.severities.join(", "),
        incidents: c.incidents,
        with_post_mortem: c.with_post_mortem,
        percent: percent(c.percent),
        from_log: c.from_log,
        without: c
            .without
            .iter()
            .take(LIST_ROWS)
            .map(|u| PostMortemRow {
                severity: u.severity.clone(),
                state: if u.post_mortem == "none" { "no post-mortem".into() } else { u.post_mortem.clone() },
                when: if u.started.is_empty() { String::new() } else { format!("started {}", u.started) },
                ..row(ix, &u.source, &u.incident, &u.title)
            })
            .collect(),
    }
}

/// The health card of a service, from its own post-mortems.
pub fn service_health(ix: &Index, name: &str, incidents: &[&Incident]) -> ServiceHealth {
    let h = crate::trends::health(incidents, &ix.trends_context());
    let written =
        |m: Option<f64>| m.map(|m| super::human_duration(chrono::Duration::seconds((m * 60.0).round() as i64)));
    let mut chart = by_month(ix, &h.severities, &h.months, h.undated);
    chart.id = "service-by-month".into();
    chart.title = format!("{name}: incidents per month, by severity");
    ServiceHealth {
        incidents: h.incidents,
        repeats: h.repeats_90d,
        mttr_median: written(h.mttr.overall.median_minutes),
        mttr_p90: written(h.mttr.overall.p90_minutes),
        mttr_count: h.mttr.overall.count,
        open_items: h.open_items,
        overdue_items: h.overdue_items,
        chart: (!h.months.is_empty()).then_some(chart),
    }
}

fn by_month(ix: &Index, severities: &[String], months: &[Month], undated: usize) -> ChartView {
    let labels: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    let series: Vec<Series> = severities
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let rank = ix.site.settings.scale.levels.iter().position(|l| &l.id == name);
            Series {
                name: name.clone(),
                class: super::severity_class(rank),
                values: months.iter().map(|m| m.counts[k] as f64).collect(),
            }
        })
        .collect();
    let title = "Incidents per month, by severity";
    let mut head = vec!["Month".to_string()];
    head.extend(severities.iter().cloned());
    head.push("Total".into());
    ChartView {
        id: "by-month".into(),
        title: title.into(),
        caption: "Published post-mortems by the month they started in.".into(),
        svg: chart::stacked_bars(title, "Stacked bars: one per month, a band per severity.", &labels, &series),
        note: (undated > 0).then(|| format!("{} post-mortems have no started_at and are not shown.", undated)),
        head,
        rows: months
            .iter()
            .map(|m| {
                let mut row = vec![m.month.clone()];
                row.extend(m.counts.iter().map(|c| c.to_string()));
                row.push(m.total.to_string());
                row
            })
            .collect(),
    }
}

/// Median and p90 per quarter, in minutes or hours, whichever reads better.
fn duration(m: &Metric) -> ChartView {
    let max = m.quarters.iter().filter_map(|q| q.summary.p90_minutes).fold(0.0, f64::max);
    let (scale, unit) = if max >= 120.0 { (60.0, " h") } else { (1.0, " min") };
    let values = |pick: fn(&crate::trends::Summary) -> Option<f64>| -> Vec<f64> {
        m.quarters.iter().map(|q| pick(&q.summary).unwrap_or(0.0) / scale).collect()
    };
    let labels: Vec<String> = m.quarters.iter().map(|q| q.quarter.clone()).collect();
    let series = [
        Series { name: "median".into(), class: "c0".into(), values: values(|s| s.median_minutes) },
        Series { name: "p90".into(), class: "c1".into(), values: values(|s| s.p90_minutes) },
    ];
    let title = format!("{} per quarter", m.name);
    let show = |v: Option<f64>| v.map_or("—".into(), |v| format!("{:.1}{unit}", v / scale));
    ChartView {
        id: m.name.to_lowercase(),
        svg: chart::grouped_bars(
            &title,
            &format!("Median and p90 of {} per quarter.", m.definition),
            &labels,
            &series,
            unit,
        ),
        title,
        caption: format!(
            "{}: {}. Overall median {}, p90 {}, over {} post-mortems.",
            m.name,
            m.definition,
            show(m.overall.median_minutes),
            show(m.overall.p90_minutes),
            m.overall.count
        ),
        note: m.note.clone(),
        head: vec!["Quarter".into(), "Post-mortems".into(), "Median".into(), "p90".into()],
        rows: m
            .quarters
            .iter()
            .map(|q| {
                let s = &q.summary;
                vec![q.quarter.clone(), s.count.to_string(), show(s.median_minutes), show(s.p90_minutes)]
            })
            .collect(),
    }
}

fn counts(id: &str, title: &str, caption: &str, counts: &[Count]) -> ChartView {
    let labels: Vec<String> = counts.iter().map(|c| c.name.clone()).collect();
    let series = [Series {
        name: "post-mortems".into(),
        class: "c0".into(),
        values: counts.iter().map(|c| c.count as f64).collect(),
    }];
    ChartView {
        id: id.into(),
        title: title.into(),
        caption: caption.into(),
        svg: chart::grouped_bars(title, caption, &labels, &series, ""),
        note: None,
        head: vec!["".into(), "Post-mortems".into()],
        rows: counts.iter().map(|c| vec![c.name.clone(), c.count.to_string()]).collect(),
    }
}
