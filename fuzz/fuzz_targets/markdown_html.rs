//! Markdown to sanitised HTML: no tag is a script, and no tag carries an
//! event handler or a script URL. (Escaped text may mention them: `&lt;a
//! href="javascript:…"&gt;` is text, and harmless.)
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let out = debrief::render::render(text, 0, None);
    let html = format!("{}{}", out.before, out.after).to_lowercase();
    // Escaped text has no `<`: every `<` starts a tag the sanitiser let through.
    for tag in html.split('<').skip(1).filter_map(|rest| rest.split('>').next()) {
        assert!(!tag.starts_with("script") && !tag.starts_with("style") && !tag.starts_with("iframe"), "<{tag}>");
        for attr in ["href=\"", "src=\""] {
            for value in tag.split(attr).skip(1) {
                let url = value.trim_start();
                assert!(!url.starts_with("javascript:") && !url.starts_with("vbscript:"), "<{tag}>");
            }
        }
        assert!(!attribute_names(tag).iter().any(|a| a.starts_with("on")), "event handler in <{tag}>");
    }
});

/// The attribute names of a tag's inside, skipping quoted values.
fn attribute_names(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = tag.chars().skip_while(|c| !c.is_whitespace()).peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let name: String = std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            return names;
        }
        names.push(name);
        if chars.next_if_eq(&'=').is_some() {
            match chars.peek().copied() {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    chars.by_ref().find(|c| *c == q);
                }
                _ => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
            }
        }
    }
}
