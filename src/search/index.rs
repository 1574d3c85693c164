//! Inverted index → sharded script files. Pure: entries in, files out.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::tokenize::{self, camel_suffixes, is_stop_word, normalise, words};
use super::{Entry, Kind};
use crate::output::OutputFile;

/// Where a term was found in a document. Ranking compares these first: an
/// alert name or title beats a heading, which beats the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Body = 0,
    /// Section headings, and facts from the front matter (services, owner, tags).
    Meta = 1,
    Title = 2,
    Alert = 3,
}

/// Postings are written as variable-length numbers in this alphabet, five
/// bits a character, most significant first; characters from the second
/// half mean "more follows". Each posting is `(gap from the previous
/// document) * 4 + field`, so a common term costs about a byte a document.
pub const POSTING_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// A shard is closed once it holds this many bytes of terms and postings
/// (a single term with more postings gets a shard of its own).
const SHARD_BYTES: usize = 12_000;

/// How much of a document's text its result file keeps for snippets.
const SNIPPET_CHARS: usize = 2_000;

/// Sizes of what was written, for `DEBRIEF_TIMINGS` and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildStats {
    pub documents: usize,
    pub terms: usize,
    pub shards: usize,
    pub bytes: usize,
    pub largest_shard: usize,
}

/// Builds every file of the index. `severities` lists the severity ids in
/// the scale's order, for the filter.
pub fn build(entries: &[Entry], severities: &[String]) -> (Vec<OutputFile>, BuildStats) {
    let per_doc: Vec<Vec<(String, Field)>> = entries.par_iter().map(doc_terms).collect();
    let postings = invert(per_doc);
    let shards = shard(&postings);
    let mut files = Vec::with_capacity(entries.len() + shards.len() + 2);
    let mut largest_shard = 0;
    for (n, s) in shards.iter().enumerate() {
        let bytes = script("shard", n, &s.text);
        largest_shard = largest_shard.max(bytes.len());
        files.push(OutputFile::new(format!("search/s/{n}.js"), bytes));
    }
    files.extend(entries.par_iter().enumerate().map(|(n, e)| document_file(n, e)).collect::<Vec<_>>());
    let (facets, severity_names, service_names) = facets(entries, severities);
    files.push(OutputFile::new("search/facets.js", format!("debriefSearch.facets({facets});\n")));
    let manifest = Manifest {
        version: 1,
        max_chars: tokenize::MAX_CHARS,
        stop: tokenize::STOP_WORDS,
        alphabet: POSTING_ALPHABET,
        shards: shards.iter().map(|s| s.separator.as_str()).collect(),
        docs: entries.len(),
        kinds: kind_ranges(entries),
        severities: severity_names,
        services: service_names,
    };
    let manifest = serde_json::to_string(&manifest).expect("the manifest serialises");
    files.push(OutputFile::new("search/index.js", format!("debriefSearch.manifest({manifest});\n")));
    let stats = BuildStats {
        documents: entries.len(),
        terms: postings.len(),
        shards: shards.len(),
        bytes: files.iter().map(|f| f.bytes.len()).sum(),
        largest_shard,
    };
    (files, stats)
}

/// Each distinct term of a document with the best field it occurs in, sorted.
fn doc_terms(e: &Entry) -> Vec<(String, Field)> {
    let mut best: HashMap<String, Field> = HashMap::new();
    let mut add = |term: String, field: Field| {
        if is_stop_word(&term) {
            return;
        }
        let slot = best.entry(term).or_insert(field);
        *slot = (*slot).max(field);
    };
    let alerts = e.alerts.iter().map(|a| (Field::Alert, *a));
    let title = std::iter::once((Field::Title, e.title));
    for (field, text) in alerts.chain(title).chain(e.fields.iter().copied()).chain([(Field::Body, e.body)]) {
        for (_, word) in words(text) {
            if field != Field::Body && word.chars().any(char::is_uppercase) {
                for tail in camel_suffixes(word) {
                    add(tail, field);
                }
            }
            add(normalise(word), field);
        }
    }
    let mut terms: Vec<(String, Field)> = best.into_iter().collect();
    terms.sort_unstable();
    terms
}

/// term → postings (document number, field), documents in order.
fn invert(per_doc: Vec<Vec<(String, Field)>>) -> Vec<(String, Vec<(u32, Field)>)> {
    let mut map: HashMap<String, Vec<(u32, Field)>> = HashMap::new();
    for (doc, terms) in per_doc.into_iter().enumerate() {
        for (term, field) in terms {
            map.entry(term).or_default().push((doc as u32, field));
        }
    }
    let mut all: Vec<(String, Vec<(u32, Field)>)> = map.into_iter().collect();
    all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    all
}

/// Appends `n` as a variable-length number in `POSTING_ALPHABET`.
pub fn push_number(out: &mut String, n: u64) {
    let digits = POSTING_ALPHABET.as_bytes();
    let groups = (64 - n.leading_zeros()).div_ceil(5).max(1);
    for g in (0..groups).rev() {
        let bits = ((n >> (g * 5)) & 31) as usize;
        out.push(digits[if g == 0 { bits } else { bits + 32 }] as char);
    }
}

fn encode_postings(out: &mut String, postings: &[(u32, Field)]) {
    let mut prev = 0;
    for &(doc, field) in postings {
        push_number(out, u64::from(doc - prev) * 4 + field as u64);
        prev = doc;
    }
}

fn encode_docs(docs: &[u32]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for &doc in docs {
        push_number(&mut out, u64::from(doc - prev));
        prev = doc;
    }
    out
}

struct Shard {
    /// The shortest string that sorts after every term of the previous shard
    /// and not after this shard's first term (empty for the first shard).
    separator: String,
    /// `term postings term postings …`: neither contains a space.
    text: String,
}

fn shard(postings: &[(String, Vec<(u32, Field)>)]) -> Vec<Shard> {
    let mut shards: Vec<Shard> = Vec::new();
    let mut text = String::new();
    let mut first: Option<usize> = None;
    for (n, (term, list)) in postings.iter().enumerate() {
        if first.is_some() && text.len() + term.len() + list.len() > SHARD_BYTES {
            shards.push(Shard { separator: separator(postings, first.unwrap()), text: std::mem::take(&mut text) });
            first = None;
        }
        first.get_or_insert(n);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(term);
        text.push(' ');
        encode_postings(&mut text, list);
    }
    if let Some(f) = first {
        shards.push(Shard { separator: separator(postings, f), text });
    }
    shards
}

fn separator(postings: &[(String, Vec<(u32, Field)>)], first: usize) -> String {
    let Some(prev) = first.checked_sub(1) else { return String::new() };
    let (before, term) = (&postings[prev].0, &postings[first].0);
    let common = before.chars().zip(term.chars()).take_while(|(a, b)| a == b).count();
    term.chars().take(common + 1).collect()
}

fn script(kind: &str, n: usize, data: &str) -> Vec<u8> {
    let data = serde_json::to_string(data).expect("a string serialises");
    format!("debriefSearch.{kind}({n},{data});\n").into_bytes()
}

/// What a result shows, with short keys: these files are most of the index.
#[derive(Serialize)]
struct DocFile<'a> {
    k: &'static str,
    t: &'a str,
    u: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    v: &'a [&'a str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    a: &'a [&'a str],
    x: String,
}

fn document_file(n: usize, e: &Entry) -> OutputFile {
    let doc = DocFile {
        k: e.kind.name(),
        t: e.title,
        u: &e.url,
        s: e.severity,
        c: e.severity_class.as_deref(),
        d: e.date.as_deref(),
        v: &e.services,
        a: &e.alerts,
        x: snippet_text(e.body),
    };
    let json = serde_json::to_string(&doc).expect("a document serialises");
    OutputFile::new(format!("search/d/{n}.js"), format!("debriefSearch.doc({n},{json});\n"))
}

/// The start of the text, whitespace folded (a line break kept between blocks).
fn snippet_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len().min(SNIPPET_CHARS * 2));
    let mut pending: Option<char> = None;
    for (count, c) in body.trim().chars().enumerate() {
        if count >= SNIPPET_CHARS {
            break;
        }
        if c.is_whitespace() {
            pending = Some(if c == '\n' || pending == Some('\n') { '\n' } else { ' ' });
            continue;
        }
        if let Some(p) = pending.take() {
            out.push(p);
        }
        out.push(c);
    }
    out
}

/// `[kind, first document, end]` for each kind present: documents are numbered kind by kind.
fn kind_ranges(entries: &[Entry]) -> Vec<(&'static str, usize, usize)> {
    Kind::ALL
        .iter()
        .filter_map(|k| {
            let start = entries.iter().position(|e| e.kind == *k)?;
            let end = entries.iter().rposition(|e| e.kind == *k)? + 1;
            Some((k.name(), start, end))
        })
        .collect()
}

#[derive(Serialize)]
struct Facets {
    severity: BTreeMap<String, String>,
    service: BTreeMap<String, String>,
}

/// The facets file, and the severity and service names in filter order.
fn facets(entries: &[Entry], severities: &[String]) -> (String, Vec<String>, Vec<String>) {
    let mut by_severity: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut by_service: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (n, e) in entries.iter().enumerate() {
        if let Some(s) = e.severity {
            by_severity.entry(s).or_default().push(n as u32);
        }
        for s in &e.services {
            let docs = by_service.entry(s).or_default();
            if docs.last() != Some(&(n as u32)) {
                docs.push(n as u32);
            }
        }
    }
    let severity_names = severities.iter().filter(|s| by_severity.contains_key(s.as_str())).cloned().collect();
    let service_names = by_service.keys().map(|s| s.to_string()).collect();
    let f = Facets {
        severity: by_severity.into_iter().map(|(k, v)| (k.to_string(), encode_docs(&v))).collect(),
        service: by_service.into_iter().map(|(k, v)| (k.to_string(), encode_docs(&v))).collect(),
    };
    (serde_json::to_string(&f).expect("facets serialise"), severity_names, service_names)
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    #[serde(rename = "maxChars")]
    max_chars: usize,
    stop: &'a [&'a str],
    alphabet: &'a str,
    shards: Vec<&'a str>,
    docs: usize,
    kinds: Vec<(&'static str, usize, usize)>,
    severities: Vec<String>,
    services: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Vec<u64> {
        let mut out = Vec::new();
        let mut v = 0u64;
        for c in s.chars() {
            let d = POSTING_ALPHABET.find(c).unwrap() as u64;
            if d >= 32 {
                v = (v << 5) | (d - 32);
            } else {
                out.push((v << 5) | d);
                v = 0;
            }
        }
        out
    }

    fn entry<'a>(kind: Kind, title: &'a str, body: &'a str) -> Entry<'a> {
        Entry {
            kind,
            title,
            url: format!("x/{}/index.html", title.len()),
            severity: None,
            severity_class: None,
            date: None,
            services: Vec::new(),
            alerts: Vec::new(),
            fields: Vec::new(),
            body,
        }
    }

    #[test]
    fn numbers_round_trip_through_the_alphabet() {
        assert_eq!(POSTING_ALPHABET.len(), 64);
        for n in [0, 1, 4, 31, 32, 33, 1023, 1024, 44_000, u32::MAX as u64] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(decode(&s), [n], "{n} → {s}");
        }
        let mut s = String::new();
        push_number(&mut s, 5);
        assert_eq!(s, "5", "small numbers take one character");
    }

    #[test]
    fn a_document_keeps_the_best_field_of_each_term() {
        let mut e = entry(Kind::Runbook, "Checkout latency", "The checkout is slow. Latency rose.");
        e.alerts = vec!["KubePodCrashLooping"];
        e.fields = vec![(Field::Meta, "payments team")];
        let terms: HashMap<String, Field> = doc_terms(&e).into_iter().collect();
        assert_eq!(terms["checkout"], Field::Title);
        assert_eq!(terms["latency"], Field::Title);
        assert_eq!(terms["slow"], Field::Body);
        assert_eq!(terms["payments"], Field::Meta);
        assert_eq!(terms["kubepodcrashlooping"], Field::Alert);
        assert_eq!(terms["crashlooping"], Field::Alert);
        assert!(!terms.contains_key("the") && !terms.contains_key("is"), "stop words are not indexed");
    }

    #[test]
    fn postings_list_documents_in_order_with_their_field() {
        let entries = [
            entry(Kind::Runbook, "Disk full", "Free some disk."),
            entry(Kind::Incident, "Outage", "The disk filled up."),
            entry(Kind::Incident, "Other", "Nothing here."),
            entry(Kind::Incident, "Disk again", "disk"),
        ];
        let per_doc = entries.iter().map(doc_terms).collect();
        let index = invert(per_doc);
        let disk = &index.iter().find(|(t, _)| t == "disk").unwrap().1;
        assert_eq!(disk, &[(0, Field::Title), (1, Field::Body), (3, Field::Title)]);
        let mut s = String::new();
        encode_postings(&mut s, disk);
        assert_eq!(decode(&s), [2, 4 + 0, 8 + 2]);
    }

    #[test]
    fn shards_are_contiguous_ranges_with_short_separators() {
        let bodies: Vec<String> = (0..3000).map(|n| format!("word{n} common alpha{}", n % 7)).collect();
        let entries: Vec<Entry> = bodies.iter().map(|b| entry(Kind::Incident, "t", b)).collect();
        let per_doc = entries.iter().map(doc_terms).collect();
        let index = invert(per_doc);
        let shards = shard(&index);
        assert!(shards.len() > 2, "{} shards", shards.len());
        assert_eq!(shards[0].separator, "");
        for w in shards.windows(2) {
            assert!(w[0].separator < w[1].separator);
        }
        // Every term sits in the last shard whose separator is not after it.
        for (term, _) in &index {
            let n = shards.iter().rposition(|s| s.separator.as_str() <= term.as_str()).unwrap();
            let terms: Vec<&str> = shards[n].text.split(' ').step_by(2).collect();
            assert!(terms.contains(&term.as_str()), "{term} is not in shard {n}");
        }
        assert!(shards.iter().all(|s| s.text.len() <= SHARD_BYTES + 4000));
    }

    #[test]
    fn files_are_scripts_and_deterministic() {
        let mut a = entry(Kind::Runbook, "Disk full", "Free some disk.");
        a.severity = Some("SEV-2");
        a.services = vec!["storage"];
        let b = entry(Kind::Incident, "Outage \"quoted\" </script>", "Line one\n\n  line   two");
        let (files, stats) = build(&[a.clone(), b.clone()], &["SEV-1".into(), "SEV-2".into()]);
        let (again, _) = build(&[a, b], &["SEV-1".into(), "SEV-2".into()]);
        assert_eq!(files, again);
        assert_eq!(stats.documents, 2);
        let text = |p: &str| String::from_utf8(files.iter().find(|f| f.path == p).unwrap().bytes.clone()).unwrap();
        let manifest = text("search/index.js");
        assert!(manifest.starts_with("debriefSearch.manifest({\"version\":1,"), "{manifest}");
        assert!(manifest.contains("\"kinds\":[[\"runbook\",0,1],[\"incident\",1,2]]"), "{manifest}");
        assert!(manifest.contains("\"severities\":[\"SEV-2\"]"), "{manifest}");
        let doc = text("search/d/1.js");
        assert!(doc.contains(r#""t":"Outage \"quoted\" </script>""#), "{doc}");
        assert!(doc.contains(r#""x":"Line one\nline two""#), "{doc}");
        assert!(text("search/facets.js").contains(r#""service":{"storage":"0"}"#));
        assert!(text("search/s/0.js").starts_with("debriefSearch.shard(0,\""));
    }
}
