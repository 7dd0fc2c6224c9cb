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
import { IposKeyActivity as IposKeyActivityElement } from './elements/key-activity/ipos-key-activity.js';
import { IposKeyPanel as IposKeyPanelElement } from './elements/key-panel/ipos-key-panel.js';
import { IposScopeList as IposScopeListElement } from './elements/scope-list/ipos-scope-list.js';
import { IposTokenGenerator as IposTokenGeneratorElement } from './elements/token-generator/ipos-token-generator.js';
import {
  IPOS_EVENTS,
  IPOS_EVENT_NAMES,
  type EventSource,
  type IposEventDetails,
  type IposEventName,
} from './elements/events.js';
import type { Theme } from './elements/context.js';
import type { UserRole } from './contract/roles.js';

/** `ipos-keys-generated` → `onKeysGenerated`: the callback prop of an event. */
type Callback<Name extends string> = Name extends `ipos-${infer Rest}` ? `on${PascalCase<Rest>}` : never;
type PascalCase<Text extends string> = Text extends `${infer Word}-${infer Rest}`
  ? `${Capitalize<Word>}${PascalCase<Rest>}`
  : Capitalize<Text>;

/** The events one element dispatches, as `@lit/react` callback props. */
type EventProps<Source extends EventSource> = {
  [Name in IposEventName as (typeof IPOS_EVENTS)[Name] extends Source | 'both' ? Callback<Name> : never]: EventName<
    CustomEvent<IposEventDetails[Name]>
  >;
};

const callbackOf = (name: string) =>
  `on${name.replace(/^ipos-/, '').replace(/(?:^|-)(\w)/g, (_, letter: string) => letter.toUpperCase())}`;

/** The callback props of the events `source` dispatches, from the one event table. */
function eventsFrom<Source extends EventSource>(source: Source): EventProps<Source> {
  const props: Record<string, string> = {};
  for (const name of IPOS_EVENT_NAMES) {
    const from = IPOS_EVENTS[name];
    if (from === 'both' || from === source) props[callbackOf(name)] = name;
  }
  return props as EventProps<Source>;
}

const keyEvents = eventsFrom('key-panel');
const tokenEvents = eventsFrom('token-generator');

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

/** The activity trail; it dispatches only `ipos-error`. */
export const IposKeyActivity = createComponent({
  react: React,
  tagName: 'ipos-key-activity',
  elementClass: IposKeyActivityElement,
  events: { onError: 'ipos-error' as EventName<CustomEvent<IposEventDetails['ipos-error']>> },
});

export const IposScopeList = createComponent({
  react: React,
  tagName: 'ipos-scope-list',
  elementClass: IposScopeListElement,
});

/** The attributes every element accepts, for plain `<ipos-…>` tags in JSX. */
interface SharedAttributes {
  'user-role'?: UserRole;
  'api-base'?: string;
  locale?: string;
  theme?: Theme;
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
      'ipos-key-activity': Tag<IposKeyActivityElement, { 'page-size'?: number }>;
    }
  }
}
