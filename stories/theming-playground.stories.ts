import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { IPOS_EVENT_NAMES } from '../src/elements/events.js';
import { credentialsScreen, previewArgTypes, previewArgs, type PreviewArgs } from './support/preview-backend.js';
import { waitForPart } from './support/shadow.js';
import { TOKENS } from './support/tokens.js';

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

/** Also checks what designers see in the Controls and Docs tables of the provider. */
export const Playground: Story = {
  play: async (context) => {
    const argTypes: Record<string, { control?: unknown; name: string; table?: { category?: string } }> =
      context.argTypes;
    const inTable = (category: string) =>
      Object.values(argTypes).filter((argType) => argType.table?.category === category);
    const problems = [
      ...(TOKENS.length === 12 ? [] : [`${TOKENS.length} theme tokens documented, not the design's 12`]),
      ...TOKENS.filter(({ name }) => !argTypes[name]?.control).map(({ name }) => `${name} has no control`),
      ...['config', 'inherited', 'catalog', 'activeRole', 'hasElementChildren', 'define']
        .filter((name) => name in argTypes)
        .map((name) => `non-public member ${name} listed`),
      ...inTable('css shadow parts')
        .filter((argType) => argType.control !== false)
        .map((argType) => `part ${argType.name} has a control`),
    ];
    const events = inTable('events').map((argType) => argType.name);
    for (const name of IPOS_EVENT_NAMES) if (!events.includes(name)) problems.push(`event ${name} not listed`);
    if (problems.length) throw new Error(problems.join('; '));
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
