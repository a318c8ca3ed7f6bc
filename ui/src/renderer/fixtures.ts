// Sample layouts for tests and for the console's previews: one with every
// module kind, in the shapes the Rust starters use.
import type { Layout, Module, ModuleKind } from '../shared/model';

function m(id: string, props: ModuleKind): Module {
  return { id, props };
}

/** Every module kind at least once, a page, and a menu with a submenu. */
export function everyKindLayout(): Layout {
  return {
    schema_version: 1,
    modules: [
      m('profile', {
        kind: 'profile_card',
        title: '{{subscriber.name}}',
        subtitle: '{{card.masked_number}} · {{subscriber.level}}',
        show_avatar: true,
        action: { type: 'open_page', page_id: 'cards' },
      }),
      m('reminder', {
        kind: 'reminder',
        title: '还款提醒',
        text: '本期应还 ¥{{statement.amount}}，最后还款日 {{statement.due_date}}',
        action: { type: 'pay', amount_template: '{{statement.amount}}', description: '信用卡还款' },
      }),
      m('statements', {
        kind: 'statement_list',
        title: '月度账单',
        months: 3,
        action: { type: 'send_keyword', keyword: '账单' },
      }),
      m('entries', {
        kind: 'entry_grid',
        title: '',
        columns: 4,
        entries: [
          { label: '卡片管理', icon: 'card', action: { type: 'open_page', page_id: 'cards' } },
          { label: '账单查询', icon: 'bill', action: { type: 'send_keyword', keyword: '账单' } },
          {
            label: '分期',
            icon: 'installment',
            action: { type: 'open_url', url: 'https://example.com/installment?uid={{subscriber.id}}' },
          },
          { label: '在线客服', icon: 'chat', action: { type: 'open_conversation' } },
          {
            label: '附近网点',
            icon: 'no-such-icon',
            action: { type: 'map', name: '人民广场店', latitude: 31.2304, longitude: 121.4737 },
          },
        ],
      }),
      m('banner', {
        kind: 'banner',
        slides: [
          {
            image: { url: 'https://example.com/banners/1.jpg', width: 750, height: 300 },
            action: { type: 'open_url', url: 'https://example.com/summer' },
          },
          { image: { url: 'https://example.com/banners/2.jpg', width: 750, height: 300 }, action: null },
        ],
      }),
      m('notice', { kind: 'notice', text: '最新订单：{{order.latest_status}}', action: null }),
      m('links', {
        kind: 'link_list',
        title: '卡片服务',
        links: [
          { label: '激活新卡', action: { type: 'open_url', url: 'https://example.com/card/activate' } },
          { label: '挂失补卡', action: { type: 'send_keyword', keyword: '挂失' } },
        ],
      }),
      m('coupon', {
        kind: 'coupon',
        title: '全场满 199 减 30',
        detail: '可用优惠券 {{coupons.count}} 张',
        action: { type: 'send_keyword', keyword: '优惠券' },
      }),
      m('repay', {
        kind: 'pay_button',
        label: '立即还款',
        amount_template: '{{statement.amount}}',
        description: '信用卡还款',
      }),
      m('inquiry', { kind: 'search_box', placeholder: '查询账单、额度、积分', keyword_prefix: '查询 ' }),
      m('contact', { kind: 'contact', title: '客服热线', phone: '400-123-4567', hours: '7×24 小时', chat: true }),
      m('gap', { kind: 'spacer', height: 16 }),
      m('member', {
        kind: 'group',
        title: '会员专区',
        children: [
          m('member_notice', {
            kind: 'notice',
            text: '您有 {{coupons.count}} 张优惠券可用',
            action: { type: 'open_page', page_id: 'cards' },
          }),
        ],
      }),
      m('trips', {
        kind: 'tabs',
        tabs: [
          {
            label: '即将出行',
            children: [
              m('upcoming', {
                kind: 'link_list',
                title: '',
                links: [
                  {
                    label: '{{flight.date}} {{flight.number}}',
                    action: { type: 'open_url', url: 'https://example.com/trips/next' },
                  },
                ],
              }),
            ],
          },
          {
            label: '历史行程',
            children: [
              m('history', {
                kind: 'link_list',
                title: '',
                links: [{ label: '查看全部行程', action: { type: 'open_url', url: 'https://example.com/trips' } }],
              }),
            ],
          },
        ],
      }),
      m('benefits', { kind: 'extension_area', name: '会员权益', url: 'https://h5.example.com/benefits', height: 300 }),
      m('adverts', {
        kind: 'advert_carousel',
        items: [
          {
            image: { url: 'https://example.com/ads/1.jpg', width: 996, height: 240 },
            link_url: 'https://example.com/promo/1',
          },
          {
            image: { url: 'https://example.com/ads/2.jpg', width: 996, height: 240 },
            link_url: 'https://example.com/promo/2',
          },
        ],
      }),
      m('slots', {
        kind: 'marketing_slots',
        head: {
          sub_title: '本周精选',
          image: { url: 'https://example.com/slots/head.jpg', width: 996, height: 450 },
          link_url: 'https://example.com/weekly',
        },
        items: [1, 2, 3, 4].map((n) => ({
          title: `精选 ${n}`,
          sub_title: n === 1 ? '新品' : '',
          image: { url: `https://example.com/slots/${n}.jpg`, width: 300, height: 300 },
          link_url: `https://example.com/products/${n}`,
        })),
      }),
    ],
    pages: [
      {
        id: 'cards',
        title: '卡片管理',
        modules: [
          m('card_links', {
            kind: 'link_list',
            title: '卡片服务',
            links: [{ label: '修改密码', action: { type: 'open_url', url: 'https://example.com/card/password' } }],
          }),
        ],
      },
    ],
    menu: {
      items: [
        { id: 'bill', label: '账单', target: { kind: 'action', action: { type: 'send_keyword', keyword: '账单' } } },
        {
          id: 'repay',
          label: '还款',
          target: {
            kind: 'action',
            action: { type: 'pay', amount_template: '{{statement.amount}}', description: '信用卡还款' },
          },
        },
        {
          id: 'more',
          label: '更多',
          target: {
            kind: 'submenu',
            items: [
              { id: 'more_cards', label: '卡片管理', action: { type: 'open_page', page_id: 'cards' } },
              { id: 'more_hotline', label: '客服热线', action: { type: 'call', phone: '400-123-4567' } },
              { id: 'more_chat', label: '在线客服', action: { type: 'open_conversation' } },
            ],
          },
        },
      ],
    },
  };
}
