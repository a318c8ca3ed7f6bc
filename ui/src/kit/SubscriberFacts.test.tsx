import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../platform';
import { SubscriberNote, SubscriberTags } from './SubscriberFacts';

describe('subscriber tags and note in the sidebar', () => {
  it('add and remove tags, with the reason shown when the core refuses', async () => {
    const onChange = vi.fn().mockResolvedValue(undefined);
    const { rerender } = render(<SubscriberTags tags={['VIP']} onEdit={onChange} />);
    await userEvent.type(screen.getByTestId('sidebar-tag-input'), ' 燕麦 {Enter}');
    expect(onChange).toHaveBeenLastCalledWith(['燕麦'], []);
    await waitFor(() => expect((screen.getByTestId('sidebar-tag-input') as HTMLInputElement).value).toBe(''));

    rerender(<SubscriberTags tags={['VIP', '燕麦']} onEdit={onChange} />);
    await userEvent.click(screen.getByRole('button', { name: '移除标签 VIP' }));
    expect(onChange).toHaveBeenLastCalledWith([], ['VIP']);

    onChange.mockRejectedValueOnce(
      new AppError('invalid', 'tags', [{ path: 'tags', key: 'conversation.labels.too_many', params: [['max', '20']] }]),
    );
    await userEvent.type(screen.getByTestId('sidebar-tag-input'), '太多{Enter}');
    expect((await screen.findByTestId('sidebar-tags-error')).textContent).toBe('最多 20 个标签。');
    expect((screen.getByTestId('sidebar-tag-input') as HTMLInputElement).value).toBe('太多');
  });

  it('edit the private note, keeping the text when saving fails', async () => {
    const onSave = vi.fn().mockRejectedValueOnce(
      new AppError('invalid', 'note', [
        {
          path: 'note',
          key: 'subscriber.note.too_long',
          params: [
            ['max', '2000'],
            ['actual', '2001'],
          ],
        },
      ]),
    );
    render(<SubscriberNote note="只喝燕麦奶" onSave={onSave} />);
    await userEvent.click(screen.getByTestId('sidebar-note-edit'));
    await userEvent.type(screen.getByTestId('sidebar-note-input'), '，少冰');
    await userEvent.click(screen.getByTestId('sidebar-note-save'));
    expect((await screen.findByTestId('sidebar-note-error')).textContent).toBe(
      '备注最多 2000 个字符（现有 2001 个）。',
    );
    expect((screen.getByTestId('sidebar-note-input') as HTMLTextAreaElement).value).toBe('只喝燕麦奶，少冰');

    onSave.mockResolvedValueOnce(undefined);
    await userEvent.click(screen.getByTestId('sidebar-note-save'));
    await waitFor(() => expect(screen.queryByTestId('sidebar-note-input')).toBeNull());
    expect(onSave).toHaveBeenLastCalledWith('只喝燕麦奶，少冰', '只喝燕麦奶');
  });

  it('shows a colleague’s note that arrived during the edit, keeps mine in the box, and saves over theirs only when asked again', async () => {
    const conflict = new AppError('conflict', 'changed meanwhile', [
      { path: 'note', key: 'subscriber.note.conflict', params: [] },
    ]);
    const onSave = vi.fn().mockRejectedValueOnce(conflict).mockResolvedValueOnce(undefined);
    const { rerender } = render(<SubscriberNote note="" onSave={onSave} />);
    await userEvent.click(screen.getByTestId('sidebar-note-edit'));
    await userEvent.type(screen.getByTestId('sidebar-note-input'), '周五来取货');
    rerender(<SubscriberNote note="只喝燕麦奶" onSave={onSave} />);
    await userEvent.click(screen.getByTestId('sidebar-note-save'));
    expect(onSave).toHaveBeenLastCalledWith('周五来取货', '');
    expect((await screen.findByTestId('sidebar-note-theirs')).textContent).toBe('只喝燕麦奶');
    expect((screen.getByTestId('sidebar-note-input') as HTMLTextAreaElement).value).toBe('周五来取货');
    await userEvent.click(screen.getByTestId('sidebar-note-save'));
    expect(onSave).toHaveBeenLastCalledWith('周五来取货', '只喝燕麦奶');
  });
});
