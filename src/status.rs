//! Status templates (`content/status`): pre-written status-page and chat
//! updates with `{{ placeholder }}` blanks, one per Statuspage phase.

use crate::diagnostic::Code;
use crate::document::{Ctx, Meta};
use crate::source::SourceFile;
use crate::text::quote;
use crate::yaml::Value;

pub const KNOWN_KEYS: &[&str] = &["title", "id", "phase", "audience", "channel", "severity", "tags"];
/// Statuspage's incident states, in the order an incident moves through them.
pub const PHASES: &[&str] = &["investigating", "identified", "monitoring", "resolved"];
pub const AUDIENCES: &[&str] = &["external", "internal"];

#[derive(Debug, Clone, PartialEq)]
pub struct StatusTemplate {
    pub meta: Meta,
    pub phase: Option<String>,
    pub audience: String,
    pub channel: Option<String>,
    /// Placeholder names in order of first use.
    pub placeholders: Vec<String>,
    /// The template text, as written.
    pub text: String,
    pub extra: Vec<(String, Value)>,
}

pub fn parse(ctx: &mut Ctx, file: &SourceFile) -> StatusTemplate {
    let body_offset = ctx.body_start;
    let body_text = &file.text[body_offset..];
    let meta = ctx.meta(file);
    let phase = ctx
        .required("phase", "status template", "phase: investigating")
        .and_then(|p| ctx.one_of(p, "phase", PHASES, Code::PhaseUnknown))
        .map(str::to_string);
    let audience = ctx
        .spanned_text("audience")
        .and_then(|a| ctx.one_of(a, "audience", AUDIENCES, Code::EnumValueUnknown))
        .unwrap_or("external")
        .to_string();
    let channel = ctx.text("channel");
    let extra = ctx.unknown_keys("", KNOWN_KEYS);
    if body_text.trim().is_empty() {
        let span = ctx.end_span();
        ctx.report(
            span,
            Code::TemplateEmpty,
            "this status template has no text".into(),
            "write the update below the front matter, with {{ placeholders }} for the blanks",
        );
    }
    let (placeholders, problems) = placeholders(body_text);
    for (offset, message) in problems {
        let span = ctx.offset_span(body_offset + offset, 2);
        ctx.report(
            span,
            Code::PlaceholderMalformed,
            message,
            "write placeholders as {{ name }}, with a name of letters, digits and _",
        );
    }
    StatusTemplate { meta, phase, audience, channel, placeholders, text: body_text.trim().to_string(), extra }
}

/// The `{{ name }}` placeholders of a template, in order of first use, and
/// malformed ones as (byte offset, message).
pub fn placeholders(text: &str) -> (Vec<String>, Vec<(usize, String)>) {
    let (uses, problems) = scan(text);
    let mut names: Vec<String> = Vec::new();
    for (_, name) in uses {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    (names, problems)
}

/// A template with its blanks filled from `values`: the text ready to paste,
/// and the placeholders left unfilled (in order of first use).
pub fn fill(text: &str, values: &std::collections::BTreeMap<String, String>) -> (String, Vec<String>) {
    let (uses, _) = scan(text);
    let mut out = String::with_capacity(text.len());
    let mut unfilled: Vec<String> = Vec::new();
    let mut at = 0;
    for (range, name) in uses {
        out.push_str(&text[at..range.start]);
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => {
                out.push_str(&text[range.clone()]);
                if !unfilled.iter().any(|n| n == name) {
                    unfilled.push(name.to_string());
                }
            }
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, unfilled)
}

/// A placeholder's span in the text, and its name.
type Use<'a> = (std::ops::Range<usize>, &'a str);

/// Every well-formed placeholder in order, and the malformed ones (offset, message).
fn scan(text: &str) -> (Vec<Use<'_>>, Vec<(usize, String)>) {
    let mut uses = Vec::new();
    let mut problems = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let Some(len) = text[start + 2..].find("}}") else {
            problems.push((start, "this `{{` has no closing `}}`".to_string()));
            break;
        };
        let inner = &text[start + 2..start + 2 + len];
        let name = inner.trim();
        if inner.contains('\n') || name.contains("{{") {
            problems.push((start, "this `{{` has no closing `}}` on its line".to_string()));
            from = start + 2;
            continue;
        }
        let end = start + 2 + len + 2;
        if is_placeholder_name(name) {
            uses.push((start..end, name));
        } else {
            problems.push((start, format!("`{{{{ {} }}}}` is not a placeholder name", quote(name, 30))));
        }
        from = end;
    }
    (uses, problems)
}

pub fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_in_order() {
        let (names, problems) = placeholders("[Investigating] {{ feature }} since {{start_time}}; {{ feature }} again");
        assert_eq!(names, ["feature", "start_time"]);
        assert!(problems.is_empty());
    }

    #[test]
    fn fills_blanks_and_names_the_ones_left() {
        let values: std::collections::BTreeMap<String, String> =
            [("feature".to_string(), "Checkout".to_string()), ("unused".into(), "x".into())].into();
        let (text, unfilled) = fill("{{ feature }} is down since {{start_time}}; {{feature}} {{ bad name }}", &values);
        assert_eq!(text, "Checkout is down since {{start_time}}; Checkout {{ bad name }}");
        assert_eq!(unfilled, ["start_time"]);
    }

    #[test]
    fn reports_malformed_placeholders() {
        let (names, problems) = placeholders("a {{ ok }} b {{ not ok }} c {{ open\nline");
        assert_eq!(names, ["ok"]);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, 13);
        let (_, problems) = placeholders("{{ unclosed");
        assert_eq!(problems[0].0, 0);
    }
}
