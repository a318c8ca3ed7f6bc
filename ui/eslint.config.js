import js from '@eslint/js';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // bindings.ts is generated from the Rust types by tauri-specta.
  { ignores: ['dist', 'dist-web', 'node_modules', 'test-results', 'playwright-report', 'src/platform/bindings.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Nothing from a subscriber or a layout is ever rendered as HTML.
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Never render HTML: use text.' },
        {
          selector: 'AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]',
          message: 'Never render HTML: use text.',
        },
        {
          selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
          message: 'Never render HTML: use text.',
        },
      ],
      // Only src/platform/ talks to Tauri: everything else goes through its index.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tauri-apps/*'],
              message: 'Only src/platform/ may import @tauri-apps; use src/platform instead.',
            },
            {
              group: ['**/platform/bindings', '**/platform/bindings.ts'],
              message: 'Import from src/platform (index.ts), not the generated bindings.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  // The renderer and the subscriber web app run outside Tauri: no platform, no console.
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/subscriber/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tauri-apps/*'], message: 'The renderer and the subscriber app run in a plain browser.' },
            {
              group: ['**/platform', '**/platform/*'],
              message: 'The renderer and the subscriber app run in a plain browser.',
            },
            {
              group: ['**/shell', '**/shell/*', '**/kit', '**/kit/*', '**/features/**'],
              message: 'The console embeds the renderer, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  // Parts of the console UI (see DEVELOPMENT.md §1). Each folder under
  // src/features/ is one screen: it may use the kit and the layers below, never
  // another feature or the shell. Only the shell puts features together. New
  // feature folders are covered without naming them here.
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
      'boundaries/include': ['src/**/*'],
      'boundaries/elements': [
        { type: 'feature', pattern: 'src/features/*', capture: ['feature'] },
        { type: 'shell', pattern: 'src/shell' },
        { type: 'kit', pattern: 'src/kit' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'feature' } },
              disallow: {
                to: { element: { type: 'feature', captured: { feature: '!{{ from.element.captured.feature }}' } } },
              },
              message:
                'A feature never imports another feature: move what both need to src/kit, or let the shell pass it in.',
            },
            {
              from: { element: { types: { anyOf: ['feature', 'kit'] } } },
              disallow: { to: { element: { type: 'shell' } } },
              message: 'Only the shell puts features together; nothing imports the shell.',
            },
            {
              from: { element: { type: 'kit' } },
              disallow: { to: { element: { type: 'feature' } } },
              message: 'The kit is shared by features and imports none of them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'vite.config.ts',
      'vite.subscriber.config.ts',
      'playwright.config.ts',
      'e2e-web/**/*.ts',
      'eslint.config.js',
    ],
    languageOptions: { globals: globals.node },
  },
);
