use std::time::Instant;
fn main() {
    let site = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let t = Instant::now();
    let n = walkdir::WalkDir::new(site.join("content")).sort_by_file_name().into_iter().count();
    eprintln!("walk {:?} ({n})", t.elapsed());
    let t = Instant::now();
    let n = walkdir::WalkDir::new(site.join("content")).into_iter().count();
    eprintln!("walk unsorted {:?} ({n})", t.elapsed());
    let t = Instant::now();
    let loaded = debrief::source::load(&site).unwrap();
    eprintln!("load {:?} ({} files)", t.elapsed(), loaded.files.len());
    let settings = debrief::settings::Settings::new(
        debrief::config::Config::default(),
        debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
    );
    use rayon::prelude::*;
    let t = Instant::now();
    let n: usize = loaded
        .files
        .par_iter()
        .map(|f| {
            let s = f.text.find("\n---").unwrap_or(0);
            debrief::yaml::parse(&f.text[4..s.max(4)]).map(|_| 1).unwrap_or(0)
        })
        .sum();
    eprintln!("yaml only {:?} {n}", t.elapsed());
    let t = Instant::now();
    let n: usize = loaded.files.par_iter().map(|f| debrief::markdown::Body::parse(&f.text, 0).blocks.len()).sum();
    eprintln!("markdown only {:?} {n}", t.elapsed());
    let t = Instant::now();
    let n: usize = loaded
        .files
        .par_iter()
        .map(|f| pulldown_cmark::Parser::new_ext(&f.text, debrief::markdown::options()).count())
        .sum();
    eprintln!("pulldown only {:?} {n}", t.elapsed());
    let t = Instant::now();
    let n: usize = loaded
        .files
        .par_iter()
        .map(|f| debrief::check::parse_file(f, &settings, debrief::render::Bodies::Skip).1.len())
        .sum();
    eprintln!("parse_file {:?} {n}", t.elapsed());
}
