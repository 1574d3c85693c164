//! Markdown to sanitised HTML: never a script, an event handler or a script URL.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let out = debrief::render::render(text, 0, None);
    let html = format!("{}{}", out.before, out.after).to_lowercase();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains(" onerror="), "{html}");
});
