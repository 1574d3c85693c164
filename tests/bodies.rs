//! A build makes each body's HTML from the check's own markdown pass (most
//! sites) or from the file read again when its page is written (archives over
//! `Bodies::HTML_IN_MEMORY_UP_TO` files). Both must give the same bytes, and
//! so must `debrief build`'s `render_once`, which frees the bodies' plain
//! text after the search index is made.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use debrief::check::{run, RunOptions};
use debrief::render::Bodies;
use debrief::time::Today;

fn site_files(site: &std::path::Path, bodies: Bodies, once: bool) -> BTreeMap<String, Vec<u8>> {
    let today = Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let opts = RunOptions { render: true, bodies: Some(bodies), ..RunOptions::default() };
    let mut checked = run(site, today, &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let theme = debrief::theme::Theme::load(site, &checked.site.settings.config.theme).unwrap();
    let files = Mutex::new(BTreeMap::new());
    let emit = |f: debrief::output::OutputFile| {
        files.lock().unwrap().insert(f.path, f.bytes);
        Ok(())
    };
    if once {
        debrief::site::render_once(&mut checked.site, &checked.enrichment, &theme, &Default::default(), &emit)
    } else {
        debrief::site::render(&checked.site, &checked.enrichment, &theme, &Default::default(), &emit)
    }
    .unwrap();
    files.into_inner().unwrap()
}

#[test]
fn bodies_rendered_now_or_later_and_freed_text_give_the_same_site() {
    for site in [common::root(), common::root().join("tests/fixtures/trends")] {
        let now = site_files(&site, Bodies::Html, false);
        assert!(now.len() > 10, "{}: only {} files", site.display(), now.len());
        for (bodies, once) in [(Bodies::Later, false), (Bodies::Html, true), (Bodies::Later, true)] {
            let other = site_files(&site, bodies, once);
            assert_eq!(now.keys().collect::<Vec<_>>(), other.keys().collect::<Vec<_>>());
            for (path, bytes) in &now {
                assert!(other[path] == *bytes, "{}: {path} differs ({bodies:?}, once: {once})", site.display());
            }
        }
        let search = now.keys().filter(|p| p.starts_with("search/")).count();
        assert!(search > 2, "the search index is part of the site: {search} files");
        let page = now
            .keys()
            .find(|p| p.starts_with("incidents/") && p.ends_with("/index.html") && p.matches('/').count() == 2);
        let page = String::from_utf8_lossy(&now[page.expect("a post-mortem page")]);
        assert!(page.contains("<h2 id="), "the body is rendered with anchored headings");
    }
}
