//! Trend figures across published post-mortems: incidents per month by
//! severity, time to detect/acknowledge/mitigate/resolve per quarter (median
//! and p90), root-cause categories, how incidents were detected, the services
//! hit most (and again within 90 days), and action items by owner.
//!
//! Plain data in, plain data out: `debrief stats` prints it, the site will
//! draw it. A metric leaves out the incidents that lack one of its
//! timestamps and says how many; a missing timestamp never counts as zero.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};
use serde::Serialize;

use crate::action_item::Status as ItemStatus;
use crate::config::PublishTarget;
use crate::git::PageDates;
use crate::incident::{Incident, Status, Times};
use crate::incident_log::LoggedIncident;
use crate::model::Site;
use crate::settings::Settings;

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
    pub publication: Publication,
    pub coverage: Coverage,
    pub action_items: ItemTotals,
    /// Owners with open items, most overdue first.
    pub owners: Vec<OwnerItems>,
}

/// How soon post-mortems were published after the incident was resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Publication {
    /// `5 business days`.
    pub target: String,
    /// In the target's unit: business days, or calendar days.
    pub unit: &'static str,
    /// Post-mortems with both a resolution and a publication day.
    pub count: usize,
    pub within_target: usize,
    /// Percent of `count` within the target, to one decimal.
    pub within_target_percent: Option<f64>,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub quarters: Vec<PublicationQuarter>,
    /// Published ones over the target, latest first.
    pub late: Vec<LatePostMortem>,
    /// Drafts and reviews whose incident was resolved longer ago than the target.
    pub awaiting: Vec<LatePostMortem>,
    pub missing: usize,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicationQuarter {
    pub quarter: String,
    pub count: usize,
    pub within_target: usize,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatePostMortem {
    pub incident: String,
    pub title: String,
    pub resolved: String,
    /// When it was published (empty for one still awaiting publication).
    pub published: String,
    /// `published_at`, or `git` (the commit that added the file).
    pub published_by: &'static str,
    /// Days (in the target's unit) from resolution to publication, or to today.
    pub days: i64,
    pub status: String,
    pub source: String,
}

/// How many incidents of the severities that require one have a published post-mortem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// `SEV-1`, `SEV-2`.
    pub severities: Vec<String>,
    /// Incidents of those severities: post-mortems in any state, and rows of
    /// the incident log that no post-mortem has the id of.
    pub incidents: usize,
    pub with_post_mortem: usize,
    pub percent: Option<f64>,
    /// Whether an incident log was read (otherwise only post-mortems count).
    pub from_log: bool,
    /// The ones without a published post-mortem, most severe then newest first.
    pub without: Vec<Uncovered>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    pub incident: String,
    pub title: String,
    pub severity: String,
    pub started: String,
    /// `draft`, `in-review`, or `none` (only in the incident log).
    pub post_mortem: String,
    /// The post-mortem's source file, if there is one.
    pub source: String,
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

/// One of the lifecycle timestamps, by its front-matter key.
fn point(t: &Times, key: &str) -> Option<DateTime<FixedOffset>> {
    match key {
        "started_at" => t.started,
        "detected_at" => t.detected,
        "acknowledged_at" => t.acknowledged,
        "mitigated_at" => t.mitigated,
        "resolved_at" => t.resolved,
        _ => None,
    }
}

const REPEAT_DAYS: i64 = 90;

/// What the figures are computed from, besides the post-mortems.
pub struct Context<'a> {
    pub settings: &'a Settings,
    /// Page dates from git, by source path: a post-mortem without
    /// `published_at` counts as published when its file was first committed.
    pub dates: &'a HashMap<String, PageDates>,
}

/// The figures for the post-mortems of `site` that pass `filter` (the
/// published ones, except where a figure is about the others).
pub fn compute(site: &Site, cx: &Context, filter: &Filter) -> Trends {
    let incidents: Vec<&Incident> = site.incidents.iter().filter(|i| passes(i, filter)).collect();
    let log: Vec<&LoggedIncident> = if filter.service.is_some() {
        // The log has no services: with a service filter, only post-mortems count.
        Vec::new()
    } else {
        site.incident_log.iter().filter(|l| in_range(l.started, filter)).collect()
    };
    figures(incidents, &log, cx)
}

fn figures(all: Vec<&Incident>, log: &[&LoggedIncident], cx: &Context) -> Trends {
    let (scale, today) = (&cx.settings.scale, cx.settings.today.date);
    let mut incidents: Vec<&Incident> = all.iter().copied().filter(|i| i.status == Some(Status::Published)).collect();
    incidents.sort_by(|a, b| (a.times.started, &a.meta.rel_path).cmp(&(b.times.started, &b.meta.rel_path)));
    let severities = severity_columns(scale, &incidents);
    let (total_items, owners) = tally_items(&incidents, today);
    let owners = owners.into_iter().map(|o| o.items).filter(|o| o.open > 0).collect();
    let metrics = &cx.settings.config.trends.metrics;
    Trends {
        today: today.to_string(),
        incidents: incidents.len(),
        undated: incidents.iter().filter(|i| i.times.started.is_none()).count(),
        months: months(&incidents, severities.len()),
        severities,
        durations: metrics
            .spans()
            .iter()
            .map(|&(name, span, default_end)| metric(&incidents, name, span.points(default_end)))
            .collect(),
        root_causes: tally(incidents.iter().map(|i| i.root_cause_category.as_deref())),
        detected_by: tally(incidents.iter().map(|i| i.detected_by.as_deref())),
        services: services(&incidents),
        publication: publication(&all, cx),
        coverage: coverage(&all, log, cx.settings),
        action_items: total_items,
        owners,
    }
}

/// The columns of `Month::counts`: the scale's levels, then `none` if some
/// post-mortems have no severity.
fn severity_columns(scale: &crate::severity::Scale, incidents: &[&Incident]) -> Vec<String> {
    let mut severities: Vec<String> = scale.levels.iter().map(|l| l.id.clone()).collect();
    if incidents.iter().any(|i| i.severity_rank.is_none()) {
        severities.push("none".into());
    }
    severities
}

/// A service's health card: the few figures every service page shows, from
/// its own post-mortems (published ones count).
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub incidents: usize,
    pub undated: usize,
    pub severities: Vec<String>,
    pub months: Vec<Month>,
    pub repeats_90d: usize,
    pub mttr: Metric,
    pub open_items: usize,
    pub overdue_items: usize,
}

pub fn health(incidents: &[&Incident], cx: &Context) -> Health {
    let mut published: Vec<&Incident> =
        incidents.iter().copied().filter(|i| i.status == Some(Status::Published)).collect();
    published.sort_by(|a, b| (a.times.started, &a.meta.rel_path).cmp(&(b.times.started, &b.meta.rel_path)));
    let severities = severity_columns(&cx.settings.scale, &published);
    let mttr = &cx.settings.config.trends.metrics.mttr;
    let today = cx.settings.today.date;
    let items = || published.iter().flat_map(|i| &i.action_items);
    let days: Vec<NaiveDate> = published.iter().filter_map(|i| i.start_date()).collect();
    Health {
        incidents: published.len(),
        undated: published.len() - days.len(),
        months: months(&published, severities.len()),
        severities,
        repeats_90d: repeats(&days),
        mttr: metric(&published, "MTTR", mttr.points("resolved_at")),
        open_items: items().filter(|a| a.status == ItemStatus::Open).count(),
        overdue_items: items().filter(|a| a.is_overdue(today)).count(),
    }
}

/// Incidents that started within `REPEAT_DAYS` of the one before, of sorted days.
fn repeats(days: &[NaiveDate]) -> usize {
    days.windows(2).filter(|w| (w[1] - w[0]).num_days() <= REPEAT_DAYS).count()
}

/// Whether a post-mortem (in any state) passes the filter.
fn passes(i: &Incident, f: &Filter) -> bool {
    in_range(i.start_date(), f)
        && f.service.as_ref().is_none_or(|s| i.services.iter().any(|x| x.eq_ignore_ascii_case(s)))
}

/// Whether a start day is inside the filter's dates (an unknown one is, unless there are dates).
fn in_range(day: Option<NaiveDate>, f: &Filter) -> bool {
    let within = |bound: Option<NaiveDate>, ok: fn(NaiveDate, NaiveDate) -> bool| match bound {
        None => true,
        Some(b) => day.is_some_and(|d| ok(d, b)),
    };
    within(f.since, |d, b| d >= b) && within(f.until, |d, b| d <= b)
}

/// Monday-to-Friday days after `from`, up to and including `to` (no holidays).
pub fn business_days(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    let (weeks, rest) = (days / 7, days % 7);
    let mut n = weeks * 5;
    let mut d = from;
    for _ in 0..rest {
        d = d.succ_opt().expect("dates of incidents are far from the end of time");
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
    }
    n
}

/// Days from `from` to `to` in the target's unit.
fn days_between(target: PublishTarget, from: NaiveDate, to: NaiveDate) -> i64 {
    match target {
        PublishTarget::BusinessDays(_) => business_days(from, to),
        PublishTarget::Days(_) => (to - from).num_days().max(0),
    }
}

fn publication(all: &[&Incident], cx: &Context) -> Publication {
    let config = &cx.settings.config.trends;
    let target = PublishTarget::parse(&config.publish_within).unwrap_or(PublishTarget::BusinessDays(5));
    let (limit, unit) = match target {
        PublishTarget::BusinessDays(n) => (n, "business days"),
        PublishTarget::Days(n) => (n, "days"),
    };
    let today = cx.settings.today.date;
    let mut rows: Vec<(Option<NaiveDate>, i64, LatePostMortem)> = Vec::new();
    let (mut missing, mut published) = (0, 0);
    let mut awaiting = Vec::new();
    for i in all {
        let Some(resolved) = i.times.resolved.map(|t| t.date_naive()) else {
            missing += usize::from(i.status == Some(Status::Published));
            continue;
        };
        let mut row = LatePostMortem {
            incident: i.meta.id.clone(),
            title: i.meta.title.clone(),
            resolved: resolved.to_string(),
            published: String::new(),
            published_by: "",
            days: 0,
            status: i.status.map_or("", |s| s.name()).to_string(),
            source: i.meta.rel_path.clone(),
        };
        if i.status != Some(Status::Published) {
            row.days = days_between(target, resolved, today);
            if row.days > limit {
                awaiting.push(row);
            }
            continue;
        }
        published += 1;
        let git = || cx.dates.get(&i.meta.rel_path).map(|d| d.created.date_naive());
        let (day, by) = match i.published_on {
            Some(d) => (d, "published_at"),
            None => match git().filter(|&d| d >= resolved) {
                Some(d) => (d, "git"),
                None => {
                    missing += 1;
                    continue;
                }
            },
        };
        row.days = days_between(target, resolved, day);
        row.published = day.to_string();
        row.published_by = by;
        rows.push((i.start_date(), row.days, row));
    }
    let mut by_quarter: BTreeMap<(i32, u32), Vec<i64>> = BTreeMap::new();
    for (start, days, _) in &rows {
        if let Some(d) = start {
            by_quarter.entry((d.year(), (d.month() - 1) / 3 + 1)).or_default().push(*days);
        }
    }
    let stats = |days: &[i64]| {
        let mut v: Vec<f64> = days.iter().map(|&d| d as f64).collect();
        v.sort_by(f64::total_cmp);
        let within = days.iter().filter(|&&d| d <= limit).count();
        (within, percentile(&v, 0.5).map(round2), percentile(&v, 0.9).map(round2))
    };
    let all_days: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let (within, median, p90) = stats(&all_days);
    let mut late: Vec<LatePostMortem> = rows.into_iter().map(|r| r.2).filter(|r| r.days > limit).collect();
    late.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.incident.cmp(&b.incident)));
    awaiting.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.incident.cmp(&b.incident)));
    Publication {
        target: target.describe(),
        unit,
        count: all_days.len(),
        within_target: within,
        within_target_percent: percent(within, all_days.len()),
        median_days: median,
        p90_days: p90,
        quarters: by_quarter
            .into_iter()
            .map(|((y, q), days)| {
                let (within, median, p90) = stats(&days);
                PublicationQuarter {
                    quarter: format!("{y}-Q{q}"),
                    count: days.len(),
                    within_target: within,
                    median_days: median,
                    p90_days: p90,
                }
            })
            .collect(),
        late,
        awaiting,
        missing,
        note: (missing > 0).then(|| {
            format!(
                "{missing} of {published} published post-mortems have no publication day (`published_at`, or git history) on or after resolved_at and are left out"
            )
        }),
    }
}

fn coverage(all: &[&Incident], log: &[&LoggedIncident], settings: &Settings) -> Coverage {
    let scale = &settings.scale;
    let configured = &settings.config.trends.post_mortem_required;
    let ranks: Vec<usize> = if configured.is_empty() {
        (0..scale.levels.len().min(2)).collect()
    } else {
        configured.iter().filter_map(|s| scale.parse(s)).map(|l| l.rank).collect()
    };
    let required = |rank: Option<usize>| rank.is_some_and(|r| ranks.contains(&r));
    let mut counted = 0;
    let mut covered = 0;
    let mut without = Vec::new();
    let mut ids: HashSet<&str> = HashSet::new();
    for i in all {
        ids.insert(i.meta.id.as_str());
        if !required(i.severity_rank) {
            continue;
        }
        counted += 1;
        if i.status == Some(Status::Published) {
            covered += 1;
            continue;
        }
        without.push(Uncovered {
            incident: i.meta.id.clone(),
            title: i.meta.title.clone(),
            severity: i.severity.clone().unwrap_or_default(),
            started: i.start_date().map(|d| d.to_string()).unwrap_or_default(),
            post_mortem: i.status.map_or("", |s| s.name()).to_string(),
            source: i.meta.rel_path.clone(),
        });
    }
    for l in log {
        if !required(Some(l.severity_rank)) || !ids.insert(l.id.as_str()) {
            continue;
        }
        counted += 1;
        without.push(Uncovered {
            incident: l.id.clone(),
            title: l.title.clone(),
            severity: l.severity.clone(),
            started: l.started.map(|d| d.to_string()).unwrap_or_default(),
            post_mortem: "none".into(),
            source: String::new(),
        });
    }
    let rank = |severity: &str| scale.parse(severity).map_or(usize::MAX, |l| l.rank);
    without.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then_with(|| b.started.cmp(&a.started))
            .then_with(|| a.incident.cmp(&b.incident))
    });
    let mut severities: Vec<String> = ranks.iter().map(|&r| scale.levels[r].id.clone()).collect();
    severities.dedup();
    Coverage {
        severities,
        incidents: counted,
        with_post_mortem: covered,
        percent: percent(covered, counted),
        from_log: !settings.config.trends.incident_log.trim().is_empty(),
        without,
    }
}

/// `part` of `whole` in percent, to one decimal.
fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// To a hundredth, so 51 does not print as 51.00000000000001.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
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

fn metric(incidents: &[&Incident], name: &'static str, (from, to): (&str, &str)) -> Metric {
    let mut all = Vec::new();
    let mut by_quarter: BTreeMap<(i32, u32), Vec<f64>> = BTreeMap::new();
    let mut missing = 0;
    for i in incidents {
        let minutes = match (point(&i.times, from), point(&i.times, to)) {
            (Some(a), Some(b)) if b >= a => (b - a).num_seconds() as f64 / 60.0,
            _ => {
                missing += 1;
                continue;
            }
        };
        all.push(minutes);
        // Quarters go by the day the incident started, like every other figure.
        if let Some(day) = i.start_date() {
            by_quarter.entry((day.year(), (day.month() - 1) / 3 + 1)).or_default().push(minutes);
        }
    }
    let lacking = if from == "started_at" { format!("no {to}") } else { format!("no {from} or {to}") };
    let note = (missing > 0).then(|| {
        format!("{missing} of {} incidents have {lacking} (or none after {from}) and are left out", incidents.len())
    });
    Metric {
        name,
        definition: format!("{to} − {from}"),
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
    Summary {
        count: values.len(),
        median_minutes: percentile(&values, 0.5).map(round2),
        p90_minutes: percentile(&values, 0.9).map(round2),
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
        .map(|(name, (n, d))| ServiceCount { name: name.to_string(), incidents: n, repeats_90d: repeats(&d) })
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
    let mut owners: HashMap<&str, OwnerTally> = HashMap::new();
    for i in incidents {
        for a in &i.action_items {
            totals.total += 1;
            let owner = a.owner_name().unwrap_or("(no owner)");
            let row = owners.entry(owner).or_insert_with(|| OwnerTally {
                items: OwnerItems { owner: owner.to_string(), open: 0, overdue: 0, overdue_items: Vec::new() },
                done: 0,
            });
            match a.status {
                ItemStatus::Done => (totals.done, row.done) = (totals.done + 1, row.done + 1),
                ItemStatus::WontDo => totals.wont_do += 1,
                ItemStatus::Open => (totals.open, row.items.open) = (totals.open + 1, row.items.open + 1),
            }
            let Some(due) = a.overdue_since(today) else { continue };
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
