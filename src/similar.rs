//! Similar past incidents: for each post-mortem, up to three that started
//! before it and share its services, its root-cause category or its rarer
//! words, each with the reason it matched.
//!
//! Not quadratic: each post-mortem keeps only its `TERMS` heaviest words
//! (TF-IDF over its title and summary), and candidates come from those
//! words' lists (each cut to the `PER_TERM` newest earlier post-mortems) and
//! from the `PER_SERVICE` newest earlier post-mortems of each of its
//! services. Scores: 0.6 × text cosine + 0.2 per shared service (of those
//! candidates) + 0.2 for the same root cause; below 0.15 is no suggestion.

use std::collections::HashMap as StdHashMap;

/// Short keys, many look-ups: FNV is several times cheaper than SipHash here.
type HashMap<K, V> = StdHashMap<K, V, fnv::FnvBuildHasher>;

use rayon::prelude::*;

use crate::incident::Incident;
use crate::search::tokenize;

const TERMS: usize = 12;
const PER_TERM: usize = 64;
const PER_SERVICE: usize = 16;
const SHOWN: usize = 3;

/// A similar post-mortem, and why. The reason is one string made once:
/// 300,000 suggestions at 100,000 post-mortems each holding lists of
/// strings cost more memory than the reasons themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index into the slice given to `find`.
    pub index: usize,
    pub score: f64,
    pub reason: String,
}

/// `same service: ledger · same root cause: deployment · both mention pool, migration`
pub fn reason(services: &[&str], root_cause: Option<&str>, words: &[&str]) -> String {
    let mut parts = Vec::new();
    if !services.is_empty() {
        parts.push(format!("same service: {}", services.join(", ")));
    }
    if let Some(c) = root_cause {
        parts.push(format!("same root cause: {c}"));
    }
    if !words.is_empty() {
        parts.push(format!("both mention {}", words.join(", ")));
    }
    parts.join(" · ")
}

/// A post-mortem's heaviest words (ids into `Vocabulary::words`), weights
/// normalised to length 1.
type Profile = Vec<(u32, f64)>;

/// For each of `incidents`, its suggestions (best first).
pub fn find(incidents: &[&Incident]) -> Vec<Vec<Suggestion>> {
    let t = std::time::Instant::now();
    let counts: Vec<Words> = incidents.par_iter().map(|i| Words::new(i)).collect();
    let vocab = Vocabulary::new(&counts);
    let n = incidents.len() as f64;
    let profiles: Vec<Profile> = vocab.docs.par_iter().map(|c| profile(c, &vocab, n)).collect();
    crate::check::stage_time("similar: profiles", t);
    // Newest first: a list cut to its first entries keeps the most recent.
    let mut order: Vec<usize> = (0..incidents.len()).collect();
    order.sort_by(|&a, &b| incidents[b].times.started.cmp(&incidents[a].times.started).then(a.cmp(&b)));
    let starts: Vec<i64> = order.iter().map(|&d| start_key(incidents[d])).collect();
    let mut by_word: Vec<Vec<(Rank, f64)>> = vec![Vec::new(); vocab.words.len()];
    let mut by_service: HashMap<&str, Vec<Rank>> = HashMap::default();
    for (rank, &d) in order.iter().enumerate() {
        let rank = rank as Rank;
        for &(w, weight) in &profiles[d] {
            by_word[w as usize].push((rank, weight));
        }
        for s in &incidents[d].services {
            by_service.entry(s.as_str()).or_default().push(rank);
        }
    }
    // Candidates are many per post-mortem and land anywhere: their causes sit
    // in one dense array, not behind a pointer into each (scattered) Incident.
    let mut cause_ids: HashMap<&str, u32> = HashMap::default();
    let causes: Vec<u32> = incidents
        .iter()
        .map(|i| match i.root_cause_category.as_deref().filter(|c| *c != "unknown") {
            Some(c) => {
                let next = cause_ids.len() as u32 + 1;
                *cause_ids.entry(c).or_insert(next)
            }
            None => 0,
        })
        .collect();
    let lists =
        Lists { incidents, vocab: &vocab, profiles: &profiles, order: &order, starts, by_word, by_service, causes };
    let found = (0..incidents.len())
        .into_par_iter()
        .map_init(|| Scores::new(incidents.len()), |scores, d| lists.suggest(d, scores))
        .collect();
    crate::check::stage_time("similar: candidates", t);
    found
}

/// Words that say nothing about what happened (beyond the search stop words). Sorted.
const COMMON: &[&str] = &[
    "about", "after", "again", "all", "also", "any", "because", "before", "both", "can", "could", "did", "does",
    "during", "each", "for", "hour", "hours", "how", "minute", "minutes", "more", "most", "not", "off", "only",
    "other", "our", "out", "over", "some", "such", "than", "them", "they", "through", "too", "under", "until", "very",
    "what", "when", "where", "who", "why", "will", "would", "you",
];

/// The useful words of a post-mortem's title and summary (what the incident
/// was about, at a tenth of the cost of the whole text): one string holding
/// them all, and where each one is in it.
struct Words {
    text: String,
    spans: Vec<std::ops::Range<usize>>,
}

impl Words {
    fn new(i: &Incident) -> Self {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (_, w) in [i.meta.title.as_str(), i.meta.summary.as_str()].iter().flat_map(|t| tokenize::words(t)) {
            let at = text.len();
            tokenize::normalise_into(&mut text, w);
            let token = &text[at..];
            // Numbers (times, dates, counts) say little about what happened.
            let useful = token.chars().nth(2).is_some()
                && !tokenize::is_stop_word(token)
                && COMMON.binary_search(&token).is_err()
                && !token.chars().all(|c| c.is_numeric());
            if useful {
                spans.push(at..text.len());
            } else {
                text.truncate(at);
            }
        }
        Words { text, spans }
    }
}

/// Every word once, with an id: the later steps index arrays instead of
/// hashing strings.
struct Vocabulary<'a> {
    words: Vec<&'a str>,
    /// How many post-mortems use each word.
    df: Vec<u32>,
    /// Each post-mortem's (word id, count), by id.
    docs: Vec<Vec<(u32, u32)>>,
}

impl<'a> Vocabulary<'a> {
    fn new(all: &'a [Words]) -> Self {
        let mut ids: HashMap<&str, u32> = HashMap::default();
        let mut vocab = Vocabulary { words: Vec::new(), df: Vec::new(), docs: Vec::with_capacity(all.len()) };
        let mut mine: Vec<u32> = Vec::new();
        for doc in all {
            mine.clear();
            for span in &doc.spans {
                let w = &doc.text[span.clone()];
                mine.push(*ids.entry(w).or_insert_with(|| {
                    vocab.words.push(w);
                    vocab.df.push(0);
                    vocab.words.len() as u32 - 1
                }));
            }
            mine.sort_unstable();
            let mut counts: Vec<(u32, u32)> = Vec::with_capacity(mine.len());
            for &id in &mine {
                match counts.last_mut() {
                    Some((last, c)) if *last == id => *c += 1,
                    _ => {
                        counts.push((id, 1));
                        vocab.df[id as usize] += 1;
                    }
                }
            }
            vocab.docs.push(counts);
        }
        vocab
    }
}

fn profile(counts: &[(u32, u32)], vocab: &Vocabulary, n: f64) -> Profile {
    let df = &vocab.df;
    let mut weights: Vec<(u32, f64)> = counts
        .iter()
        // A word in one post-mortem only matches nothing; one in most of them says nothing.
        .filter(|&&(w, _)| (2..=(n as u32 / 4).max(2)).contains(&df[w as usize]))
        .map(|&(w, c)| (w, (1.0 + f64::from(c).ln()) * (n / f64::from(df[w as usize])).ln()))
        .collect();
    let word = |id: u32| vocab.words[id as usize];
    weights.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| word(a.0).cmp(word(b.0))));
    weights.truncate(TERMS);
    let norm = weights.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        weights.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    weights
}

/// When a post-mortem started, as a number that sorts the same way (no
/// start sorts first, as `None` does).
fn start_key(i: &Incident) -> i64 {
    i.times.started.map_or(i64::MIN, |t| t.timestamp_micros())
}

/// A post-mortem's place among all of them, newest first.
type Rank = u32;

/// One thread's candidate scores: a slot per post-mortem, and the slots in use.
struct Scores {
    score: Vec<f64>,
    touched: Vec<usize>,
}

impl Scores {
    fn new(n: usize) -> Self {
        Scores { score: vec![0.0; n], touched: Vec::new() }
    }

    /// Every added amount is positive, so a zero slot is an unused one.
    fn add(&mut self, o: usize, amount: f64) {
        if self.score[o] == 0.0 {
            self.touched.push(o);
        }
        self.score[o] += amount;
    }
}

/// Every post-mortem's profile, and the lists to find candidates in (newest first).
struct Lists<'a, 'i> {
    incidents: &'a [&'i Incident],
    vocab: &'a Vocabulary<'a>,
    profiles: &'a [Profile],
    /// Post-mortems newest first; a `Rank` is a place in it.
    order: &'a [usize],
    /// Their `start_key`s, in that order.
    starts: Vec<i64>,
    by_word: Vec<Vec<(Rank, f64)>>,
    by_service: HashMap<&'i str, Vec<Rank>>,
    /// Each post-mortem's root-cause category as a number (0: none, or `unknown`).
    causes: Vec<u32>,
}

impl Lists<'_, '_> {
    fn suggest(&self, d: usize, scores: &mut Scores) -> Vec<Suggestion> {
        let me = self.incidents[d];
        let Some(start) = me.times.started else { return Vec::new() };
        // Lists are newest first: skip to the first post-mortem that started before this one.
        // Ranks from `first` on started before this post-mortem (lists hold ranks in order).
        let me_start = start.timestamp_micros();
        let first = self.starts.partition_point(|&s| s >= me_start) as Rank;
        for &(w, x) in &self.profiles[d] {
            let list = &self.by_word[w as usize];
            for &(o, y) in list[list.partition_point(|&(o, _)| o < first)..].iter().take(PER_TERM) {
                scores.add(self.order[o as usize], 0.6 * x * y);
            }
        }
        for s in &me.services {
            let list = &self.by_service[s.as_str()];
            for &o in list[list.partition_point(|&o| o < first)..].iter().take(PER_SERVICE) {
                scores.add(self.order[o as usize], 0.2);
            }
        }
        let cause = self.causes[d];
        let mut best: Vec<(usize, f64)> = Vec::new();
        for o in scores.touched.drain(..) {
            let mut score = std::mem::take(&mut scores.score[o]);
            if cause != 0 && self.causes[o] == cause {
                score += 0.2;
            }
            if score > 0.15 && o != d {
                best.push((o, score));
            }
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(SHOWN);
        best.into_iter().map(|(o, score)| self.explain(d, o, score)).collect()
    }

    /// What the two share, for the reason shown.
    fn explain(&self, d: usize, o: usize, score: f64) -> Suggestion {
        let (a, b) = (self.incidents[d], self.incidents[o]);
        let mut shared: Vec<(f64, &str)> = self.profiles[d]
            .iter()
            .filter_map(|(w, x)| {
                let (_, y) = self.profiles[o].iter().find(|(v, _)| v == w)?;
                Some((x * y, self.vocab.words[*w as usize]))
            })
            .collect();
        shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
        let services: Vec<&str> = a.services.iter().filter(|s| b.services.contains(s)).map(String::as_str).collect();
        let cause = a
            .root_cause_category
            .as_deref()
            .filter(|c| Some(*c) == b.root_cause_category.as_deref() && *c != "unknown");
        let words: Vec<&str> = shared.iter().take(3).map(|(_, w)| *w).collect();
        Suggestion { index: o, score, reason: reason(&services, cause, &words) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_are_sorted_for_binary_search() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn reasons_read_as_a_sentence() {
        assert_eq!(
            reason(&["ledger"], Some("deployment"), &["pool", "migration"]),
            "same service: ledger · same root cause: deployment · both mention pool, migration"
        );
        assert_eq!(reason(&[], None, &["pool", "migration"]), "both mention pool, migration");
    }
}
