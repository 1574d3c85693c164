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
    let max = nice_max(totals.iter().cloned().fold(0.0, f64::max));
    let mut svg = open(title, desc);
    axis(&mut svg, max, "");
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
    let max = nice_max(series.iter().flat_map(|s| s.values.iter().cloned()).fold(0.0, f64::max));
    let mut svg = open(title, desc);
    axis(&mut svg, max, unit);
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

/// Four gridlines with their values.
fn axis(svg: &mut String, max: f64, unit: &str) {
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let yy = y(v, max);
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

/// The axis top: the maximum rounded up to 1, 2, 2.5 or 5 times a power of ten.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * power).find(|v| *v >= max).unwrap_or(10.0 * power)
}

fn trim_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(321.0), 500.0);
        assert_eq!(nice_max(20.0), 20.0);
        assert_eq!(nice_max(0.3), 0.5);
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
