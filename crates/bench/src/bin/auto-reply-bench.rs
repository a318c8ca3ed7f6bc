//! Automatic-reply matching per message with an account's rules (200 by
//! default): the matcher is built once, then each message costs one lookup
//! for exact keywords and one Aho–Corasick pass for the contained ones.
//! Prints the build time and p50 / p99 / max per message; figures only.
//!
//! The same messages against a single keyword rule are the baseline.
//!
//!     cargo run --release -p wicket-bench --bin auto-reply-bench -- --rules 200 --messages 100000
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks: a failed step ends the run")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use clap::Parser;
use wicket_bench::Figures;
use wicket_model::auto_reply::{
    decide, AutoReplyContent, AutoReplyRule, AutoReplyTrigger, Keyword, KeywordMode, Matcher, ReplyMode, Stimulus,
    TemplateValues,
};

#[derive(Parser)]
struct Args {
    /// Keyword rules of the account (plus a greeting, a menu rule and the default reply).
    #[arg(long, default_value_t = 200)]
    rules: usize,
    /// Messages matched.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// Print the figures as one `BENCH-JSON {...}` line too (for `bench-table`).
    #[arg(long)]
    json: bool,
}

const WORDS: &[&str] = &[
    "营业时间",
    "会员卡",
    "积分",
    "退款",
    "发票",
    "优惠券",
    "外卖",
    "门店",
    "价格",
    "预约",
    "opening hours",
    "refund",
    "invoice",
    "coupon",
    "delivery",
    "menu",
    "price",
    "booking",
    "member",
    "points",
];

fn rule(n: usize, trigger: AutoReplyTrigger) -> AutoReplyRule {
    AutoReplyRule {
        id: format!("r{n}"),
        account_id: "shop".into(),
        name: format!("rule {n}"),
        trigger,
        priority: (n % 5) as i32,
        replies: vec![AutoReplyContent::Text { text: format!("{{{{subscriber.name}}}}，回复 {n}") }],
        reply_mode: ReplyMode::All,
        enabled: true,
        deleted: false,
        created_at: n as i64,
        updated_at: n as i64,
    }
}

/// The account's rules: `count` keyword rules, a greeting, a menu rule and
/// the default reply.
fn rules(count: usize) -> Vec<AutoReplyRule> {
    let mut rules: Vec<AutoReplyRule> = (0..count)
        .map(|n| {
            let word = WORDS[n % WORDS.len()];
            let keywords = vec![
                Keyword { text: format!("{word}{n}"), mode: KeywordMode::Contains },
                Keyword { text: format!("{word} {n}"), mode: KeywordMode::Exact },
            ];
            rule(n, AutoReplyTrigger::Keyword { keywords })
        })
        .collect();
    rules.push(rule(count, AutoReplyTrigger::Follow { scene: None }));
    rules.push(rule(count + 1, AutoReplyTrigger::MenuClick { key: "V1001".into() }));
    rules.push(rule(count + 2, AutoReplyTrigger::Default { quiet_minutes: 60 }));
    rules
}

/// The matcher's build time, each message's time (sorted) and how many
/// messages were answered.
fn measure(rules: &[AutoReplyRule], messages: &[String]) -> (Duration, Vec<Duration>, usize) {
    let started = Instant::now();
    let matcher = Matcher::build(rules);
    let build = started.elapsed();
    let values = TemplateValues { subscriber_name: "小王".into(), account_name: "Tea House".into() };
    let mut latencies: Vec<Duration> = Vec::with_capacity(messages.len());
    let mut answered = 0usize;
    for message in messages {
        let stimulus = Stimulus::Text(message.clone());
        let at = Instant::now();
        let decision = decide(&matcher, black_box(&stimulus), None, 0, &values, &mut |_| 0);
        latencies.push(at.elapsed());
        answered += usize::from(decision.is_some());
    }
    latencies.sort();
    (build, latencies, answered)
}

fn main() {
    let args = Args::parse();
    // A third hit a contained keyword, a third an exact one, a third nothing
    // (a sentence of 20–60 characters).
    let messages: Vec<String> = (0..args.messages)
        .map(|i| {
            let n = (i * 7919) % args.rules.max(1);
            let word = WORDS[n % WORDS.len()];
            match i % 3 {
                0 => format!("你好，请问一下{word}{n}是怎么算的？谢谢"),
                1 => format!("{word} {n}").to_uppercase(),
                _ => format!("今天天气不错，我想问问关于第{i}号订单的事情，麻烦尽快回复"),
            }
        })
        .collect();
    // The baseline, in the same run: the same messages against one keyword rule.
    let (_, one_rule, _) = measure(&rules(1), &messages);
    let (build, latencies, answered) = measure(&rules(args.rules), &messages);
    let at = |latencies: &[Duration], p: f64| latencies[((p / 100.0) * (latencies.len() - 1) as f64).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("rules {} (+3), messages {}, answered {answered}", args.rules, messages.len());
    println!("matcher build   {:>10.1} µs", us(build));
    println!("per message p50 {:>10.2} µs", us(at(&latencies, 50.0)));
    println!("per message p99 {:>10.2} µs", us(at(&latencies, 99.0)));
    println!("per message max {:>10.2} µs", us(at(&latencies, 100.0)));
    println!("one rule (baseline): p50 {:.2} µs, p99 {:.2} µs", us(at(&one_rule, 50.0)), us(at(&one_rule, 99.0)));
    Figures::new()
        .set("build_us", us(build))
        .set("p50_us", us(at(&latencies, 50.0)))
        .set("p99_us", us(at(&latencies, 99.0)))
        .set("one_rule_p50_us", us(at(&one_rule, 50.0)))
        .set("one_rule_p99_us", us(at(&one_rule, 99.0)))
        .emit(args.json);
}
