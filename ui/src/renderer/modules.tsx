// One component per module kind. Every text is React text (never HTML), every
// template is filled from the sample, every tap goes through the context's act.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AdvertCarouselProps,
  BannerProps,
  ContactProps,
  CouponProps,
  EntryGridProps,
  ExtensionAreaProps,
  GroupProps,
  LinkListProps,
  MarketingSlotsProps,
  Module,
  ModuleKind,
  NoticeProps,
  PayButtonProps,
  ProfileCardProps,
  ReminderProps,
  SearchBoxProps,
  StatementListProps,
  TabsProps,
} from '../shared/model';
import { useRenderer } from './context';
import { Icon } from './icons';
import { issueAttr, issuesAt } from './issues';
import { Carousel, Chevron, SafeImage, Tap } from './parts';
import { fill, httpsHost } from './template';

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** A list of modules; `path` is the dotted path of the list (`modules`, `pages.0.modules`). */
export function ModuleList({ modules, path }: { modules: readonly Module[]; path: string }) {
  return (
    <>
      {modules.map((module, index) => (
        <ModuleView key={module.id || index} module={module} path={`${path}.${index}`} />
      ))}
    </>
  );
}

/**
 * One module. Memoised on the module object and its path: an editor that keeps
 * unchanged modules' identity re-renders only what changed.
 */
const ModuleView = memo(function ModuleView({ module, path }: { module: Module; path: string }) {
  const { issues } = useRenderer();
  const own = issuesAt(issues, path);
  const kind = (module.props as { kind: string }).kind;
  return (
    <div
      className={`wk-module wk-m-${kind.replace(/[^a-z_]/g, '')}${own.length > 0 ? ' wk-has-issue' : ''}`}
      data-module-id={module.id}
      data-kind={kind}
      data-path={path}
      data-issue={issueAttr(own)}
    >
      <ModuleBody props={module.props} path={path} />
    </div>
  );
});

function ModuleBody({ props, path }: { props: ModuleKind; path: string }) {
  switch (props.kind) {
    case 'profile_card':
      return <ProfileCard p={props} />;
    case 'statement_list':
      return <StatementList p={props} />;
    case 'reminder':
      return <Reminder p={props} />;
    case 'entry_grid':
      return <EntryGrid p={props} />;
    case 'banner':
      return <Banner p={props} />;
    case 'notice':
      return <Notice p={props} />;
    case 'link_list':
      return <LinkList p={props} />;
    case 'coupon':
      return <Coupon p={props} />;
    case 'pay_button':
      return <PayButton p={props} />;
    case 'search_box':
      return <SearchBox p={props} />;
    case 'contact':
      return <Contact p={props} />;
    case 'spacer':
      return <div className="wk-spacer" style={{ height: clamp(props.height, 0, 400) }} aria-hidden="true" />;
    case 'group':
      return <Group p={props} path={path} />;
    case 'tabs':
      return <Tabs p={props} path={path} />;
    case 'extension_area':
      return <ExtensionArea p={props} />;
    case 'advert_carousel':
      return <AdvertCarousel p={props} />;
    case 'marketing_slots':
      return <MarketingSlots p={props} />;
    default:
      return <UnknownModule />;
  }
}

/** A kind from a newer schema than this renderer knows. */
function UnknownModule() {
  const { t } = useTranslation();
  return <div className="wk-unknown">{t('renderer.unknownModule')}</div>;
}

function Title({ text }: { text: string }) {
  const { sample } = useRenderer();
  if (text.trim() === '') return null;
  return <h3 className="wk-title">{fill(text, sample)}</h3>;
}

function ProfileCard({ p }: { p: ProfileCardProps }) {
  const { sample } = useRenderer();
  const title = fill(p.title, sample);
  const subtitle = fill(p.subtitle, sample);
  return (
    <Tap action={p.action} label={title} className="wk-card wk-profile">
      {p.show_avatar && (
        <span className="wk-profile-avatar" aria-hidden="true">
          {Array.from(title.trim())[0] ?? <Icon name="user" />}
        </span>
      )}
      <span className="wk-profile-text">
        <span className="wk-profile-title">{title}</span>
        {subtitle.trim() !== '' && <span className="wk-profile-subtitle">{subtitle}</span>}
      </span>
      {p.action && <Chevron />}
    </Tap>
  );
}

/** `2024年5月` or `2024-05`: the month `back` months earlier in the same style, or null. */
function earlierMonth(month: string, back: number): string | null {
  const zh = /^(\d{4})年(\d{1,2})月$/.exec(month.trim());
  const iso = /^(\d{4})-(\d{1,2})$/.exec(month.trim());
  const parts = zh ?? iso;
  if (!parts) return null;
  const year = Number(parts[1]);
  const m = Number(parts[2]);
  if (m < 1 || m > 12) return null;
  const total = year * 12 + (m - 1) - back;
  const y = Math.floor(total / 12);
  const mm = (total % 12) + 1;
  return zh ? `${y}年${mm}月` : `${y}-${String(mm).padStart(2, '0')}`;
}

function StatementList({ p }: { p: StatementListProps }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const months = clamp(p.months, 1, 12);
  const rows = Array.from({ length: months }, (_, i) => {
    if (i === 0) return sample.statement_month;
    return earlierMonth(sample.statement_month, i) ?? t('renderer.statement.earlier', { n: i });
  });
  return (
    <div className="wk-card wk-statements">
      <Title text={p.title} />
      <ul className="wk-rows">
        {rows.map((month, i) => (
          <li key={i}>
            <Tap action={p.action} label={month} className="wk-row wk-statement" testId="wk-statement">
              <span className="wk-row-main">
                <span className="wk-row-label">{month}</span>
                {i === 0 && (
                  <span className="wk-row-sub">{t('renderer.statement.due', { date: sample.statement_due_date })}</span>
                )}
              </span>
              {i === 0 ? (
                <span className="wk-amount">¥{sample.statement_amount}</span>
              ) : (
                <span className="wk-row-hint">{t('renderer.statement.view')}</span>
              )}
              {p.action && <Chevron />}
            </Tap>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Reminder({ p }: { p: ReminderProps }) {
  const { sample } = useRenderer();
  const title = fill(p.title, sample);
  return (
    <Tap action={p.action} label={title} className="wk-card wk-reminder">
      <span className="wk-reminder-body">
        <span className="wk-reminder-title">{title}</span>
        <span className="wk-reminder-text">{fill(p.text, sample)}</span>
      </span>
      {p.action && <Chevron />}
    </Tap>
  );
}

function EntryGrid({ p }: { p: EntryGridProps }) {
  const { sample } = useRenderer();
  const columns = clamp(p.columns, 1, 5);
  return (
    <div className="wk-card wk-grid-card">
      <Title text={p.title} />
      <ul
        className="wk-grid"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
        data-columns={columns}
      >
        {p.entries.map((entry, i) => {
          const label = fill(entry.label, sample);
          return (
            <li key={i}>
              <Tap action={entry.action} label={label} className="wk-entry" testId="wk-entry">
                <span className="wk-entry-icon">
                  <Icon name={entry.icon} fallback={label} />
                </span>
                <span className="wk-entry-label">{label}</span>
              </Tap>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Banner({ p }: { p: BannerProps }) {
  const { t } = useTranslation();
  const count = p.slides.length;
  const slides = p.slides.map((slide, i) => ({
    image: slide.image,
    action: slide.action,
    label: t('renderer.carousel.slide', { n: i + 1, count }),
  }));
  return <Carousel slides={slides} className="wk-banner" />;
}

function AdvertCarousel({ p }: { p: AdvertCarouselProps }) {
  const { t } = useTranslation();
  const slides = p.items.map((item, i) => ({
    image: item.image,
    action: item.link_url.trim() === '' ? null : ({ type: 'open_url', url: item.link_url } as const),
    label: t('renderer.advert', { n: i + 1 }),
  }));
  return <Carousel slides={slides} className="wk-advert" />;
}

function Notice({ p }: { p: NoticeProps }) {
  const { sample } = useRenderer();
  const text = fill(p.text, sample);
  return (
    <Tap action={p.action} label={text} className="wk-notice">
      <Icon name="notice" className="wk-notice-icon" />
      <span className="wk-notice-text">{text}</span>
      {p.action && <Chevron />}
    </Tap>
  );
}

function LinkList({ p }: { p: LinkListProps }) {
  const { sample } = useRenderer();
  return (
    <div className="wk-card wk-links">
      <Title text={p.title} />
      <ul className="wk-rows">
        {p.links.map((link, i) => {
          const label = fill(link.label, sample);
          return (
            <li key={i}>
              <Tap action={link.action} label={label} className="wk-row wk-link" testId="wk-link">
                <span className="wk-row-main">
                  <span className="wk-row-label">{label}</span>
                </span>
                <Chevron />
              </Tap>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Coupon({ p }: { p: CouponProps }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const title = fill(p.title, sample);
  const detail = fill(p.detail, sample);
  return (
    <Tap action={p.action} label={title} className="wk-coupon">
      <span className="wk-coupon-main">
        <span className="wk-coupon-title">{title}</span>
        {detail.trim() !== '' && <span className="wk-coupon-detail">{detail}</span>}
      </span>
      {p.action && <span className="wk-coupon-use">{t('renderer.coupon.use')}</span>}
    </Tap>
  );
}

function PayButton({ p }: { p: PayButtonProps }) {
  const { sample } = useRenderer();
  const label = fill(p.label, sample);
  const amount = fill(p.amount_template, sample).trim();
  return (
    <div className="wk-pay">
      <Tap
        action={{ type: 'pay', amount_template: p.amount_template, description: p.description }}
        label={label}
        className="wk-pay-button"
        testId="wk-pay-button"
      >
        <span className="wk-pay-label">{label}</span>
        {amount !== '' && <span className="wk-pay-amount">¥{amount}</span>}
      </Tap>
      {p.description.trim() !== '' && <span className="wk-pay-description">{fill(p.description, sample)}</span>}
    </div>
  );
}

function SearchBox({ p }: { p: SearchBoxProps }) {
  const { sample, raw } = useRenderer();
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const placeholder = fill(p.placeholder, sample);
  return (
    <form
      className="wk-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const typed = text.trim();
        if (typed === '') return;
        raw({ type: 'send_keyword', keyword: `${fill(p.keyword_prefix, sample)}${typed}` }, typed);
        setText('');
      }}
    >
      <Icon name="search" className="wk-search-icon" />
      <input
        className="wk-search-input"
        type="search"
        enterKeyHint="search"
        value={text}
        placeholder={placeholder}
        aria-label={placeholder}
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="wk-search-submit">
        {t('renderer.search.submit')}
      </button>
    </form>
  );
}

function Contact({ p }: { p: ContactProps }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const phone = fill(p.phone, sample);
  return (
    <div className="wk-card wk-contact">
      <span className="wk-contact-main">
        <span className="wk-contact-title">{fill(p.title, sample)}</span>
        <span className="wk-contact-phone">{phone}</span>
        {p.hours.trim() !== '' && <span className="wk-contact-hours">{fill(p.hours, sample)}</span>}
      </span>
      <span className="wk-contact-actions">
        <Tap action={{ type: 'call', phone: p.phone }} label={phone} className="wk-pill" testId="wk-contact-call">
          <Icon name="phone" className="wk-pill-icon" />
          {t('renderer.contact.call')}
        </Tap>
        {p.chat && (
          <Tap
            action={{ type: 'open_conversation' }}
            label={t('renderer.contact.chat')}
            className="wk-pill"
            testId="wk-contact-chat"
          >
            <Icon name="chat" className="wk-pill-icon" />
            {t('renderer.contact.chat')}
          </Tap>
        )}
      </span>
    </div>
  );
}

function Group({ p, path }: { p: GroupProps; path: string }) {
  return (
    <div className="wk-group">
      <Title text={p.title} />
      <div className="wk-group-body">
        <ModuleList modules={p.children} path={`${path}.props.children`} />
      </div>
    </div>
  );
}

function Tabs({ p, path }: { p: TabsProps; path: string }) {
  const { sample } = useRenderer();
  const [active, setActive] = useState(0);
  if (p.tabs.length === 0) return null;
  const current = Math.min(active, p.tabs.length - 1);
  const tab = p.tabs[current];
  return (
    <div className="wk-card wk-tabs">
      <div className="wk-tab-bar" role="tablist">
        {p.tabs.map((tab, i) => (
          <button
            key={i}
            type="button"
            role="tab"
            aria-selected={i === current}
            className={`wk-tab${i === current ? ' wk-active' : ''}`}
            onClick={() => setActive(i)}
          >
            {fill(tab.label, sample)}
          </button>
        ))}
      </div>
      <div className="wk-tab-panel" role="tabpanel">
        {tab && <ModuleList key={current} modules={tab.children} path={`${path}.props.tabs.${current}.children`} />}
      </div>
    </div>
  );
}

function ExtensionArea({ p }: { p: ExtensionAreaProps }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const host = httpsHost(fill(p.url, sample));
  return (
    <div className="wk-extension" style={{ height: clamp(p.height, 40, 1000) }} data-host={host ?? undefined}>
      <span className="wk-extension-badge">{t('renderer.extension.badge')}</span>
      <span className="wk-extension-name">{fill(p.name, sample)}</span>
      <span className="wk-extension-host">{host ?? t('renderer.extension.invalidUrl')}</span>
    </div>
  );
}

function MarketingSlots({ p }: { p: MarketingSlotsProps }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const head = p.head;
  const headAction = head.link_url ? ({ type: 'open_url', url: head.link_url } as const) : null;
  const hasHead = head.sub_title !== null || head.image !== null || head.link_url !== null;
  const headLabel = head.sub_title ? fill(head.sub_title, sample) : t('renderer.marketing.head');
  return (
    <div className="wk-card wk-marketing">
      {hasHead && (
        <Tap action={headAction} label={headLabel} className="wk-marketing-head">
          {head.sub_title !== null && <span className="wk-marketing-head-title">{headLabel}</span>}
          {head.image !== null && <SafeImage image={head.image} alt={headLabel} className="wk-marketing-head-img" />}
        </Tap>
      )}
      <ul className="wk-marketing-items">
        {p.items.map((item, i) => {
          const title = fill(item.title, sample);
          const action = item.link_url.trim() === '' ? null : ({ type: 'open_url', url: item.link_url } as const);
          return (
            <li key={i}>
              <Tap action={action} label={title} className="wk-marketing-item" testId="wk-marketing-item">
                <SafeImage image={item.image} alt={title} className="wk-marketing-img" />
                <span className="wk-marketing-title">{title}</span>
                {item.sub_title.trim() !== '' && (
                  <span className="wk-marketing-sub">{fill(item.sub_title, sample)}</span>
                )}
              </Tap>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
