//! Post-mortems (`content/incidents`): the model and the rules that apply to
//! one post-mortem on its own. Cross-document rules live in `validate`.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::action_item::{self, ActionItem};
use crate::diagnostic::Code;
use crate::document::{Ctx, Meta, Spanned};
use crate::section;
use crate::settings::Settings;
use crate::source::SourceFile;
use crate::text::{fold, quote};
use crate::time::{parse_timestamp, TimestampError, Zone};
use crate::timeline::{self, Timeline};
use crate::yaml::Value;

pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "id",
    "severity",
    "status",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "published_at",
    "timezone",
    "services",
    "detected_by",
    "root_cause",
    "runbooks",
    "related",
    "tags",
    "commander",
    "comms_lead",
];

const ROOT_CAUSE_KEYS: &[&str] = &["category", "commits", "summary"];
pub const DETECTED_BY: &[&str] = &["alert", "user-report", "synthetic", "dashboard", "other"];
pub const CATEGORIES: &[&str] =
    &["code", "configuration", "infrastructure", "data", "deployment", "dependency", "unknown"];
/// The lifecycle timestamps, in the order they must follow.
pub const TIMESTAMP_KEYS: &[&str] = &["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Published,
}

impl Status {
    /// As written in front matter: `draft`, `in-review`, `published`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in-review",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match fold(s).as_str() {
            "draft" => Some(Status::Draft),
            "in review" | "inreview" | "review" => Some(Status::InReview),
            "published" | "final" => Some(Status::Published),
            _ => None,
        }
    }
}

/// The lifecycle times of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Times {
    pub started: Option<DateTime<FixedOffset>>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub acknowledged: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub meta: Meta,
    /// The severity level's id (`SEV-2`), normalised through the scale.
    pub severity: Option<String>,
    pub severity_rank: Option<usize>,
    pub status: Option<Status>,
    pub times: Times,
    /// The day the post-mortem was published (`published_at`), if written.
    pub published_on: Option<NaiveDate>,
    pub zone: Zone,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub detected_by: Option<String>,
    pub root_cause_category: Option<String>,
    pub commits: Vec<Spanned>,
    /// Commit-like ids written in the Root cause section (resolved quietly by `git`).
    pub root_cause_ids: Vec<String>,
    pub runbooks: Vec<Spanned>,
    pub related: Vec<Spanned>,
    pub commander: Option<String>,
    pub comms_lead: Option<String>,
    /// Keys debrief does not know, kept for templates.
    pub extra: Vec<(String, Value)>,
    pub timeline: Timeline,
    pub action_items: Vec<ActionItem>,
    /// File offsets of the Action items section's content, which the site
    /// replaces with a table of the parsed items.
    pub action_items_range: Option<std::ops::Range<usize>>,
}

impl Incident {
    pub fn is_draft(&self) -> bool {
        self.status == Some(Status::Draft)
    }

    /// The day it started, as written: in the offset of `started_at` (which,
    /// for a time written without one, is the post-mortem's or the site's
    /// zone). `23:30-05:00` on 31 December is 31 December, wherever the site is.
    /// Months, years and quarters of the site and the trends all use this.
    pub fn start_date(&self) -> Option<chrono::NaiveDate> {
        self.times.started.map(|t| t.date_naive())
    }
}

/// Reads one post-mortem and applies the single-document rules.
pub fn parse(ctx: &mut Ctx, file: &SourceFile, s: &Settings) -> Incident {
    let meta = ctx.meta(file);
    let (severity, severity_rank) = severity(ctx, s);
    let status = status(ctx);
    let zone = zone(ctx, s);
    let times = times(ctx, zone);
    if status == Some(Status::Published) && times.resolved.is_none() && ctx.text("resolved_at").is_none() {
        let span = ctx.key_span("status");
        ctx.report(
            span,
            Code::ResolvedMissing,
            "this post-mortem is published but has no `resolved_at`".into(),
            "add `resolved_at:` with the time the incident was resolved",
        );
    }
    let published_on = published_on(ctx, zone, &times);
    let detected_by = one_of(ctx, "detected_by", DETECTED_BY);
    let root_cause_category = root_cause(ctx);
    let commits = commits(ctx);
    let mut extra = ctx.unknown_keys("", KNOWN_KEYS);
    extra.retain(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()));
    let mut incident = Incident {
        meta,
        severity,
        severity_rank,
        status,
        times,
        published_on,
        zone,
        services: ctx.texts("services"),
        tags: ctx.texts("tags"),
        detected_by,
        root_cause_category,
        commits,
        root_cause_ids: Vec::new(),
        runbooks: ctx.list("runbooks"),
        related: ctx.list("related"),
        commander: ctx.text("commander"),
        comms_lead: ctx.text("comms_lead"),
        extra,
        timeline: Timeline::default(),
        action_items: Vec::new(),
        action_items_range: None,
    };
    body(ctx, s, &mut incident);
    incident
}

fn severity(ctx: &mut Ctx, s: &Settings) -> (Option<String>, Option<usize>) {
    let level = ctx.required("severity", "post-mortem", "severity: SEV-2").and_then(|v| ctx.severity(v, &s.scale));
    (level.map(|l| l.id.clone()), level.map(|l| l.rank))
}

fn status(ctx: &mut Ctx) -> Option<Status> {
    let st = ctx.required("status", "post-mortem", "status: draft")?;
    let parsed = Status::parse(&st.value);
    if parsed.is_none() {
        ctx.report(
            st.span,
            Code::StatusUnknown,
            format!("`{}` is not a post-mortem status", quote(&st.value, 30)),
            "use draft, in-review or published",
        );
    }
    parsed
}

fn zone(ctx: &mut Ctx, s: &Settings) -> Zone {
    let Some(tz) = ctx.spanned_text("timezone") else {
        return s.zone;
    };
    Zone::parse(&tz.value).unwrap_or_else(|| {
        ctx.report(
            tz.span,
            Code::TimezoneUnknown,
            format!("`{}` is not a time zone", quote(&tz.value, 40)),
            "use an IANA name such as Europe/London, an offset such as +01:00, or UTC",
        );
        s.zone
    })
}

fn times(ctx: &mut Ctx, zone: Zone) -> Times {
    let mut parsed: Vec<(&str, Option<DateTime<FixedOffset>>)> = Vec::new();
    for &key in TIMESTAMP_KEYS {
        let value = if key == "started_at" {
            ctx.required(key, "post-mortem", "started_at: 2025-03-25 14:15")
        } else {
            ctx.spanned_text(key)
        };
        let t = value.and_then(|v| match parse_timestamp(&v.value, zone) {
            Ok(t) => Some(t),
            Err(e) => {
                let message = if e == TimestampError::Gap {
                    format!("`{key}` names a local time that does not exist: `{}`", quote(&v.value, 40))
                } else {
                    format!("`{key}` is not a timestamp debrief can read: `{}`", quote(&v.value, 40))
                };
                let (code, help) = match e {
                    TimestampError::DateOnly => {
                        (Code::TimestampInvalid, format!("add the time of day: `{key}: {} 14:15`", v.value.trim()))
                    }
                    TimestampError::Zone(z) => (
                        Code::TimezoneUnknown,
                        format!("`{z}` is not a time zone: use UTC, an offset such as +01:00, or an IANA name"),
                    ),
                    TimestampError::Gap => (
                        Code::TimestampInvalid,
                        "that local time does not exist (a daylight-saving change skips it): check the hour"
                            .to_string(),
                    ),
                    TimestampError::Format => (
                        Code::TimestampInvalid,
                        "write RFC 3339 (2025-03-25T14:15:00Z) or `YYYY-MM-DD HH:MM`".to_string(),
                    ),
                };
                ctx.report(v.span, code, message, help);
                None
            }
        });
        parsed.push((key, t));
    }
    let mut latest: Option<(&str, DateTime<FixedOffset>)> = None;
    for &(key, t) in &parsed {
        let Some(t) = t else { continue };
        if let Some((prev_key, prev)) = latest {
            if t < prev {
                let span = ctx.value_span(key);
                ctx.report(
                    span,
                    Code::TimestampsOutOfOrder,
                    format!(
                        "`{key}` ({}) is before `{prev_key}` ({})",
                        t.format("%Y-%m-%d %H:%M %:z"),
                        prev.format("%Y-%m-%d %H:%M %:z")
                    ),
                    "check both times: started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved",
                );
                continue;
            }
        }
        latest = Some((key, t));
    }
    let get = |k: &str| parsed.iter().find(|(key, _)| *key == k).and_then(|(_, t)| *t);
    Times {
        started: get("started_at"),
        detected: get("detected_at"),
        acknowledged: get("acknowledged_at"),
        mitigated: get("mitigated_at"),
        resolved: get("resolved_at"),
    }
}

/// `published_at`: a date, or a timestamp read as the day it names; not
/// before the incident was resolved.
fn published_on(ctx: &mut Ctx, zone: Zone, times: &Times) -> Option<NaiveDate> {
    let v = ctx.spanned_text("published_at")?;
    let day =
        crate::time::parse_date(&v.value).or_else(|| parse_timestamp(&v.value, zone).ok().map(|t| t.date_naive()));
    let Some(day) = day else {
        ctx.report(
            v.span,
            Code::DateInvalid,
            format!("`published_at` is `{}`, not a date", quote(&v.value, 30)),
            "write the day the post-mortem was published as YYYY-MM-DD",
        );
        return None;
    };
    if let Some(resolved) = times.resolved.filter(|r| r.date_naive() > day) {
        ctx.report(
            v.span,
            Code::TimestampsOutOfOrder,
            format!("`published_at` ({day}) is before `resolved_at` ({})", resolved.date_naive()),
            "check both: a post-mortem is published after the incident is resolved",
        );
        return None;
    }
    Some(day)
}

fn one_of(ctx: &mut Ctx, key: &str, allowed: &'static [&'static str]) -> Option<String> {
    let v = ctx.spanned_text(key)?;
    ctx.one_of(v, key, allowed, Code::EnumValueUnknown).map(str::to_string)
}

fn root_cause(ctx: &mut Ctx) -> Option<String> {
    match ctx.root.get("root_cause") {
        None | Some(Value::Null) => None,
        Some(Value::Map(_)) => {
            ctx.unknown_keys("root_cause", ROOT_CAUSE_KEYS);
            one_of(ctx, "root_cause.category", CATEGORIES)
        }
        Some(other) => {
            let shape = other.shape();
            let span = ctx.value_span("root_cause");
            ctx.report(
                span,
                Code::KeyWrongType,
                format!("`root_cause` is {shape}, but a mapping is expected"),
                "write `root_cause:` and, indented below it, `category: code` (and optionally `commits: [abc1234]`)",
            );
            None
        }
    }
}

fn commits(ctx: &mut Ctx) -> Vec<Spanned> {
    if !matches!(ctx.root.get("root_cause"), Some(Value::Map(_))) {
        return Vec::new();
    }
    let commits = ctx.list("root_cause.commits");
    for c in &commits {
        let sha = c.value.rsplit_once('@').map_or(c.value.as_str(), |(_, sha)| sha);
        if !is_commit_id(sha) {
            ctx.report(
                c.span.clone(),
                Code::CommitInvalid,
                format!("`{}` is not a commit id", quote(&c.value, 50)),
                "write 7 to 40 hex digits, optionally as `repo@sha` for a repo named in debrief.yml",
            );
        }
    }
    commits
}

/// 7 to 40 hex digits.
pub fn is_commit_id(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.chars().all(|ch| ch.is_ascii_hexdigit())
}

fn body(ctx: &mut Ctx, s: &Settings, incident: &mut Incident) {
    let sections = ctx.body.sections();
    let names = &s.incident_sections;
    let summary = names.find(&sections, "Summary");
    incident.meta.summary = ctx.first_paragraph(summary);
    ctx.required_sections(&sections, names, &s.config.incidents.required_sections, "post-mortem", |display| {
        format!("write the {display} section, or replace the template text (TBD, <…>) with real content")
    });
    if let Some(sec) = names.find(&sections, "Root cause") {
        let range = ctx.section_content(sec);
        let mut ids: Vec<String> =
            crate::git::commit_ids_in(&ctx.loc.text[range]).into_iter().map(str::to_string).collect();
        ids.dedup();
        incident.root_cause_ids = ids;
    }
    if let Some(sec) = names.find(&sections, "Timeline") {
        let blocks = &ctx.body.blocks[sec.blocks.clone()];
        incident.timeline = timeline::parse(&sec.title, blocks, incident.times.started, incident.zone);
        if incident.timeline.entries.is_empty() && !section::is_empty(&ctx.body, sec) {
            let span = ctx.heading_span(sec);
            ctx.report(
                span,
                Code::TimelineUnparsed,
                "no timeline entry starts with a time debrief can read".into(),
                "start each entry with a time, as in `- 14:15 — alert fired` or a | Time | Event | table",
            );
        }
        for &(offset, zone) in &incident.timeline.skipped {
            let span = ctx.offset_span(offset, 5);
            ctx.report(
                span,
                Code::TimestampInvalid,
                format!("this entry's time does not exist in {}: a daylight-saving change skips it", zone.name()),
                "check the hour, or write the entry in UTC (`01:30 UTC`)",
            );
        }
        for &i in &incident.timeline.backwards {
            let e = &incident.timeline.entries[i];
            let prev = &incident.timeline.entries[i - 1];
            let span = ctx.offset_span(e.offset, 5);
            ctx.report(
                span,
                Code::TimelineOutOfOrder,
                format!(
                    "this entry ({}) is earlier than the one before it ({})",
                    e.at.format("%H:%M"),
                    prev.at.format("%H:%M")
                ),
                "put the entries in time order, or write the date (2025-03-26 00:10) when the timeline crosses a day",
            );
        }
    }
    if let Some(sec) = names.find(&sections, "Action items") {
        let blocks = &ctx.body.blocks[sec.blocks.clone()];
        incident.action_items = action_item::parse(blocks, &s.config.action_items.types).items;
        if !incident.action_items.is_empty() {
            incident.action_items_range = Some(ctx.section_content(sec));
        }
        if incident.action_items.is_empty() && !section::is_empty(&ctx.body, sec) {
            let span = ctx.heading_span(sec);
            ctx.report(span, Code::ActionItemsUnparsed, "the action items section has no table or list of items".into(), "write items as a | Item | Owner | Due | Type | table or as `- [ ] item (owner: @team, due: YYYY-MM-DD, type: prevent)`");
        }
        let started = incident.start_date();
        for item in &incident.action_items {
            check_action_item(ctx, s, item, started);
        }
    }
    if s.config.incidents.blameless {
        blame(ctx, s);
    }
}

fn check_action_item(ctx: &mut Ctx, s: &Settings, item: &ActionItem, started: Option<NaiveDate>) {
    let required = &s.config.action_items.required;
    let needs = |f: &str| required.iter().any(|r| r == f);
    // Most items have no problem: the message's label and the item's
    // position (a line scan, two strings) are made only for a report.
    let says = |what: &str| format!("action item \"{}\" {what}", quote(&item.text, 50));
    let item_span = |ctx: &Ctx| ctx.offset_span(item.offset, item.text.chars().count().min(60));
    let missing = |f: &Option<action_item::Field>| f.as_ref().is_none_or(|f| f.text.trim().is_empty());
    if needs("owner") {
        match &item.owner {
            Some(o) if !o.text.trim().is_empty() && action_item::is_placeholder_owner(&o.text) => {
                let span = ctx.offset_span(o.offset, o.text.chars().count());
                ctx.report(
                    span,
                    Code::ActionItemMissingOwner,
                    says(&format!("has only a placeholder owner `{}`", quote(&o.text, 20))),
                    "name the team or @handle who will do it",
                );
            }
            o if missing(o) => ctx.report(
                item_span(ctx),
                Code::ActionItemMissingOwner,
                says("has no owner"),
                "add an owner (a team or @handle), as an Owner column or `owner: @team`",
            ),
            _ => {}
        }
    }
    match &item.due {
        Some(d) if !d.text.trim().is_empty() => match item.due_date() {
            Some(date) => {
                if let Some(start) = started.filter(|st| date < *st) {
                    let span = ctx.offset_span(d.offset, d.text.chars().count());
                    ctx.report(
                        span,
                        Code::ActionItemDueBeforeStart,
                        says(&format!("is due {date}, before the incident started ({start})")),
                        "set a due date after the incident",
                    );
                }
            }
            None => {
                let span = ctx.offset_span(d.offset, d.text.chars().count());
                ctx.report(
                    span,
                    Code::ActionItemBadDue,
                    says(&format!("has due date `{}`, which is not a calendar date", quote(&d.text, 20))),
                    "write a real date as YYYY-MM-DD",
                );
            }
        },
        d if needs("due") && missing(d) => ctx.report(
            item_span(ctx),
            Code::ActionItemMissingDue,
            says("has no due date"),
            "add a due date as YYYY-MM-DD, as a Due column or `due: 2025-04-01`",
        ),
        _ => {}
    }
    let types = &s.config.action_items.types;
    match &item.kind {
        Some(k) if !k.text.trim().is_empty() && action_item::match_type(&k.text, types).is_none() => {
            let span = ctx.offset_span(k.offset, k.text.chars().count());
            ctx.report(
                span,
                Code::ActionItemBadType,
                says(&format!("has type `{}`", quote(&k.text, 30))),
                format!("use one of: {}", types.join(", ")),
            );
        }
        Some(k) if !k.text.trim().is_empty() => {}
        k if needs("type") && missing(k) => ctx.report(
            item_span(ctx),
            Code::ActionItemMissingType,
            says("has no type"),
            format!("add a type ({}), as a Type column or `type: prevent`", types.join(", ")),
        ),
        _ => {}
    }
    if needs("ticket") && missing(&item.ticket) {
        ctx.report(
            item_span(ctx),
            Code::ActionItemMissingTicket,
            says("has no ticket"),
            "link the ticket that tracks it, as a Ticket column or `ticket: OPS-123`",
        );
    }
    if action_item::is_vague(&item.text, &s.vague_phrases) {
        ctx.report(
            item_span(ctx),
            Code::ActionItemVague,
            says("is too vague to verify"),
            "say what will change and how you will know it is done, e.g. \"Alert when checkout 5xx > 2% for 5 min\"",
        );
    }
}

fn blame(ctx: &mut Ctx, s: &Settings) {
    // The phrases borrow from the settings, not from `ctx`, which is reported into.
    for (offset, phrase) in s.blame.find_in(ctx.loc.text, &ctx.body.prose) {
        let span = ctx.offset_span(offset, phrase.chars().count());
        ctx.report(
            span,
            Code::BlameLanguage,
            format!("\"{phrase}\" blames a person"),
            "name the missing guardrail or the system condition instead (post-mortems are blameless)",
        );
    }
}
