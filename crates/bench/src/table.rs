//! The pure part of `make bench`: figures read from the benchmarks' output,
//! their median, spread and ratio to a baseline, and the markdown table.
//! No I/O and no clock here, so it is tested like any other code.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What starts the one line of figures a benchmark prints with `--json`.
pub const JSON_PREFIX: &str = "BENCH-JSON ";

/// The named figures of one run: the last `BENCH-JSON {...}` line of a
/// benchmark's output (numbers only; anything else in it is ignored).
pub fn parse_figures(stdout: &str) -> Option<BTreeMap<String, f64>> {
    let line = stdout.lines().rev().find_map(|line| line.strip_prefix(JSON_PREFIX))?;
    let value: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
    let figures = value.as_object()?.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect();
    Some(figures)
}

/// The median: the middle value, or the mean of the two middle ones.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 })
}

/// The smallest and largest value.
pub fn spread(values: &[f64]) -> Option<(f64, f64)> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    finite.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Each run's figure divided by its baseline from the same run, for the
/// runs that have both (noise on a shared machine hits both alike).
pub fn ratios(values: &[f64], baselines: &[f64]) -> Vec<f64> {
    values
        .iter()
        .zip(baselines)
        .filter(|(v, b)| v.is_finite() && b.is_finite() && **b != 0.0)
        .map(|(v, b)| v / b)
        .collect()
}

/// How far a ratio is from 1, either way: 0.1 and 10 are equally far.
pub fn distance(ratio: f64) -> f64 {
    if ratio > 0.0 && ratio.is_finite() {
        ratio.max(1.0 / ratio)
    } else {
        f64::INFINITY
    }
}

/// A number with three significant figures at most, thousands kept whole.
pub fn format_number(value: f64) -> String {
    let magnitude = value.abs();
    if !value.is_finite() {
        "—".to_owned()
    } else if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else if magnitude >= 0.01 {
        format!("{value:.3}")
    } else if magnitude == 0.0 {
        "0".to_owned()
    } else if magnitude >= 0.0001 {
        format!("{value:.4}")
    } else {
        format!("{value:.2e}")
    }
}

/// One row: a figure over several runs of one command, and its baseline
/// from the same runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub group: String,
    pub figure: String,
    pub unit: String,
    pub values: Vec<f64>,
    pub baseline: String,
    pub baseline_values: Vec<f64>,
    /// The number of the command in the list under the table (from 1).
    pub command: usize,
    /// Why the row has no figures (the benchmark failed, or is not there yet).
    pub missing: Option<String>,
}

impl Row {
    /// The median of the per-run ratios.
    pub fn ratio(&self) -> Option<f64> {
        median(&ratios(&self.values, &self.baseline_values))
    }
}

/// What the page says about where and how the table was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub date: String,
    pub machine: String,
    pub commit: String,
    pub invocation: String,
    pub notes: Vec<String>,
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn median_and_spread(values: &[f64], unit: &str) -> (String, String) {
    match (median(values), spread(values)) {
        (Some(m), Some((lo, hi))) => {
            (format!("{} {unit}", format_number(m)), format!("{}–{}", format_number(lo), format_number(hi)))
        }
        _ => ("—".to_owned(), "—".to_owned()),
    }
}

/// The rows furthest from their baselines, furthest first.
pub fn furthest(rows: &[Row], count: usize) -> Vec<&Row> {
    let mut measured: Vec<(&Row, f64)> = rows.iter().filter_map(|r| Some((r, distance(r.ratio()?)))).collect();
    measured.sort_by(|a, b| b.1.total_cmp(&a.1));
    measured.into_iter().take(count).map(|(r, _)| r).collect()
}

/// The whole page: heading, where it ran, the table, the rows furthest from
/// their baselines, and the exact command of each row.
pub fn render(meta: &Meta, rows: &[Row], commands: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Made by `{}`. Each row is the median over the runs of its command, the spread is the smallest–largest \
         run, and the ratio is the median of each run's figure divided by its baseline from the same run \
         (below 1: lower than the baseline). Figures only: nothing here passes or fails.\n",
        meta.invocation
    );
    let _ = writeln!(out, "- Date: {}", meta.date);
    let _ = writeln!(out, "- Machine: {}", meta.machine);
    let _ = writeln!(out, "- Commit: {}", meta.commit);
    for note in &meta.notes {
        let _ = writeln!(out, "- {note}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "| Group | Figure | Median | Spread | Runs | Baseline | Baseline median | Ratio | Command |");
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
    for row in rows {
        let (value, spread) = median_and_spread(&row.values, &row.unit);
        let (baseline, _) = median_and_spread(&row.baseline_values, &row.unit);
        let (value, ratio) = match (&row.missing, row.ratio()) {
            (Some(why), _) => (format!("not measured: {why}"), "—".to_owned()),
            (None, Some(ratio)) => (value, format!("{}×", format_number(ratio))),
            (None, None) => (value, "—".to_owned()),
        };
        let command =
            if row.command == 0 { "—".to_owned() } else { format!("[{}](#cmd-{})", row.command, row.command) };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&row.group),
            cell(&row.figure),
            cell(&value),
            spread,
            row.values.len(),
            cell(&row.baseline),
            baseline,
            ratio,
            command
        );
    }
    let far = furthest(rows, 3);
    if !far.is_empty() {
        let _ = writeln!(out, "\n## Furthest from their baselines\n");
        for row in far {
            let ratio = row.ratio().map(format_number).unwrap_or_default();
            let _ = writeln!(out, "1. {} — {}: {}× {}", row.group, row.figure, ratio, row.baseline);
        }
    }
    let _ = writeln!(out, "\n## Commands\n");
    for (i, command) in commands.iter().enumerate() {
        let _ = writeln!(out, "{}. <a id=\"cmd-{}\"></a>`{}`", i + 1, i + 1, command);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts_and_nothing() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn spread_is_smallest_to_largest() {
        assert_eq!(spread(&[3.0, 9.5, 1.0]), Some((1.0, 9.5)));
        assert_eq!(spread(&[7.0]), Some((7.0, 7.0)));
        assert_eq!(spread(&[]), None);
    }

    #[test]
    fn ratios_pair_runs_and_skip_a_zero_baseline() {
        assert_eq!(ratios(&[10.0, 20.0, 30.0], &[5.0, 0.0, 10.0]), vec![2.0, 3.0]);
        let row = Row {
            group: "g".into(),
            figure: "f".into(),
            unit: "ms".into(),
            values: vec![2.0, 4.0, 9.0],
            baseline: "b".into(),
            baseline_values: vec![1.0, 1.0, 3.0],
            command: 1,
            missing: None,
        };
        assert_eq!(row.ratio(), Some(3.0));
    }

    #[test]
    fn distance_treats_both_directions_alike() {
        assert_eq!(distance(0.1), distance(10.0));
        assert!(distance(0.5) < distance(4.0));
        assert_eq!(distance(0.0), f64::INFINITY);
    }

    #[test]
    fn the_last_json_line_is_read_and_other_output_ignored() {
        let out = "run  req/s\nBENCH-JSON {\"a\": 1}\nhealth 100\nBENCH-JSON {\"a\": 2.5, \"label\": \"x\"}\n";
        let figures = parse_figures(out).unwrap();
        assert_eq!(figures.get("a"), Some(&2.5));
        assert!(!figures.contains_key("label"));
        assert_eq!(parse_figures("no figures here\n"), None);
        assert_eq!(parse_figures("BENCH-JSON not json\n"), None);
    }

    #[test]
    fn numbers_keep_three_significant_figures() {
        assert_eq!(format_number(21_345.6), "21346");
        assert_eq!(format_number(17.26), "17.3");
        assert_eq!(format_number(1.234), "1.23");
        assert_eq!(format_number(0.0712), "0.071");
        assert_eq!(format_number(0.004), "0.0040");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(f64::NAN), "—");
    }

    fn row(figure: &str, values: Vec<f64>, baseline: Vec<f64>, command: usize) -> Row {
        Row {
            group: "server".into(),
            figure: figure.into(),
            unit: "msg/s".into(),
            values,
            baseline: "GET /health".into(),
            baseline_values: baseline,
            command,
            missing: None,
        }
    }

    #[test]
    fn the_table_has_a_row_each_with_median_spread_ratio_and_command() {
        let meta = Meta {
            date: "2026-12-03 22:00 UTC".into(),
            machine: "2 cores, 23 GiB".into(),
            commit: "abc1234".into(),
            invocation: "make bench QUICK=1".into(),
            notes: vec!["The machine was shared.".into()],
        };
        let mut missing = row("several processes on PostgreSQL", vec![], vec![], 0);
        missing.missing = Some("no way to start several | yet".into());
        let rows = vec![
            row("sandbox inbound", vec![2000.0, 1800.0, 2300.0], vec![20000.0, 20000.0, 25000.0], 1),
            row("WeChat inbound", vec![1000.0], vec![1000.0], 2),
            missing,
        ];
        // Per-run ratios 0.1, 0.09 and 0.092: the median is 0.092, not 2000 / 20000.
        let page = render(&meta, &rows, &["a --json".into(), "b --json".into()]);
        assert!(page.contains("- Machine: 2 cores, 23 GiB"), "{page}");
        assert!(page.contains("- Commit: abc1234"));
        assert!(page.contains("The machine was shared."));
        assert!(page.contains(
            "| server | sandbox inbound | 2000 msg/s | 1800–2300 | 3 | GET /health | 20000 msg/s | 0.092× | [1](#cmd-1) |"
        ));
        assert!(page
            .contains("| server | WeChat inbound | 1000 msg/s | 1000–1000 | 1 | GET /health | 1000 msg/s | 1.00× |"));
        assert!(page.contains("not measured: no way to start several \\| yet"), "{page}");
        assert!(page.contains("2. <a id=\"cmd-2\"></a>`b --json`"));
        let furthest_section = page.split("## Furthest").nth(1).unwrap();
        assert!(furthest_section
            .trim_start()
            .starts_with("from their baselines\n\n1. server — sandbox inbound: 0.092×"));
    }

    #[test]
    fn furthest_orders_by_distance_either_way_and_skips_missing() {
        let rows = vec![
            row("a", vec![1.0], vec![2.0], 1),
            row("b", vec![30.0], vec![1.0], 1),
            row("c", vec![1.0], vec![20.0], 1),
            row("d", vec![], vec![], 1),
        ];
        let names: Vec<&str> = furthest(&rows, 3).iter().map(|r| r.figure.as_str()).collect();
        assert_eq!(names, vec!["b", "c", "a"]);
    }
}
