import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import { asAppError, describeError } from '../../kit/errors';
import { layoutVersion, layoutVersions, rollbackLayout, type DesignerDraft, type LayoutVersion } from '../../platform';
import { BottomMenu, FunctionView } from '../../renderer';
import type { Layout, SampleSubscriber } from '../../shared/model';
import { conflictingModules, diffLayouts, mergeLayouts, type Change, type Side } from './diff';
import { Frame } from './Dialogs';

export function ChangeList({ changes }: { changes: Change[] }) {
  const { t } = useTranslation();
  if (changes.length === 0) return <p className="muted">{t('designer.diff.none')}</p>;
  return (
    <ul className="dz-diff" data-testid="diff">
      {changes.map((c, i) => (
        <li key={i} className={`dz-diff-${c.change}`}>
          <span className="dz-diff-mark">{t(`designer.diff.${c.change}`)}</span>
          {c.what === 'module' && t('designer.diff.module', { kind: t(`designer.kind.${c.kind}.name`), id: c.id })}
          {c.what === 'menu' && t('designer.diff.menu', { label: c.label, id: c.id })}
          {c.what === 'pages' && t('designer.diff.pages')}
        </li>
      ))}
    </ul>
  );
}

/** Published versions: compare one with the draft, roll back to it. */
export function HistoryDrawer({
  accountId,
  draft,
  onClose,
  onRolledBack,
}: {
  accountId: string;
  draft: Layout;
  onClose: () => void;
  onRolledBack: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [versions, setVersions] = useState<LayoutVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ version: number; layout: Layout } | null>(null);
  const [confirming, setConfirming] = useState(false);
  useQuery(() => layoutVersions(accountId), [accountId], {
    onData: setVersions,
    onError: (e) => {
      const err = asAppError(e);
      setError(err.code === 'offline' ? t('designer.history.offline') : describeError(t, err));
    },
  });
  const open = (version: number) => {
    setConfirming(false);
    layoutVersion(accountId, version).then(
      (layout) => setChosen({ version, layout }),
      (e: unknown) => setError(describeError(t, asAppError(e))),
    );
  };
  const changes = useMemo(() => (chosen ? diffLayouts(chosen.layout, draft) : []), [chosen, draft]);
  const rollback = () => {
    if (!chosen) return;
    rollbackLayout(accountId, chosen.version).then(onRolledBack, (e: unknown) => {
      const err = asAppError(e);
      setError(err.code === 'offline' ? t('designer.history.offline') : describeError(t, err));
    });
  };
  return (
    <aside
      className="dz-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="dz-history-title"
      data-testid="history-drawer"
    >
      <div className="dialog-header">
        <h2 id="dz-history-title">{t('designer.history.title')}</h2>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={onClose}
          aria-label={t('designer.dialog.close')}
        >
          ✕
        </button>
      </div>
      <div className="dz-drawer-body">
        {error && (
          <p className="form-error" role="alert" data-testid="history-error">
            {error}
          </p>
        )}
        {versions === null && !error && <p className="muted">{t('designer.history.loading')}</p>}
        {versions !== null && versions.length === 0 && <p className="muted">{t('designer.history.empty')}</p>}
        <ul className="dz-versions">
          {versions?.map((v) => (
            <li key={v.version}>
              <button
                type="button"
                className={`dz-version${chosen?.version === v.version ? ' is-on' : ''}`}
                onClick={() => open(v.version)}
                data-testid="version-item"
              >
                <span className="dz-version-n">{t('designer.history.version', { n: v.version })}</span>
                {v.live && <span className="badge badge-alipay">{t('designer.history.live')}</span>}
                <span className="muted">
                  {t('designer.history.by', {
                    name: v.published_by,
                    when: new Date(v.published_at).toLocaleString(i18n.language),
                  })}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {chosen && (
          <>
            <h3 className="dz-group-title">{t('designer.history.diffTitle', { n: chosen.version })}</h3>
            <ChangeList changes={changes} />
            {confirming ? (
              <div className="dz-confirm" role="alert">
                <p>{t('designer.history.confirm', { n: chosen.version })}</p>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>
                  {t('designer.dialog.cancel')}
                </button>
                <button type="button" className="btn btn-primary" onClick={rollback} data-testid="rollback-confirm">
                  {t('designer.history.rollback', { n: chosen.version })}
                </button>
              </div>
            ) : (
              <button type="button" className="btn" onClick={() => setConfirming(true)} data-testid="rollback">
                {t('designer.history.rollback', { n: chosen.version })}
              </button>
            )}
          </>
        )}
      </div>
    </aside>
  );
}

function MiniPhone({ layout, sample, label }: { layout: Layout; sample: SampleSubscriber; label: string }) {
  const noop = () => undefined;
  return (
    <figure className="dz-mini">
      <figcaption>{label}</figcaption>
      <div className="dz-mini-screen">
        <div className="dz-mini-scale">
          <FunctionView layout={layout} sample={sample} page={null} onAction={noop} />
          <BottomMenu menu={layout.menu} onAction={noop} sample={sample} />
        </div>
      </div>
    </figure>
  );
}

/** Someone else saved the draft meanwhile: both side by side, and a choice — nothing is overwritten silently. */
export function ConflictDialog({
  draft,
  mine,
  sample,
  onResolve,
  onClose,
}: {
  draft: DesignerDraft;
  mine: Layout;
  sample: SampleSubscriber;
  onResolve: (layout: Layout) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const conflict = draft.conflict!;
  const theirs = conflict.theirs;
  const ids = useMemo(() => conflictingModules(mine, theirs), [mine, theirs]);
  const [choice, setChoice] = useState<Record<string, Side>>({});
  const [menuFrom, setMenuFrom] = useState<Side>('mine');
  const merged = () => mergeLayouts(mine, theirs, (id) => choice[id] ?? 'mine', menuFrom);
  const who = conflict.updated_by ?? t('designer.conflict.someone');
  return (
    <Frame
      id="dz-conflict-title"
      title={t('designer.conflict.title')}
      onClose={onClose}
      testId="conflict-dialog"
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={() => onResolve(theirs)} data-testid="take-theirs">
            {t('designer.conflict.theirs')}
          </button>
          <button type="button" className="btn" onClick={() => onResolve(merged())} data-testid="take-chosen">
            {t('designer.conflict.chosen')}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onResolve(mine)} data-testid="keep-mine">
            {t('designer.conflict.mine')}
          </button>
        </>
      }
    >
      <p>
        {t('designer.conflict.body', {
          who,
          when: conflict.updated_at ? new Date(conflict.updated_at).toLocaleString(i18n.language) : '',
        })}
      </p>
      <div className="dz-side-by-side">
        <MiniPhone layout={theirs} sample={sample} label={t('designer.conflict.theirsLabel', { who })} />
        <MiniPhone layout={mine} sample={sample} label={t('designer.conflict.mineLabel')} />
      </div>
      <h3 className="dz-group-title">{t('designer.conflict.perModule')}</h3>
      <ChangeList changes={diffLayouts(theirs, mine)} />
      <table className="dz-choice-table">
        <tbody>
          {ids.map((id) => (
            <tr key={id}>
              <th scope="row">{id}</th>
              {(['theirs', 'mine'] as const).map((side) => (
                <td key={side}>
                  <label>
                    <input
                      type="radio"
                      name={`choice-${id}`}
                      checked={(choice[id] ?? 'mine') === side}
                      onChange={() => setChoice((c) => ({ ...c, [id]: side }))}
                    />{' '}
                    {t(`designer.conflict.${side}Short`)}
                  </label>
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('designer.conflict.menu')}</th>
            {(['theirs', 'mine'] as const).map((side) => (
              <td key={side}>
                <label>
                  <input
                    type="radio"
                    name="choice-menu"
                    checked={menuFrom === side}
                    onChange={() => setMenuFrom(side)}
                  />{' '}
                  {t(`designer.conflict.${side}Short`)}
                </label>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </Frame>
  );
}
