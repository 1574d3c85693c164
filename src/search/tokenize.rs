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
/// never needs to be found by: no "down", "not" or "error".
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "so", "that", "the", "their", "then", "there", "these", "this", "to", "was",
    "we", "were", "which", "while", "with",
];

pub fn is_stop_word(token: &str) -> bool {
    STOP_WORDS.binary_search(&token).is_ok()
}

/// Each word of `text` with its byte offset, as written (not lower-cased).
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.next_if(|(_, c)| !c.is_alphanumeric()).is_some() {}
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some((i, c)) = rest.next_if(|(_, c)| c.is_alphanumeric()) {
            end = i + c.len_utf8();
        }
        Some((start, &text[start..end]))
    })
}

/// A word as a token: lower-cased, then cut to `MAX_CHARS` characters.
pub fn normalise(word: &str) -> String {
    let lower = word.to_lowercase();
    match lower.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => lower[..cut].to_string(),
        None => lower,
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
        let boundary = c.is_uppercase() && (prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower));
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
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
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
