// How the palette groups the catalog's kinds, and the line drawing for each.
import type { Action, LayoutImage, Module, ModuleKind } from '../../shared/model';

export const PALETTE_GROUPS = ['account', 'entries', 'marketing', 'layout'] as const;
export type PaletteGroup = (typeof PALETTE_GROUPS)[number];

const GROUP_OF: Readonly<Record<string, PaletteGroup>> = {
  profile_card: 'account',
  statement_list: 'account',
  reminder: 'account',
  pay_button: 'account',
  entry_grid: 'entries',
  link_list: 'entries',
  search_box: 'entries',
  contact: 'entries',
  notice: 'entries',
  banner: 'marketing',
  coupon: 'marketing',
  extension_area: 'marketing',
  advert_carousel: 'marketing',
  marketing_slots: 'marketing',
  group: 'layout',
  tabs: 'layout',
  spacer: 'layout',
};

export function groupOf(kind: string): PaletteGroup {
  return GROUP_OF[kind] ?? 'layout';
}

/** SVG path data on a 24px grid, one per kind. */
export const KIND_ICONS: Readonly<Record<string, string>> = {
  profile_card: 'M4 6h16v12H4zM8 10.5a1.5 1.5 0 103 0 1.5 1.5 0 00-3 0M7 15c.8-1.3 4.2-1.3 5 0M14 10h3M14 13h3',
  statement_list: 'M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h4',
  reminder: 'M12 4a5 5 0 00-5 5v4l-2 3h14l-2-3V9a5 5 0 00-5-5zM10 19a2 2 0 004 0',
  pay_button: 'M3 8h18v10H3zM3 11h18M7 15h3',
  entry_grid: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
  link_list: 'M4 6h12M4 12h12M4 18h12M19 6h1M19 12h1M19 18h1',
  search_box: 'M4 7h16v10H4zM9.5 12a2 2 0 104 0 2 2 0 00-4 0M13 13.5l2 2',
  contact: 'M6 3h4l1 5-2 1a11 11 0 005 5l1-2 5 1v4a2 2 0 01-2 2A16 16 0 013 5a2 2 0 012-2z',
  notice: 'M4 10v4h3l6 4V6L7 10zM16 9a4 4 0 010 6',
  banner: 'M3 6h18v10H3zM7 13l3-3 3 3 2-2 3 3M10 19h1M13 19h1',
  coupon: 'M3 7h18v3a2 2 0 000 4v3H3v-3a2 2 0 000-4zM14 7v10',
  extension_area: 'M3 5h18v14H3zM3 9h18M7 13h6M7 16h4',
  advert_carousel: 'M6 6h12v9H6zM3 8v5M21 8v5M10 18h1M13 18h1',
  marketing_slots: 'M4 4h16v5H4zM4 12h7v8H4zM13 12h7v8h-7z',
  group: 'M4 5h16v14H4zM4 9h16M8 12h8v4H8z',
  tabs: 'M4 8h16v11H4zM4 8V5h6v3M10 5h5v3',
  spacer: 'M4 6h16M4 18h16M12 9v6M10 11l2-2 2 2M10 13l2 2 2-2',
};

/** A new item for a list field of a module (entries, slides, links, tabs, items). */
export function newListItem(kind: string, field: string): unknown {
  const keyword = (text: string): Action => ({ type: 'send_keyword', keyword: text });
  const image = (width: number, height: number): LayoutImage => ({ url: 'https://', width, height });
  switch (`${kind}.${field}`) {
    case 'entry_grid.entries':
      return { label: '新入口', icon: 'card', action: keyword('新入口') };
    case 'banner.slides':
      return { image: image(750, 300), action: null };
    case 'link_list.links':
      return { label: '新链接', action: keyword('新链接') };
    case 'tabs.tabs':
      return { label: '新标签', children: [] };
    case 'advert_carousel.items':
      return { image: image(996, 240), link_url: 'https://' };
    case 'marketing_slots.items':
      return { title: '新商品', sub_title: '', image: image(300, 300), link_url: 'https://' };
    default:
      return null;
  }
}

/** A module of a kind from the catalog's sample; the reducer gives it a unique id. */
export function moduleOfKind(kind: string, sample: ModuleKind): Module {
  return { id: kind.replace(/_/g, '-'), props: structuredClone(sample) };
}
