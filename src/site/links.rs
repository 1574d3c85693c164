//! Where every page lives, and the relative link from one page to another.
//! All internal links are relative, so the site works from any sub-path and
//! from disk; they name `index.html` unless `pretty_urls` is on.

use crate::url;

/// The output folders of the site's pages. Every page is `<dir>/index.html`.
pub mod dir {
    use super::url;

    pub const HOME: &str = "";
    pub const INCIDENTS: &str = "incidents";
    pub const RUNBOOKS: &str = "runbooks";
    pub const ALERTS: &str = "alerts";
    pub const STATUS: &str = "status";
    pub const SERVICES: &str = "services";
    pub const TAGS: &str = "tags";
    pub const SEARCH: &str = "search";
    pub const TRENDS: &str = "trends";
    pub const ACTION_ITEMS: &str = "action-items";

    pub fn incident(slug: &str) -> String {
        format!("{INCIDENTS}/{slug}")
    }
    pub fn runbook(slug: &str) -> String {
        format!("{RUNBOOKS}/{slug}")
    }
    pub fn alert(name: &str) -> String {
        format!("{ALERTS}/{name}")
    }
    pub fn status(slug: &str) -> String {
        format!("{STATUS}/{slug}")
    }
    pub fn page(slug: &str) -> String {
        format!("pages/{slug}")
    }
    pub fn service(name: &str) -> String {
        format!("{SERVICES}/{}", term(name))
    }
    pub fn tag(name: &str) -> String {
        format!("{TAGS}/{}", term(name))
    }
    pub const SEVERITIES: &str = "incidents/severity";
    pub fn severity(id: &str) -> String {
        format!("{SEVERITIES}/{}", term(id))
    }
    pub fn year(year: i32) -> String {
        format!("{INCIDENTS}/year/{year}")
    }
    /// A service or tag name as a URL segment (never empty).
    pub fn term(name: &str) -> String {
        let s = url::incident_slug(name);
        if s.is_empty() {
            "-".into()
        } else {
            s
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Linker {
    pub pretty: bool,
}

fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        // Counting bytes, not splitting: a large site asks this for every link it makes.
        1 + dir.bytes().filter(|&b| b == b'/').count()
    }
}

impl Linker {
    /// The file a page is written to.
    pub fn file(dir: &str) -> String {
        if dir.is_empty() {
            "index.html".into()
        } else {
            format!("{dir}/index.html")
        }
    }

    /// The relative link from the page in `from` to the page in `to`.
    pub fn page(&self, from: &str, to: &str) -> String {
        self.page_in(from, to, "")
    }

    /// `page(from, "{folder}/{name}")`, without making that path first: a
    /// list page makes several such links per row. An empty `name` links to `folder`.
    pub fn page_in(&self, from: &str, folder: &str, name: &str) -> String {
        let up = depth(from);
        let mut link = String::with_capacity(3 * up + folder.len() + 1 + name.len() + "/index.html".len());
        for _ in 0..up {
            link.push_str("../");
        }
        let to_root = folder.is_empty() && name.is_empty();
        match (self.pretty, to_root) {
            (true, true) if up == 0 => link.push_str("./"),
            (true, true) => {}
            (false, true) => link.push_str("index.html"),
            (pretty, false) => {
                link.push_str(folder);
                if !folder.is_empty() && !name.is_empty() {
                    link.push('/');
                }
                link.push_str(name);
                link.push_str(if pretty { "/" } else { "/index.html" });
            }
        }
        link
    }

    /// The relative link from the page in `from` to a file at the site root (`static/debrief.css`).
    pub fn file_link(&self, from: &str, path: &str) -> String {
        format!("{}{path}", "../".repeat(depth(from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_and_name_files() {
        let l = Linker { pretty: false };
        assert_eq!(l.page("", "incidents"), "incidents/index.html");
        assert_eq!(
            l.page("incidents/inc-1", "runbooks/payments/high-error-rate"),
            "../../runbooks/payments/high-error-rate/index.html"
        );
        assert_eq!(l.page("runbooks/a/b", ""), "../../../index.html");
        assert_eq!(l.file_link("alerts/X", "static/debrief.css"), "../../static/debrief.css");
        assert_eq!(Linker::file("incidents"), "incidents/index.html");
    }

    #[test]
    fn pretty_links_name_folders() {
        let l = Linker { pretty: true };
        assert_eq!(l.page("", ""), "./");
        assert_eq!(l.page("incidents", ""), "../");
        assert_eq!(l.page("incidents", "runbooks/x"), "../runbooks/x/");
    }

    #[test]
    fn a_link_into_a_folder_is_the_link_to_its_path() {
        for pretty in [false, true] {
            let l = Linker { pretty };
            for from in ["", "incidents", "services/db/page/2"] {
                for (folder, name) in
                    [("incidents", "inc-1"), ("incidents/severity", "sev-1"), ("services", ""), ("", "")]
                {
                    let path = [folder, name].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("/");
                    assert_eq!(l.page_in(from, folder, name), l.page(from, &path), "{pretty} {from} {folder} {name}");
                }
            }
        }
        assert_eq!(Linker { pretty: false }.page_in("tags/x", "services", "db"), "../../services/db/index.html");
    }

    #[test]
    fn terms_never_escape() {
        assert_eq!(dir::service("../../etc"), "services/etc");
        assert_eq!(dir::tag("…"), "tags/-");
        assert_eq!(dir::severity("SEV-1"), "incidents/severity/sev-1");
    }
}
