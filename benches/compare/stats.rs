//! Statistics and table cells: medians, percentiles, ratios to the best peer.
use super::*;

pub fn best_peer(inits: &[Init], f: impl Fn(&Init) -> Option<f64>) -> Option<f64> {
    inits
        .iter()
        .filter(|i| !i.nanoinit)
        .filter_map(f)
        .filter(|v| *v > 0.0)
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.min(v))))
}

pub fn ratio(v: Option<f64>, best: Option<f64>) -> String {
    match (v, best) {
        (Some(v), Some(b)) if b > 0.0 => format!("{:.2}", v / b),
        _ => "–".into(),
    }
}

pub fn opt(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

pub fn median(v: &mut [f64]) -> Option<f64> {
    percentile(v, 50.0)
}

pub fn percentile(v: &mut [f64], p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let idx = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    Some(v[idx.min(v.len() - 1)])
}

/// `12345` as `12,345`.
pub fn grouped(n: u64) -> String {
    let d = n.to_string();
    let mut o = String::new();
    for (k, c) in d.chars().enumerate() {
        if k > 0 && (d.len() - k).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}
