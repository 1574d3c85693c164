//! Times `similar::find` on a site: `cargo run --release --example similar_bench -- SITE [RUNS]`.
use std::time::Instant;

// The allocator debrief itself uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = std::path::PathBuf::from(args.next().expect("usage: similar_bench SITE [RUNS]"));
    let runs: usize = args.next().map_or(9, |r| r.parse().expect("RUNS is a number"));
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let checked = debrief::check::check(&site, today).expect("the site loads");
    let mut incidents: Vec<&debrief::incident::Incident> = checked.site.incidents.iter().collect();
    incidents.sort_by(|a, b| b.times.started.cmp(&a.times.started).then_with(|| a.meta.slug.cmp(&b.meta.slug)));
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..runs {
        let t = Instant::now();
        found = debrief::similar::find(&incidents).iter().filter(|s| !s.is_empty()).count();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "similar: {} post-mortems, {found} with suggestions; median {:.3} s, min {:.3} s, max {:.3} s over {runs} runs",
        incidents.len(),
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
