//! Markdown to sanitised HTML: no tag is a script, and no tag carries an
//! event handler or a script URL. (Escaped text may mention them: `&lt;a
//! href="javascript:…"&gt;` is text, and harmless.)
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/html.rs"]
mod html;
use html::{attribute_names, tags};
mod known_panics;
use known_panics::pulldown_panics_tolerated;

fuzz_target!(|text: &str| {
    let Some(out) = pulldown_panics_tolerated(|| debrief::render::render(text, 0, None)) else {
        return;
    };
    let html = format!("{}{}", out.before, out.after).to_lowercase();
    // Escaped text has no `<`: every `<` starts a tag the sanitiser let through.
    for tag in tags(&html) {
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
