// ESLint for the theme's scripts and the browser tests (run by scripts/test.sh).
//
// The theme's scripts are ES modules that run in the browser. The browser
// tests and the scripts/ tools run in Node, but pass functions to
// page.evaluate() and waitForFunction() that run in the page, so they see
// both sets of globals.
//
// Classic scripts run in the page too: carebook serve's live-reload script
// (src/serve/live.js) and the engine tests' recorder (tests/fixtures/engines/).
//
// themes/default/templates/sw.js is a Tera template (not JavaScript until the
// build fills it in) and is left out.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['node_modules/', 'target/', 'public/', 'fuzz/', 'themes/default/templates/'],
  },
  js.configs.recommended,
  {
    files: ['themes/default/static/js/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: globals.browser,
    },
    // Functions stay short: 60 lines at most, comments and blank lines included.
    rules: { 'max-lines-per-function': ['error', { max: 60, IIFEs: true }] },
  },
  {
    files: ['src/**/*.js', 'tests/fixtures/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'script',
      globals: globals.browser,
    },
  },
  {
    files: ['tests/browser/**/*.mjs', 'scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
  },
];
