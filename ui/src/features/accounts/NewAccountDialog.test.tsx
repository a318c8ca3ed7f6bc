import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type AccountDraft, type Issue } from '../../platform';
import { accountItem, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AccountsScreen } from './Accounts';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

/** A stand-in for the core's rules: names of 2 to 10 characters. */
function rules(draft: AccountDraft): Issue[] {
  const n = Array.from(draft.name).length;
  if (n === 0) return [{ path: 'name', key: 'account.name.required', params: [] }];
  if (n < 2)
    return [
      {
        path: 'name',
        key: 'account.name.too_short',
        params: [
          ['min', '2'],
          ['actual', String(n)],
        ],
      },
    ];
  if (n > 10)
    return [
      {
        path: 'name',
        key: 'account.name.too_long',
        params: [
          ['max', '10'],
          ['actual', String(n)],
        ],
      },
    ];
  return [];
}

async function openForm() {
  render(<AccountsScreen />);
  await screen.findByTestId('accounts-empty');
  await userEvent.click(screen.getByTestId('new-account'));
  return screen.getByTestId('account-form');
}

describe('new account form', () => {
  it('shows the core issue translated under its field and disables Save', async () => {
    m.checkAccount.mockImplementation(async (draft: AccountDraft) => rules(draft));
    await openForm();

    await userEvent.type(screen.getByTestId('account-name'), '茶');
    const error = await screen.findByTestId('field-error-name');
    expect(error.textContent).toBe('名称至少需要 2 个字符（当前 1 个）。');
    expect((screen.getByTestId('account-save') as HTMLButtonElement).disabled).toBe(true);
    expect(m.checkAccount).toHaveBeenLastCalledWith(expect.objectContaining({ name: '茶', platform: 'alipay' }));

    await userEvent.type(screen.getByTestId('account-name'), '馆');
    await waitFor(() => expect(screen.queryByTestId('field-error-name')).toBeNull());
    expect((screen.getByTestId('account-save') as HTMLButtonElement).disabled).toBe(false);
  });

  it('puts issues under the field they belong to and falls back to the key', async () => {
    m.checkAccount.mockImplementation(async (draft: AccountDraft) =>
      draft.category.length > 0
        ? [
            {
              path: 'category',
              key: 'account.category.too_long',
              params: [
                ['max', '3'],
                ['actual', String(draft.category.length)],
              ],
            },
            { path: 'description', key: 'account.description.brand_new_rule', params: [] },
          ]
        : [],
    );
    await openForm();
    await userEvent.type(screen.getByTestId('account-category'), 'abcd');
    await userEvent.type(screen.getByTestId('account-description'), 'x');
    expect((await screen.findByTestId('field-error-category')).textContent).toBe('类目最多 3 个字符（当前 4 个）。');
    expect((await screen.findByTestId('field-error-description')).textContent).toBe(
      'account.description.brand_new_rule',
    );
    expect(screen.queryByTestId('field-error-name')).toBeNull();
  });

  it('keeps what was typed and shows the issues when create is refused', async () => {
    m.checkAccount.mockResolvedValue([]);
    m.createAccount.mockRejectedValue(
      new AppError('invalid', 'name taken', [{ path: 'name', key: 'account.name.control_chars', params: [] }]),
    );
    await openForm();

    await userEvent.type(screen.getByTestId('account-name'), '街角咖啡');
    await userEvent.selectOptions(screen.getByTestId('account-platform'), 'wechat');
    await userEvent.type(screen.getByTestId('account-category'), '餐饮');
    await userEvent.type(screen.getByTestId('account-description'), '每天现烘');
    await userEvent.click(screen.getAllByTestId('avatar-color-option')[2]!);
    await waitFor(() => expect(m.checkAccount).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId('account-save'));

    expect(m.createAccount).toHaveBeenCalledWith({
      name: '街角咖啡',
      platform: 'wechat',
      category: '餐饮',
      description: '每天现烘',
      avatar_color: '#fa8c16',
    });
    expect((await screen.findByTestId('field-error-name')).textContent).toBe('名称中不能包含控制字符。');
    expect(screen.getByTestId('account-form')).toBeTruthy();
    expect((screen.getByTestId('account-name') as HTMLInputElement).value).toBe('街角咖啡');
    expect((screen.getByTestId('account-platform') as HTMLSelectElement).value).toBe('wechat');
    expect((screen.getByTestId('account-category') as HTMLInputElement).value).toBe('餐饮');
    expect((screen.getByTestId('account-description') as HTMLTextAreaElement).value).toBe('每天现烘');
    expect((screen.getByTestId('account-save') as HTMLButtonElement).disabled).toBe(true);
  });

  it('closes and reloads the list after a successful create', async () => {
    m.checkAccount.mockResolvedValue([]);
    await openForm();
    m.listAccounts.mockResolvedValue([accountItem({ name: '新店' }, true)]);
    await userEvent.type(screen.getByTestId('account-name'), '新店');
    await userEvent.click(screen.getByTestId('account-save'));
    await waitFor(() => expect(screen.queryByTestId('account-form')).toBeNull());
    expect((await screen.findByTestId('account-name-text')).textContent).toBe('新店');
  });

  it('closes on Escape without creating anything', async () => {
    await openForm();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('account-form')).toBeNull();
    expect(m.createAccount).not.toHaveBeenCalled();
  });
});
