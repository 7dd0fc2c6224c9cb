import { setCustomElementsManifest } from '@storybook/web-components';
import type { Preview } from '@storybook/web-components-vite';
import { withActions } from 'storybook/actions/decorator';
import manifest from '../custom-elements.json';
import '../src/define.js';
import { IPOS_EVENT_NAMES } from '../src/elements/events.js';
import { designerManifest } from '../stories/support/manifest.js';
import { orderControls } from '../stories/support/controls.js';
import { withTokens } from '../stories/support/tokens.js';

// Autodocs read attributes, properties, events, parts and CSS properties from the generated manifest,
// filtered to the public API (stories/support/manifest.ts).
setCustomElementsManifest(designerManifest(manifest));

const preview: Preview = {
  tags: ['autodocs'],
  decorators: [withTokens, withActions],
  // Parts are documentation, not values to edit; the theme tokens come first, with controls of their own
  // (stories/support/controls.ts has the order).
  argTypesEnhancers: [
    ({ argTypes, initialArgs }) =>
      orderControls(
        Object.fromEntries(
          Object.entries(argTypes).map(([name, argType]) =>
            argType.table?.category === 'css shadow parts' ? [name, { ...argType, control: false }] : [name, argType],
          ),
        ),
        initialArgs,
      ),
  ],
  parameters: {
    // Story tests fail on any accessibility violation, not just report it.
    a11y: { test: 'error' },
    controls: { expanded: true },
    // Every ipos-* event shows in the Actions panel.
    actions: { handles: [...IPOS_EVENT_NAMES] },
  },
};

export default preview;
