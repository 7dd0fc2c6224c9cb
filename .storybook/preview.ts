import { setCustomElementsManifest } from '@storybook/web-components';
import type { Preview } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';
import '../src/define.js';

// Autodocs read attributes, properties, events, parts and CSS properties from the generated manifest.
setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    // Story tests fail on any accessibility violation, not just report it.
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
};

export default preview;
