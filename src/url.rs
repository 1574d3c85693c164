//! URL slugs: the one place an id becomes a path. Whatever the input, a slug
//! holds only `[a-z0-9-]` (and `/` between segments for path ids), so it can
//! never leave the output folder.

/// An incident slug: the id lower-cased, runs outside `[a-z0-9-]` turned into `-`.
pub fn incident_slug(id: &str) -> String {
    segment(id)
}

/// A path slug (runbooks, status templates, pages): each `/`-separated
/// segment slugged, empty segments dropped, so `..` cannot survive.
pub fn path_slug(id: &str) -> String {
    id.split(['/', '\\']).map(segment).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
}

fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    // Only a `-` written at an end needs trimming: no new string otherwise
    // (a large site makes one for every service and tag link of every row).
    match out.trim_matches('-') {
        trimmed if trimmed.len() == out.len() => out,
        trimmed => trimmed.to_string(),
    }
}

/// An alert name is used as-is in `/alerts/<AlertName>/`, so it may only hold
/// characters that are safe in a path segment on every file system.
pub fn is_safe_alert_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        && name != "index"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_slugs() {
        assert_eq!(incident_slug("INC-2025-042"), "inc-2025-042");
        assert_eq!(incident_slug("2025/2025-03-25 checkout  down!"), "2025-2025-03-25-checkout-down");
        assert_eq!(incident_slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(incident_slug("…"), "");
    }

    #[test]
    fn path_slugs_keep_folders_but_not_traversal() {
        assert_eq!(path_slug("payments/high-error-rate"), "payments/high-error-rate");
        assert_eq!(path_slug("../../x/./y"), "x/y");
        assert_eq!(path_slug("Payments/High Error Rate"), "payments/high-error-rate");
        assert_eq!(path_slug("a\\..\\b"), "a/b");
    }

    #[test]
    fn alert_names() {
        assert!(is_safe_alert_name("KubePodCrashLooping"));
        assert!(is_safe_alert_name("etcd_no_leader"));
        assert!(!is_safe_alert_name("../x"));
        assert!(!is_safe_alert_name("a/b"));
        assert!(!is_safe_alert_name(""));
        assert!(!is_safe_alert_name("<script>"));
    }
}
