//! Times building the search index alone, on a site parsed once:
//! `cargo run --release --example search_index -- SITE_DIR [RUNS]`.
//! Prints the median wall time of building it (files made, not written) and its sizes.
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = std::path::PathBuf::from(args.next().expect("usage: search_index SITE_DIR [RUNS]"));
    let runs: usize = args.next().map_or(9, |r| r.parse().expect("RUNS is a number"));
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let checked = debrief::check::check_and_render(&site, today).unwrap_or_else(|e| panic!("{e:?}"));
    let opts = debrief::site::BuildOptions::default();
    let ix = debrief::site::Index::new(&checked.site, &checked.enrichment, &opts);
    let mut times = Vec::new();
    let mut stats = None;
    for _ in 0..runs {
        let t = Instant::now();
        let s = debrief::site::search::files(&ix, &|_| Ok(())).expect("nothing to write");
        times.push(t.elapsed().as_secs_f64());
        stats = Some(s);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "search index: median {:.3} s (min {:.3}, max {:.3}) over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
    println!("{:?}", stats.unwrap());
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
