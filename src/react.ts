/**
 * React components for the elements (`ipos-credential-elements/react`), made with `@lit/react`:
 * properties as props, events as typed `on…` callbacks. Importing this module registers the elements.
 *
 * @example
 * import { IposCredentials } from 'ipos-credential-elements/react';
 * <IposCredentials userRole="merchant" apiBase="/api/ipos" onSecretReset={(event) => notify(event.detail.apiKey)} />
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import './define.js';
import { IposCredentials as IposCredentialsElement } from './elements/credentials/ipos-credentials.js';
import { IposKeyPanel as IposKeyPanelElement } from './elements/key-panel/ipos-key-panel.js';
import { IposScopeList as IposScopeListElement } from './elements/scope-list/ipos-scope-list.js';
import { IposTokenGenerator as IposTokenGeneratorElement } from './elements/token-generator/ipos-token-generator.js';
import type { IposEventDetails, IposEventName } from './events.js';

const event = <Name extends IposEventName>(name: Name) => name as EventName<CustomEvent<IposEventDetails[Name]>>;

const keyEvents = {
  onKeysGenerated: event('ipos-keys-generated'),
  onSecretReset: event('ipos-secret-reset'),
  onCopy: event('ipos-copy'),
  onError: event('ipos-error'),
};

const tokenEvents = {
  onTokenGenerated: event('ipos-token-generated'),
  onTokenRefreshed: event('ipos-token-refreshed'),
  onTokenExpired: event('ipos-token-expired'),
  onCopy: event('ipos-copy'),
  onError: event('ipos-error'),
};

/** The provider; every event of the elements inside it reaches its callbacks. */
export const IposCredentials = createComponent({
  react: React,
  tagName: 'ipos-credentials',
  elementClass: IposCredentialsElement,
  events: { ...keyEvents, ...tokenEvents },
});

export const IposKeyPanel = createComponent({
  react: React,
  tagName: 'ipos-key-panel',
  elementClass: IposKeyPanelElement,
  events: keyEvents,
});

export const IposTokenGenerator = createComponent({
  react: React,
  tagName: 'ipos-token-generator',
  elementClass: IposTokenGeneratorElement,
  events: tokenEvents,
});

export const IposScopeList = createComponent({
  react: React,
  tagName: 'ipos-scope-list',
  elementClass: IposScopeListElement,
});

/** The attributes every element accepts, for plain `<ipos-…>` tags in JSX. */
interface SharedAttributes {
  'user-role'?: 'merchant' | 'iso' | 'agent';
  'api-base'?: string;
  locale?: string;
  theme?: 'light' | 'dark' | 'auto';
}

type Tag<Element, Attributes> = React.DetailedHTMLProps<React.HTMLAttributes<Element>, Element> &
  SharedAttributes &
  Attributes;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ipos-credentials': Tag<IposCredentialsElement, object>;
      'ipos-key-panel': Tag<
        IposKeyPanelElement,
        { 'allow-reveal'?: boolean; 'reveal-timeout'?: number; 'feedback-duration'?: number }
      >;
      'ipos-token-generator': Tag<
        IposTokenGeneratorElement,
        {
          'expires-in-minutes'?: number;
          'auto-refresh'?: boolean;
          'refresh-before'?: number;
          tpn?: string;
          'feedback-duration'?: number;
        }
      >;
      'ipos-scope-list': Tag<IposScopeListElement, { 'no-heading'?: boolean }>;
    }
  }
}
