//! `/trends/`: the figures of `trends::compute` as charts, each with the
//! table of its numbers.

use super::context::{ChartView, Link, OwnerRow, ServiceHealth, ServiceTrendRow, TrendsPage};
use super::links::dir;
use super::Index;
use crate::chart::{self, Series};
use crate::incident::Incident;
use crate::trends::{Count, Metric, Trends};

pub fn page(ix: &Index) -> TrendsPage {
    let from = dir::TRENDS;
    let t = crate::trends::compute(ix.site, &crate::trends::Filter::default());
    let mut charts = vec![by_month(ix, &t)];
    charts.extend(t.durations.iter().map(duration));
    charts.push(counts(
        "root-causes",
        "Root-cause categories",
        "Post-mortems by `root_cause.category`.",
        &t.root_causes,
    ));
    charts.push(counts("detected-by", "How incidents were detected", "Post-mortems by `detected_by`.", &t.detected_by));
    TrendsPage {
        layout: ix.layout(from, "Trends", "Incidents by month and severity, time to detect and resolve, causes"),
        incidents: t.incidents,
        undated: t.undated,
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

/// The health card of a service, from its own post-mortems.
pub fn service_health(ix: &Index, name: &str, incidents: &[&Incident]) -> ServiceHealth {
    let t = crate::trends::compute_for(incidents, &ix.site.settings.scale, ix.today());
    let mttr = t.durations.iter().find(|m| m.name == "MTTR").expect("MTTR is one of the metrics");
    let written =
        |m: Option<f64>| m.map(|m| super::human_duration(chrono::Duration::seconds((m * 60.0).round() as i64)));
    let mut chart = by_month(ix, &t);
    chart.id = "service-by-month".into();
    chart.title = format!("{name}: incidents per month, by severity");
    ServiceHealth {
        incidents: t.incidents,
        repeats: t.services.iter().find(|s| s.name == name).map_or(0, |s| s.repeats_90d),
        mttr_median: written(mttr.overall.median_minutes),
        mttr_p90: written(mttr.overall.p90_minutes),
        mttr_count: mttr.overall.count,
        open_items: t.action_items.open,
        overdue_items: t.action_items.overdue,
        chart: (!t.months.is_empty()).then_some(chart),
    }
}

fn by_month(ix: &Index, t: &Trends) -> ChartView {
    let labels: Vec<String> = t.months.iter().map(|m| m.month.clone()).collect();
    let series: Vec<Series> = t
        .severities
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let rank = ix.site.settings.scale.levels.iter().position(|l| &l.id == name);
            Series {
                name: name.clone(),
                class: super::severity_class(rank),
                values: t.months.iter().map(|m| m.counts[k] as f64).collect(),
            }
        })
        .collect();
    let title = "Incidents per month, by severity";
    let mut head = vec!["Month".to_string()];
    head.extend(t.severities.iter().cloned());
    head.push("Total".into());
    ChartView {
        id: "by-month".into(),
        title: title.into(),
        caption: "Published post-mortems by the month they started in.".into(),
        svg: chart::stacked_bars(title, "Stacked bars: one per month, a band per severity.", &labels, &series),
        note: (t.undated > 0).then(|| format!("{} post-mortems have no started_at and are not shown.", t.undated)),
        head,
        rows: t
            .months
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
