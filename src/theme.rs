//! The theme: minijinja templates and static assets. The default theme is
//! compiled into the binary, so `build` works in any folder; a site's
//! `themes/<name>/templates/` and `themes/<name>/static/` override any file by path.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)) as &[u8]),)*]
    };
}

/// Every file of the default theme, by path under `themes/default/`.
const DEFAULT: &[(&str, &[u8])] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/partials/severity.html",
    "templates/partials/toc.html",
    "templates/partials/pages.html",
    "templates/partials/page_no.html",
    "templates/index.html",
    "templates/incidents.html",
    "templates/incident.html",
    "templates/runbooks.html",
    "templates/runbook.html",
    "templates/alerts.html",
    "templates/alert.html",
    "templates/status_list.html",
    "templates/status.html",
    "templates/terms.html",
    "templates/term.html",
    "templates/page.html",
    "templates/404.html",
    "templates/search.html",
    "templates/trends.html",
    "templates/action_items.html",
    "static/debrief.css",
    "static/debrief.js",
    "static/search.js",
    "static/favicon.svg",
);

pub struct Theme {
    env: Environment<'static>,
    statics: BTreeMap<String, Vec<u8>>,
    /// With `-v`: renders and seconds per template (as Hugo's `--templateMetrics`).
    timings: std::sync::Mutex<BTreeMap<String, (usize, f64)>>,
}

/// The buffer a page starts with. Most pages fit: growing a buffer from
/// empty copied each page several times.
pub const PAGE_CAPACITY: usize = 16 * 1024;

impl Theme {
    /// The default theme with `site/themes/<name>/` laid over it.
    pub fn load(site: &Path, name: &str) -> anyhow::Result<Theme> {
        let mut files: BTreeMap<String, Vec<u8>> = DEFAULT.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        let dir = site.join("themes").join(name);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).expect("walk stays under its root");
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                if rel.starts_with("templates/") || rel.starts_with("static/") {
                    let bytes = std::fs::read(entry.path())
                        .with_context(|| format!("cannot read {}", entry.path().display()))?;
                    files.insert(rel, bytes);
                }
            }
        }
        Theme::from_files(files)
    }

    fn from_files(files: BTreeMap<String, Vec<u8>>) -> anyhow::Result<Theme> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // minijinja's HTML escaping also escapes `/`, which turns every relative
        // link into `..&#x2f;`; escaping `& < > " '` is what safety needs.
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::Html && !value.is_safe() && !value.is_none() && !value.is_undefined()
            {
                let written = match value.as_str() {
                    Some(text) => crate::text::escape_markup_to(out, text),
                    None => crate::text::escape_markup_to(out, &value.to_string()),
                };
                written.map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_filter("thousands", crate::text::thousands);
        let mut statics = BTreeMap::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8(bytes).with_context(|| format!("theme template {name} is not UTF-8"))?;
                env.add_template_owned(name.to_string(), source)
                    .with_context(|| format!("theme template {name} does not parse"))?;
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_string(), bytes);
            }
        }
        Ok(Theme { env, statics, timings: Default::default() })
    }

    /// The page's bytes (UTF-8: templates write only strings).
    pub fn render(&self, template: &str, ctx: Value) -> anyhow::Result<Vec<u8>> {
        self.render_sized(template, ctx, PAGE_CAPACITY)
    }

    /// `render` into a buffer of `capacity` bytes to start with.
    pub fn render_sized(&self, template: &str, ctx: Value, capacity: usize) -> anyhow::Result<Vec<u8>> {
        let t = self.env.get_template(template).with_context(|| format!("the theme has no template {template}"))?;
        let mut out = Vec::with_capacity(capacity);
        let started = crate::progress::verbose().then(std::time::Instant::now);
        t.render_captured_to(ctx, &mut out).map_err(|e| anyhow::anyhow!("template {template} failed: {e:#}"))?;
        if let Some(started) = started {
            let mut timings = self.timings.lock().unwrap_or_else(|e| e.into_inner());
            let entry = timings.entry(template.to_string()).or_default();
            *entry = (entry.0 + 1, entry.1 + started.elapsed().as_secs_f64());
        }
        Ok(out)
    }

    /// With `-v`, prints how often each template was rendered and for how long.
    pub fn print_timings(&self) {
        for (name, (n, secs)) in self.timings.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            eprintln!("timing: template {name}: {n} renders, {secs:.3} s of CPU");
        }
    }

    /// Static files, by path under `static/`.
    pub fn statics(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.statics.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_can_group_thousands() {
        let files =
            BTreeMap::from([("templates/n.html".to_string(), b"{{ n | thousands }} {{ 999 | thousands }}".to_vec())]);
        let theme = Theme::from_files(files).unwrap();
        let out = theme.render("n.html", minijinja::context! { n => 10_000usize }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "10,000 999");
    }
}
