import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  addStaff,
  changeStaff,
  signOutStaff,
  team,
  type Issue,
  type NewStaff,
  type Role,
  type Session,
  type StaffUser,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { FormFooter } from '../../kit/FormFooter';
import { useFieldForm } from '../../kit/useFieldForm';

type Field = 'login' | 'display_name' | 'password';
const FIELDS: readonly string[] = ['login', 'display_name', 'password'];
const ROLES: readonly Role[] = ['owner', 'admin', 'designer', 'agent'];
const EMPTY: NewStaff = { login: '', display_name: '', role: 'agent', password: '' };

/** The roles `me` may hand out: only an owner makes owners (the server says the same). */
function grantable(me: StaffUser): readonly Role[] {
  return me.role === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner');
}

/**
 * What a refused team call says, in the reader's language. A conflict is a
 * taken sign-in name when adding, the server's last owner when changing.
 */
function teamError(t: ReturnType<typeof useTranslation>['t'], e: unknown, doing: 'load' | 'add' | 'change'): string {
  const error = asAppError(e);
  if (error.code === 'offline') return t('settings.team.offline');
  if (error.code === 'conflict' && doing !== 'load')
    return t(doing === 'add' ? 'settings.team.loginTaken' : 'settings.team.needsOwner');
  return describeError(t, error);
}

type Props = { session: Session; me: StaffUser };

/**
 * Settings: who may sign in to this workspace's server, for owners and
 * administrators. The team lives on the server only, so this needs a
 * connection; offline it says so and changes nothing.
 */
export function TeamSettings({ session, me }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [members, setMembers] = useState<StaffUser[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The member whose name or password is being changed, and which.
  const [editing, setEditing] = useState<{ id: string; field: MemberField } | null>(null);
  const toggleEdit = (id: string, field: MemberField) =>
    setEditing((e) => (e?.id === id && e.field === field ? null : { id, field }));
  const [confirmSignOut, setConfirmSignOut] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    team().then(
      (list) => {
        setMembers(list);
        setLoadError(null);
      },
      (e: unknown) => setLoadError(teamError(t, e, 'load')),
    );
  }, [t]);
  useEffect(reload, [reload]);

  const run = (member: StaffUser, action: Promise<unknown>, done: string) => {
    setBusy(true);
    setRowError(null);
    setNotice(null);
    action
      .then(
        () => {
          setNotice(done);
          reload();
        },
        (e: unknown) => setRowError({ id: member.id, message: teamError(t, e, 'change') }),
      )
      .finally(() => setBusy(false));
  };

  const roles = grantable(me);
  return (
    <section className="card settings-card" aria-labelledby={`${id}-team`} data-testid="settings-team">
      <h2 id={`${id}-team`}>{t('settings.team.title')}</h2>
      <p className="muted">{session.mode === 'local' ? t('settings.team.hintLocal') : t('settings.team.hint')}</p>
      {loadError && (
        <div className="form-error team-load-error" role="alert" data-testid="team-error">
          <span>{loadError}</span>
          <button type="button" className="btn btn-small" onClick={reload} data-testid="team-retry">
            {t('settings.team.retry')}
          </button>
        </div>
      )}
      {notice && (
        <p className="muted" role="status" data-testid="team-notice">
          {notice}
        </p>
      )}
      {members !== null && (
        <ul className="team-list">
          {members.map((member) => {
            const isMe = member.id === me.id;
            // An administrator manages the team, not its owners.
            const locked = member.role === 'owner' && me.role !== 'owner';
            return (
              <li key={member.id} className="team-row" data-testid="team-row" data-login={member.login}>
                <div className="team-row-main">
                  <div className="team-row-name">
                    <bdi>{member.display_name}</bdi>
                    <span className="muted">
                      {member.login}
                      {isMe ? ` · ${t('settings.team.you')}` : ''}
                    </span>
                  </div>
                  <label className="visually-hidden" htmlFor={`${id}-role-${member.id}`}>
                    {t('settings.team.roleOf', { name: member.display_name })}
                  </label>
                  <select
                    id={`${id}-role-${member.id}`}
                    data-testid="team-role"
                    value={member.role}
                    disabled={busy || locked}
                    onChange={(e) =>
                      run(
                        member,
                        changeStaff(member.id, { role: e.target.value as Role }),
                        t('settings.team.roleChanged', {
                          name: member.display_name,
                          role: t(`role.${e.target.value}`),
                        }),
                      )
                    }
                  >
                    {(locked ? ROLES : roles).map((role) => (
                      <option key={role} value={role}>
                        {t(`role.${role}`)}
                      </option>
                    ))}
                  </select>
                  <div className="team-row-actions">
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      data-testid="team-rename"
                      disabled={busy || locked}
                      onClick={() => toggleEdit(member.id, 'display_name')}
                    >
                      {t('settings.team.rename')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      data-testid="team-password"
                      disabled={busy || locked}
                      onClick={() => toggleEdit(member.id, 'password')}
                    >
                      {t('settings.team.newPassword')}
                    </button>
                    {!isMe &&
                      (confirmSignOut === member.id ? (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          data-testid="team-confirm-sign-out"
                          disabled={busy}
                          onClick={() => {
                            setConfirmSignOut(null);
                            run(
                              member,
                              signOutStaff(member.id),
                              t('settings.team.signedOut', { name: member.display_name }),
                            );
                          }}
                        >
                          {t('settings.team.confirmSignOut')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small btn-ghost"
                          data-testid="team-sign-out"
                          disabled={busy || locked}
                          onClick={() => setConfirmSignOut(member.id)}
                        >
                          {t('settings.team.signOut')}
                        </button>
                      ))}
                  </div>
                </div>
                {editing?.id === member.id && (
                  <MemberForm
                    key={editing.field}
                    member={member}
                    field={editing.field}
                    onCancel={() => setEditing(null)}
                    onSaved={(changed) => {
                      setEditing(null);
                      setNotice(
                        editing.field === 'password'
                          ? t('settings.team.passwordChanged', { name: member.display_name })
                          : t('settings.team.renamed', { name: changed.display_name }),
                      );
                      reload();
                    }}
                  />
                )}
                {rowError?.id === member.id && (
                  <p className="form-error" role="alert" data-testid="team-row-error">
                    {rowError.message}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {adding ? (
        <AddStaffForm
          roles={roles}
          onCancel={() => setAdding(false)}
          onAdded={(added) => {
            setAdding(false);
            setNotice(t('settings.team.added', { name: added.display_name, login: added.login }));
            reload();
          }}
        />
      ) : (
        <button
          type="button"
          className="btn btn-small"
          data-testid="team-add"
          disabled={members === null}
          onClick={() => setAdding(true)}
        >
          {t('settings.team.add')}
        </button>
      )}
    </section>
  );
}

function FieldIssues({ list, field, id }: { list: Issue[]; field: Field; id: string }) {
  const { t } = useTranslation();
  if (list.length === 0) return null;
  return (
    <p className="field-error" id={id} data-testid={`team-error-${field}`}>
      {list.map((issue) => translateIssue(t, issue)).join(' ')}
    </p>
  );
}

function AddStaffForm({
  roles,
  onCancel,
  onAdded,
}: {
  roles: readonly Role[];
  onCancel: () => void;
  onAdded: (added: StaffUser) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<NewStaff>(EMPTY);
  const form = useFieldForm(FIELDS, (e) => teamError(t, e, 'add'));
  const { failure, saving } = form;

  const edit = (field: Field, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    form.clearField(field);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.submit(() => addStaff(draft), onAdded);
  };
  const invalid = (field: Field) => form.issuesFor(field).length > 0;
  const input = (field: Field, label: string, type = 'text', autoFocus = false) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        data-testid={`team-new-${field}`}
        type={type}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        value={draft[field] ?? ''}
        autoFocus={autoFocus}
        aria-invalid={invalid(field)}
        aria-describedby={invalid(field) ? `${id}-${field}-error` : undefined}
        onChange={(e) => edit(field, e.target.value)}
      />
      <FieldIssues list={form.issuesFor(field)} field={field} id={`${id}-${field}-error`} />
    </div>
  );

  return (
    <form className="canned-editor" data-testid="team-add-form" onSubmit={submit} noValidate>
      <div className="field-row">
        {input('login', t('settings.team.login'), 'text', true)}
        {input('display_name', t('settings.team.displayName'))}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('settings.team.role')}</label>
          <select
            id={`${id}-role`}
            data-testid="team-new-role"
            value={draft.role}
            onChange={(e) => setDraft((d) => ({ ...d, role: e.target.value as Role }))}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
          <p className="muted field-hint">{t(`settings.team.roleHint.${draft.role}`)}</p>
        </div>
        {input('password', t('settings.team.password'), 'password')}
      </div>
      <FormFooter
        failure={failure}
        failureTestId="team-add-failure"
        saving={saving}
        cancelLabel={t('settings.team.cancel')}
        saveLabel={t('settings.team.addSave')}
        saveTestId="team-add-save"
        onCancel={onCancel}
      />
    </form>
  );
}

/** What a member's own form changes: their name as colleagues see it, or their password. */
type MemberField = 'display_name' | 'password';

function MemberForm({
  member,
  field,
  onCancel,
  onSaved,
}: {
  member: StaffUser;
  field: MemberField;
  onCancel: () => void;
  onSaved: (changed: StaffUser) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const password = field === 'password';
  const [value, setValue] = useState(password ? '' : member.display_name);
  const form = useFieldForm(FIELDS, (e) => teamError(t, e, 'change'));
  const { failure, saving } = form;
  const issues = form.issuesFor(field);
  const testId = password ? 'team-password' : 'team-name';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.submit(() => changeStaff(member.id, password ? { password: value } : { display_name: value }), onSaved);
  };
  return (
    <form className="team-password-form" data-testid={`${testId}-form`} onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-value`}>
          {t(password ? 'settings.team.newPasswordFor' : 'settings.team.renameFor', { name: member.display_name })}
        </label>
        <input
          id={`${id}-value`}
          data-testid={`${testId}-input`}
          type={password ? 'password' : 'text'}
          autoComplete={password ? 'new-password' : 'off'}
          autoFocus
          value={value}
          aria-invalid={issues.length > 0}
          aria-describedby={issues.length > 0 ? `${id}-error` : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            form.clearField(field);
          }}
        />
        <FieldIssues list={issues} field={field} id={`${id}-error`} />
        {password && <p className="muted field-hint">{t('settings.team.passwordSignsOut')}</p>}
      </div>
      <FormFooter
        failure={failure}
        saving={saving}
        cancelLabel={t('settings.team.cancel')}
        saveLabel={t(password ? 'settings.team.savePassword' : 'settings.team.saveName')}
        saveTestId={`${testId}-save`}
        onCancel={onCancel}
      />
    </form>
  );
}
