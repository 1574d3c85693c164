//! The tokenising rules, shared with the browser. `static/search.js` applies
//! the same rules to queries; the parts that are data (the stop words, the
//! longest token) are written into the index manifest, so there is one source
//! for them. A browser test runs both on the same strings.
//!
//! A token is a maximal run of Unicode alphanumeric characters (Rust's
//! `char::is_alphanumeric`, JavaScript's `[\p{Alphabetic}\p{N}]`), lower-cased
//! with the full Unicode mapping and cut to `MAX_CHARS` characters. So
//! `KubePodCrashLooping` stays one token (pasting an alert name finds it
//! whole), while `etcd_high-fsync` is three.

/// Longer tokens (hashes, base64) are cut to this many characters, so a
/// pasted one still matches by prefix without bloating the index.
pub const MAX_CHARS: usize = 32;

/// Words too common to be worth an index entry. Only words a post-mortem
/// never needs to be found by: no "down", "not" or "error". Sorted, at most
/// five bytes each (`is_stop_word` relies on both).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "so", "that", "the", "their", "then", "there", "these", "this", "to", "was",
    "we", "were", "which", "while", "with",
];

#[inline]
pub fn is_stop_word(token: &str) -> bool {
    // Called for every word of every document: longer words are rejected by
    // length, the rest by one look-up in a perfect hash of the packed bytes.
    if token.len() > 5 {
        return false;
    }
    let packed = pack(token.as_bytes());
    is_packed_stop_word(packed, token.len())
}

/// `is_stop_word` for an ASCII word in any case (`The`), without copying it.
#[inline]
pub fn is_stop_word_ascii(word: &str) -> bool {
    word.len() <= 5 && is_packed_stop_word(pack(word.as_bytes()) | ASCII_LOWER_BITS[word.len()], word.len())
}

/// Setting bit 5 of a byte lower-cases an ASCII letter and changes no digit:
/// the bits for the first `len` bytes of a packed word.
const ASCII_LOWER_BITS: [u64; 6] =
    [0, 0x20 << 56, 0x2020 << 48, 0x20_2020 << 40, 0x2020_2020 << 32, 0x20_2020_2020 << 24];

#[inline]
fn is_packed_stop_word(packed: u64, len: usize) -> bool {
    let slot = stop_slot(packed);
    // Packing pads with zero bytes, so the length tells `a` from `a\0`.
    STOP_TABLE[slot] == packed && STOP_LEN[slot] as usize == len
}

/// Multiplier that sends each stop word to its own one of 64 slots (found
/// by trying random odd numbers; a test checks it still does).
const STOP_HASH: u64 = 0x15d6_7739_3238_a7bf;

const fn stop_slot(packed: u64) -> usize {
    (packed.wrapping_mul(STOP_HASH) >> 58) as usize
}

/// Each stop word, packed, in its slot (empty slots hold 0, and length 0).
const STOP_TABLE: [u64; 64] = stop_table().0;
const STOP_LEN: [u8; 64] = stop_table().1;

const fn stop_table() -> ([u64; 64], [u8; 64]) {
    let (mut table, mut len) = ([0; 64], [0; 64]);
    let mut i = 0;
    while i < STOP_WORDS.len() {
        let packed = pack(STOP_WORDS[i].as_bytes());
        table[stop_slot(packed)] = packed;
        len[stop_slot(packed)] = STOP_WORDS[i].len() as u8;
        i += 1;
    }
    (table, len)
}

/// Up to eight bytes as a number that sorts like the bytes.
const fn pack(word: &[u8]) -> u64 {
    let mut n = 0u64;
    let mut i = 0;
    while i < 8 {
        n = (n << 8) | if i < word.len() { word[i] as u64 } else { 0 };
        i += 1;
    }
    n
}

/// Each word of `text` with its byte offset, as written (not lower-cased).
/// ASCII bytes are classified directly; only other characters are decoded.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let (start, first) = next_char(text, i, true)?;
        i = start + first;
        while let Some((at, len)) = next_char(text, i, false) {
            i = at + len;
        }
        Some((start, &text[start..i]))
    })
}

/// From byte `i`: with `skip`, the first alphanumeric character (offset,
/// length); without, the character at `i` if it is alphanumeric.
fn next_char(text: &str, mut i: usize, skip: bool) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    while i < b.len() {
        let (word, len) = if b[i].is_ascii() {
            (b[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().expect("i is on a character boundary");
            (c.is_alphanumeric(), c.len_utf8())
        };
        if word {
            return Some((i, len));
        }
        if !skip {
            return None;
        }
        i += len;
    }
    None
}

/// A word as a token: lower-cased, then cut to `MAX_CHARS` characters.
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalise_into(&mut out, word);
    out
}

/// `normalise`, appending to `out` (the index builder's one string per document).
pub fn normalise_into(out: &mut String, word: &str) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(&word[..word.len().min(MAX_CHARS)]);
        out[start..].make_ascii_lowercase();
        return;
    }
    let start = out.len();
    // The whole word at once: a final Σ lower-cases to ς, as in JavaScript.
    out.push_str(&word.to_lowercase());
    if let Some((cut, _)) = out[start..].char_indices().nth(MAX_CHARS) {
        out.truncate(start + cut);
    }
}

/// The tokens of `text`, stop words included, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).map(|(_, w)| normalise(w))
}

/// The tokens a query searches for: stop words are dropped, except a last
/// word still being typed (`the` may become `thermal`). Index side only
/// needs `tokens`; this is the rule the browser applies, kept here so the
/// unit tests pin it down.
pub fn query_tokens(query: &str) -> Vec<String> {
    let all: Vec<String> = tokens(query).collect();
    let typing = !query.ends_with(|c: char| !c.is_alphanumeric());
    let n = all.len();
    let mut out: Vec<String> = Vec::new();
    for (i, t) in all.into_iter().enumerate() {
        if (!is_stop_word(&t) || (typing && i + 1 == n)) && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The trailing parts of a camel-case word, joined: `KubePodCrashLooping` →
/// `podcrashlooping`, `crashlooping`, `looping`. Indexed beside the word so
/// `crashloop` finds the alert; queries never need them (they match by prefix).
pub fn camel_suffixes(word: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut starts = Vec::new();
    for k in 1..chars.len() {
        let (prev, c) = (chars[k - 1].1, chars[k].1);
        let next_lower = chars.get(k + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary =
            c.is_uppercase() && (prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower));
        if boundary {
            starts.push(chars[k].0);
        }
    }
    starts.into_iter().map(|s| normalise(&word[s..])).filter(|s| s.chars().count() >= 3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokens(s).collect()
    }

    #[test]
    fn stop_words_are_short_and_each_has_its_slot() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5), "is_stop_word skips longer words");
        let slots: std::collections::HashSet<usize> =
            STOP_WORDS.iter().map(|w| stop_slot(pack(w.as_bytes()))).collect();
        assert_eq!(slots.len(), STOP_WORDS.len(), "STOP_HASH gives every stop word a slot of its own");
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for w in ["", "th", "then1", "thee", "wit", "withe", "ａ", "a\u{0}"] {
            assert!(!is_stop_word(w), "{w:?}");
        }
        for w in ["The", "AND", "wItH", "a"] {
            assert!(is_stop_word_ascii(w), "{w}");
        }
        for w in ["Them", "AN1", "1", "", "thee"] {
            assert!(!is_stop_word_ascii(w), "{w}");
        }
        assert!(is_stop_word("the") && !is_stop_word("down") && !is_stop_word("error"));
    }

    #[test]
    fn words_split_on_anything_not_alphanumeric() {
        assert_eq!(toks("KubePodCrashLooping fired (5xx)!"), ["kubepodcrashlooping", "fired", "5xx"]);
        assert_eq!(toks("etcd_high-fsync/p99.9"), ["etcd", "high", "fsync", "p99", "9"]);
        assert_eq!(toks("  "), Vec::<String>::new());
        assert_eq!(words("a—b c").collect::<Vec<_>>(), [(0, "a"), (4, "b"), (6, "c")]);
    }

    #[test]
    fn unicode_letters_are_words_and_lower_case_fully() {
        assert_eq!(toks("Zürich ΣΊΣΥΦΟΣ straße İstanbul"), ["zürich", "σίσυφος", "straße", "i̇stanbul"]);
        assert_eq!(toks("東京の障害 ①②"), ["東京の障害", "①②"]);
    }

    #[test]
    fn long_tokens_are_cut() {
        let sha = "4f2a9c1e0b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";
        assert_eq!(toks(sha), [&sha[..MAX_CHARS]]);
        assert_eq!(normalise("ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ").chars().count(), MAX_CHARS);
    }

    #[test]
    fn queries_drop_stop_words_but_not_the_word_being_typed() {
        assert_eq!(query_tokens("the database is down"), ["database", "down"]);
        assert_eq!(query_tokens("disk the"), ["disk", "the"]);
        assert_eq!(query_tokens("disk the "), ["disk"]);
        assert_eq!(query_tokens("Disk disk DISK"), ["disk"]);
    }

    #[test]
    fn camel_case_words_index_their_tails() {
        assert_eq!(camel_suffixes("KubePodCrashLooping"), ["podcrashlooping", "crashlooping", "looping"]);
        assert_eq!(camel_suffixes("HTTPErrorsHigh"), ["errorshigh", "high"]);
        assert_eq!(camel_suffixes("TargetDown996"), ["down996"]);
        assert!(camel_suffixes("checkout").is_empty());
        assert!(camel_suffixes("ÉtéÀParis").iter().all(|s| s.chars().count() >= 3));
    }
}
