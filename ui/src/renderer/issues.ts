import type { Issue } from '../shared/model';

/** A child module's path inside a container: `.props.children.N…` or `.props.tabs.N.children.N…`. */
const CHILD_MODULE = /^\.props\.(children|tabs\.\d+\.children)\.\d+(\.|$)/;

/**
 * The issues that name this module itself (its path, or a field inside it),
 * not the ones that belong to a module nested inside it.
 */
export function issuesAt(issues: readonly Issue[] | undefined, path: string): Issue[] {
  if (!issues || issues.length === 0) return [];
  return issues.filter((issue) => {
    if (issue.path === path) return true;
    if (!issue.path.startsWith(`${path}.`)) return false;
    return !CHILD_MODULE.test(issue.path.slice(path.length));
  });
}

/** The issues on a menu item or anything under it (`menu.items.N…`); sub-items have their own. */
export function menuIssuesAt(issues: readonly Issue[] | undefined, path: string): Issue[] {
  if (!issues || issues.length === 0) return [];
  return issues.filter((issue) => {
    if (issue.path === path) return true;
    if (!issue.path.startsWith(`${path}.`)) return false;
    return !/^\.target\.items\.\d+(\.|$)/.test(issue.path.slice(path.length));
  });
}

/** The `data-issue` value: the issue keys, space-separated, or undefined when there are none. */
export function issueAttr(issues: readonly Issue[]): string | undefined {
  if (issues.length === 0) return undefined;
  return [...new Set(issues.map((issue) => issue.key))].join(' ');
}
