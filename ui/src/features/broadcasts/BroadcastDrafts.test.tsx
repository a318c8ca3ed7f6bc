import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BroadcastDraft, BroadcastDraftEdit } from '../../platform';
import {
  accountItem,
  emitBroadcastDraftsChanged,
  emitInboxChanged,
  emitSyncStatus,
  onlineStatus,
  platformMocks as m,
  resetPlatformMocks,
} from '../../test/platformMock';
import { BroadcastsScreen } from './Broadcasts';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const WAIT = { timeout: 3000 };

/** The console's drafts as the mocks keep them: saved ones wait until `synced` is called. */
let kept: Map<string, { draft: BroadcastDraft; waiting: boolean }>;

function stored(edit: BroadcastDraftEdit, updatedAt = 1_767_225_600_000): BroadcastDraft {
  return { ...edit, send_at: edit.send_at ?? null, updated_at: updatedAt, deleted: false };
}

/** The outbox sent the drafts: the core says this account's drafts changed. */
function synced(): void {
  for (const item of kept.values()) item.waiting = false;
  emitBroadcastDraftsChanged(['acc-1']);
}

beforeEach(() => {
  resetPlatformMocks();
  kept = new Map();
  m.listAccounts.mockResolvedValue([accountItem({ platform: 'wechat' })]);
  m.broadcasts.mockResolvedValue([]);
  m.listBroadcastDrafts.mockImplementation(async () =>
    [...kept.values()].filter((i) => !i.draft.deleted).map((i) => ({ draft: i.draft, waiting: i.waiting })),
  );
  m.saveBroadcastDraft.mockImplementation(async (edit: BroadcastDraftEdit) => {
    kept.set(edit.id, { draft: stored(edit), waiting: true });
    return null;
  });
  m.deleteBroadcastDraft.mockImplementation(async (id: string) => {
    kept.delete(id);
    return null;
  });
});

describe('broadcast drafts', () => {
  it('the composer saves what staff type as a draft once typing pauses, and tells where it stands', async () => {
    render(<BroadcastsScreen />);
    await userEvent.type(await screen.findByTestId('broadcast-text'), '周末新品');
    await waitFor(() => expect(m.saveBroadcastDraft).toHaveBeenCalled(), WAIT);
    const last = m.saveBroadcastDraft.mock.lastCall?.[0] as BroadcastDraftEdit;
    expect(last).toEqual({
      id: expect.stringMatching(/^draft-/) as unknown,
      account_id: 'acc-1',
      content: { type: 'text', text: '周末新品' },
      audience: { kind: 'all' },
      send_at: null,
    });
    expect(m.saveBroadcastDraft.mock.calls.length).toBeLessThan(4);
    // Listed above the sent broadcasts, waiting to sync; then synced.
    expect((await screen.findByTestId('broadcast-draft-hint')).textContent).toBe('已保存在本机 · 等待同步');
    const listed = await screen.findByTestId(`broadcast-draft-${last.id}`);
    expect(listed.textContent).toContain('周末新品');
    expect(within(listed).getByTestId(`broadcast-draft-state-${last.id}`).textContent).toContain('等待同步');
    synced();
    await waitFor(() => expect(screen.getByTestId('broadcast-draft-hint').textContent).toBe('已保存在本机 · 已同步'));
    expect(within(listed).getByTestId(`broadcast-draft-state-${last.id}`).textContent).toContain('已同步');
  });

  it('continues a draft from the list, saves it under its own id, and deletes another', async () => {
    const older = stored(
      {
        id: 'd-1',
        account_id: 'acc-1',
        content: { type: 'text', text: '会员日' },
        audience: { kind: 'all' },
        send_at: null,
      },
      1,
    );
    const card = stored({
      id: 'd-2',
      account_id: 'acc-1',
      content: { type: 'article', title: '新品卡片', description: '', url: '', image_url: '' },
      audience: { kind: 'all' },
      send_at: null,
    });
    kept.set('d-2', { draft: card, waiting: false });
    kept.set('d-1', { draft: older, waiting: false });
    render(<BroadcastsScreen />);
    expect((await screen.findByTestId('broadcast-draft-d-2')).textContent).toContain('新品卡片');

    await userEvent.click(screen.getByTestId('broadcast-draft-continue-d-1'));
    const text = (await screen.findByTestId('broadcast-text')) as HTMLTextAreaElement;
    expect(text.value).toBe('会员日');
    await userEvent.type(text, '：第二杯半价');
    await waitFor(() => expect(m.saveBroadcastDraft).toHaveBeenCalled(), WAIT);
    expect(m.saveBroadcastDraft.mock.lastCall?.[0]).toMatchObject({
      id: 'd-1',
      content: { type: 'text', text: '会员日：第二杯半价' },
    });

    await userEvent.click(screen.getByTestId('broadcast-draft-delete-d-2'));
    expect(m.deleteBroadcastDraft).toHaveBeenCalledWith('d-2');
    await waitFor(() => expect(screen.queryByTestId('broadcast-draft-d-2')).toBeNull());
    expect(screen.getByTestId('broadcast-draft-d-1').textContent).toContain('会员日：第二杯半价');
  });

  it('reads the drafts again only when the account’s drafts changed, not on every sync event', async () => {
    kept.set('d-1', {
      draft: stored({
        id: 'd-1',
        account_id: 'acc-1',
        content: { type: 'text', text: '会员日' },
        audience: { kind: 'all' },
        send_at: null,
      }),
      waiting: true,
    });
    render(<BroadcastsScreen />);
    const state = await screen.findByTestId('broadcast-draft-state-d-1');
    expect(state.textContent).toContain('等待同步');
    await waitFor(() => expect(m.listBroadcastDrafts).toHaveBeenCalledTimes(1));
    // A subscriber's message, a sync round, another account's drafts: nothing to read again.
    kept.get('d-1')!.waiting = false;
    emitInboxChanged();
    emitSyncStatus({ ...onlineStatus, last_synced_at: 2 });
    emitBroadcastDraftsChanged(['acc-2']);
    expect(m.listBroadcastDrafts).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('broadcast-draft-state-d-1').textContent).toContain('等待同步');

    emitBroadcastDraftsChanged(['acc-1']);
    await waitFor(() => expect(screen.getByTestId('broadcast-draft-state-d-1').textContent).toContain('已同步'));
    expect(m.listBroadcastDrafts).toHaveBeenCalledTimes(2);
  });

  it('sending a continued draft sends it as a broadcast, then deletes the draft', async () => {
    const draft = stored({
      id: 'd-1',
      account_id: 'acc-1',
      content: { type: 'text', text: '会员日' },
      audience: { kind: 'all' },
      send_at: null,
    });
    kept.set('d-1', { draft, waiting: false });
    m.broadcastForecast.mockResolvedValue({ counts: [], period_start: 0 });
    m.sendBroadcast.mockImplementation(async () => {
      throw new Error('not expected before the click');
    });
    render(<BroadcastsScreen />);
    await userEvent.click(await screen.findByTestId('broadcast-draft-continue-d-1'));
    await userEvent.click(screen.getByTestId('broadcast-check'));
    await screen.findByTestId('broadcast-forecast');
    m.sendBroadcast.mockResolvedValue({
      id: 'b-1',
      account_id: 'acc-1',
      content: draft.content,
      audience: draft.audience,
      status: 'sending',
      send_at: 0,
      planned: false,
      counts: [],
      failures: [],
      platform_totals: [],
      created_by: 'u1',
      created_at: 0,
      updated_at: 0,
    });
    await userEvent.click(screen.getByTestId('broadcast-send'));
    await waitFor(() => expect(m.deleteBroadcastDraft).toHaveBeenCalledWith('d-1'));
    expect(m.sendBroadcast).toHaveBeenCalledWith('acc-1', { type: 'text', text: '会员日' }, { kind: 'all' }, null);
    await waitFor(() => expect(screen.queryByTestId('broadcast-draft-d-1')).toBeNull());
    expect(((await screen.findByTestId('broadcast-text')) as HTMLTextAreaElement).value).toBe('');
  });
});
