//! The floor under a build's page writing: creates N folders under
//! `OUT/incidents/`, each holding a 6 kB `index.html`, on T threads, and
//! prints how long that took. Nothing of debrief runs.
//!
//!     cargo run --release --example write_floor -- /tmp/floor-out 110000 2

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(n), Some(threads)) = (
        args.get(1).map(PathBuf::from),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
        args.get(3).and_then(|t| t.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: write_floor OUT FOLDERS THREADS");
        std::process::exit(2);
    };
    let page = vec![b'x'; 6000];
    let parent = out.join("incidents");
    std::fs::create_dir_all(&parent).expect("create the output folder");
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for first in 0..threads.max(1) {
            let (parent, page) = (&parent, &page);
            s.spawn(move || {
                for i in (first..n).step_by(threads.max(1)) {
                    let dir = parent.join(format!("2025-01-01-incident-{i:06}"));
                    std::fs::create_dir_all(&dir).expect("create a folder");
                    std::fs::write(dir.join("index.html"), page).expect("write a page");
                }
            });
        }
    });
    eprintln!("{n} folders on {threads} threads: {:.2} s", started.elapsed().as_secs_f64());
}
