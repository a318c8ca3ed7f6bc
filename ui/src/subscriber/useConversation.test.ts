import { describe, expect, it } from 'vitest';
import { message } from './testApi';
import { mergeMessages } from './useConversation';

describe('mergeMessages', () => {
  it('adds new messages in time order, replaces a newer copy, drops notes, keeps the same array when nothing changed', () => {
    const a = message('inbound', { type: 'text', text: 'a' }, { created_at: 10 });
    const b = message('outbound', { type: 'text', text: 'b' }, { created_at: 20 });
    const c = message('inbound', { type: 'text', text: 'c' }, { created_at: 15 });
    const note = message('note', { type: 'text', text: 'secret' }, { created_at: 16 });
    const list = mergeMessages([a, b], [c, note]);
    expect(list.map((m) => m.body.type === 'text' && m.body.text)).toEqual(['a', 'c', 'b']);
    expect(mergeMessages(list, [a, b])).toBe(list);
    const read = { ...b, delivery: { state: 'read' as const } };
    expect(mergeMessages(list, [read])[2]).toEqual(read);
  });
});
