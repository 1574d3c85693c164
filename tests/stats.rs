//! `debrief stats` on a fixture whose figures were worked out by hand
//! (tests/fixtures/trends: five published post-mortems across a year end and
//! time zones, one without detected_at, a draft and an in-review one left out).

mod common;

use common::*;
use serde_json::{json, Value};

const TODAY: &str = "2025-06-30";

fn stats(extra: &[&str]) -> std::process::Output {
    let site = fixture("trends");
    let mut args = vec!["stats", site.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    debrief(&args)
}

fn stats_json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let o = stats(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn metric<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["durations"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()
}

#[test]
fn months_follow_each_post_mortems_own_offset_across_the_year_end() {
    let v = stats_json(&[]);
    assert_eq!(v["incidents"], 5, "drafts and in-review post-mortems are left out");
    assert_eq!(v["severities"], json!(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]));
    // 23:30-05:00 on 31 December is December; 00:30 in Tokyo on 1 January is January.
    assert_eq!(
        v["months"],
        json!([
            {"month": "2024-12", "counts": [1, 0, 0, 0], "total": 1},
            {"month": "2025-01", "counts": [0, 1, 0, 0], "total": 1},
            {"month": "2025-02", "counts": [0, 1, 0, 0], "total": 1},
            {"month": "2025-03", "counts": [0, 0, 1, 0], "total": 1},
            {"month": "2025-04", "counts": [0, 0, 0, 1], "total": 1},
        ])
    );
}

#[test]
fn durations_are_medians_and_p90s_that_leave_out_missing_timestamps() {
    let v = stats_json(&[]);
    // Detected after: 10, 30, 5, 60 min (INC-3 has none): sorted 5 10 30 60.
    let mttd = metric(&v, "MTTD");
    assert_eq!(mttd["definition"], "detected_at − started_at");
    assert_eq!(mttd["overall"], json!({"count": 4, "median_minutes": 20.0, "p90_minutes": 51.0}));
    assert_eq!(mttd["missing"], 1);
    assert!(mttd["note"].as_str().unwrap().starts_with("1 of 5 incidents have no detected_at"));
    assert_eq!(
        mttd["quarters"],
        json!([
            {"quarter": "2024-Q4", "count": 1, "median_minutes": 10.0, "p90_minutes": 10.0},
            {"quarter": "2025-Q1", "count": 2, "median_minutes": 17.5, "p90_minutes": 27.5},
            {"quarter": "2025-Q2", "count": 1, "median_minutes": 60.0, "p90_minutes": 60.0},
        ])
    );
    // Resolved after: 120, 180, 60, 30, 600 min.
    let mttr = metric(&v, "MTTR");
    assert_eq!(mttr["overall"], json!({"count": 5, "median_minutes": 120.0, "p90_minutes": 432.0}));
    assert_eq!(
        mttr["quarters"][1],
        json!({"quarter": "2025-Q1", "count": 3, "median_minutes": 60.0, "p90_minutes": 156.0})
    );
    assert_eq!(mttr["missing"], 0);
    assert_eq!(mttr["note"], Value::Null);
    let mtta = metric(&v, "MTTA");
    assert_eq!(mtta["overall"], json!({"count": 5, "median_minutes": 20.0, "p90_minutes": 58.0}));
}

#[test]
fn causes_detection_services_and_action_items() {
    let v = stats_json(&[]);
    assert_eq!(
        v["root_causes"],
        json!([{"name": "configuration", "count": 2}, {"name": "deployment", "count": 2}, {"name": "unknown", "count": 1}])
    );
    assert_eq!(
        v["detected_by"],
        json!([{"name": "alert", "count": 3}, {"name": "dashboard", "count": 1}, {"name": "user-report", "count": 1}])
    );
    // api: 31 Dec, 1 Jan (+1 d), 31 Mar (+89 d), 1 Apr (+1 d); db: 1 Jan, 15 Feb (+45 d).
    assert_eq!(
        v["services"],
        json!([{"name": "api", "incidents": 4, "repeats_90d": 3}, {"name": "db", "incidents": 2, "repeats_90d": 1}])
    );
    assert_eq!(v["action_items"], json!({"total": 6, "open": 3, "overdue": 2, "done": 3, "wont_do": 0}));
    let api = &v["owners"][0];
    assert_eq!(
        (api["owner"].as_str(), api["open"].as_u64(), api["overdue"].as_u64()),
        (Some("@api"), Some(2), Some(2))
    );
    let days: Vec<i64> =
        api["overdue_items"].as_array().unwrap().iter().map(|i| i["days_overdue"].as_i64().unwrap()).collect();
    assert_eq!(days, [166, 121], "most overdue first");
    assert_eq!(v["owners"][1]["owner"], "@db");
}

#[test]
fn publication_is_counted_in_business_days_from_resolution() {
    let p = stats_json(&[])["publication"].clone();
    // resolved → published_at, Monday to Friday after the day of resolution:
    // INC-1 Wed 1 Jan (New York) → Wed 8 Jan: 5; INC-2 Wed 1 Jan (Tokyo) → Mon 13 Jan: 8;
    // INC-3 Sat 15 Feb → Mon 17 Feb: 1; INC-4 Mon 31 Mar → Fri 4 Apr: 4;
    // INC-5 Tue 1 Apr → Tue 15 Apr: 10. Sorted 1 4 5 8 10: median 5, p90 8 + 0.6 × 2.
    assert_eq!(p["target"], "5 business days");
    assert_eq!((p["count"].clone(), p["within_target"].clone()), (json!(5), json!(3)));
    assert_eq!(p["within_target_percent"], 60.0);
    assert_eq!((p["median_days"].clone(), p["p90_days"].clone()), (json!(5.0), json!(9.2)));
    assert_eq!(
        p["quarters"][1],
        json!({"quarter": "2025-Q1", "count": 3, "within_target": 2, "median_days": 4.0, "p90_days": 7.2})
    );
    let late: Vec<(&str, i64)> = p["late"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["incident"].as_str().unwrap(), l["days"].as_i64().unwrap()))
        .collect();
    assert_eq!(late, [("INC-5", 10), ("INC-2", 8)]);
    assert_eq!(p["late"][0]["published_by"], "published_at");
    // Resolved Thu 1 May and Fri 2 May, still unpublished on Mon 30 June.
    let awaiting: Vec<(&str, &str, i64)> = p["awaiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["incident"].as_str().unwrap(), l["status"].as_str().unwrap(), l["days"].as_i64().unwrap()))
        .collect();
    assert_eq!(awaiting, [("INC-6", "draft", 42), ("INC-7", "in-review", 41)]);
    assert_eq!(p["missing"], 0);
}

#[test]
fn coverage_counts_logged_incidents_without_a_post_mortem() {
    let c = stats_json(&[])["coverage"].clone();
    // SEV-1/2: INC-1, 2, 3 published; INC-6 draft, INC-7 in review; INC-8 only in the log
    // (INC-1 is in the log too, once; INC-9 is SEV-3).
    assert_eq!(c["severities"], json!(["SEV-1", "SEV-2"]));
    assert_eq!((c["incidents"].clone(), c["with_post_mortem"].clone()), (json!(6), json!(3)));
    assert_eq!(c["percent"], 50.0);
    assert_eq!(c["from_log"], true);
    let without: Vec<(&str, &str)> = c["without"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["incident"].as_str().unwrap(), u["post_mortem"].as_str().unwrap()))
        .collect();
    assert_eq!(without, [("INC-8", "none"), ("INC-6", "draft"), ("INC-7", "in-review")]);
    assert_eq!(c["without"][0]["title"], "Checkout outage, never written up");
    // The log has no services: a service filter counts post-mortems only.
    // (api: INC-1 and INC-2 published, INC-6 a draft.)
    let c = stats_json(&["--service", "api"])["coverage"].clone();
    assert_eq!((c["incidents"].clone(), c["with_post_mortem"].clone()), (json!(3), json!(2)));
}

#[test]
fn metric_points_and_targets_come_from_config() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("trends"), site.path());
    std::fs::write(
        site.path().join("debrief.yml"),
        "trends:\n  metrics:\n    MTTA: { from: detected_at }\n  publish_within: 7d\n  post_mortem_required: [SEV-1]\n",
    )
    .unwrap();
    let o = debrief(&["stats", site.path().to_str().unwrap(), "--today", TODAY, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mtta = metric(&v, "MTTA");
    assert_eq!(mtta["definition"], "acknowledged_at − detected_at");
    // Acknowledged after detection: 10, 10, 5, 10 min; INC-3 has no detected_at.
    assert_eq!(mtta["overall"], json!({"count": 4, "median_minutes": 10.0, "p90_minutes": 10.0}));
    assert!(mtta["note"].as_str().unwrap().starts_with("1 of 5 incidents have no detected_at or acknowledged_at"));
    // Calendar days: 7, 12, 2, 4, 14.
    let p = &v["publication"];
    assert_eq!(
        (p["target"].as_str(), p["unit"].as_str(), p["within_target"].as_i64()),
        (Some("7 days"), Some("days"), Some(3))
    );
    assert_eq!(v["coverage"]["severities"], json!(["SEV-1"]));
    assert_eq!((v["coverage"]["incidents"].clone(), v["coverage"]["from_log"].clone()), (json!(2), json!(false)));
}

#[test]
fn filters_by_date_and_service() {
    // 1 January to 31 March, by the day as written: INC-1 (31 December in New York) is out.
    let v = stats_json(&["--since", "2025-01-01", "--until", "2025-03-31"]);
    assert_eq!(v["incidents"], 3);
    assert_eq!(v["months"][0]["month"], "2025-01");
    let v = stats_json(&["--service", "db"]);
    assert_eq!(v["incidents"], 2);
    assert_eq!(v["services"][0], json!({"name": "db", "incidents": 2, "repeats_90d": 1}));
}

#[test]
fn csv_is_one_tidy_table() {
    let o = stats(&["--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "section,group,measure,value");
    assert!(lines.iter().all(|l| l.split(',').count() == 4), "{text}");
    for row in [
        "incidents,,count,5",
        "month,2024-12,SEV-1,1",
        "MTTD,all,median_minutes,20.0",
        "MTTD,2025-Q1,p90_minutes,27.5",
        "MTTD,all,missing,1",
        "service,api,repeats_90d,3",
        "owner,@api,overdue,2",
        "publication,all,within_target,3",
        "publication,2025-Q1,median_business_days,4.0",
        "coverage,SEV-1 SEV-2,percent,50.0",
    ] {
        assert!(lines.contains(&row), "no {row} in\n{text}");
    }
}

#[test]
fn overdue_lists_items_per_owner() {
    let o = stats(&["--overdue"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("@api — 2 overdue of 2 open\n  166 days  INC-1  Add a canary stage"), "{text}");
    assert!(!text.contains("@db"), "owners with nothing overdue are left out: {text}");
    let o = stats(&["--overdue", "--format", "csv"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().next(), Some("owner,incident,item,due,days_overdue,source"));
    assert!(text.contains("@api,INC-3,Page the API on-call when p99 latency exceeds 2 seconds,2025-03-01,121,content/incidents/c-no-detected-at.md"), "{text}");
    let o = stats(&["--overdue", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let o = debrief(&["stats", fixture("trends").to_str().unwrap(), "--overdue", "--today", "2025-01-01"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "No overdue action items (today is 2025-01-01).\n");
}

#[test]
fn the_table_states_definitions_and_what_was_left_out() {
    let o = stats(&[]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("5 published post-mortems (today is 2025-06-30)"), "{text}");
    assert!(text.contains("MTTD (detected_at − started_at): median 20 min, p90 51 min over 4 incidents"), "{text}");
    assert!(text.contains("1 of 5 incidents have no detected_at"), "{text}");
    assert!(text.contains("2024-Q4  median    10 min  p90    10 min  (1 incident)"), "{text}");
}

#[test]
fn a_broken_config_stops_stats_but_content_errors_do_not() {
    let o = debrief(&["stats", fixture("bad-config-value").to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = debrief(&["stats", fixture("bad-action-items").to_str().unwrap(), "--today", TODAY, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("the figures count what could be read"), "{}", stderr(&o));
    let o = stats(&["--since", "2025-13-01"]);
    assert_eq!(o.status.code(), Some(2), "a bad date is a usage error");
}
