//! Inverted index → sharded script files. Pure: entries in, files out.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::tokenize::{self, camel_suffixes, is_stop_word, words};
use super::{Entry, Kind};
use crate::output::{Emit, OutputFile};
use crate::text::{Prehashed, FNV_PRIME, FNV_START};

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
const SHARD_BYTES: usize = 10_000;

/// How much of a document's text (in bytes) its result file keeps for snippets.
const SNIPPET_BYTES: usize = 1_000;

/// Results are stored this many to a file: fewer files to write (each costs
/// as much as a page: at 4, they were a fifth of a large site's files), at
/// about 9 kB a file, so a query's first 8 results load at most 72 kB.
const DOCS_PER_FILE: usize = 8;

/// Documents whose terms are held at once while inverting.
const BATCH: usize = 2048;

/// Sizes of what was written, for `DEBRIEF_TIMINGS` and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildStats {
    pub documents: usize,
    pub terms: usize,
    pub shards: usize,
    pub bytes: usize,
    pub largest_shard: usize,
}

/// Builds every file of the index and hands each to `emit` as it is made.
/// `severities` lists the severity ids in the scale's order, for the filter.
pub fn build(entries: &[Entry], severities: &[String], emit: &Emit) -> anyhow::Result<BuildStats> {
    let bytes = std::sync::atomic::AtomicUsize::new(0);
    let emit = |file: OutputFile| {
        bytes.fetch_add(file.bytes.len(), std::sync::atomic::Ordering::Relaxed);
        emit(file)
    };
    let t = std::time::Instant::now();
    let postings = invert(entries);
    crate::check::stage_time("search: terms and postings", t);
    let t = std::time::Instant::now();
    let shards = shard(&postings);
    let largest_shard = shards.iter().map(|s| s.text.len()).max().unwrap_or(0);
    shards.par_iter().enumerate().try_for_each(|(n, s)| {
        emit(OutputFile::new(format!("search/s/{n}.js"), script("shard", n, &serde_json::to_string(&s.text)?)))
    })?;
    entries.par_chunks(DOCS_PER_FILE).enumerate().try_for_each(|(n, chunk)| emit(documents_file(n, chunk)))?;
    crate::check::stage_time("search: files", t);
    let (facets, severity_names, service_names) = facets(entries, severities);
    emit(OutputFile::new("search/facets.js", format!("debriefSearch.facets({facets});\n")))?;
    let manifest = Manifest {
        version: 1,
        max_chars: tokenize::MAX_CHARS,
        stop: tokenize::STOP_WORDS,
        alphabet: POSTING_ALPHABET,
        shards: shards.iter().map(|s| s.separator.as_str()).collect(),
        docs: entries.len(),
        per_file: DOCS_PER_FILE,
        kinds: kind_ranges(entries),
        severities: severity_names,
        services: service_names,
    };
    emit(OutputFile::new(
        "search/index.js",
        format!("debriefSearch.manifest({});\n", serde_json::to_string(&manifest)?),
    ))?;
    Ok(BuildStats {
        documents: entries.len(),
        terms: postings.len(),
        shards: shards.len(),
        bytes: bytes.into_inner(),
        largest_shard,
    })
}

/// A document's distinct terms, each with the best field it occurs in. The terms are slices of one string, so a document costs two
/// allocations, not one per word.
pub(super) struct DocTerms {
    arena: String,
    /// (start, end) in `arena`, field, and the term's hash (for `invert`).
    terms: Vec<Span>,
}

impl DocTerms {
    fn term(&self, n: usize) -> &str {
        let (start, end, _, _) = self.terms[n];
        &self.arena[start as usize..end as usize]
    }
}

type Span = (u32, u32, Field, u64);

/// Where each distinct term of the document being read sits in `DocTerms::terms`, by hash.
type Seen = HashMap<u64, u32, std::hash::BuildHasherDefault<Prehashed>>;

thread_local! {
    /// Reused from document to document, so its memory is touched once per thread.
    static SEEN: std::cell::RefCell<Seen> = Default::default();
}

pub(super) fn doc_terms(e: &Entry) -> DocTerms {
    SEEN.with_borrow_mut(|seen| {
        seen.clear();
        let mut doc = DocTerms { arena: String::with_capacity(e.body.len() / 2), terms: Vec::new() };
        let alerts = e.alerts.iter().map(|a| (Field::Alert, *a));
        let title = std::iter::once((Field::Title, e.title));
        for (field, text) in alerts.chain(title).chain(e.fields.iter().copied()).chain([(Field::Body, e.body)]) {
            doc.add_text(seen, text, field);
        }
        doc
    })
}

impl DocTerms {
    /// Every word of `text`. This is `tokenize::words` and `normalise` fused
    /// into one pass for ASCII words (most of any text): classify, lower-case,
    /// hash and copy each byte once. Other words take the general path.
    fn add_text(&mut self, seen: &mut Seen, text: &str, field: Field) {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match BYTE_CLASS[b[i] as usize] {
                SEPARATOR => {
                    i += 1;
                    continue;
                }
                NON_ASCII => {
                    let Some((start, word)) = words(&text[i..]).next() else { return };
                    self.add_word(seen, word, field);
                    i += start + word.len();
                    continue;
                }
                _ => {}
            }
            let start = i;
            while i < b.len() && BYTE_CLASS[b[i] as usize] == ASCII_WORD {
                i += 1;
            }
            if i < b.len() && BYTE_CLASS[b[i] as usize] == NON_ASCII {
                if let Some((0, rest)) = words(&text[i..]).next() {
                    // The word goes on past ASCII: take it whole on the general path.
                    i += rest.len();
                    self.add_word(seen, &text[start..i], field);
                    continue;
                }
            }
            let word = &text[start..i];
            if field != Field::Body && word.bytes().any(|c| c.is_ascii_uppercase()) {
                self.add_word(seen, word, field);
                continue;
            }
            self.keep_ascii(seen, &word[..word.len().min(tokenize::MAX_CHARS)], field);
        }
    }

    /// One word on the general path (any characters; camel-case tails outside the body).
    fn add_word(&mut self, seen: &mut Seen, word: &str, field: Field) {
        let start = self.arena.len();
        tokenize::normalise_into(&mut self.arena, word);
        let hash = fnv_hash(&self.arena[start..]);
        self.keep(seen, start, field, hash);
        if field != Field::Body && word.chars().any(char::is_uppercase) {
            for tail in camel_suffixes(word) {
                let start = self.arena.len();
                self.arena.push_str(&tail);
                self.keep(seen, start, field, fnv_hash(&tail));
            }
        }
    }

    /// `keep` for an ASCII word as written: hashed as it is lower-cased, and
    /// copied into the arena only the first time (most words are repeats).
    fn keep_ascii(&mut self, seen: &mut Seen, word: &str, field: Field) {
        let mut hash = FNV_START;
        for &c in word.as_bytes() {
            hash = (hash ^ u64::from(c.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
        }
        if tokenize::is_stop_word_ascii(word) {
            return;
        }
        match seen.entry(hash) {
            std::collections::hash_map::Entry::Occupied(slot) => {
                let n = *slot.get() as usize;
                if self.term(n).eq_ignore_ascii_case(word) {
                    self.terms[n].2 = self.terms[n].2.max(field);
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.terms.len() as u32);
                let start = self.arena.len();
                self.arena.push_str(word);
                self.arena[start..].make_ascii_lowercase();
                self.terms.push((start as u32, self.arena.len() as u32, field, hash));
            }
        }
    }

    /// Keeps the term just written at `arena[start..]` if it is new and not a
    /// stop word; a term seen before only raises its field.
    fn keep(&mut self, seen: &mut Seen, start: usize, field: Field, hash: u64) {
        let term = &self.arena[start..];
        if is_stop_word(term) {
            self.arena.truncate(start);
            return;
        }
        match seen.entry(hash) {
            std::collections::hash_map::Entry::Occupied(slot) => {
                let n = *slot.get() as usize;
                // Distinct terms with one 64-bit hash: vanishingly rare, and then the later is dropped.
                if self.term(n) == term {
                    self.terms[n].2 = self.terms[n].2.max(field);
                }
                self.arena.truncate(start);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.terms.len() as u32);
                self.terms.push((start as u32, self.arena.len() as u32, field, hash));
            }
        }
    }
}

const SEPARATOR: u8 = 0;
const ASCII_WORD: u8 = 1;
const NON_ASCII: u8 = 2;

/// What each byte is to `add_text`: an ASCII letter or digit, another ASCII
/// byte (a separator), or part of a longer character (to be decoded).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b >= 0x80 {
            NON_ASCII
        } else if (b as u8).is_ascii_alphanumeric() {
            ASCII_WORD
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

/// Terms hash with FNV-1a (`text::fnv_hash`; a test checks it agrees with the `fnv` crate).
#[inline]
fn fnv_hash(term: &str) -> u64 {
    crate::text::fnv_hash(term.as_bytes())
}

/// Each term with its postings: `document << 2 | field`, documents in order.
type Postings = Vec<(String, Vec<u32>)>;

/// Terms by hash (the rare terms sharing a hash share the slot).
type Part = HashMap<u64, Vec<(String, Vec<u32>)>, std::hash::BuildHasherDefault<Prehashed>>;

/// term → postings, terms sorted. Documents are read a batch at a time (so
/// only a batch's terms are held), and their terms are split between
/// threads by hash, each thread reading every document's list.
fn invert(entries: &[Entry]) -> Postings {
    // A power of two, so a term's part is a mask of its hash, not a division.
    let n_parts = rayon::current_num_threads().next_power_of_two();
    let mask = n_parts as u64 - 1;
    let mut parts: Vec<Part> = (0..n_parts).map(|_| Part::default()).collect();
    for (b, batch) in entries.chunks(BATCH).enumerate() {
        let per_doc: Vec<DocTerms> = batch.par_iter().map(doc_terms).collect();
        parts.par_iter_mut().enumerate().for_each(|(part, map)| {
            for (d, terms) in per_doc.iter().enumerate() {
                let doc = (b * BATCH + d) as u32;
                for (n, &(_, _, field, hash)) in terms.terms.iter().enumerate() {
                    if hash & mask == part as u64 {
                        add_posting(map, hash, terms.term(n), doc << 2 | field as u32);
                    }
                }
            }
        });
    }
    let mut all: Postings = parts.into_iter().flat_map(|m| m.into_values().flatten()).collect();
    all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    all
}

fn add_posting(map: &mut Part, hash: u64, term: &str, posting: u32) {
    let slot = map.entry(hash).or_default();
    let i = match slot.iter().position(|(t, _)| t == term) {
        Some(i) => i,
        None => {
            slot.push((term.to_string(), Vec::new()));
            slot.len() - 1
        }
    };
    slot[i].1.push(posting);
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

fn encode_postings(out: &mut String, postings: &[u32]) {
    let mut prev = 0;
    for &p in postings {
        let doc = p >> 2;
        push_number(out, u64::from(doc - prev) * 4 + u64::from(p & 3));
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

fn shard(postings: &Postings) -> Vec<Shard> {
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

fn separator(postings: &Postings, first: usize) -> String {
    let Some(prev) = first.checked_sub(1) else { return String::new() };
    let (before, term) = (&postings[prev].0, &postings[first].0);
    let common = before.chars().zip(term.chars()).take_while(|(a, b)| a == b).count();
    term.chars().take(common + 1).collect()
}

/// A file of the index: a call handing `json` to the search script.
fn script(kind: &str, n: usize, json: &str) -> Vec<u8> {
    format!("debriefSearch.{kind}({n},{json});\n").into_bytes()
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

/// Documents `n * DOCS_PER_FILE…` in one file.
fn documents_file(n: usize, chunk: &[Entry]) -> OutputFile {
    let docs: Vec<DocFile> = chunk
        .iter()
        .map(|e| DocFile {
            k: e.kind.name(),
            t: e.title,
            u: &e.url,
            s: e.severity,
            c: e.severity_class.as_deref(),
            d: e.date.as_deref(),
            v: &e.services,
            a: &e.alerts,
            x: snippet_text(e.body),
        })
        .collect();
    let json = serde_json::to_string(&docs).expect("documents serialise");
    OutputFile::new(format!("search/d/{n}.js"), script("docs", n, &json))
}

/// The start of the text (about `SNIPPET_BYTES`), whitespace folded: runs
/// of spaces become one, and a run holding a line break becomes one line break.
fn snippet_text(body: &str) -> String {
    let body = body.trim();
    let mut end = body.len().min(SNIPPET_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let cut = end < body.len();
    if cut {
        // End on a whole word, and say that more follows.
        end = body[..end].rfind(char::is_whitespace).unwrap_or(end);
    }
    let mut out: Vec<u8> = Vec::with_capacity(end + 4);
    let mut pending: Option<u8> = None;
    for &c in &body.as_bytes()[..end] {
        match c {
            b' ' | b'\t' | b'\r' => pending = Some(pending.unwrap_or(b' ')),
            b'\n' => pending = Some(b'\n'),
            _ => {
                if let Some(p) = pending.take() {
                    out.push(p);
                }
                out.push(c);
            }
        }
    }
    if cut {
        out.extend_from_slice(" …".as_bytes());
    }
    // Only ASCII bytes were left out, so the rest is still UTF-8.
    String::from_utf8(out).expect("removing ASCII whitespace keeps UTF-8 valid")
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
    #[serde(rename = "perFile")]
    per_file: usize,
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
        let d = doc_terms(&e);
        let terms: HashMap<&str, Field> = (0..d.terms.len()).map(|n| (d.term(n), d.terms[n].2)).collect();
        assert_eq!(terms["checkout"], Field::Title);
        assert_eq!(terms["latency"], Field::Title);
        assert_eq!(terms["slow"], Field::Body);
        assert_eq!(terms["payments"], Field::Meta);
        assert_eq!(terms["kubepodcrashlooping"], Field::Alert);
        assert_eq!(terms["crashlooping"], Field::Alert);
        assert!(!terms.contains_key("the") && !terms.contains_key("is"), "stop words are not indexed");
    }

    #[test]
    fn the_fused_pass_finds_exactly_the_tokens() {
        let texts = [
            "Plain ascii words, UPPER and MiXeD; snake_case kebab-case 5xx p99.9",
            "Zürich café—naïve ÀB x·y 東京の障害 ΣΊΣΥΦΟΣ İstanbul",
            "endsWithé éstarts mid·dot ascii—dash a",
            "4f2a9c1e0b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ",
        ];
        for text in texts {
            let e = entry(Kind::Page, "", text);
            let d = doc_terms(&e);
            let mut got: Vec<&str> = (0..d.terms.len()).map(|n| d.term(n)).collect();
            let mut want: Vec<String> = super::super::tokenize::tokens(text).filter(|t| !is_stop_word(t)).collect();
            got.sort_unstable();
            want.sort_unstable();
            want.dedup();
            assert_eq!(got, want, "{text}");
            for n in 0..d.terms.len() {
                let mut fnv = fnv::FnvHasher::default();
                std::hash::Hasher::write(&mut fnv, d.term(n).as_bytes());
                assert_eq!(d.terms[n].3, std::hash::Hasher::finish(&fnv), "{}", d.term(n));
            }
        }
    }

    #[test]
    fn postings_list_documents_in_order_with_their_field() {
        let entries = [
            entry(Kind::Runbook, "Disk full", "Free some disk."),
            entry(Kind::Incident, "Outage", "The disk filled up."),
            entry(Kind::Incident, "Other", "Nothing here."),
            entry(Kind::Incident, "Disk again", "disk"),
        ];
        let index = invert(&entries);
        let disk = &index.iter().find(|(t, _)| t == "disk").unwrap().1;
        let posting = |doc: u32, field: Field| doc << 2 | field as u32;
        assert_eq!(disk, &[posting(0, Field::Title), posting(1, Field::Body), posting(3, Field::Title)]);
        let mut s = String::new();
        encode_postings(&mut s, disk);
        // (gap × 4 + field): 0×4+2, 1×4+0, 2×4+2.
        assert_eq!(decode(&s), [2, 4, 10]);
        assert!(index.windows(2).all(|w| w[0].0 < w[1].0), "terms are sorted");
    }

    #[test]
    fn shards_are_contiguous_ranges_with_short_separators() {
        let bodies: Vec<String> = (0..3000).map(|n| format!("word{n} common alpha{}", n % 7)).collect();
        let entries: Vec<Entry> = bodies.iter().map(|b| entry(Kind::Incident, "t", b)).collect();
        let index = invert(&entries);
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

    fn build_files(entries: &[Entry]) -> Vec<OutputFile> {
        let files = std::sync::Mutex::new(Vec::new());
        build(entries, &["SEV-1".into(), "SEV-2".into()], &|f| {
            files.lock().unwrap().push(f);
            Ok(())
        })
        .unwrap();
        let mut files = files.into_inner().unwrap();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    #[test]
    fn files_are_scripts_and_deterministic() {
        let mut a = entry(Kind::Runbook, "Disk full", "Free some disk.");
        a.severity = Some("SEV-2");
        a.services = vec!["storage"];
        let b = entry(Kind::Incident, "Outage \"quoted\" </script>", "Line one\n\n  line   two");
        let mut entries = vec![a, b];
        const PAGES: [&str; 10] = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"];
        entries.extend(PAGES.iter().map(|p| entry(Kind::Page, p, "page")));
        let files = build_files(&entries);
        assert_eq!(files, build_files(&entries));
        let text = |p: &str| String::from_utf8(files.iter().find(|f| f.path == p).unwrap().bytes.clone()).unwrap();
        let manifest = text("search/index.js");
        assert!(manifest.starts_with("debriefSearch.manifest({\"version\":1,"), "{manifest}");
        assert!(manifest.contains(&format!("\"docs\":12,\"perFile\":{DOCS_PER_FILE},")), "{manifest}");
        assert!(manifest.contains("\"kinds\":[[\"runbook\",0,1],[\"incident\",1,2],[\"page\",2,12]]"), "{manifest}");
        assert!(manifest.contains("\"severities\":[\"SEV-2\"]"), "{manifest}");
        let docs = text("search/d/0.js");
        assert!(docs.starts_with("debriefSearch.docs(0,[{\"k\":\"runbook\",\"t\":\"Disk full\""), "{docs}");
        assert!(docs.contains(r#""t":"Outage \"quoted\" </script>""#), "{docs}");
        assert!(docs.contains(r#""x":"Line one\nline two""#), "{docs}");
        // Document DOCS_PER_FILE (the page p{DOCS_PER_FILE - 2}) opens the second file.
        let second = text("search/d/1.js");
        assert!(second.contains(&format!(r#""t":"p{}""#, DOCS_PER_FILE - 2)), "{second}");
        assert!(!second.contains(&format!(r#""t":"p{}""#, DOCS_PER_FILE - 3)), "{second}");
        let long = "word ".repeat(400);
        let snippet = snippet_text(&long);
        assert!(snippet.ends_with("word …") && snippet.len() <= SNIPPET_BYTES + 4, "cut on a word: {snippet}");
        assert!(text("search/facets.js").contains(r#""service":{"storage":"0"}"#));
        assert!(text("search/s/0.js").starts_with("debriefSearch.shard(0,\""));
    }
}
