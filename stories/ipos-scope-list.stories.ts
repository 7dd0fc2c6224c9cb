import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { USER_ROLES } from '../src/contract/roles.js';

interface Args {
  userRole: string;
  theme: 'light' | 'dark' | 'auto';
}

const meta: Meta<Args> = {
  title: 'Elements/ipos-scope-list',
  component: 'ipos-scope-list',
  args: { userRole: 'merchant', theme: 'light' },
  argTypes: {
    userRole: { control: 'select', options: [...USER_ROLES, 'unknown'] },
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
  },
  render: ({ userRole, theme }) => html`<ipos-scope-list user-role=${userRole} theme=${theme}></ipos-scope-list>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Merchant: Story = {};
export const IsoAdmin: Story = { args: { userRole: 'iso' } };
export const AgentOfficeAdmin: Story = { args: { userRole: 'agent' } };
export const Dark: Story = { args: { theme: 'dark' } };
export const UnknownRole: Story = { args: { userRole: 'owner' } };
