import type { ArgTypes, Meta, StoryObj } from '@storybook/web-components-vite';
import { IPOS_EVENT_NAMES } from '../src/elements/events.js';
import { credentialsScreen, previewArgTypes, previewArgs, type PreviewArgs } from './support/preview-backend.js';
import { waitForPart } from './support/shadow.js';
import { controlGroups, PREVIEW_CATEGORY } from './support/controls.js';
import { LOOK_ARGS, LOOK_CATEGORY, TOKEN_CATEGORY, TOKENS } from './support/tokens.js';

type Args = PreviewArgs & Record<`--ipos-${string}`, string>;

/**
 * The merchant screen with every theme token in Controls (category "theme tokens"): edit a colour, a font
 * or the radius and the screen follows. Copy the values into your stylesheet as `--ipos-*` custom properties
 * on `ipos-credentials` or any ancestor; `::part(key-panel__generate-button)` and friends style the rest.
 */
const meta: Meta<Args> = {
  title: 'Theming/Playground',
  component: 'ipos-credentials',
  args: { ...previewArgs, withKeys: false },
  argTypes: previewArgTypes,
  ...credentialsScreen,
};
export default meta;

type Story = StoryObj<Args>;

/** What the playground's Controls show: the tokens, then theme and language; nothing else. */
const PLAYGROUND_CONTROLS = [...TOKENS.map(({ name }) => name), ...LOOK_ARGS];

/** The playground: its Controls hold the tokens, then theme and language, and nothing else. */
export const Playground: Story = {
  parameters: { controls: { include: PLAYGROUND_CONTROLS } },
  play: async (context) => {
    const { parameters } = context;
    const argTypes: ArgTypes = context.argTypes;
    const shown = controlGroups(argTypes, parameters.controls?.include);
    const expected = [
      [TOKEN_CATEGORY, TOKENS.map(({ name }) => name)],
      [LOOK_CATEGORY, [...LOOK_ARGS]],
    ];
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
      throw new Error(`the playground's Controls show ${JSON.stringify(shown)}, not the tokens, theme and locale`);
    }
    const missing = TOKENS.filter(({ name }) => !argTypes[name]?.control).map(({ name }) => `${name} has no control`);
    if (TOKENS.length !== 12) missing.push(`${TOKENS.length} theme tokens documented, not the design's 12`);
    if (missing.length) throw new Error(missing.join('; '));
  },
};

/**
 * The provider's Controls and Docs tables, in order: the tokens first, then theme and language, then the element's
 * public API (every event listed, parts without a control, no private member), and the preview backend's knobs
 * (faults and latency among them) last, in a group of their own; no row outside a group.
 */
export const ControlsInOrder: Story = {
  play: async (context) => {
    const argTypes: ArgTypes = context.argTypes;
    const groups = controlGroups(argTypes);
    const categories = groups.map(([category]) => category);
    const rows = (category: string) => groups.find(([name]) => name === category)?.[1] ?? [];
    const problems = [
      ...(categories[0] === TOKEN_CATEGORY ? [] : [`first group ${categories[0]}, not the tokens`]),
      ...(categories[1] === LOOK_CATEGORY ? [] : [`second group ${categories[1]}, not theme and language`]),
      ...(categories.at(-1) === PREVIEW_CATEGORY ? [] : [`last group ${categories.at(-1)}, not the backend's knobs`]),
      ...categories.filter((category) => category.startsWith('(no group')).map(() => 'rows outside any group'),
      ...['latencyMs', 'fault', 'faultRoute', 'withKeys']
        .filter((knob) => !rows(PREVIEW_CATEGORY).includes(knob))
        .map((knob) => `${knob} not with the preview backend's knobs`),
      ...['config', 'inherited', 'catalog', 'activeRole', 'hasElementChildren', 'roleMismatched', 'define']
        .filter((name) => name in argTypes)
        .map((name) => `non-public member ${name} listed`),
      ...rows('css shadow parts')
        .filter((name) => argTypes[name]?.control !== false)
        .map((name) => `part ${name} has a control`),
      ...IPOS_EVENT_NAMES.filter((name) => !rows('events').includes(name)).map((name) => `event ${name} not listed`),
    ];
    if (problems.length) throw new Error(`${problems.join('; ')}: ${JSON.stringify(categories)}`);
  },
};

/** The default light primary (`#1f4fd1`), which a token arg must replace. */
const DEFAULT_PRIMARY = 'rgb(31, 79, 209)';

/** A token arg reaches the rendered element: the story test reads the computed style of a primary button. */
export const TokensApplied: Story = {
  args: {
    '--ipos-color-primary': '#9a3412',
    '--ipos-radius': '14px',
    '--ipos-font-family': 'Georgia, serif',
  },
  play: async ({ canvasElement }) => {
    const button = await waitForPart(canvasElement, 'generate-button');
    const style = getComputedStyle(button);
    const seen = `${style.backgroundColor} / ${style.borderTopLeftRadius} / ${style.fontFamily}`;
    if (style.backgroundColor === DEFAULT_PRIMARY || seen !== 'rgb(154, 52, 18) / 14px / Georgia, serif') {
      throw new Error(`token args not applied: ${seen}`);
    }
  },
};
