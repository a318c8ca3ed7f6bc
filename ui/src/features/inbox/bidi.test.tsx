import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeLayout } from '../../test/layout';
import {
  conversationItem,
  listPage,
  localSession,
  platformMocks as m,
  resetPlatformMocks,
} from '../../test/platformMock';
import { InboxScreen } from './Inbox';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

fakeLayout();
beforeEach(() => {
  resetPlatformMocks();
  window.localStorage.clear();
});

// A right-to-left override: without isolation it reverses what follows it.
const RLO = '\u202E';

/** `text` is shown in a <bdi> of its own, whole. */
function expectIsolated(container: HTMLElement, text: string) {
  const isolated = [...container.querySelectorAll('bdi')].map((b) => b.textContent);
  expect(isolated).toContain(text);
}

describe('subscriber text in the inbox list', () => {
  it('isolates a name, preview, account and tags that carry a right-to-left override', async () => {
    const name = `Ali${RLO}ce 爱丽丝`;
    const preview = `${RLO}gnirts desrever`;
    const label = `VIP${RLO}1`;
    m.listConversations.mockResolvedValue(
      listPage([
        conversationItem('c1', { preview, labels: [label] }, { subscriber_name: name, account_name: `街角${RLO}咖啡` }),
      ]),
    );
    render(<InboxScreen user={localSession.user!} />);
    const row = await screen.findByTestId('conversation-row');

    const shownName = within(row).getByTestId('conversation-name');
    expect(shownName.textContent).toBe(name);
    // The override cannot reach past the name: it is the whole of an isolate.
    expect(shownName.querySelector('bdi')?.textContent).toBe(name);
    expect(within(row).getByTestId('conversation-preview').querySelector('bdi')?.textContent).toBe(preview);
    expectIsolated(row, `街角${RLO}咖啡`);
    expectIsolated(row, label);
    // The time after the name stays outside every isolate.
    for (const bdi of row.querySelectorAll('bdi')) expect(bdi.textContent).not.toMatch(/分钟|刚刚|:/);
  });
});
