//! A deterministic corpus of realistic inbox traffic for the inbox benchmark:
//! questions and answers about credit cards, flights and food orders, two
//! thirds in Chinese, made from a seeded generator so every run (and every
//! machine) gets the same rows.

use wicket_model::conversation::{Conversation, ConversationStatus, Direction, Message, MessageBody, Subscriber};
use wicket_model::sync::{FeedEntry, PullResponse};
use wicket_model::{Account, Change, PlatformProfile};

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A question and the answers staff give to it; `{n}` becomes a number.
struct Topic {
    questions: &'static [&'static str],
    answers: &'static [&'static str],
}

const CHINESE: [Topic; 3] = [
    Topic {
        questions: &[
            "请问我的信用卡还款日是几号？",
            "本期账单金额是多少，最低还款额呢？",
            "我想申请账单分期还款，手续费怎么算",
            "信用卡额度可以提高吗？我用了{n}个月了",
            "还款后额度什么时候恢复",
            "为什么我的卡被冻结了，刚才刷卡失败",
            "自动还款设置成功了吗",
            "逾期{n}天会影响征信吗",
        ],
        answers: &[
            "您好，您的还款日是每月{n}日，请按时还款。",
            "本期账单金额为{n}元，最低还款额为账单的百分之十。",
            "分期手续费按期数计算，您可以在账单分期页面查看。",
            "额度调整需要系统评估，建议您保持良好的还款记录。",
            "还款到账后，额度一般会在两小时内恢复。",
            "为了您的资金安全，卡片已临时冻结，请致电客服解冻。",
        ],
    },
    Topic {
        questions: &[
            "航班CA{n}延误了怎么办",
            "我想改签到明天的航班，需要补差价吗",
            "行李超重{n}公斤怎么收费",
            "网上值机什么时候开始",
            "机票退票手续费是多少",
            "可以帮我选一个靠窗的座位吗",
        ],
        answers: &[
            "非常抱歉，航班因天气原因延误，预计起飞时间请留意短信通知。",
            "同舱位改签免费，如有差价需补齐差价。",
            "超重行李按每公斤{n}元收费，可以提前在线购买。",
            "航班起飞前二十四小时开放网上值机。",
            "退票手续费根据舱位和时间收取，详情请见退改规则。",
        ],
    },
    Topic {
        questions: &[
            "我的外卖订单{n}还没送到，已经一个小时了",
            "订单退款什么时候到账",
            "餐品少送了一份饮料",
            "可以开发票吗？抬头是公司",
            "骑手联系不上，电话打不通",
            "优惠券为什么用不了",
        ],
        answers: &[
            "非常抱歉让您久等了，骑手正在配送中，预计{n}分钟内送达。",
            "退款将在一到三个工作日内原路退回。",
            "已为您补发少送的餐品，给您带来不便敬请谅解。",
            "可以的，请在订单详情页填写发票抬头和税号。",
            "优惠券需满{n}元可用，请查看使用条件。",
        ],
    },
];

const ENGLISH: [Topic; 3] = [
    Topic {
        questions: &[
            "When is my credit card payment due this month?",
            "Can I raise my credit limit? I have had the card for {n} months",
            "Why was my card declined at the store just now?",
            "How do I set up automatic repayment for my statement?",
            "What is the minimum payment on my latest statement?",
        ],
        answers: &[
            "Hello, your payment is due on day {n} of each month.",
            "Limit increases are reviewed automatically; keep paying on time.",
            "Your card was paused for your safety. Please call us to unlock it.",
            "You can set up automatic repayment under Card settings.",
        ],
    },
    Topic {
        questions: &[
            "My flight {n} was delayed, can I get a refund?",
            "Can I change my booking to tomorrow's flight?",
            "How much is the fee for extra baggage?",
            "When does online check-in open?",
        ],
        answers: &[
            "We are sorry for the delay. You can request a refund in the app.",
            "Changes to the same cabin are free; a fare difference may apply.",
            "Extra baggage costs {n} dollars per kilogram.",
            "Online check-in opens 24 hours before departure.",
        ],
    },
    Topic {
        questions: &[
            "Where is my food order #{n}? It has been an hour",
            "When will my refund arrive?",
            "One drink was missing from my order",
            "The rider is not answering the phone",
        ],
        answers: &[
            "Sorry for the wait, the rider will arrive in {n} minutes.",
            "Refunds reach your original payment method in 1 to 3 business days.",
            "We have sent the missing item again. Sorry for the trouble.",
        ],
    },
];

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军"];
const ENGLISH_NAMES: [&str; 8] = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry"];

pub const START: i64 = 1_767_225_600_000;

pub fn accounts() -> Vec<Account> {
    let account = |id: &str, name: &str, platform| Account {
        id: id.into(),
        name: name.into(),
        platform,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
        archived: false,
        created_at: START,
        updated_at: START,
        settings: None,
    };
    vec![
        account("bank", "招商银行信用卡", PlatformProfile::Alipay),
        account("air", "Sky Airline", PlatformProfile::Wechat),
        account("food", "美味外卖", PlatformProfile::Wechat),
    ]
}

/// Whether conversation `i` speaks Chinese (two in three do).
fn chinese(i: usize) -> bool {
    i % 3 != 2
}

/// Conversation `i`'s topic and account.
fn topic(i: usize) -> usize {
    (i / 3) % 3
}

pub fn subscriber(i: usize, rng: &mut Rng) -> Subscriber {
    let display_name = if chinese(i) {
        format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN))
    } else {
        format!("{} {}", rng.pick(&ENGLISH_NAMES), i)
    };
    let note = match rng.below(4) {
        0 => "VIP 客户，优先处理".to_string(),
        1 => "prefers English".to_string(),
        _ => String::new(),
    };
    Subscriber {
        id: format!("s{i}"),
        account_id: accounts()[topic(i)].id.clone(),
        platform: "sandbox".into(),
        platform_user_id: format!("user-{i}"),
        display_name,
        following: true,
        followed_at: Some(START),
        tags: Vec::new(),
        note,
        created_at: START,
        updated_at: START,
    }
}

pub fn conversation(i: usize) -> Conversation {
    Conversation {
        id: format!("c{i}"),
        account_id: accounts()[topic(i)].id.clone(),
        subscriber_id: format!("s{i}"),
        status: [ConversationStatus::Open, ConversationStatus::Pending, ConversationStatus::Resolved][i % 3],
        assignee: i.is_multiple_of(2).then(|| format!("staff-{}", i % 7)),
        labels: Vec::new(),
        last_activity_at: START,
        preview: String::new(),
        created_at: START,
        updated_at: START,
    }
}

/// Message `n` of the corpus: a random conversation, questions from the
/// subscriber and answers from staff, one second apart.
pub fn message(n: usize, conversations: usize, rng: &mut Rng) -> Message {
    let c = rng.below(conversations);
    let topic = if chinese(c) { &CHINESE[topic(c)] } else { &ENGLISH[topic(c)] };
    let inbound = rng.below(2) == 0;
    let template = rng.pick(if inbound { topic.questions } else { topic.answers });
    let text = template.replace("{n}", &(1 + rng.below(500)).to_string());
    Message {
        id: format!("m{n}"),
        conversation_id: format!("c{c}"),
        direction: if inbound { Direction::Inbound } else { Direction::Outbound },
        author: (!inbound).then(|| "staff-1".into()),
        body: MessageBody::Text { text },
        client_msg_id: None,
        platform_msg_id: None,
        delivery: (!inbound).then_some(wicket_model::conversation::Delivery::Delivered),
        created_at: START + n as i64 * 1000,
        auto_reply: None,
    }
}

/// One page of the change feed as the server would send it, numbered from
/// `first_seq`, with more to come, so the cache takes it as one step of a
/// long pull.
pub fn pull_page(changes: Vec<Change>, first_seq: i64, cursor: i64, server_time: i64) -> PullResponse {
    PullResponse {
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| FeedEntry { seq: first_seq + i as i64, change })
            .collect(),
        cursor,
        more: true,
        last_mutation_id: 0,
        server_time,
        newest: None,
        scope: None,
    }
}
