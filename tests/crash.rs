//! A build killed with SIGKILL at any moment leaves the previous output
//! complete and byte for byte as it was, and the next build works.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The example site with `n` more post-mortems, so a build takes long enough to interrupt.
fn big_site(site: &Path, n: usize) {
    common::copy_dir(&common::root().join("content"), &site.join("content"));
    let template =
        std::fs::read_to_string(common::root().join("content/incidents/2025/2025-06-12-ledger-db-connection-pool.md"))
            .unwrap();
    for k in 0..n {
        let text = template.replacen("id: INC-2025-022", &format!("id: INC-2030-{k:04}"), 1);
        std::fs::write(site.join(format!("content/incidents/2025/copy-{k}.md")), text).unwrap();
    }
}

fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn build(site: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_debrief"));
    // Without the cache, or every build after the first would have nothing to do.
    c.args(["build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2026-11-22", "--no-cache"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

#[test]
fn killing_a_build_never_damages_the_last_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    big_site(&site, 300);
    let out = dir.path().join("public");
    let t = Instant::now();
    assert!(build(&site, &out).status().unwrap().success());
    let full = t.elapsed();
    let before = snapshot(&out);
    assert!(before.len() > 300);
    // A fixed sequence of kill times across the whole build (no randomness: the
    // test is the same every run), from the first millisecond to the last.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut killed_mid_build = 0;
    for round in 0..50 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let at = full.mul_f64((seed >> 11) as f64 / (1u64 << 53) as f64 * 1.1);
        let mut child = build(&site, &out).spawn().unwrap();
        std::thread::sleep(at);
        let still_running = child.try_wait().unwrap().is_none();
        // SIGKILL: no cleanup runs.
        let _ = child.kill();
        let _ = child.wait();
        killed_mid_build += usize::from(still_running);
        let now = snapshot(&out);
        assert_eq!(now.len(), before.len(), "round {round} (killed after {at:?}): files lost or added");
        assert!(now == before, "round {round} (killed after {at:?}): the output changed");
        // Only the output and its two temporary siblings ever exist beside it.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                ["site", "public", ".public.debrief-new", ".public.debrief-old"].contains(&name.as_str()),
                "{name}"
            );
        }
    }
    assert!(killed_mid_build >= 25, "only {killed_mid_build} of 50 kills hit a running build");
    // After all that, a build still works and gives the same output.
    assert!(build(&site, &out).status().unwrap().success());
    assert!(snapshot(&out) == before);
    let _ = Duration::ZERO;
}
