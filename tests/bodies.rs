//! A build makes each body's HTML from the check's own markdown pass (most
//! sites) or from the file read again when its page is written (archives over
//! `Bodies::HTML_IN_MEMORY_UP_TO` files). Both must give the same bytes.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use debrief::check::{run, RunOptions};
use debrief::render::Bodies;
use debrief::time::Today;

fn site_files(site: &std::path::Path, bodies: Bodies) -> BTreeMap<String, Vec<u8>> {
    let today = Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let opts = RunOptions { render: true, bodies: Some(bodies), ..RunOptions::default() };
    let checked = run(site, today, &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let theme = debrief::theme::Theme::load(site, &checked.site.settings.config.theme).unwrap();
    let files = Mutex::new(BTreeMap::new());
    debrief::site::render(&checked.site, &checked.enrichment, &theme, &Default::default(), &|f| {
        files.lock().unwrap().insert(f.path, f.bytes);
        Ok(())
    })
    .unwrap();
    files.into_inner().unwrap()
}

#[test]
fn bodies_rendered_now_or_later_give_the_same_site() {
    for site in [common::root(), common::root().join("tests/fixtures/trends")] {
        let now = site_files(&site, Bodies::Html);
        let later = site_files(&site, Bodies::Later);
        assert!(now.len() > 10, "{}: only {} files", site.display(), now.len());
        assert_eq!(now.keys().collect::<Vec<_>>(), later.keys().collect::<Vec<_>>());
        for (path, bytes) in &now {
            assert!(later[path] == *bytes, "{}: {path} differs", site.display());
        }
        let page = now
            .keys()
            .find(|p| p.starts_with("incidents/") && p.ends_with("/index.html") && p.matches('/').count() == 2);
        let page = String::from_utf8_lossy(&now[page.expect("a post-mortem page")]);
        assert!(page.contains("<h2 id="), "the body is rendered with anchored headings");
    }
}
