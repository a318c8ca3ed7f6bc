import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SegmentItem } from '../../platform';
import {
  emitInboxChanged,
  emitSegmentsChanged,
  emitSyncStatus,
  onlineStatus,
  platformMocks as m,
  resetPlatformMocks,
} from '../../test/platformMock';
import { AudiencePicker } from './AudiencePicker';
import { EMPTY_FILTER, type Segment } from './audience';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

function item(id: string, name: string, tags: string[], subscribers: number, waiting = false): SegmentItem {
  return {
    segment: {
      id,
      account_id: 'acc-1',
      name,
      filter: { ...EMPTY_FILTER, tags_any: tags, platforms: ['wechat'] },
      deleted: false,
      created_at: 1_767_225_600_000,
      updated_at: 1_767_225_600_000,
    },
    waiting,
    subscribers,
    following: subscribers - 1,
  };
}

/** The picker with its audience kept, as the composer keeps it; each change is also told to `seen`. */
function Harness({ seen }: { seen: (segment: boolean, filter: Segment) => void }) {
  const [segment, setSegment] = useState(false);
  const [filter, setFilter] = useState<Segment>(EMPTY_FILTER);
  return (
    <AudiencePicker
      accountId="acc-1"
      segment={segment}
      filter={filter}
      onChange={(nextSegment, nextFilter) => {
        setSegment(nextSegment);
        setFilter(nextFilter);
        seen(nextSegment, nextFilter);
      }}
    />
  );
}

beforeEach(() => {
  resetPlatformMocks();
  m.listSegments.mockResolvedValue([
    item('seg-vip', 'VIP 老客', ['VIP'], 12),
    item('seg-new', '新客', ['新客'], 3, true),
  ]);
});

describe('saved segments in the audience picker', () => {
  it('lists each saved segment with its count from the cache, and picking one fills the filter', async () => {
    const seen = vi.fn();
    render(<Harness seen={seen} />);
    const rows = await screen.findAllByTestId('saved-segment');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId('saved-segment-count').textContent).toContain('12');
    expect(rows[1]!.dataset.waiting).toBe('true');
    expect(m.listSegments).toHaveBeenCalledWith('acc-1');

    await userEvent.click(within(rows[0]!).getByTestId('saved-segment-pick'));
    expect(seen).toHaveBeenLastCalledWith(true, { ...EMPTY_FILTER, tags_any: ['VIP'], platforms: ['wechat'] });
    expect(screen.getByTestId<HTMLInputElement>('broadcast-tags-any').value).toBe('VIP');
    expect(screen.getByTestId<HTMLInputElement>('broadcast-platform-wechat').checked).toBe(true);
    // The picked segment is counted like any filter.
    await waitFor(() =>
      expect(m.segmentCounts).toHaveBeenLastCalledWith('acc-1', expect.objectContaining({ tags_any: ['VIP'] })),
    );
  });

  it('saves the filter being built under a name, showing a refused name under the field', async () => {
    m.checkSegment.mockImplementation(async (draft) =>
      draft.name.trim().toLowerCase() === 'vip 老客' ? [{ path: 'name', key: 'segment.name.taken', params: [] }] : [],
    );
    render(<Harness seen={vi.fn()} />);
    await screen.findAllByTestId('saved-segment');
    expect(screen.queryByTestId('segment-save')).toBeNull();
    await userEvent.click(screen.getByTestId('broadcast-audience-segment'));
    await userEvent.type(screen.getByTestId('broadcast-tags-all'), '燕麦, 会员');
    await userEvent.click(screen.getByTestId('segment-save'));

    const form = screen.getByTestId('segment-save-form');
    await userEvent.type(within(form).getByTestId('segment-name'), 'vip 老客');
    expect((await within(form).findByTestId('segment-name-issue')).textContent).toContain('这个账号已有同名的分组');
    expect(within(form).getByTestId<HTMLButtonElement>('segment-save-confirm').disabled).toBe(true);

    await userEvent.clear(within(form).getByTestId('segment-name'));
    await userEvent.type(within(form).getByTestId('segment-name'), '燕麦会员');
    await waitFor(() => expect(within(form).queryByTestId('segment-name-issue')).toBeNull());
    await userEvent.click(within(form).getByTestId('segment-save-confirm'));

    expect(m.saveSegment).toHaveBeenCalledTimes(1);
    const saved = m.saveSegment.mock.calls[0]![0];
    expect(saved).toMatchObject({ account_id: 'acc-1', name: '燕麦会员' });
    expect(saved.filter.tags_all).toEqual(['燕麦', '会员']);
    expect(saved.id).toMatch(/\S/);
    expect((await screen.findByTestId('segment-notice')).textContent).toContain('燕麦会员');
    expect(screen.queryByTestId('segment-save-form')).toBeNull();

    // Listed once the core says so, it is the segment picked: a later change can update it.
    const created = item(saved.id, '燕麦会员', [], 0, true);
    created.segment.filter = saved.filter;
    m.listSegments.mockResolvedValue([created]);
    emitSegmentsChanged(['acc-1']);
    await waitFor(() => expect(screen.getAllByTestId('saved-segment')).toHaveLength(1));
    expect(screen.getByTestId('saved-segment').dataset.picked).toBe('true');
    expect(screen.queryByTestId('segment-update')).toBeNull();
    await userEvent.type(screen.getByTestId('broadcast-tags-all'), ', 老客');
    expect(screen.getByTestId('segment-update').textContent).toBe('更新分组“燕麦会员”');
  });

  it('shows the refusal of a save under the field', async () => {
    m.saveSegment.mockRejectedValue({
      code: 'invalid',
      message: 'refused',
      issues: [{ path: 'id', key: 'segment.saved.too_many', params: [['max', '50']] }],
    });
    render(<Harness seen={vi.fn()} />);
    await userEvent.click(screen.getByTestId('broadcast-audience-segment'));
    await userEvent.click(screen.getByTestId('segment-save'));
    await userEvent.type(screen.getByTestId('segment-name'), '第五十一个');
    await waitFor(() => expect(m.checkSegment).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId('segment-save-confirm'));
    expect((await screen.findByTestId('segment-save-error')).textContent).toContain('50');
    expect(screen.queryByTestId('segment-save-form')).not.toBeNull();
  });

  it('renames a saved segment under its own id, and deletes one only once staff confirm it', async () => {
    render(<Harness seen={vi.fn()} />);
    const rows = await screen.findAllByTestId('saved-segment');
    await userEvent.click(within(rows[1]!).getByTestId('saved-segment-rename'));
    const form = screen.getByTestId('segment-rename-form');
    const name = within(form).getByTestId<HTMLInputElement>('segment-name');
    expect(name.value).toBe('新客');
    await userEvent.clear(name);
    await userEvent.type(name, '首单新客');
    await userEvent.click(within(form).getByTestId('segment-save-confirm'));
    await waitFor(() => expect(m.saveSegment).toHaveBeenCalledTimes(1));
    expect(m.saveSegment.mock.calls[0]![0]).toEqual({
      id: 'seg-new',
      account_id: 'acc-1',
      name: '首单新客',
      filter: item('seg-new', '新客', ['新客'], 3).segment.filter,
    });

    const listed = m.listSegments.mock.calls.length;
    // Deleting asks first, naming the segment; cancelling changes nothing.
    await userEvent.click(within(screen.getAllByTestId('saved-segment')[0]!).getByTestId('saved-segment-delete'));
    const dialog = screen.getByTestId('segment-delete-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('删除分组“VIP 老客”？');
    await userEvent.click(within(dialog).getByTestId('segment-delete-cancel'));
    expect(screen.queryByTestId('segment-delete-dialog')).toBeNull();
    expect(m.deleteSegment).not.toHaveBeenCalled();
    expect(screen.getAllByTestId('saved-segment')).toHaveLength(2);
    // Escape cancels too.
    await userEvent.click(within(screen.getAllByTestId('saved-segment')[0]!).getByTestId('saved-segment-delete'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('segment-delete-dialog')).toBeNull();
    expect(m.deleteSegment).not.toHaveBeenCalled();

    await userEvent.click(within(screen.getAllByTestId('saved-segment')[0]!).getByTestId('saved-segment-delete'));
    await userEvent.click(within(screen.getByTestId('segment-delete-dialog')).getByTestId('segment-delete-confirm'));
    expect(m.deleteSegment).toHaveBeenCalledTimes(1);
    expect(m.deleteSegment).toHaveBeenCalledWith('seg-vip');
    await waitFor(() => expect(screen.queryByTestId('segment-delete-dialog')).toBeNull());
    await waitFor(() => expect(m.listSegments.mock.calls.length).toBeGreaterThan(listed));
  });

  it('updates the picked segment in place once its filter was changed, and marks it edited until then', async () => {
    let vip = item('seg-vip', 'VIP 老客', ['VIP'], 12);
    m.listSegments.mockImplementation(async () => [vip, item('seg-new', '新客', ['新客'], 3)]);
    m.saveSegment.mockImplementation(async (draft) => {
      vip = { ...vip, segment: { ...vip.segment, filter: draft.filter }, subscribers: 20, following: 19 };
      return null;
    });
    render(<Harness seen={vi.fn()} />);
    await userEvent.click(
      within((await screen.findAllByTestId('saved-segment'))[0]!).getByTestId('saved-segment-pick'),
    );
    // Just picked: nothing to update.
    expect(screen.queryByTestId('saved-segment-edited')).toBeNull();
    expect(screen.queryByTestId('segment-update')).toBeNull();
    expect(screen.getAllByTestId('saved-segment')[0]!.dataset.picked).toBe('true');

    // The filter changed, then set back: the mark comes and goes.
    await userEvent.click(screen.getByTestId('broadcast-reply-window'));
    const row = () => screen.getAllByTestId('saved-segment')[0]!;
    expect(within(row()).getByTestId('saved-segment-edited').textContent).toBe('已修改');
    expect(screen.getByTestId('segment-update').textContent).toBe('更新分组“VIP 老客”');
    expect(screen.getByTestId('segment-save')).not.toBeNull();
    await userEvent.click(screen.getByTestId('broadcast-reply-window'));
    expect(screen.queryByTestId('saved-segment-edited')).toBeNull();
    expect(screen.queryByTestId('segment-update')).toBeNull();

    // Tags in another order are the same filter; another tag is not.
    const tags = screen.getByTestId('broadcast-tags-any');
    await userEvent.type(tags, ', 熟客');
    expect(within(row()).getByTestId('saved-segment-edited')).not.toBeNull();
    await userEvent.click(screen.getByTestId('segment-update'));
    expect(m.saveSegment).toHaveBeenCalledTimes(1);
    expect(m.saveSegment).toHaveBeenCalledWith({
      id: 'seg-vip',
      account_id: 'acc-1',
      name: 'VIP 老客',
      filter: { ...EMPTY_FILTER, tags_any: ['VIP', '熟客'], platforms: ['wechat'] },
    });
    // Read again from the cache: the new count, and no longer edited.
    await waitFor(() => expect(within(row()).getByTestId('saved-segment-count').textContent).toContain('20'));
    expect(screen.queryByTestId('saved-segment-edited')).toBeNull();
    expect(screen.queryByTestId('segment-update')).toBeNull();
    expect(screen.getByTestId('segment-notice').textContent).toContain('VIP 老客');
    await userEvent.clear(tags);
    await userEvent.type(tags, '熟客 VIP');
    expect(screen.queryByTestId('saved-segment-edited')).toBeNull();
  });

  it('reads the segments again when the account’s segments changed, not on other sync events', async () => {
    render(<Harness seen={vi.fn()} />);
    await screen.findAllByTestId('saved-segment');
    await waitFor(() => expect(m.listSegments).toHaveBeenCalledTimes(1));
    emitInboxChanged();
    emitSyncStatus({ ...onlineStatus, last_synced_at: 2 });
    emitSegmentsChanged(['acc-2']);
    expect(m.listSegments).toHaveBeenCalledTimes(1);

    m.listSegments.mockResolvedValue([item('seg-vip', 'VIP 老客', ['VIP'], 13)]);
    emitSegmentsChanged(['acc-2', 'acc-1']);
    await waitFor(() => expect(screen.getAllByTestId('saved-segment')).toHaveLength(1));
    expect(m.listSegments).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('saved-segment-count').textContent).toContain('13');
  });
});
