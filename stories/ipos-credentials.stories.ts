import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { USER_ROLES } from '../src/roles.js';

interface Args {
  userRole: string;
  theme: 'light' | 'dark' | 'auto';
}

const meta: Meta<Args> = {
  title: 'Elements/ipos-credentials',
  component: 'ipos-credentials',
  args: { userRole: 'merchant', theme: 'light' },
  argTypes: {
    userRole: { control: 'select', options: [...USER_ROLES, 'unknown'] },
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
  },
  render: ({ userRole, theme }) => html`<ipos-credentials user-role=${userRole} theme=${theme}></ipos-credentials>`,
};
export default meta;

type Story = StoryObj<Args>;

export const MerchantScreen: Story = {};
export const IsoAdminScreen: Story = { args: { userRole: 'iso' } };
export const AgentOfficeAdminScreen: Story = { args: { userRole: 'agent' } };
export const UnknownRole: Story = { args: { userRole: 'owner' } };
export const HostLayout: Story = {
  render: ({ userRole, theme }) =>
    html`<ipos-credentials user-role=${userRole} theme=${theme}><ipos-scope-list></ipos-scope-list></ipos-credentials>`,
};
