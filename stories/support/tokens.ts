/**
 * The twelve global theme tokens as Storybook controls: documented in every element's docs table and
 * live-editable; `withTokens` sets the non-empty ones as CSS custom properties around the story.
 */
import type { Decorator } from '@storybook/web-components-vite';
import { html } from 'lit';

type Control = 'color' | 'text';

/** Every token the elements read, with what it styles (the same list as docs/theming.md). */
export const TOKENS: readonly { name: `--ipos-${string}`; control: Control; description: string }[] = [
  {
    name: '--ipos-color-primary',
    control: 'color',
    description: "Primary buttons, accents, the focus ring's default colour.",
  },
  { name: '--ipos-color-danger', control: 'color', description: 'Reset, errors.' },
  { name: '--ipos-color-success', control: 'color', description: '"Copied" and success messages.' },
  { name: '--ipos-color-text', control: 'color', description: 'Text.' },
  { name: '--ipos-color-muted', control: 'color', description: 'Secondary text, hints, the countdown.' },
  { name: '--ipos-color-surface', control: 'color', description: 'Panel background.' },
  { name: '--ipos-color-border', control: 'color', description: 'Panel and field borders.' },
  { name: '--ipos-font-family', control: 'text', description: 'All text but keys and tokens.' },
  { name: '--ipos-font-family-mono', control: 'text', description: 'API key, masked secret, token, TPN.' },
  { name: '--ipos-radius', control: 'text', description: 'Corner radius of panels, fields and buttons (e.g. `12px`).' },
  {
    name: '--ipos-space',
    control: 'text',
    description: 'Spacing unit every gap and padding is a multiple of (e.g. `8px`).',
  },
  { name: '--ipos-focus-ring', control: 'text', description: 'Keyboard focus indicator, a `box-shadow` value.' },
];

export const TOKEN_CATEGORY = 'theme tokens (CSS custom properties)';

/** Controls for every token; empty means "the element's light/dark default". */
export const tokenArgTypes = Object.fromEntries(
  TOKENS.map(({ name, control, description }) => [
    name,
    { name, control, description, table: { category: TOKEN_CATEGORY, defaultValue: { summary: 'theme default' } } },
  ]),
);

/** Sets the token args that have a value as CSS custom properties on a wrapper the story inherits from. */
export const withTokens: Decorator = (story, { args }) => {
  const declarations = TOKENS.map(({ name }) => [name, args[name]] as const)
    .filter(([, value]) => typeof value === 'string' && value.trim() !== '')
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join('; ');
  return html`<div data-ipos-tokens style=${declarations}>${story()}</div>`;
};
