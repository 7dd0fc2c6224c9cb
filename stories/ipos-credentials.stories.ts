import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { ReferenceBackend } from '../src/reference/index.js';
import { credentialsScreen, previewArgTypes, previewArgs, type PreviewArgs } from './support/preview-backend.js';
import { waitForPart } from './support/shadow.js';

type Args = PreviewArgs;

const meta: Meta<Args> = {
  title: 'Elements/ipos-credentials',
  component: 'ipos-credentials',
  args: previewArgs,
  argTypes: {
    ...previewArgTypes,
  },
  ...credentialsScreen,
};
export default meta;

type Story = StoryObj<Args>;

const keysShown: Story['play'] = async ({ canvasElement }) => {
  await waitForPart(canvasElement, 'api-key');
};

export const MerchantScreen: Story = { play: keysShown };
export const IsoAdminScreen: Story = { args: { userRole: 'iso' }, play: keysShown };
export const AgentOfficeAdminScreen: Story = { args: { userRole: 'agent' }, play: keysShown };
export const FirstVisit: Story = { args: { withKeys: false } };
export const UnknownRole: Story = {
  args: { userRole: 'owner (unknown)' },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'role-error');
  },
};

/** The host arranges the elements itself; they read the provider's role and backend. */
export const HostLayout: Story = {
  render: (args, { loaded }) =>
    html`<ipos-credentials
      user-role=${args.userRole}
      theme=${args.theme}
      .backend=${loaded.backend as ReferenceBackend}
    >
      <ipos-scope-list></ipos-scope-list>
      <ipos-key-panel allow-reveal></ipos-key-panel>
    </ipos-credentials>`,
  play: keysShown,
};
