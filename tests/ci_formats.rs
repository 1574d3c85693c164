//! `check --format sarif` and `--format gitlab`, validated against their
//! schemas (SARIF 2.1.0's own, from the OASIS spec; GitLab's code-quality
//! fields as its documentation lists them), on a fixture with known problems.

mod common;

use common::*;
use serde_json::Value;

fn check_as(format: &str) -> (i32, Value) {
    let o =
        debrief(&["check", fixture("bad-action-items").to_str().unwrap(), "--format", format, "--today", "2026-11-22"]);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{format} is not JSON ({e}): {}", stdout(&o)));
    (o.status.code().unwrap(), v)
}

fn validate(schema_file: &str, report: &Value) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/schemas").join(schema_file)).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema_file}: {errors:#?}");
}

#[test]
fn sarif_is_valid_and_says_what_json_says() {
    let (exit, sarif) = check_as("sarif");
    let (json_exit, json) = check_json(&fixture("bad-action-items"), &[]);
    assert_eq!(exit, json_exit, "the same exit status as any format");
    validate("sarif-2.1.0.json", &sarif);
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "debrief");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], d["code"], "ruleIndex points at its rule");
        assert_eq!(r["level"], d["severity"]);
        assert_eq!(r["message"]["text"], d["message"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], d["file"]);
        assert_eq!(loc["region"]["startLine"], d["line"]);
        assert_eq!(loc["region"]["startColumn"], d["column"]);
    }
}

#[test]
fn gitlab_code_quality_is_valid_with_unique_fingerprints() {
    let (_, report) = check_as("gitlab");
    validate("gitlab-code-quality.json", &report);
    let issues = report.as_array().unwrap();
    let (_, json) = check_json(&fixture("bad-action-items"), &[]);
    assert_eq!(issues.len(), json["diagnostics"].as_array().unwrap().len());
    let mut prints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    let first = &issues[0];
    assert!(first["check_name"].as_str().unwrap().starts_with('E'), "{first}");
    assert_eq!(first["severity"], "major", "errors are major");
    // The same input gives the same report (fingerprints are stable).
    assert_eq!(check_as("gitlab").1, report);
}

#[test]
fn a_clean_site_gives_empty_reports() {
    let o = debrief(&["check", fixture("good").to_str().unwrap(), "--format", "gitlab", "--today", "2026-11-22"]);
    assert_eq!(stdout(&o), "[]\n");
    let o = debrief(&["check", fixture("good").to_str().unwrap(), "--format", "sarif", "--today", "2026-11-22"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    validate("sarif-2.1.0.json", &v);
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}
