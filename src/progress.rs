//! How much the commands say: `-q` (errors only), the default, and `-v`
//! (stage timings, as `DEBRIEF_TIMINGS=1` does), and the progress line a long
//! build shows on a terminal.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

static VERBOSITY: AtomicI8 = AtomicI8::new(0);

/// -1 with `-q`, 0 by default, 1 and more with `-v`.
pub fn set_verbosity(level: i8) {
    VERBOSITY.store(level, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    VERBOSITY.load(Ordering::Relaxed) < 0
}

pub fn verbose() -> bool {
    VERBOSITY.load(Ordering::Relaxed) > 0 || std::env::var_os("DEBRIEF_TIMINGS").is_some()
}

/// With `-v` (or DEBRIEF_TIMINGS set), prints how long a stage took.
pub fn stage_time(stage: &str, since: Instant) {
    if verbose() {
        eprintln!("timing: {stage} {:.3} s{}", since.elapsed().as_secs_f64(), memory());
    }
}

/// The process's resident and peak memory, where the system tells (Linux).
pub fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => {
            let mb = |kb: &str| kb.parse::<u64>().map_or(0, |k| k / 1024);
            format!(" (memory {} MB, peak {} MB)", mb(&rss), mb(&peak))
        }
        _ => String::new(),
    }
}

/// A line on stderr saying what a build is doing, shown only on a terminal
/// and only once the build has taken `DELAY`, so quick builds stay quiet.
pub struct Progress {
    state: Arc<State>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    stage: Mutex<String>,
    done: AtomicUsize,
    total: AtomicUsize,
    finished: AtomicBool,
}

const DELAY: Duration = Duration::from_secs(1);
const EVERY: Duration = Duration::from_millis(100);

impl Progress {
    /// Starts the clock; `show` is false off a terminal or with `-q`.
    pub fn start(show: bool) -> Progress {
        let state = Arc::new(State::default());
        let thread = show.then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || draw(&state))
        });
        Progress { state, thread }
    }

    /// A new stage, with how many steps it has (0 when unknown).
    pub fn stage(&self, name: &str, total: usize) {
        *self.state.stage.lock().unwrap_or_else(|e| e.into_inner()) = name.to_string();
        self.state.done.store(0, Ordering::Relaxed);
        self.state.total.store(total, Ordering::Relaxed);
    }

    /// One step of the stage done.
    pub fn tick(&self) {
        self.state.done.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.state.finished.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw(state: &State) {
    let start = Instant::now();
    let mut shown = false;
    while !state.finished.load(Ordering::Relaxed) {
        std::thread::sleep(EVERY);
        if start.elapsed() < DELAY {
            continue;
        }
        let stage = state.stage.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (done, total) = (state.done.load(Ordering::Relaxed), state.total.load(Ordering::Relaxed));
        let count = match (done, total) {
            (0, 0) => String::new(),
            (d, 0) => format!(": {d}"),
            (d, t) => format!(": {d} of {t}"),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{stage}{count} ({:.1} s)", start.elapsed().as_secs_f64());
        let _ = err.flush();
        shown = true;
    }
    if shown {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_build_shows_nothing_and_stops_at_once() {
        let t = Instant::now();
        let p = Progress::start(true);
        p.stage("rendering", 3);
        p.tick();
        assert_eq!(p.state.done.load(Ordering::Relaxed), 1);
        drop(p);
        assert!(t.elapsed() < DELAY, "dropping waits at most one tick");
    }
}
