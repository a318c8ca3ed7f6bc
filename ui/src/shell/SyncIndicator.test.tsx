import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import i18n from '../i18n';
import type { SyncStatus } from '../platform';
import { SyncIndicator } from './SyncIndicator';

const mismatch: SyncStatus = {
  connection: 'incompatible',
  pending: 0,
  rejected: 0,
  last_synced_at: null,
  last_error: 'this console speaks sync protocol 1 and the server 2: update Wicket where it is older',
};

afterEach(async () => {
  await i18n.changeLanguage('zh-CN');
});

describe('the sync indicator', () => {
  it('says plainly, in each language, that console and server need an update to sync', async () => {
    await i18n.changeLanguage('en');
    const { unmount } = render(<SyncIndicator status={mismatch} onError={() => {}} />);
    const button = screen.getByTestId('sync-status');
    expect(button.getAttribute('data-state')).toBe('incompatible');
    expect(button.textContent).toBe('Update needed');
    expect(button.title).toContain('cannot fully sync with each other');
    unmount();

    await i18n.changeLanguage('zh-CN');
    render(<SyncIndicator status={mismatch} onError={() => {}} />);
    expect(screen.getByTestId('sync-status').textContent).toBe('需要更新');
    expect(screen.getByTestId('sync-status').title).toContain('无法完全同步');
  });
});
