/**
 * The twelve global theme tokens as Storybook controls: documented in every element's docs table and
 * live-editable; `withTokens` sets the non-empty ones as CSS custom properties around the story.
 * Names and descriptions come from the manifest (the `@cssproperty` tags of the elements' base class).
 */
import type { Decorator } from '@storybook/web-components-vite';
import { html } from 'lit';
import manifest from '../../custom-elements.json';

interface CssProperty {
  name: string;
  description?: string;
}

const documented = new Map<string, CssProperty>(
  manifest.modules
    .flatMap((module) => (module.declarations ?? []) as { cssProperties?: CssProperty[] }[])
    .flatMap((declaration) => declaration.cssProperties ?? [])
    .filter(
      (property) =>
        /^--ipos-[a-z-]+$/.test(property.name) && !/^--ipos-(key|token|scope|credentials)/.test(property.name),
    )
    .map((property) => [property.name, property]),
);

/** Every global token the elements read, with what it styles. */
export const TOKENS: readonly { name: string; control: 'color' | 'text'; description: string }[] = [
  ...documented.values(),
].map(({ name, description = '' }) => ({
  name,
  control: name.startsWith('--ipos-color-') ? 'color' : 'text',
  description,
}));

export const TOKEN_CATEGORY = 'theme tokens (CSS custom properties)';

/** The group right after the tokens: the two other things a designer changes the look with. */
export const LOOK_CATEGORY = 'theme and language';
export const LOOK_ARGS = ['theme', 'locale'] as const;

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
