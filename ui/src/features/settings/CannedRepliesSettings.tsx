import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  deleteCannedReply,
  listCannedReplies,
  saveCannedReply,
  type CannedReply,
  type CannedReplyDraft,
} from '../../platform';
import { starterDrafts } from '../../kit/canned';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { FormFooter } from '../../kit/FormFooter';
import { useFieldForm } from '../../kit/useFieldForm';

type Field = 'shortcut' | 'title' | 'body';
const FIELDS: readonly Field[] = ['shortcut', 'title', 'body'];
const EMPTY: CannedReplyDraft = { id: null, shortcut: '', title: '', body: '' };

type Props = { onError: (message: string) => void };

/** Settings: the workspace's canned replies, kept on this computer (not shared with the team yet). */
export function CannedRepliesSettings({ onError }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [editing, setEditing] = useState<CannedReplyDraft | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    listCannedReplies().then(setReplies, (e: unknown) =>
      onError(t('settings.canned.loadFailed', { reason: describeError(t, asAppError(e)) })),
    );
  }, [onError, t]);
  useEffect(reload, [reload]);

  const remove = (reply: CannedReply) => {
    setBusy(true);
    deleteCannedReply(reply.id)
      .then(reload, (e: unknown) =>
        onError(t('settings.canned.deleteFailed', { reason: describeError(t, asAppError(e)) })),
      )
      .finally(() => {
        setBusy(false);
        setConfirmDelete(null);
      });
  };

  const addStarters = async () => {
    setBusy(true);
    try {
      for (const draft of starterDrafts(t)) await saveCannedReply(draft);
    } catch (e: unknown) {
      onError(t('inbox.canned.startersFailed', { reason: describeError(t, asAppError(e)) }));
    } finally {
      setBusy(false);
      reload();
    }
  };

  return (
    <section className="card settings-card" aria-labelledby={`${id}-canned`} data-testid="settings-canned">
      <h2 id={`${id}-canned`}>{t('settings.canned.title')}</h2>
      <p className="muted">{t('settings.canned.hint')}</p>
      {replies !== null && replies.length === 0 && editing === null && (
        <div className="canned-empty" data-testid="settings-canned-empty">
          <p className="muted">{t('inbox.canned.empty')}</p>
          <button
            type="button"
            className="btn btn-small"
            data-testid="settings-canned-starters"
            disabled={busy}
            onClick={() => void addStarters()}
          >
            {t('inbox.canned.addStarters')}
          </button>
        </div>
      )}
      {replies !== null && replies.length > 0 && (
        <ul className="canned-list">
          {replies.map((reply) =>
            editing?.id === reply.id ? (
              <li key={reply.id}>
                <CannedEditor
                  draft={editing}
                  onCancel={() => setEditing(null)}
                  onSaved={() => (setEditing(null), reload())}
                />
              </li>
            ) : (
              <li key={reply.id} className="canned-row" data-testid="settings-canned-row">
                <div className="canned-row-text">
                  <span>
                    <code>/{reply.shortcut}</code> {reply.title}
                  </span>
                  <span className="muted canned-row-body">{reply.body}</span>
                </div>
                <div className="canned-row-actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    data-testid="settings-canned-edit"
                    disabled={busy || editing !== null}
                    onClick={() =>
                      setEditing({ id: reply.id, shortcut: reply.shortcut, title: reply.title, body: reply.body })
                    }
                  >
                    {t('settings.canned.edit')}
                  </button>
                  {confirmDelete === reply.id ? (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      data-testid="settings-canned-confirm-delete"
                      disabled={busy}
                      onClick={() => remove(reply)}
                    >
                      {t('settings.canned.confirmDelete')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      data-testid="settings-canned-delete"
                      disabled={busy}
                      onClick={() => setConfirmDelete(reply.id)}
                    >
                      {t('settings.canned.delete')}
                    </button>
                  )}
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      {editing !== null && editing.id === null ? (
        <CannedEditor draft={editing} onCancel={() => setEditing(null)} onSaved={() => (setEditing(null), reload())} />
      ) : (
        <button
          type="button"
          className="btn btn-small"
          data-testid="settings-canned-add"
          disabled={editing !== null}
          onClick={() => setEditing(EMPTY)}
        >
          {t('settings.canned.add')}
        </button>
      )}
    </section>
  );
}

type EditorProps = { draft: CannedReplyDraft; onCancel: () => void; onSaved: () => void };

/** One canned reply being written, with the core's issues under each field. */
function CannedEditor({ draft: initial, onCancel, onSaved }: EditorProps) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const form = useFieldForm(FIELDS, (e) => describeError(t, asAppError(e)));
  const { failure, saving } = form;

  const edit = (field: Field, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    // An issue goes once its field is edited; the next save says if it is still there.
    form.clearField(field);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.submit(() => saveCannedReply(draft), onSaved);
  };

  const errorFor = (field: Field) => {
    const list = form.issuesFor(field);
    if (list.length === 0) return null;
    return (
      <p className="field-error" id={`${id}-${field}-error`} data-testid={`canned-error-${field}`}>
        {list.map((issue) => translateIssue(t, issue)).join(' ')}
      </p>
    );
  };
  const invalid = (field: Field) => form.issuesFor(field).length > 0;
  const describedBy = (field: Field) => (invalid(field) ? `${id}-${field}-error` : undefined);

  return (
    <form className="canned-editor" data-testid="canned-editor" onSubmit={submit} noValidate>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-shortcut`}>{t('settings.canned.shortcut')}</label>
          <input
            id={`${id}-shortcut`}
            data-testid="canned-shortcut"
            value={draft.shortcut}
            autoFocus
            aria-invalid={invalid('shortcut')}
            aria-describedby={describedBy('shortcut')}
            onChange={(e) => edit('shortcut', e.target.value)}
          />
          {errorFor('shortcut')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('settings.canned.name')}</label>
          <input
            id={`${id}-title`}
            data-testid="canned-title"
            value={draft.title}
            aria-invalid={invalid('title')}
            aria-describedby={describedBy('title')}
            onChange={(e) => edit('title', e.target.value)}
          />
          {errorFor('title')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('settings.canned.body')}</label>
        <textarea
          id={`${id}-body`}
          data-testid="canned-body"
          rows={4}
          value={draft.body}
          aria-invalid={invalid('body')}
          aria-describedby={describedBy('body')}
          onChange={(e) => edit('body', e.target.value)}
        />
        <p className="muted field-hint">
          {t('settings.canned.variables', {
            sub: '{{subscriber.name}}',
            acc: '{{account.name}}',
            other: `{{${t('settings.canned.placeholderWord')}}}`,
          })}
        </p>
        {errorFor('body')}
      </div>
      <FormFooter
        failure={failure}
        failureTestId="canned-failure"
        saving={saving}
        cancelLabel={t('settings.canned.cancel')}
        saveLabel={t('settings.canned.save')}
        saveTestId="canned-save"
        onCancel={onCancel}
      />
    </form>
  );
}
