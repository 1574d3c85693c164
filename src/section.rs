//! Finding a document's sections by heading: levels 2 and 3, compared
//! case-insensitively without punctuation or a trailing `(UTC)`, through aliases.

use std::collections::BTreeMap;

use crate::markdown::{Block, BlockKind, Body, Section};
use crate::text::{fold, is_placeholder};

/// Built-in aliases of the sections debrief knows, by canonical name.
const INCIDENT_SECTIONS: &[(&str, &[&str])] = &[
    ("Summary", &["Overview", "Executive summary", "TL;DR"]),
    ("Impact", &["Customer impact", "User impact", "Business impact"]),
    ("Timeline", &["Incident timeline", "Timeline of events", "Chronology"]),
    ("Root cause", &["Root cause analysis", "Root causes", "RCA", "Cause"]),
    ("What went well", &["Things that went well"]),
    (
        "What went poorly",
        &[
            "What could be improved",
            "What went wrong",
            "What didn't go so well",
            "What didn't go well",
            "What went badly",
            "Things that went poorly",
        ],
    ),
    (
        "Action items",
        &["Follow-ups", "Action items / follow-ups", "Follow-up actions", "Corrective actions", "Next steps"],
    ),
    ("Contributing factors", &[]),
    ("What we got lucky on", &["Where we got lucky", "Where we got lucky on"]),
    ("Lessons learned", &["Lessons"]),
    ("Detection", &[]),
    ("Trigger", &[]),
    ("Resolution", &[]),
];

const RUNBOOK_SECTIONS: &[(&str, &[&str])] = &[
    ("Meaning", &["Overview", "Description", "Summary"]),
    ("Impact", &[]),
    ("Diagnosis", &["Investigation", "Troubleshooting"]),
    ("Mitigation", &["Remediation", "Resolution", "Fix"]),
    ("Escalation", &[]),
    ("Verification", &["Validation"]),
];

/// Which built-in catalogue to start from.
#[derive(Debug, Clone, Copy)]
pub enum Catalogue {
    Incident,
    Runbook,
}

/// Canonical section names with every alias, in folded form.
#[derive(Debug, Clone)]
pub struct SectionNames {
    names: BTreeMap<String, (String, Vec<String>)>,
    /// Names as callers pass them (`"Root cause"`), resolved once to their
    /// canonical entry: `find` runs for every section of every document.
    resolved: fnv::FnvHashMap<String, String>,
}

/// Folds a heading for comparison: drops a trailing parenthetical
/// (`Timeline (times in BST)`), leading numbering (`3. Impact`) and punctuation.
pub fn heading_key(title: &str) -> String {
    let mut t = title.trim();
    while t.ends_with(')') {
        match t.rfind('(') {
            Some(i) if i > 0 => t = t[..i].trim_end(),
            _ => break,
        }
    }
    let folded = fold(t);
    let unnumbered = folded.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    if unnumbered.is_empty() {
        folded
    } else {
        unnumbered.to_string()
    }
}

impl SectionNames {
    pub fn new(catalogue: Catalogue, extra: &BTreeMap<String, Vec<String>>) -> SectionNames {
        let builtin = match catalogue {
            Catalogue::Incident => INCIDENT_SECTIONS,
            Catalogue::Runbook => RUNBOOK_SECTIONS,
        };
        let mut names = BTreeMap::new();
        for (name, aliases) in builtin {
            let keys = std::iter::once(*name).chain(aliases.iter().copied()).map(heading_key).collect();
            names.insert(heading_key(name), (name.to_string(), keys));
        }
        let mut out = SectionNames { names, resolved: Default::default() };
        for (name, aliases) in extra {
            let entry = out.entry(name);
            entry.1.extend(aliases.iter().map(|a| heading_key(a)));
        }
        out
    }

    fn entry(&mut self, name: &str) -> &mut (String, Vec<String>) {
        let key = self.canonical_key(name).unwrap_or_else(|| heading_key(name));
        self.names.entry(key.clone()).or_insert_with(|| (name.to_string(), vec![key]))
    }

    /// Resolves `names` once, so later lookups by these exact strings allocate nothing.
    pub fn prepare<'n>(&mut self, names: impl IntoIterator<Item = &'n str>) {
        for name in names {
            let key = self.canonical_key(name).unwrap_or_else(|| self.entry(name).1[0].clone());
            self.resolved.insert(name.to_string(), key);
        }
    }

    fn entry_of(&self, name: &str) -> Option<&(String, Vec<String>)> {
        self.resolved.get(name).and_then(|k| self.names.get(k))
    }

    fn canonical_key(&self, name: &str) -> Option<String> {
        if let Some(k) = self.resolved.get(name) {
            return Some(k.clone());
        }
        let k = heading_key(name);
        self.names.iter().find(|(_, (_, keys))| keys.contains(&k)).map(|(c, _)| c.clone())
    }

    /// Every folded form that counts as `name` (which may itself be an alias).
    pub fn keys_for(&self, name: &str) -> std::borrow::Cow<'_, [String]> {
        if let Some((_, keys)) = self.entry_of(name) {
            return std::borrow::Cow::Borrowed(keys);
        }
        match self.canonical_key(name) {
            Some(c) => std::borrow::Cow::Owned(self.names[&c].1.clone()),
            None => std::borrow::Cow::Owned(vec![heading_key(name)]),
        }
    }

    /// The display name for a section name or alias.
    pub fn display(&self, name: &str) -> String {
        if let Some((display, _)) = self.entry_of(name) {
            return display.clone();
        }
        self.canonical_key(name).map_or_else(|| name.to_string(), |c| self.names[&c].0.clone())
    }

    /// The first section at level 2 or 3 whose heading names `name`.
    pub fn find<'s>(&self, sections: &'s [Section], name: &str) -> Option<&'s Section> {
        let keys = self.keys_for(name);
        sections.iter().find(|s| (2..=3).contains(&s.level) && keys.contains(&s.key))
    }

    /// A heading that names `name` at another level, for a better hint.
    pub fn find_misplaced<'s>(&self, sections: &'s [Section], name: &str) -> Option<&'s Section> {
        let keys = self.keys_for(name);
        sections.iter().find(|s| keys.contains(&s.key))
    }
}

/// True when a section holds nothing but template placeholders.
pub fn is_empty(body: &Body, section: &Section) -> bool {
    body.blocks[section.blocks.clone()].iter().all(block_is_empty)
}

fn block_is_empty(block: &Block) -> bool {
    match &block.kind {
        // A sub-heading alone is not content; what sits under it is.
        BlockKind::Heading { .. } => true,
        BlockKind::Paragraph { lines } => lines.iter().all(|l| is_placeholder(&l.text)),
        BlockKind::List { items } => {
            items.iter().all(|i| is_placeholder(&i.text) && i.children.iter().all(|c| is_placeholder(&c.text)))
        }
        BlockKind::Table { rows, .. } => rows.iter().all(|r| r.cells.iter().all(|c| is_placeholder(&c.text))),
        BlockKind::Code { text } => text.trim().is_empty(),
        BlockKind::Html => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> SectionNames {
        SectionNames::new(Catalogue::Incident, &BTreeMap::new())
    }

    #[test]
    fn heading_keys() {
        assert_eq!(heading_key("Timeline (UTC)"), "timeline");
        assert_eq!(heading_key("Timeline (times in BST)"), "timeline");
        assert_eq!(heading_key("3. Root Cause:"), "root cause");
        assert_eq!(heading_key("What didn't go (so) well"), "what didnt go so well");
        assert_eq!(heading_key("2025"), "2025");
    }

    #[test]
    fn aliases_match_at_level_2_and_3() {
        let doc = "# X\n## Incident Post-Mortem\n### Overview\ntext\n### What Went Wrong\n- a\n## Lessons Learned\n### Where we got lucky\n- b\n#### Follow-ups\n- c\n";
        let body = Body::parse(doc, 0);
        let sections = body.sections();
        let n = names();
        assert_eq!(n.find(&sections, "Summary").unwrap().title, "Overview");
        assert_eq!(n.find(&sections, "What went poorly").unwrap().title, "What Went Wrong");
        assert_eq!(n.find(&sections, "What we got lucky on").unwrap().title, "Where we got lucky");
        assert!(n.find(&sections, "Action items").is_none(), "level 4 does not count");
        assert_eq!(n.find_misplaced(&sections, "Action items").unwrap().level, 4);
        assert_eq!(n.display("root causes"), "Root cause");
    }

    #[test]
    fn config_adds_aliases_and_sections() {
        let mut extra = BTreeMap::new();
        extra.insert("Summary".to_string(), vec!["Abstract".to_string()]);
        extra.insert("Customer comms".to_string(), vec!["Communications".to_string()]);
        let n = SectionNames::new(Catalogue::Incident, &extra);
        let body = Body::parse("## Abstract\nx\n## Communications\ny\n", 0);
        let sections = body.sections();
        assert!(n.find(&sections, "Summary").is_some());
        assert!(n.find(&sections, "customer comms").is_some());
    }

    #[test]
    fn placeholder_sections_are_empty() {
        let doc = "## Summary\n[1-2 sentence description]\n## Impact\n- …\n- TBD\n## Root cause\n<!-- fill in -->\n## Timeline\n| Time | Event |\n|---|---|\n| <time> | <event> |\n## Done\nReal text.\n";
        let body = Body::parse(doc, 0);
        let sections = body.sections();
        let empty: Vec<bool> = sections.iter().map(|s| is_empty(&body, s)).collect();
        assert_eq!(empty, [true, true, true, true, false]);
    }
}
