/**
 * The order of the Controls panel, the same on every story: the twelve theme tokens first, then theme and language,
 * then the element's own attributes, properties, events and parts, and last the preview backend's knobs (role, data,
 * faults and latency) in their own group. Storybook lists rows with no group before every group, so every row has one.
 */
import type { ArgTypes } from '@storybook/web-components-vite';
import { LOOK_ARGS, LOOK_CATEGORY, TOKEN_CATEGORY, TOKENS, tokenArgTypes } from './tokens.js';

/** The group of the preview backend's knobs: not the element's API, only how the story's backend behaves. */
export const PREVIEW_CATEGORY = 'preview backend (account, data, faults and latency)';

/** The Actions panel's handlers (`onIposCopy`, …): they record events, and the events group documents them. */
const isActionHandler = (name: string) => /^on[A-Z]/.test(name);

type ArgType = ArgTypes[string];

/**
 * Every row as the Controls panel lists it: tokens, theme and language, the rest in order, action handlers hidden.
 * Each row gets a `type` (from its story arg's value when it has none): Storybook lists a story arg without one
 * before every other row.
 */
export function orderControls(argTypes: ArgTypes, initialArgs: Record<string, unknown>): ArgTypes {
  const typed = (name: string, argType: ArgType): ArgType =>
    argType.type || !(name in initialArgs) ? argType : { ...argType, type: typeOf(initialArgs[name]) };
  const categorised = (name: string, argType: ArgType, category: string): ArgType => ({
    ...typed(name, argType),
    table: { ...argType.table, category },
  });
  const tokens = TOKENS.map(({ name }) => [
    name,
    categorised(name, { ...argTypes[name], ...tokenArgTypes[name] }, TOKEN_CATEGORY),
  ]);
  const look = LOOK_ARGS.filter((name) => name in argTypes).map((name) => [
    name,
    categorised(name, argTypes[name]!, LOOK_CATEGORY),
  ]);
  const placed = new Set([...tokens, ...look].map(([name]) => name as string));
  const rest = Object.entries(argTypes)
    .filter(([name]) => !placed.has(name))
    .map(([name, argType]) => [
      name,
      isActionHandler(name) ? { ...argType, table: { ...argType.table, disable: true } } : typed(name, argType),
    ]);
  return Object.fromEntries([...tokens, ...look, ...rest]);
}

function typeOf(value: unknown): NonNullable<ArgType['type']> {
  if (typeof value === 'number') return { name: 'number' };
  if (typeof value === 'boolean') return { name: 'boolean' };
  return { name: 'string' };
}

/** The groups of the Controls panel in the order it shows them, each with its rows (a row with no group fails). */
export function controlGroups(argTypes: ArgTypes, include?: readonly string[]): [string, string[]][] {
  const ungrouped = '(no group: listed before every group)';
  const groups = new Map<string, string[]>([[ungrouped, []]]);
  for (const [name, argType] of Object.entries(argTypes)) {
    if (argType.table?.disable || (include && !include.includes(name))) continue;
    const category = argType.table?.category ?? ungrouped;
    groups.set(category, [...(groups.get(category) ?? []), name]);
  }
  return [...groups].filter(([, rows]) => rows.length > 0);
}
