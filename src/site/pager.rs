//! Long lists of post-mortems split into pages of `incidents.per_page` rows:
//! `/incidents/`, `/incidents/page/2/`, … as Hugo and Zola do. At 100,000
//! post-mortems one page listing them all was 67 MB, which a browser must
//! parse and lay out before it shows a row.

use serde::Serialize;

use super::links::Linker;

/// One page of a list: which rows it shows, and which page it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// 1-based.
    pub number: usize,
    pub pages: usize,
    pub start: usize,
    pub end: usize,
}

impl Slice {
    /// A list on one page.
    pub fn whole(len: usize) -> Slice {
        Slice { number: 1, pages: 1, start: 0, end: len }
    }

    /// The rows of `list` this page shows.
    pub fn of<'t, T>(&self, list: &'t [T]) -> &'t [T] {
        &list[self.start..self.end]
    }

    /// How many rows this page shows.
    pub fn rows(&self) -> usize {
        self.end - self.start
    }
}

/// The pages a list of `len` rows takes, `per_page` to a page (0: all on
/// one). An empty list still has its one page, which says it is empty.
pub fn slices(len: usize, per_page: usize) -> Vec<Slice> {
    if per_page == 0 || len <= per_page {
        return vec![Slice::whole(len)];
    }
    let pages = len.div_ceil(per_page);
    (0..pages)
        .map(|k| Slice { number: k + 1, pages, start: k * per_page, end: ((k + 1) * per_page).min(len) })
        .collect()
}

/// Whether a list of `len` rows takes more than one page.
pub fn takes_pages(len: usize, per_page: usize) -> bool {
    slices(len, per_page).len() > 1
}

/// The folder of page `number` of the list in `base`: page 1 is the list itself.
pub fn dir(base: &str, number: usize) -> String {
    match number {
        0 | 1 => base.to_string(),
        n if base.is_empty() => format!("page/{n}"),
        n => format!("{base}/page/{n}"),
    }
}

/// What a list page shows to move between its pages.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub number: usize,
    pub pages: usize,
    /// The rows this page shows, 1-based, of `rows` in all.
    pub first_row: usize,
    pub last_row: usize,
    pub rows: usize,
    /// The page before (newer post-mortems) and after (older).
    pub prev: Option<String>,
    pub next: Option<String>,
    /// What the links to them say: `← Newer`, `Older →` for post-mortems.
    pub prev_text: &'static str,
    pub next_text: &'static str,
    pub links: Vec<PagerLink>,
}

/// A page number, or a gap (`…`, no link) between numbers.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    pub text: String,
    pub href: Option<String>,
    pub current: bool,
}

/// The pager of one page of the list in `base`; none for a list on one page.
pub fn pager(linker: &Linker, base: &str, slice: Slice, rows: usize) -> Option<Pager> {
    if slice.pages < 2 {
        return None;
    }
    let from = dir(base, slice.number);
    let href = |n: usize| linker.page(&from, &dir(base, n));
    let mut links = Vec::new();
    for n in shown(slice.number, slice.pages) {
        match n {
            None => links.push(PagerLink { text: "…".into(), href: None, current: false }),
            Some(n) => links.push(PagerLink { text: n.to_string(), href: Some(href(n)), current: n == slice.number }),
        }
    }
    Some(Pager {
        number: slice.number,
        pages: slice.pages,
        first_row: slice.start + 1,
        last_row: slice.end,
        rows,
        prev: (slice.number > 1).then(|| href(slice.number - 1)),
        next: (slice.number < slice.pages).then(|| href(slice.number + 1)),
        prev_text: "← Newer",
        next_text: "Older →",
        links,
    })
}

/// Notes for the lists that take more than one page but whose template, the
/// site's own (`themes/<theme>/templates/…`), shows no pager: its readers would
/// never see past the first page. A template that names `pager` or includes
/// `partials/pages.html` is taken to show it.
pub fn notes(site_dir: &std::path::Path, site: &crate::model::Site) -> Vec<String> {
    let config = &site.settings.config;
    let mut per_term: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for name in site.incidents.iter().flat_map(|i| i.services.iter().chain(&i.tags)) {
        *per_term.entry(name).or_default() += 1;
    }
    let items = site.incidents.iter().map(|i| i.action_items.len()).sum();
    let lists = [
        ("incidents.html", "post-mortems", takes_pages(site.incidents.len(), config.incidents.per_page), "incidents"),
        (
            "term.html",
            "post-mortems",
            per_term.values().any(|&n| takes_pages(n, config.incidents.per_page)),
            "incidents",
        ),
        ("action_items.html", "action items", takes_pages(items, config.action_items.per_page), "action_items"),
    ];
    let dir = site_dir.join("themes").join(&config.theme).join("templates");
    lists
        .into_iter()
        .filter(|(_, _, paged, _)| *paged)
        .filter_map(|(template, rows, _, key)| {
            let source = std::fs::read_to_string(dir.join(template)).ok()?;
            // A link to another page, not only the page number (`pager.number`).
            let links = ["partials/pages.html", "pager.next", "pager.prev", "pager.links"];
            (!links.iter().any(|l| source.contains(l))).then(|| {
                format!(
                    "themes/{}/templates/{template} shows one page of a list of {rows} at a time but no pager, so the \
                     other pages cannot be reached: include \"partials/pages.html\" in it, or set {key}.per_page: 0",
                    config.theme
                )
            })
        })
        .collect()
}

/// The page numbers a pager names: the first, the last, and two either
/// side of the current one, with `None` where numbers are left out. A gap
/// of one number shows the number instead.
fn shown(current: usize, pages: usize) -> Vec<Option<usize>> {
    let near = |n: usize| n == 1 || n == pages || n.abs_diff(current) <= 2;
    let mut out = Vec::new();
    let mut last = 0;
    for n in (1..=pages).filter(|&n| near(n) || (n > 1 && n < pages && near(n - 1) && near(n + 1))) {
        if n > last + 1 {
            out.push(None);
        }
        out.push(Some(n));
        last = n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_row_once() {
        assert_eq!(slices(0, 100), vec![Slice::whole(0)]);
        assert_eq!(slices(100, 100), vec![Slice::whole(100)]);
        assert_eq!(slices(250, 0), vec![Slice::whole(250)]);
        let s = slices(250, 100);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].start, s[0].end, s[2].start, s[2].end), (0, 100, 200, 250));
        assert!(s.iter().all(|p| p.pages == 3));
        assert_eq!(s.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn page_one_is_the_list_itself() {
        assert_eq!(dir("incidents", 1), "incidents");
        assert_eq!(dir("incidents", 3), "incidents/page/3");
        assert_eq!(dir("services/payments", 2), "services/payments/page/2");
    }

    #[test]
    fn pager_links_are_relative_to_the_page() {
        let l = Linker { pretty: false };
        assert!(pager(&l, "incidents", Slice::whole(40), 40).is_none());
        let s = slices(250, 100);
        let first = pager(&l, "incidents", s[0], 250).unwrap();
        assert_eq!(first.prev, None);
        assert_eq!(first.next.as_deref(), Some("../incidents/page/2/index.html"));
        let second = pager(&l, "incidents", s[1], 250).unwrap();
        assert_eq!(second.prev.as_deref(), Some("../../../incidents/index.html"));
        assert_eq!(second.next.as_deref(), Some("../../../incidents/page/3/index.html"));
        assert_eq!((second.first_row, second.last_row, second.rows), (101, 200, 250));
        let last = pager(&l, "incidents", s[2], 250).unwrap();
        assert_eq!(last.next, None);
        assert!(last.links.iter().any(|p| p.current && p.text == "3" && p.href.is_some()));
    }

    #[test]
    fn long_pagers_leave_gaps() {
        let numbers = |c, p| {
            shown(c, p).iter().map(|n| n.map_or("…".to_string(), |n| n.to_string())).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(numbers(1, 3), "1 2 3");
        assert_eq!(numbers(1, 10), "1 2 3 … 10");
        assert_eq!(numbers(5, 10), "1 2 3 4 5 6 7 … 10");
        assert_eq!(numbers(10, 10), "1 … 8 9 10");
        assert_eq!(numbers(50, 100), "1 … 48 49 50 51 52 … 100");
    }
}
