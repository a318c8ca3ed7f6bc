import { createContext, useContext } from 'react';
import type { Action, Issue, SampleSubscriber } from '../shared/model';

export type OnAction = (action: Action, label: string) => void;

export interface RenderContext {
  sample: SampleSubscriber;
  issues: readonly Issue[] | undefined;
  /** Calls the caller's onAction with the action and label as the phone performs them: templates filled. */
  act: (action: Action, label: string) => void;
  /** Calls the caller's onAction as is (for what the subscriber typed, which is never a template). */
  raw: OnAction;
}

export const RendererContext = createContext<RenderContext | null>(null);

export function useRenderer(): RenderContext {
  const ctx = useContext(RendererContext);
  if (ctx === null) throw new Error('renderer modules must be inside <FunctionView>');
  return ctx;
}
