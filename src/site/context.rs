//! The typed template contexts: one struct per page kind, plus the small
//! pieces they share. Templates get exactly these fields and nothing else;
//! every link is computed here, relative to the page it appears on.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::Serialize;

pub use super::pager::Pager;
use crate::render::{Rendered, TocEntry};

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub text: String,
    pub href: String,
}

/// When a page was created and last changed, from git.
#[derive(Debug, Clone, Serialize)]
pub struct Dates {
    pub created: String,
    pub updated: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitView {
    pub repo: String,
    pub sha: String,
    pub short: String,
    pub subject: String,
    pub date: String,
    pub iso: String,
    pub url: Option<String>,
    pub files_changed: usize,
    pub paths: Vec<String>,
    /// Only with `show_commit_authors: true`.
    pub author: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub kind: &'static str,
    pub repo: String,
    pub short: String,
    pub title: String,
    pub date: String,
    pub iso: String,
    pub url: Option<String>,
    pub root_cause: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub text: &'static str,
    pub href: String,
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub site_title: String,
    pub title: String,
    pub description: String,
    pub home: String,
    pub css: String,
    pub favicon: String,
    pub js: String,
    pub nav: Vec<NavLink>,
    /// Absolute URL of this page when `base_url` is absolute, for `<link rel=canonical>`.
    pub canonical: Option<String>,
    pub feed: String,
    pub today: String,
    /// The site root, relative to this page (`""`, `../../`): search results link from it.
    pub root: String,
    /// The search page.
    pub search: String,
    pub search_js: String,
    /// False where the page has a search box of its own (home, search).
    pub header_search: bool,
}

/// `/search/`: the box, filters and results are filled in by `static/search.js`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub layout: Layout,
    /// The indexes to browse instead, for readers without JS.
    pub browse: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Severity {
    pub id: String,
    /// CSS class: `sev-1` … `sev-4`, or `sev-other`.
    pub class: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub href: String,
    pub severity: Option<Severity>,
    pub services: Vec<Link>,
    pub date: String,
    pub year: i32,
    pub duration: Option<String>,
    pub status: String,
    pub open_items: usize,
    pub overdue_items: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunbookRow {
    pub title: String,
    pub href: String,
    pub service: String,
    pub owner: String,
    pub alerts: Vec<Link>,
    pub stale: bool,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group<T: Row> {
    pub name: String,
    pub href: Option<String>,
    pub items: Rows<T>,
    /// Rows left out of `items` (the home page shows a few per service): `href` lists them all.
    pub more: usize,
}

/// What a template row can be: plain owned data.
pub trait Row: Serialize + std::fmt::Debug + Send + Sync + 'static {}
impl<T: Serialize + std::fmt::Debug + Send + Sync + 'static> Row for T {}

/// A list of rows that templates see one row at a time. Turning a whole
/// 100,000-row list into template values at once held all of them (hundreds
/// of MB for one page); a row's values now live only while it is rendered.
#[derive(Debug)]
pub struct Rows<T: Row>(Arc<RowSeq<T>>);

impl<T: Row> Clone for Rows<T> {
    fn clone(&self) -> Self {
        Rows(self.0.clone())
    }
}

#[derive(Debug)]
struct RowSeq<T>(Vec<T>);

impl<T: Row> Rows<T> {
    pub fn is_empty(&self) -> bool {
        self.0 .0.is_empty()
    }
}

impl<T: Row> From<Vec<T>> for Rows<T> {
    fn from(rows: Vec<T>) -> Self {
        Rows(Arc::new(RowSeq(rows)))
    }
}

impl<T: Row> FromIterator<T> for Rows<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Rows::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T: Row> Object for RowSeq<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?).map(Value::from_serialize)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

/// Serialised as a lazy template sequence: minijinja keeps a `Value` met
/// inside `Value::from_serialize` as it is.
impl<T: Row> Serialize for Rows<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from_dyn_object(self.0.clone()).serialize(serializer)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterLink {
    pub text: String,
    pub href: String,
    pub count: usize,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Filters {
    pub all: String,
    pub severities: Vec<FilterLink>,
    pub services: Vec<FilterLink>,
    pub years: Vec<FilterLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomePage {
    pub layout: Layout,
    pub incidents_href: String,
    pub action_items_href: String,
    pub runbooks_href: String,
    pub alerts_href: String,
    pub status_href: String,
    pub incident_count: usize,
    pub open_items: usize,
    pub overdue_items: usize,
    pub stale_runbooks: usize,
    pub latest: Vec<IncidentRow>,
    pub runbook_groups: Vec<Group<RunbookRow>>,
    pub statuses: Vec<StatusRow>,
    pub pages: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentListPage {
    pub layout: Layout,
    pub heading: String,
    pub filters: Filters,
    pub years: Vec<Group<IncidentRow>>,
    /// Post-mortems in the whole list, on every page.
    pub count: usize,
    pub pager: Option<Pager>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeRow {
    pub label: &'static str,
    pub value: String,
    pub iso: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DurationRow {
    pub label: &'static str,
    pub abbr: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionItemRow {
    pub text: String,
    pub owner: String,
    pub due: String,
    pub kind: String,
    pub status: &'static str,
    pub overdue: bool,
    pub ticket: Option<Link>,
}

/// A similar past incident, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarView {
    pub link: Link,
    pub id: String,
    pub date: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentPage<'a> {
    pub layout: Layout,
    pub id: String,
    pub title: String,
    pub severity: Option<Severity>,
    pub status: String,
    pub services: Vec<Link>,
    pub tags: Vec<Link>,
    pub detected_by: Option<String>,
    pub root_cause_category: Option<String>,
    pub commander: Option<String>,
    pub comms_lead: Option<String>,
    pub times: Vec<TimeRow>,
    pub durations: Vec<DurationRow>,
    /// Borrowed, unless commit ids in the text were turned into links.
    pub body: std::borrow::Cow<'a, Rendered>,
    pub toc: Vec<TocEntry>,
    pub action_items: Vec<ActionItemRow>,
    pub open_items: usize,
    pub overdue_items: usize,
    pub runbooks: Vec<Link>,
    pub related: Vec<Link>,
    pub similar: Vec<SimilarView>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub source: String,
    pub dates: Option<Dates>,
    pub commits: Vec<CommitView>,
    pub changes: Vec<ChangeView>,
    pub changes_more: usize,
    pub change_window: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunbookListPage {
    pub layout: Layout,
    pub groups: Vec<Group<RunbookRow>>,
    pub count: usize,
    pub stale: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunbookPage<'a> {
    pub layout: Layout,
    pub title: String,
    pub service: Link,
    pub owner: String,
    pub severity: Option<Severity>,
    pub alerts: Vec<Link>,
    pub last_reviewed: Option<String>,
    pub stale: bool,
    pub review_every: String,
    pub body: std::borrow::Cow<'a, Rendered>,
    pub toc: Vec<TocEntry>,
    pub used_by: Vec<IncidentRow>,
    pub source: String,
    pub dates: Option<Dates>,
    /// For a runbook without `last_reviewed`: the date of its last change, when that is too old.
    pub stale_since: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    pub name: String,
    pub href: String,
    pub runbook: Link,
    pub service: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertListPage {
    pub layout: Layout,
    pub alerts: Vec<AlertRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertPage {
    pub layout: Layout,
    pub name: String,
    pub runbook: Link,
    pub service: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub title: String,
    pub href: String,
    pub phase: String,
    pub audience: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusTemplateView {
    pub id: String,
    pub title: String,
    pub href: String,
    pub phase: String,
    pub audience: String,
    pub channel: Option<String>,
    pub text: String,
    pub placeholders: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cadence {
    pub severity: Severity,
    pub every: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseGroup {
    pub phase: String,
    pub title: String,
    pub audiences: Vec<Group<StatusTemplateView>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusListPage {
    pub layout: Layout,
    pub phases: Vec<PhaseGroup>,
    pub cadence: Vec<Cadence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusPage {
    pub layout: Layout,
    pub template: StatusTemplateView,
    pub dates: Option<Dates>,
    pub cadence: Vec<Cadence>,
    pub index_href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermListPage {
    pub layout: Layout,
    pub kind: &'static str,
    pub terms: Vec<FilterLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermPage {
    pub layout: Layout,
    pub kind: &'static str,
    pub name: String,
    /// This page's post-mortems, of `count` in all.
    pub incidents: Rows<IncidentRow>,
    pub count: usize,
    pub pager: Option<Pager>,
    /// The first page only, like the health card.
    pub runbooks: Vec<RunbookRow>,
    /// Services only: the health card.
    pub health: Option<ServiceHealth>,
}

/// A service's health card, from its published post-mortems.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceHealth {
    pub incidents: usize,
    pub repeats: usize,
    /// Median and p90 time to resolve, written out (`1 h 5 min`), when any resolved.
    pub mttr_median: Option<String>,
    pub mttr_p90: Option<String>,
    pub mttr_count: usize,
    pub open_items: usize,
    pub overdue_items: usize,
    /// Incidents per month by severity, as on `/trends/`.
    pub chart: Option<ChartView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreePage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub body: std::borrow::Cow<'a, Rendered>,
    pub toc: Vec<TocEntry>,
    pub dates: Option<Dates>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotFoundPage {
    pub layout: Layout,
    pub incidents_href: String,
    pub runbooks_href: String,
    pub alerts_href: String,
}

/// One chart of `/trends/`, with the table of its numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    /// What it measures, in words (the definition in use, for durations).
    pub caption: String,
    /// Inline SVG made by `chart` (its text escaped there).
    pub svg: String,
    /// What was left out, and why.
    pub note: Option<String>,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceTrendRow {
    pub service: Link,
    pub incidents: usize,
    pub repeats: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerRow {
    pub owner: String,
    pub open: usize,
    pub overdue: usize,
}

/// `/trends/`.
#[derive(Debug, Clone, Serialize)]
pub struct TrendsPage {
    pub layout: Layout,
    pub incidents: usize,
    pub undated: usize,
    /// The duration metrics as defined in `debrief.yml` (or by default).
    pub definitions: Vec<MetricDefinition>,
    pub charts: Vec<ChartView>,
    pub publication: PublicationView,
    pub coverage: CoverageView,
    pub services: Vec<ServiceTrendRow>,
    pub items: crate::trends::ItemTotals,
    pub owners: Vec<OwnerRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricDefinition {
    pub name: &'static str,
    pub from: String,
    pub to: String,
}

/// Time to publish post-mortems, against the target.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationView {
    pub target: String,
    pub unit: &'static str,
    pub count: usize,
    pub within_target: usize,
    /// `60%`, or empty when nothing was published.
    pub percent: String,
    pub chart: ChartView,
    pub late: Vec<PostMortemRow>,
    pub awaiting: Vec<PostMortemRow>,
}

/// A post-mortem in a list of ones to chase: late, awaiting, or missing.
#[derive(Debug, Clone, Serialize)]
pub struct PostMortemRow {
    pub id: String,
    /// To its page, when the page is built (drafts are not, without `--drafts`).
    pub link: Option<Link>,
    pub title: String,
    /// The source file, for one with no page.
    pub source: String,
    pub severity: String,
    pub state: String,
    /// `resolved 2025-04-01, published 2025-04-15`: the dates that matter for its list.
    pub when: String,
    pub days: String,
}

/// The share of severe incidents with a published post-mortem.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageView {
    pub severities: String,
    pub incidents: usize,
    pub with_post_mortem: usize,
    pub percent: String,
    pub from_log: bool,
    pub without: Vec<PostMortemRow>,
}

/// One row of `/action-items/`.
#[derive(Debug, Clone, Serialize)]
pub struct AllItemsRow {
    pub item: ActionItemRow,
    pub incident: Link,
    pub incident_id: String,
    /// `overdue`, `open`, `done` or `wont-do`: what the status filter matches.
    pub state: &'static str,
    /// `2025-04`, or empty without a due date or filters (`ActionItemsPage.filters`).
    pub due_month: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerCount {
    pub owner: String,
    /// Their list of items (empty for items with no owner).
    pub href: String,
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
}

/// `/action-items/`.
#[derive(Debug, Clone, Serialize)]
pub struct ActionItemsPage {
    pub layout: Layout,
    /// `Action items`, `Overdue action items`, `Action items of @sre`.
    pub heading: String,
    /// The first page of every item: it shows the totals by owner.
    pub overview: bool,
    /// Items in this list, on all of its pages.
    pub count: usize,
    /// Items on this page: fewer than `count` on a page of a longer list.
    pub shown: usize,
    pub items: Rows<AllItemsRow>,
    /// On the overview only.
    pub owners: Vec<OwnerCount>,
    /// Every item, then one link per state, with counts; the current list is marked.
    pub states: Vec<FilterLink>,
    /// Every item is on this one page, so the filters in the browser see them all.
    pub filters: bool,
    pub kinds: Vec<String>,
    pub months: Vec<String>,
    pub totals: crate::trends::ItemTotals,
    pub calendar: String,
    pub pager: Option<Pager>,
}
