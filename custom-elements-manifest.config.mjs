// The manifest is generated from the JSDoc headers of the element classes: it feeds
// Storybook's autodocs, the README's API reference and editors' completion.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
