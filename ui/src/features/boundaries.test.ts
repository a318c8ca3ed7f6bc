// @vitest-environment node
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The UI's parts (DEVELOPMENT.md §1) as ESLint keeps them: lint a few imports
// as if written in a given file, with the project's own configuration.
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: new URL(`../../${file}`, import.meta.url).pathname });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('the boundary between features', () => {
  it('refuses a feature importing another feature or the shell, any feature folder included', async () => {
    expect(
      await boundaryErrors(
        'src/features/inbox/X.ts',
        "import { DesignerScreen } from '../designer/Designer';\nexport const x = DesignerScreen;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'src/features/broadcasts/X.ts',
        "import { InboxScreen } from '../inbox/Inbox';\nexport const x = InboxScreen;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'src/features/inbox/X.ts',
        "import { Shell } from '../../shell/Shell';\nexport const x = Shell;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'src/kit/X.ts',
        "import { InboxScreen } from '../features/inbox/Inbox';\nexport const x = InboxScreen;\n",
      ),
    ).toHaveLength(1);
  }, 30_000);

  it('lets a feature use its own files, the kit and the platform, and the shell use features', async () => {
    expect(
      await boundaryErrors(
        'src/features/inbox/X.ts',
        "import { Thread } from './Thread';\nimport { Dialog } from '../../kit/Dialog';\nimport { markRead } from '../../platform';\nexport const x = [Thread, Dialog, markRead];\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'src/shell/X.ts',
        "import { InboxScreen } from '../features/inbox/Inbox';\nexport const x = InboxScreen;\n",
      ),
    ).toEqual([]);
  }, 30_000);
});
