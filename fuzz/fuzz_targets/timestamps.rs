//! The timestamp, date, clock and duration parsers, and the timeline and
//! action-item parsers over markdown made from the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod known_panics;
use known_panics::pulldown_panics_tolerated;

fuzz_target!(|text: &str| {
    let zone = debrief::time::Zone::parse("Europe/London").unwrap();
    let started = debrief::time::parse_timestamp(text, zone).ok();
    let _ = debrief::time::parse_date(text);
    let _ = debrief::time::parse_clock(text);
    let _ = debrief::time::parse_duration(text);
    let _ = debrief::time::Zone::parse(text);
    let Some(body) = pulldown_panics_tolerated(|| debrief::markdown::Body::parse(text, 0)) else {
        return;
    };
    let _ = debrief::timeline::parse("Timeline", &body.blocks, started, zone);
    let types = vec!["prevent".to_string(), "detect".to_string(), "mitigate".to_string()];
    let _ = debrief::action_item::parse(&body.blocks, &types);
});
