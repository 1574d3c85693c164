//! Small text helpers shared by the parsers: edit distance, nearest names,
//! placeholders left from templates, and phrase search on word boundaries.

/// Levenshtein distance, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word` within `max` edits (ties: the first).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= max)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// True when `s` is only a placeholder left from a template: `TBD`, `TODO`,
/// `…`, `<…>`, `[…]`, `{{ … }}`, or nothing at all.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim().trim_start_matches(['-', '*', '+', ' ']).trim();
    let t = t.trim_end_matches(['.', ':']).trim();
    if t.is_empty() || t.chars().all(|c| c == '.' || c == '…' || c == '-' || c == '_' || c == '?') {
        return true;
    }
    if ["TBD", "TODO", "TBC", "FIXME", "XXX", "N/A", "TK"].iter().any(|w| t.eq_ignore_ascii_case(w)) {
        return true;
    }
    let enclosed =
        |open: &str, close: &str| t.starts_with(open) && t.ends_with(close) && !t[open.len()..].contains(open);
    enclosed("<", ">") || enclosed("[", "]") || enclosed("{{", "}}")
}

/// A hasher for keys that are already hashes (`u64`): passes them through.
#[derive(Default)]
pub struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("keys hash themselves with write_u64")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Finds any of a list of phrases in text, ignoring ASCII case, where the
/// match starts and ends on word boundaries. Built once, used for every line.
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    phrases: Vec<String>,
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl PhraseMatcher {
    pub fn new(phrases: &[String]) -> PhraseMatcher {
        let phrases: Vec<String> =
            phrases.iter().map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()).collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&phrases)
            .ok();
        PhraseMatcher { phrases, automaton }
    }

    /// (byte offset in `text`, phrase) of each whole-word match inside one
    /// of `ranges`, each searched on its own.
    pub fn find_in<'p>(&'p self, text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<(usize, &'p str)> {
        let (Some(automaton), Some(from), Some(to)) =
            (&self.automaton, ranges.iter().map(|r| r.start).min(), ranges.iter().map(|r| r.end).max())
        else {
            return Vec::new();
        };
        // A phrase inside any range is also in the text that spans them all,
        // so one search of that text settles the common case, no match at all.
        if text.get(from..to).is_some_and(|all| !automaton.is_match(&all.to_ascii_lowercase())) {
            return Vec::new();
        }
        let found = ranges.iter().flat_map(|r| self.find(&text[r.clone()]).into_iter().map(|(i, p)| (r.start + i, p)));
        found.collect()
    }

    /// (byte offset, phrase) of each whole-word match in `haystack`.
    pub fn find<'p>(&'p self, haystack: &str) -> Vec<(usize, &'p str)> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        // Searching a lower-cased copy (same byte offsets) lets aho-corasick use
        // its SIMD prefilter, which a case-insensitive search cannot.
        let lower = haystack.to_ascii_lowercase();
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        automaton
            .find_iter(&lower)
            .filter(|m| {
                let before = haystack[..m.start()].chars().next_back();
                let after = haystack[m.end()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
            .map(|m| (m.start(), self.phrases[m.pattern().as_usize()].as_str()))
            .collect()
    }
}

/// Lower-cases and keeps only letters and digits, single-spaced: the form
/// used to compare headings and enum values.
pub fn fold(s: &str) -> String {
    fold_prefix(s, usize::MAX)
}

/// The start of `fold(s)`: folding stops once the result is longer than
/// `max` bytes, which is all a comparison with a shorter text needs.
pub fn fold_prefix(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_add(4)));
    let mut pending_space = false;
    for c in s.chars() {
        if out.len() > max {
            break;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' {
            pending_space = true;
        }
    }
    out
}

/// Escapes text for HTML and XML content and quoted attribute values, and
/// drops the control characters XML 1.0 forbids.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_markup_into(&mut out, s);
    out
}

/// `escape_markup`, appending to `out`. Copies runs of plain text whole.
pub fn escape_markup_into(out: &mut String, s: &str) {
    escape_markup_to(out, s).expect("writing to a String cannot fail");
}

/// `escape_markup`, written to any `fmt::Write` (a template's output, without
/// a string in between).
pub fn escape_markup_to<W: std::fmt::Write + ?Sized>(out: &mut W, s: &str) -> std::fmt::Result {
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    // Every value a template writes comes here (5% of a build): one table
    // look-up per byte finds the next byte to replace.
    while let Some(skip) = bytes[plain_from..].iter().position(|&b| MARKUP_ESCAPE[b as usize] != 0) {
        let i = plain_from + skip;
        out.write_str(&s[plain_from..i])?;
        out.write_str(MARKUP_REPLACEMENTS[MARKUP_ESCAPE[bytes[i] as usize] as usize])?;
        plain_from = i + 1;
    }
    out.write_str(&s[plain_from..])
}

/// What `escape_markup_to` writes instead of a byte: 0 keeps it, otherwise an
/// index into `MARKUP_REPLACEMENTS` (control characters other than tab and
/// line breaks are dropped).
static MARKUP_ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = 6;
        b += 1;
    }
    table[b'\t' as usize] = 0;
    table[b'\n' as usize] = 0;
    table[b'\r' as usize] = 0;
    table[b'&' as usize] = 1;
    table[b'<' as usize] = 2;
    table[b'>' as usize] = 3;
    table[b'"' as usize] = 4;
    table[b'\'' as usize] = 5;
    table
};

const MARKUP_REPLACEMENTS: [&str; 7] = ["", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", ""];

/// Shortens `s` to at most `max` characters for quoting in a message.
pub fn quote(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A figure to one decimal, without a trailing `.0`: `5`, `9.2`, `66.7`.
pub fn number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// FNV-1a, as the `fnv` crate computes it: fast on short keys, and stable
/// across runs and platforms (search terms, file fingerprints).
#[inline]
pub fn fnv_hash(bytes: &[u8]) -> u64 {
    fnv_continue(FNV_START, bytes)
}

/// FNV-1a of `bytes` following what `hash` has hashed: `fnv_continue(fnv_hash(a), b)`
/// is `fnv_hash` of `a` then `b`.
#[inline]
pub fn fnv_continue(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &c| (h ^ u64::from(c)).wrapping_mul(FNV_PRIME))
}

/// FNV-1a's offset basis and prime, for loops that hash as they go.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A count with commas between thousands (`10000` → `10,000`), as the
/// theme's `thousands` filter writes headline numbers.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The text with its first letter upper-cased (`resolved` → `Resolved`).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_forbidden_controls_dropped() {
        assert_eq!(
            escape_markup(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_markup("a\u{0}b\u{1b}c\td\ne\rf"), "abc\td\ne\rf");
        assert_eq!(escape_markup("naïve — 日本 <"), "naïve — 日本 &lt;");
        // Every byte, against the plain definition.
        for b in 0u8..128 {
            let c = b as char;
            let want = match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".into(),
                '>' => "&gt;".into(),
                '"' => "&quot;".into(),
                '\'' => "&#39;".into(),
                '\t' | '\n' | '\r' => c.to_string(),
                _ if b < 0x20 => String::new(),
                _ => c.to_string(),
            };
            assert_eq!(escape_markup(&format!("x{c}y")), format!("x{want}y"), "byte {b:#x}");
        }
    }

    #[test]
    fn numbers_drop_a_trailing_zero() {
        assert_eq!(
            (number(5.0), number(9.2), number(66.66), number(0.04)),
            ("5".into(), "9.2".into(), "66.7".into(), "0".into())
        );
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("severity", "severty"), 1);
        assert_eq!(edit_distance("started_at", "strated_at"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("titel", ["title", "tags"], 2), Some("title"));
        assert_eq!(nearest("zzzz", ["title"], 2), None);
    }

    #[test]
    fn placeholders() {
        for p in
            ["TBD", "todo", "…", "...", "<concrete action>", "[1-2 sentence description]", "- …", "{{ x }}", "", "?"]
        {
            assert!(is_placeholder(p), "{p:?}");
        }
        for p in ["Deploy 287 broke checkout", "<b>real</b> text <i>x</i>", "TBD: ask payments team about retries"] {
            assert!(!is_placeholder(p), "{p:?}");
        }
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let m = PhraseMatcher::new(&["human error".to_string(), "Careless".to_string()]);
        assert_eq!(m.find("It was Human Error, again"), vec![(7, "human error")]);
        assert_eq!(m.find("carelessness"), vec![]);
        assert_eq!(m.find("a careless b CARELESS"), vec![(2, "careless"), (13, "careless")]);
        assert_eq!(PhraseMatcher::new(&[]).find("anything"), vec![]);
    }

    #[test]
    fn phrases_are_found_only_inside_one_range() {
        let m = PhraseMatcher::new(&["human error".to_string()]);
        let text = "`human error` was human error; human `x` error";
        let ranges = [13..30, 30..37, 40..46];
        assert_eq!(m.find_in(text, &ranges), vec![(18, "human error")]);
        assert_eq!(m.find_in(text, std::slice::from_ref(&(0..5))), vec![]);
        assert_eq!(m.find_in(text, &[]), vec![]);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("What didn't go (so) well?"), "what didnt go so well");
        assert_eq!(fold("  Root-Cause  "), "root cause");
        assert_eq!(fold("Action items / follow-ups"), "action items follow ups");
    }

    #[test]
    fn thousands_groups_digits_in_threes() {
        let cases = [(0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (10000, "10,000"), (123456, "123,456")];
        for (n, want) in cases {
            assert_eq!(thousands(n), want);
        }
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    proptest::proptest! {
        #[test]
        fn fold_prefix_is_the_start_of_fold_and_long_enough(s in "[ -~éÉß—\t]{0,60}", max in 0usize..40) {
            let (whole, start) = (fold(&s), fold_prefix(&s, max));
            proptest::prop_assert!(whole.starts_with(&start), "{start:?} is not the start of {whole:?}");
            proptest::prop_assert!(start.len() > max || start == whole);
        }

        #[test]
        fn is_placeholder_ignores_case(word in "(tbd|todo|tbc|fixme|xxx|n/a|tk)", upper in proptest::collection::vec(proptest::bool::ANY, 5)) {
            let mixed: String = word.chars().zip(upper.iter().cycle()).map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c }).collect();
            proptest::prop_assert!(is_placeholder(&mixed));
            let longer = format!("{mixed}s");
            proptest::prop_assert!(!is_placeholder(&longer));
        }
    }
}
