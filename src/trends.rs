//! Trend figures across published post-mortems: incidents per month by
//! severity, time to detect/acknowledge/mitigate/resolve per quarter (median
//! and p90), root-cause categories, how incidents were detected, the services
//! hit most (and again within 90 days), and action items by owner.
//!
//! Plain data in, plain data out: `debrief stats` prints it, the site will
//! draw it. A metric leaves out the incidents that lack one of its
//! timestamps and says how many; a missing timestamp never counts as zero.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::action_item::Status as ItemStatus;
use crate::incident::{Incident, Status, Times};
use crate::model::Site;

/// Which post-mortems count (by the day they started, as written; inclusive).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub service: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trends {
    pub today: String,
    /// Published post-mortems counted (after the filter).
    pub incidents: usize,
    /// Of those, how many have no `started_at` (they are in no month or quarter).
    pub undated: usize,
    /// Column order of `months[].counts`: the scale's levels, then `none` if
    /// some post-mortems have no severity.
    pub severities: Vec<String>,
    /// Every month from the first incident's to the last's, empty ones included.
    pub months: Vec<Month>,
    pub durations: Vec<Metric>,
    pub root_causes: Vec<Count>,
    pub detected_by: Vec<Count>,
    pub services: Vec<ServiceCount>,
    pub action_items: ItemTotals,
    /// Owners with open items, most overdue first.
    pub owners: Vec<OwnerItems>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `2025-03`: the month each incident started in, as written (`Incident::start_date`).
    pub month: String,
    pub counts: Vec<usize>,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// `MTTR`.
    pub name: &'static str,
    /// `resolved_at − started_at`.
    pub definition: String,
    pub overall: Summary,
    pub quarters: Vec<Quarter>,
    /// Incidents left out for lack of a timestamp (or with the end before the start).
    pub missing: usize,
    /// `12 of 140 incidents have no detected_at`, when any are left out.
    pub note: Option<String>,
}

/// Durations in minutes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quarter {
    /// `2025-Q1`.
    pub quarter: String,
    #[serde(flatten)]
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub name: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCount {
    pub name: String,
    pub incidents: usize,
    /// Incidents that started within 90 days of the service's previous one.
    pub repeats_90d: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ItemTotals {
    pub total: usize,
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
    pub wont_do: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerItems {
    pub owner: String,
    pub open: usize,
    pub overdue: usize,
    /// The overdue items, most overdue first.
    pub overdue_items: Vec<OverdueItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueItem {
    pub incident: String,
    pub item: String,
    pub due: String,
    pub days_overdue: i64,
    /// The post-mortem's source file.
    pub source: String,
}

/// The four durations, as FireHydrant defines them: each from `started_at`.
type Pick = fn(&Times) -> Option<DateTime<FixedOffset>>;
const METRICS: [(&str, &str, Pick); 4] = [
    ("MTTD", "detected_at", |t| t.detected),
    ("MTTA", "acknowledged_at", |t| t.acknowledged),
    ("MTTM", "mitigated_at", |t| t.mitigated),
    ("MTTR", "resolved_at", |t| t.resolved),
];

const REPEAT_DAYS: i64 = 90;

/// The figures for the published post-mortems of `site` that pass `filter`.
pub fn compute(site: &Site, filter: &Filter) -> Trends {
    let incidents: Vec<&Incident> = site.incidents.iter().filter(|i| counts(i, filter)).collect();
    figures(incidents, &site.settings.scale, site.settings.today.date)
}

/// The figures of the published post-mortems among `incidents` (a service's
/// own, say, so that every service page together reads each post-mortem once).
pub fn compute_for(incidents: &[&Incident], scale: &crate::severity::Scale, today: NaiveDate) -> Trends {
    let published = incidents.iter().copied().filter(|i| counts(i, &Filter::default())).collect();
    figures(published, scale, today)
}

fn figures(mut incidents: Vec<&Incident>, scale: &crate::severity::Scale, today: NaiveDate) -> Trends {
    incidents.sort_by(|a, b| (a.times.started, &a.meta.rel_path).cmp(&(b.times.started, &b.meta.rel_path)));
    let mut severities: Vec<String> = scale.levels.iter().map(|l| l.id.clone()).collect();
    if incidents.iter().any(|i| i.severity_rank.is_none()) {
        severities.push("none".into());
    }
    let (total_items, owners) = tally_items(&incidents, today);
    let owners = owners.into_iter().map(|o| o.items).filter(|o| o.open > 0).collect();
    Trends {
        today: today.to_string(),
        incidents: incidents.len(),
        undated: incidents.iter().filter(|i| i.times.started.is_none()).count(),
        months: months(&incidents, severities.len()),
        severities,
        durations: METRICS.iter().map(|&(name, to, pick)| metric(&incidents, name, to, pick)).collect(),
        root_causes: tally(incidents.iter().map(|i| i.root_cause_category.as_deref())),
        detected_by: tally(incidents.iter().map(|i| i.detected_by.as_deref())),
        services: services(&incidents),
        action_items: total_items,
        owners,
    }
}

fn counts(i: &Incident, f: &Filter) -> bool {
    if i.status != Some(Status::Published) {
        return false;
    }
    let day = i.start_date();
    let in_range = |bound: Option<NaiveDate>, ok: fn(NaiveDate, NaiveDate) -> bool| match bound {
        None => true,
        Some(b) => day.is_some_and(|d| ok(d, b)),
    };
    in_range(f.since, |d, b| d >= b)
        && in_range(f.until, |d, b| d <= b)
        && f.service.as_ref().is_none_or(|s| i.services.iter().any(|x| x.eq_ignore_ascii_case(s)))
}

fn months(incidents: &[&Incident], columns: usize) -> Vec<Month> {
    let mut by_month: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for i in incidents {
        let Some(day) = i.start_date() else { continue };
        let column = i.severity_rank.unwrap_or(columns - 1).min(columns - 1);
        by_month.entry((day.year(), day.month())).or_insert_with(|| vec![0; columns])[column] += 1;
    }
    let (Some(&first), Some(&last)) = (by_month.keys().next(), by_month.keys().last()) else { return Vec::new() };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let counts = by_month.remove(&(y, m)).unwrap_or_else(|| vec![0; columns]);
        out.push(Month { month: format!("{y:04}-{m:02}"), total: counts.iter().sum(), counts });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn metric(incidents: &[&Incident], name: &'static str, to: &str, pick: Pick) -> Metric {
    let mut all = Vec::new();
    let mut by_quarter: BTreeMap<(i32, u32), Vec<f64>> = BTreeMap::new();
    let mut missing = 0;
    for i in incidents {
        let minutes = match (i.times.started, pick(&i.times)) {
            (Some(a), Some(b)) if b >= a => (b - a).num_seconds() as f64 / 60.0,
            _ => {
                missing += 1;
                continue;
            }
        };
        all.push(minutes);
        let day = i.start_date().expect("a duration needs a start");
        by_quarter.entry((day.year(), (day.month() - 1) / 3 + 1)).or_default().push(minutes);
    }
    let note = (missing > 0).then(|| {
        format!("{missing} of {} incidents have no {to} (or none after started_at) and are left out", incidents.len())
    });
    Metric {
        name,
        definition: format!("{to} − started_at"),
        overall: summary(all),
        quarters: by_quarter
            .into_iter()
            .map(|((y, q), v)| Quarter { quarter: format!("{y}-Q{q}"), summary: summary(v) })
            .collect(),
        missing,
        note,
    }
}

fn summary(mut values: Vec<f64>) -> Summary {
    values.sort_by(f64::total_cmp);
    // To a hundredth of a minute, so 51 does not print as 51.00000000000001.
    let round = |v: Option<f64>| v.map(|v| (v * 100.0).round() / 100.0);
    Summary {
        count: values.len(),
        median_minutes: round(percentile(&values, 0.5)),
        p90_minutes: round(percentile(&values, 0.9)),
    }
}

/// The `p` quantile of sorted `values`, interpolating between the two
/// nearest ranks (what spreadsheets' PERCENTILE.INC and numpy do), so the
/// median of an even count is the mean of the middle two.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p * last as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64))
}

/// Counts by name, most first (ties by name); a missing value counts as `unknown`.
fn tally<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<Count> {
    let mut map: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        *map.entry(v.filter(|s| !s.trim().is_empty()).unwrap_or("unknown").to_string()).or_default() += 1;
    }
    let mut out: Vec<Count> = map.into_iter().map(|(name, count)| Count { name, count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

fn services(incidents: &[&Incident]) -> Vec<ServiceCount> {
    // `incidents` is sorted by start, so each service's days come in order.
    let mut days: BTreeMap<&str, (usize, Vec<NaiveDate>)> = BTreeMap::new();
    for i in incidents {
        for s in &i.services {
            let entry = days.entry(s.as_str()).or_default();
            entry.0 += 1;
            entry.1.extend(i.start_date());
        }
    }
    let mut out: Vec<ServiceCount> = days
        .into_iter()
        .map(|(name, (n, d))| ServiceCount {
            name: name.to_string(),
            incidents: n,
            repeats_90d: d.windows(2).filter(|w| (w[1] - w[0]).num_days() <= REPEAT_DAYS).count(),
        })
        .collect();
    out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.name.cmp(&b.name)));
    out
}

/// One owner's action items: `items` (open, overdue and the overdue ones)
/// and how many are done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerTally {
    pub items: OwnerItems,
    pub done: usize,
}

/// Every action item of `incidents`, counted: the totals, and each owner
/// with any item, most overdue first (then most open, then by name). The
/// trend figures and `/action-items/` both count with this.
pub fn tally_items(incidents: &[&Incident], today: NaiveDate) -> (ItemTotals, Vec<OwnerTally>) {
    let mut totals = ItemTotals::default();
    let mut owners: BTreeMap<String, OwnerTally> = BTreeMap::new();
    for i in incidents {
        for a in &i.action_items {
            totals.total += 1;
            let owner = a.owner.as_ref().map(|o| o.text.as_str()).filter(|o| !o.is_empty()).unwrap_or("(no owner)");
            let row = owners.entry(owner.to_string()).or_insert_with(|| OwnerTally {
                items: OwnerItems { owner: owner.to_string(), open: 0, overdue: 0, overdue_items: Vec::new() },
                done: 0,
            });
            match a.status {
                ItemStatus::Done => (totals.done, row.done) = (totals.done + 1, row.done + 1),
                ItemStatus::WontDo => totals.wont_do += 1,
                ItemStatus::Open => (totals.open, row.items.open) = (totals.open + 1, row.items.open + 1),
            }
            if !a.is_overdue(today) {
                continue;
            }
            let due = a.due_date().expect("an overdue item has a due date");
            totals.overdue += 1;
            row.items.overdue += 1;
            row.items.overdue_items.push(OverdueItem {
                incident: i.meta.id.clone(),
                item: a.text.clone(),
                due: due.to_string(),
                days_overdue: (today - due).num_days(),
                source: i.meta.rel_path.clone(),
            });
        }
    }
    let mut out: Vec<OwnerTally> = owners.into_values().collect();
    for o in &mut out {
        o.items
            .overdue_items
            .sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.incident.cmp(&b.incident)));
    }
    out.sort_by(|a, b| {
        let (a, b) = (&a.items, &b.items);
        b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)).then_with(|| a.owner.cmp(&b.owner))
    });
    (totals, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[10.0, 20.0], 0.5), Some(15.0));
        assert_eq!(percentile(&[10.0, 20.0, 30.0, 40.0], 0.5), Some(25.0));
        // rank 0.9 × 9 = 8.1: 90 + 0.1 × (100 − 90)
        let v: Vec<f64> = (1..=10).map(|n| n as f64 * 10.0).collect();
        assert!((percentile(&v, 0.9).unwrap() - 91.0).abs() < 1e-9);
    }

    #[test]
    fn tallies_count_missing_as_unknown_most_first() {
        let t = tally([Some("deploy"), None, Some("config"), Some("deploy"), Some(" ")].into_iter());
        let got: Vec<(&str, usize)> = t.iter().map(|c| (c.name.as_str(), c.count)).collect();
        assert_eq!(got, [("deploy", 2), ("unknown", 2), ("config", 1)]);
    }
}
