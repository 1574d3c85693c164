//! What the trend figures cost a build, part by part, on a site:
//! `cargo run --release --example trends_bench -- SITE [RUNS]`.
//! Parts: the site-wide figures (/trends/, `debrief stats`), every service's
//! health card, the action-item tallies (/action-items/), and similar past
//! incidents. Prints the median, min and max of each over RUNS runs.
use std::collections::BTreeMap;
use std::time::Instant;

use debrief::incident::Incident;

// The allocator debrief itself uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = std::path::PathBuf::from(args.next().expect("usage: trends_bench SITE [RUNS]"));
    let runs: usize = args.next().map_or(9, |r| r.parse().expect("RUNS is a number"));
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let checked = debrief::check::check(&site, today).expect("the site loads");
    let site = &checked.site;
    let cx = debrief::trends::Context { settings: &site.settings, dates: &checked.enrichment.dates };
    let mut incidents: Vec<&Incident> = site.incidents.iter().collect();
    incidents.sort_by(|a, b| b.times.started.cmp(&a.times.started).then_with(|| a.meta.slug.cmp(&b.meta.slug)));
    let mut by_service: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    for i in &incidents {
        for s in &i.services {
            by_service.entry(s.as_str()).or_default().push(i);
        }
    }
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut time = |part: &'static str, f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        std::hint::black_box(f());
        times.entry(part).or_default().push(t.elapsed().as_secs_f64());
    };
    for _ in 0..runs {
        time("1 site-wide figures", &mut || debrief::trends::compute(site, &cx, &Default::default()).incidents);
        time("2 service health cards", &mut || {
            by_service.values().map(|list| debrief::trends::health(list, &cx).incidents).sum()
        });
        time("3 action-item tallies", &mut || debrief::trends::tally_items(&incidents, today.date).1.len());
        time("4 similar incidents", &mut || debrief::similar::find(&incidents).len());
    }
    println!("{} post-mortems, {} services, {runs} runs (seconds)", incidents.len(), by_service.len());
    let mut total = 0.0;
    for (part, mut t) in times {
        t.sort_by(f64::total_cmp);
        total += t[runs / 2];
        println!("  {part:<26} median {:.3}  min {:.3}  max {:.3}", t[runs / 2], t[0], t[runs - 1]);
    }
    println!("  {:<26} median {total:.3}", "sum of medians");
}
