//! Inline SVG charts, drawn at build time: no JS, no fonts or assets of their
//! own. Colours come from CSS classes (`c0`…, `sev-1`…), so the theme's light
//! and dark palettes apply; every chart has a `<title>` and a `<desc>`, and
//! the page puts a table of the same numbers beside it.

use std::fmt::Write;

use crate::text::escape_markup;

/// One coloured series: a name for the legend and a CSS class.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub class: String,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 12.0;

/// Bars per label, the series stacked (incidents per month by severity).
pub fn stacked_bars(title: &str, desc: &str, labels: &[String], series: &[Series]) -> String {
    let totals: Vec<f64> = (0..labels.len()).map(|i| series.iter().map(|s| s.values[i]).sum()).collect();
    let scale = Scale::new(&totals);
    let max = scale.top;
    let mut svg = open(title, desc);
    axis(&mut svg, &scale, "");
    let slot = (WIDTH - LEFT) / labels.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0.0;
        for s in series {
            let v = s.values[i];
            if v > 0.0 {
                let (y0, y1) = (y(base + v, max), y(base, max));
                let _ = write!(
                    svg,
                    r#"<rect class="{}" x="{x:.1}" y="{y0:.1}" width="{bar:.1}" height="{:.1}"><title>{}: {} {}</title></rect>"#,
                    escape_markup(&s.class),
                    y1 - y0,
                    escape_markup(label),
                    v,
                    escape_markup(&s.name)
                );
            }
            base += v;
        }
        x_label(&mut svg, i, labels.len(), x + bar / 2.0, label);
    }
    legend(&mut svg, series);
    svg.push_str("</svg>");
    svg
}

/// Bars side by side per label (median and p90 per quarter).
pub fn grouped_bars(title: &str, desc: &str, labels: &[String], series: &[Series], unit: &str) -> String {
    let all: Vec<f64> = series.iter().flat_map(|s| s.values.iter().cloned()).collect();
    let scale = Scale::new(&all);
    let max = scale.top;
    let mut svg = open(title, desc);
    axis(&mut svg, &scale, unit);
    let slot = (WIDTH - LEFT) / labels.len().max(1) as f64;
    let bar = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.1;
        for (k, s) in series.iter().enumerate() {
            let v = s.values[i];
            let x = x0 + bar * k as f64;
            let top = y(v, max);
            let _ = write!(
                svg,
                r#"<rect class="{}" x="{x:.1}" y="{top:.1}" width="{bar:.1}" height="{:.1}"><title>{}: {} {}{}</title></rect>"#,
                escape_markup(&s.class),
                y(0.0, max) - top,
                escape_markup(label),
                escape_markup(&s.name),
                trim_number(v),
                escape_markup(unit)
            );
        }
        x_label(&mut svg, i, labels.len(), x0 + bar * series.len() as f64 / 2.0, label);
    }
    legend(&mut svg, series);
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, desc: &str) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title><desc>{}</desc>"#,
        escape_markup(title),
        escape_markup(desc)
    );
    svg
}

fn y(v: f64, max: f64) -> f64 {
    let plot = HEIGHT - BOTTOM - TOP;
    TOP + plot - if max > 0.0 { v / max * plot } else { 0.0 }
}

/// A gridline at every step, with its value.
fn axis(svg: &mut String, scale: &Scale, unit: &str) {
    let steps = (scale.top / scale.step).round() as usize;
    for k in 0..=steps {
        let v = scale.step * k as f64;
        let yy = y(v, scale.top);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{yy:.1}" y2="{yy:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}{}</text>"#,
            LEFT - 6.0,
            yy + 4.0,
            trim_number(v),
            escape_markup(unit)
        );
    }
}

/// Labels under the bars, thinned so they never overlap.
fn x_label(svg: &mut String, i: usize, n: usize, x: f64, label: &str) {
    let every = n.div_ceil(12).max(1);
    if i % every == 0 {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            HEIGHT - BOTTOM + 16.0,
            escape_markup(label)
        );
    }
}

fn legend(svg: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            svg,
            r#"<rect class="{}" x="{x:.1}" y="{:.1}" width="10" height="10"/><text class="tick" x="{:.1}" y="{:.1}">{}</text>"#,
            escape_markup(&s.class),
            HEIGHT - 12.0,
            x + 14.0,
            HEIGHT - 3.0,
            escape_markup(&s.name)
        );
        x += 24.0 + 7.0 * s.name.chars().count() as f64;
    }
}

/// The value axis: gridlines every `step` (1, 2, 2.5 or 5 times a power of
/// ten; whole numbers when every value is whole, so counts never get a
/// 0.5 line), up to `top`, the first gridline at or above the largest value.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    step: f64,
    top: f64,
}

impl Scale {
    fn new(values: &[f64]) -> Scale {
        let max = values.iter().cloned().fold(0.0, f64::max);
        let whole = values.iter().all(|v| v.fract() == 0.0);
        if max <= 0.0 {
            return Scale { step: 1.0, top: 1.0 };
        }
        // About four gridlines above zero.
        let rough = max / 4.0;
        let power = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * power)
            .filter(|s| !whole || (s.fract() == 0.0 && *s >= 1.0))
            .find(|s| *s >= rough)
            .unwrap_or(if whole { rough.ceil().max(1.0) } else { 10.0 * power });
        Scale { step, top: step * (max / step - 1e-9).ceil().max(1.0) }
    }
}

/// `5`, `2.5`, `10,000`.
fn trim_number(v: f64) -> String {
    if (v - v.round()).abs() >= 1e-9 {
        return format!("{v:.1}");
    }
    let digits = (v.round() as i64).unsigned_abs().to_string();
    let mut out = if v < 0.0 { String::from("-") } else { String::new() };
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_step_by_round_numbers_and_counts_by_whole_ones() {
        let scale = |values: &[f64]| {
            let s = Scale::new(values);
            (s.step, s.top)
        };
        assert_eq!(scale(&[]), (1.0, 1.0));
        assert_eq!(scale(&[1.0, 1.0]), (1.0, 1.0), "one incident a month: no 0.25 lines");
        assert_eq!(scale(&[3.0, 1.0]), (1.0, 3.0));
        assert_eq!(scale(&[7.0]), (2.0, 8.0));
        assert_eq!(scale(&[10_000.0]), (2500.0, 10_000.0));
        assert_eq!(scale(&[321.0]), (100.0, 400.0));
        assert_eq!(scale(&[0.3, 0.1]), (0.1, 0.30000000000000004));
        assert_eq!(scale(&[9.2, 5.0]), (2.5, 10.0));
        assert_eq!(scale(&[50.0]), (20.0, 60.0));
        assert_eq!(
            (trim_number(10_000.0), trim_number(2.5), trim_number(-1234.0)),
            ("10,000".into(), "2.5".into(), "-1,234".into())
        );
    }

    #[test]
    fn charts_escape_their_text_and_title_themselves() {
        let s = vec![Series { name: "<b>".into(), class: "c0".into(), values: vec![1.0, 2.0] }];
        let svg = stacked_bars("A & B", "d", &["x<".into(), "y".into()], &s);
        assert!(svg.starts_with(r#"<svg class="chart" viewBox="0 0 720 240" role="img""#));
        assert!(svg.contains("<title>A &amp; B</title><desc>d</desc>"));
        assert!(svg.contains("x&lt;") && svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert_eq!(svg.matches("<rect class=\"c0\"").count(), 3, "two bars and a legend swatch");
    }
}
