//! The parsed model of the example site and the clean fixture: every accepted
//! style yields the same facts (times, timeline entries, action items).

mod common;

use chrono::NaiveDate;
use debrief::action_item::Status as ItemStatus;
use debrief::check::check;
use debrief::incident::Incident;
use debrief::time::Today;

fn today() -> Today {
    Today::fixed(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn incident<'a>(incidents: &'a [Incident], id: &str) -> &'a Incident {
    incidents.iter().find(|i| i.meta.id == id).unwrap_or_else(|| panic!("no incident {id}"))
}

fn hm(i: &Incident) -> Vec<String> {
    i.timeline.entries.iter().map(|e| e.at.format("%d %H:%M%:z").to_string()).collect()
}

#[test]
fn example_site_parses_every_style() {
    let checked = check(&common::root(), today()).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let site = &checked.site;
    assert_eq!((site.incidents.len(), site.runbooks.len(), site.statuses.len(), site.pages.len()), (4, 3, 5, 1));

    // Seed style: `## Incident Post-Mortem` with `###` sections, `--` timeline, task list.
    let checkout = incident(&site.incidents, "INC-2025-014");
    assert_eq!(checkout.severity.as_deref(), Some("SEV-2"), "P1 is an alias of SEV-2");
    assert_eq!(checkout.meta.slug, "inc-2025-014");
    assert_eq!(hm(checkout).first().map(String::as_str), Some("25 14:15+00:00"));
    assert_eq!(checkout.timeline.entries.len(), 6);
    assert_eq!(checkout.action_items.len(), 4);
    assert_eq!(checkout.action_items[0].status, ItemStatus::Done);
    assert_eq!(checkout.action_items[2].owner.as_ref().unwrap().text, "@delivery");

    // Google SRE book style: DONE/TODO in the Bug column, paragraph timeline after a date line.
    let search = incident(&site.incidents, "INC-2024-031");
    let statuses: Vec<_> = search.action_items.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [ItemStatus::Done, ItemStatus::Open, ItemStatus::Open, ItemStatus::Done, ItemStatus::Open]);
    assert_eq!(search.action_items[1].ticket.as_ref().unwrap().text, "SRCH-5554823");
    assert_eq!(search.timeline.entries.len(), 8);
    assert_eq!(search.timeline.entries[2].text, "OUTAGE BEGINS — search backends start melting down under load");

    // FireHydrant-like: table timeline in BST, Europe/London front matter.
    let ledger = incident(&site.incidents, "INC-2025-022");
    assert_eq!(ledger.times.started.unwrap().to_rfc3339(), "2025-06-12T09:40:00+01:00");
    assert_eq!(hm(ledger)[0], "12 09:40+01:00");
    assert_eq!(ledger.action_items.len(), 4);
    assert_eq!(ledger.related[0].value, "INC-2024-031");

    // incident.io-like: aliased headings (Overview, Customer impact, Follow-ups).
    let email = incident(&site.incidents, "INC-2025-037");
    assert_eq!(email.severity.as_deref(), Some("SEV-4"));
    assert_eq!(email.action_items.iter().filter(|a| a.status.is_closed()).count(), 1);
    assert_eq!(email.timeline.entries.len(), 6);

    let internal = site.statuses.iter().find(|s| s.audience == "internal").unwrap();
    assert_eq!(
        internal.placeholders,
        ["severity", "summary", "commander", "comms_lead", "channel", "status_link", "cadence"]
    );
    let alerts: Vec<_> = site.runbooks.iter().flat_map(|r| r.alerts.iter().map(|a| a.value.as_str())).collect();
    assert!(alerts.contains(&"CheckoutApi5xx"));
}

#[test]
fn clean_fixture_reads_twelve_hour_clocks_and_crlf() {
    let checked = check(&common::fixture("good"), today()).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let site = &checked.site;
    let twelve = incident(&site.incidents, "INC-7");
    assert_eq!(hm(twelve), ["02 23:30+00:00", "02 23:45+00:00", "03 00:20+00:00", "03 01:10+00:00"]);
    assert_eq!(twelve.severity.as_deref(), Some("SEV-3"));
    assert_eq!(twelve.services, ["db"], "a single service may be written without brackets");
    assert_eq!(twelve.root_cause_category.as_deref(), Some("configuration"));
    assert_eq!(twelve.extra.len(), 1, "unknown keys are kept for templates");
    assert_eq!(twelve.action_items[1].status, ItemStatus::Done);
    assert_eq!(twelve.action_items[0].kind.as_ref().unwrap().text, "detection");

    let crlf = incident(&site.incidents, "crlf-bom");
    assert_eq!(crlf.meta.title, "CRLF and BOM: API latency");
    assert_eq!(hm(crlf), ["10 23:40+00:00", "10 23:55+00:00", "11 00:30+00:00"]);
    assert_eq!(crlf.action_items[0].owner.as_ref().unwrap().text, "@platform");
}

/// At the autumn clock change the hour from 01:00 repeats: a time in it is its
/// first occurrence (summer time), in the front matter and in a timeline table
/// with a date column, and the durations run across the change.
#[test]
fn times_across_a_clock_change() {
    let checked = check(&common::fixture("clock-changes"), today()).unwrap();
    let twice = incident(&checked.site.incidents, "INC-32");
    let t = &twice.times;
    assert_eq!(t.started.unwrap().to_rfc3339(), "2025-10-26T01:30:00+01:00");
    assert_eq!(t.acknowledged.unwrap().to_rfc3339(), "2025-10-26T01:45:00+01:00", "`UK time` is Europe/London");
    assert_eq!(t.resolved.unwrap().to_rfc3339(), "2025-10-26T04:00:00+00:00");
    assert_eq!((t.resolved.unwrap() - t.started.unwrap()).num_minutes(), 210);
    assert_eq!(hm(twice), ["26 01:30+01:00", "26 01:40+01:00", "26 04:00+00:00"]);
    // The spring change skips 01:00-02:00: a `started_at` or a timeline entry in it is an error.
    let skipped: Vec<_> =
        checked.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.column, d.code.id())).collect();
    let file = "content/incidents/2025-03-30-skipped-jobs.md";
    assert_eq!(skipped, [(file, 6, 13, "E018"), (file, 27, 3, "E018")]);
}

/// `debrief check` drops each document's timeline and action items once it is
/// checked (`RunOptions::diagnostics_only`): no diagnostic may depend on them
/// after that, on any fixture.
#[test]
fn a_check_that_sheds_the_model_finds_the_same_problems() {
    use debrief::check::{run, RunOptions};
    let fixtures = std::fs::read_dir(common::root().join("tests/fixtures")).unwrap();
    let mut sites: Vec<_> = fixtures.map(|e| e.unwrap().path()).filter(|p| p.join("content").is_dir()).collect();
    sites.push(common::root());
    sites.sort();
    assert!(sites.len() > 15, "only {} sites", sites.len());
    let mut compared = 0;
    for site in &sites {
        let full = run(site, today(), &RunOptions::default());
        let shed = run(site, today(), &RunOptions { diagnostics_only: true, ..RunOptions::default() });
        match (full, shed) {
            (Ok(full), Ok(shed)) => {
                assert_eq!(full.diagnostics, shed.diagnostics, "{}", site.display());
                assert_eq!(full.files_checked, shed.files_checked, "{}", site.display());
                assert!(shed.site.incidents.iter().all(|i| i.action_items.is_empty() && i.timeline.entries.is_empty()));
                compared += 1;
            }
            (Err(_), Err(_)) => {}
            (full, shed) => panic!("{}: {:?} against {:?}", site.display(), full.is_ok(), shed.is_ok()),
        }
    }
    assert!(compared > 15, "only {compared} sites checked");
}
