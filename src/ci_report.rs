//! Diagnostics as the reports code-review tools read: SARIF 2.1.0 (GitHub
//! code scanning and other SARIF viewers) and GitLab's code-quality report
//! (a subset of the Code Climate format), so problems show on the merge
//! request's diff.

use serde_json::{json, Value};

use crate::diagnostic::{Code, Diagnostic, Level};

const INFORMATION_URI: &str = "https://github.com/debrief/debrief/blob/main/docs/rules.md";

/// SARIF 2.1.0: one run, every rule debrief has (so rule indices are stable),
/// and a result per diagnostic.
pub fn sarif(diags: &[Diagnostic]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id(),
                "name": c.name(),
                "shortDescription": { "text": c.doc() },
                "helpUri": format!("{INFORMATION_URI}#{}", c.id().to_lowercase()),
                "defaultConfiguration": { "level": level(c.level()) },
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            json!({
                "ruleId": d.code.id(),
                "ruleIndex": index,
                "level": level(d.level),
                "message": { "text": d.sentence() },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.file), "uriBaseId": "SITEROOT" },
                        "region": {
                            "startLine": d.line.max(1),
                            "startColumn": d.column.max(1),
                            "endColumn": d.column.max(1) + d.width.max(1),
                        },
                    },
                }],
                "partialFingerprints": { "debrief/v1": fingerprint(d) },
            })
        })
        .collect();
    let report = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "debrief",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            } },
            "originalUriBaseIds": { "SITEROOT": { "description": { "text": "The site folder debrief checked." } } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&report).expect("JSON values serialise") + "\n"
}

/// GitLab's code-quality report: an array of issues, each with a
/// description, check name, fingerprint, severity and location.
pub fn gitlab(diags: &[Diagnostic]) -> String {
    let issues: Vec<Value> = diags
        .iter()
        .map(|d| {
            json!({
                "description": d.sentence(),
                "check_name": format!("{} {}", d.code.id(), d.code.name()),
                "fingerprint": fingerprint(d),
                "severity": match d.level { Level::Error => "major", Level::Warning => "minor" },
                "location": { "path": d.file, "lines": { "begin": d.line.max(1) } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("JSON values serialise") + "\n"
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// A relative URI: path segments percent-encoded where URIs need it.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Stable across runs and line shifts: the file, the rule and the message
/// (which names the item, key or section), hashed.
fn fingerprint(d: &Diagnostic) -> String {
    let key = [d.file.as_str(), d.code.id(), d.message.as_str()].join("\0");
    format!("{:016x}", crate::text::fnv_hash(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_relative() {
        assert_eq!(uri("content/incidents/a b,c.md"), "content/incidents/a%20b%2Cc.md");
        assert_eq!(uri("content/runbooks/é.md"), "content/runbooks/%C3%A9.md");
    }
}
