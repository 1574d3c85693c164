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

/// Why one post-mortem is like another.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index into the slice given to `find`.
    pub index: usize,
    pub score: f64,
    pub services: Vec<String>,
    pub root_cause: Option<String>,
    pub words: Vec<String>,
}

impl Suggestion {
    /// `same service: ledger · same root cause: deployment · both mention pool, migration`
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if !self.services.is_empty() {
            parts.push(format!("same service: {}", self.services.join(", ")));
        }
        if let Some(c) = &self.root_cause {
            parts.push(format!("same root cause: {c}"));
        }
        if !self.words.is_empty() {
            parts.push(format!("both mention {}", self.words.join(", ")));
        }
        parts.join(" · ")
    }
}

/// A post-mortem's heaviest words, weights normalised to length 1.
type Profile = Vec<(String, f64)>;

/// For each of `incidents`, its suggestions (best first).
pub fn find(incidents: &[&Incident]) -> Vec<Vec<Suggestion>> {
    let counts: Vec<HashMap<String, u32>> = incidents.par_iter().map(|i| word_counts(i)).collect();
    let mut df: HashMap<&str, u32> = HashMap::default();
    for c in &counts {
        for w in c.keys() {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let n = incidents.len() as f64;
    let profiles: Vec<Profile> = counts.par_iter().map(|c| profile(c, &df, n)).collect();
    // Newest first: a list cut to its first entries keeps the most recent.
    let mut order: Vec<usize> = (0..incidents.len()).collect();
    order.sort_by(|&a, &b| incidents[b].times.started.cmp(&incidents[a].times.started).then(a.cmp(&b)));
    let mut by_word: HashMap<&str, Vec<(usize, f64)>> = HashMap::default();
    let mut by_service: HashMap<&str, Vec<usize>> = HashMap::default();
    for &d in &order {
        for (w, weight) in &profiles[d] {
            by_word.entry(w.as_str()).or_default().push((d, *weight));
        }
        for s in &incidents[d].services {
            by_service.entry(s.as_str()).or_default().push(d);
        }
    }
    let lists = Lists { incidents, profiles: &profiles, by_word, by_service };
    (0..incidents.len()).into_par_iter().map(|d| lists.suggest(d)).collect()
}

/// Words that say nothing about what happened (beyond the search stop words).
const COMMON: &[&str] = &[
    "about", "after", "again", "all", "also", "any", "because", "before", "both", "can", "could", "did", "does",
    "during", "each", "for", "hour", "hours", "how", "minute", "minutes", "more", "most", "not", "off", "only",
    "other", "our", "out", "over", "some", "such", "than", "them", "they", "through", "too", "under", "until", "very",
    "what", "when", "where", "who", "why", "will", "would", "you",
];

/// The words of the title and the summary: what the incident was about,
/// at a tenth of the cost of the whole text.
fn word_counts(i: &Incident) -> HashMap<String, u32> {
    let mut counts = HashMap::default();
    let text = [i.meta.title.as_str(), i.meta.summary.as_str()];
    for t in text.iter().flat_map(|t| tokenize::tokens(t)) {
        // Numbers (times, dates, counts) say little about what happened.
        let useful = t.chars().count() >= 3
            && !tokenize::is_stop_word(&t)
            && !COMMON.contains(&t.as_str())
            && !t.chars().all(|c| c.is_numeric());
        if useful {
            *counts.entry(t).or_default() += 1;
        }
    }
    counts
}

fn profile(counts: &HashMap<String, u32>, df: &HashMap<&str, u32>, n: f64) -> Profile {
    let mut weights: Vec<(String, f64)> = counts
        .iter()
        // A word in one post-mortem only matches nothing; one in most of them says nothing.
        .filter(|(w, _)| (2..=(n as u32 / 4).max(2)).contains(&df[w.as_str()]))
        .map(|(w, &c)| (w.clone(), (1.0 + f64::from(c).ln()) * (n / f64::from(df[w.as_str()])).ln()))
        .collect();
    weights.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    weights.truncate(TERMS);
    let norm = weights.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        weights.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    weights
}

/// Every post-mortem's profile, and the lists to find candidates in (newest first).
struct Lists<'a, 'i> {
    incidents: &'a [&'i Incident],
    profiles: &'a [Profile],
    by_word: HashMap<&'a str, Vec<(usize, f64)>>,
    by_service: HashMap<&'i str, Vec<usize>>,
}

impl Lists<'_, '_> {
    fn suggest(&self, d: usize) -> Vec<Suggestion> {
        let me = self.incidents[d];
        let Some(start) = me.times.started else { return Vec::new() };
        // Lists are newest first: skip to the first post-mortem that started before this one.
        let earlier_from = |list: &[usize]| list.partition_point(|&o| self.incidents[o].times.started >= Some(start));
        let mut scores: HashMap<usize, f64> = HashMap::default();
        for (w, x) in &self.profiles[d] {
            let list = &self.by_word[w.as_str()];
            let from = list.partition_point(|&(o, _)| self.incidents[o].times.started >= Some(start));
            for &(o, y) in list[from..].iter().take(PER_TERM) {
                *scores.entry(o).or_default() += 0.6 * x * y;
            }
        }
        for s in &me.services {
            let list = &self.by_service[s.as_str()];
            for &o in list[earlier_from(list)..].iter().take(PER_SERVICE) {
                *scores.entry(o).or_default() += 0.2;
            }
        }
        if let Some(c) = me.root_cause_category.as_ref().filter(|c| c.as_str() != "unknown") {
            for (o, score) in scores.iter_mut() {
                if self.incidents[*o].root_cause_category.as_ref() == Some(c) {
                    *score += 0.2;
                }
            }
        }
        let mut best: Vec<(usize, f64)> = scores.into_iter().filter(|(o, s)| *s > 0.15 && *o != d).collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(SHOWN);
        best.into_iter().map(|(o, score)| self.explain(d, o, score)).collect()
    }

    /// What the two share, for the reason shown.
    fn explain(&self, d: usize, o: usize, score: f64) -> Suggestion {
        let (a, b) = (self.incidents[d], self.incidents[o]);
        let mut shared: Vec<(f64, &str)> = self.profiles[d]
            .iter()
            .filter_map(|(w, x)| self.profiles[o].iter().find(|(v, _)| v == w).map(|(_, y)| (x * y, w.as_str())))
            .collect();
        shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
        Suggestion {
            index: o,
            score,
            services: a.services.iter().filter(|s| b.services.contains(s)).cloned().collect(),
            root_cause: a
                .root_cause_category
                .as_ref()
                .filter(|c| Some(*c) == b.root_cause_category.as_ref() && c.as_str() != "unknown")
                .cloned(),
            words: shared.iter().take(3).map(|(_, w)| w.to_string()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_a_sentence() {
        let s = Suggestion {
            index: 0,
            score: 1.0,
            services: vec!["ledger".into()],
            root_cause: Some("deployment".into()),
            words: vec!["pool".into(), "migration".into()],
        };
        assert_eq!(s.reason(), "same service: ledger · same root cause: deployment · both mention pool, migration");
        let words_only = Suggestion { services: vec![], root_cause: None, ..s };
        assert_eq!(words_only.reason(), "both mention pool, migration");
    }
}
