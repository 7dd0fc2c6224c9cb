import { consume } from '@lit/context';
import { state } from 'lit/decorators.js';
import { credentialsContext, type CredentialsConfig } from '../context.js';
import { IposElement } from './ipos-element.js';

/** An ipos element that also reads the settings of an enclosing `<ipos-credentials>`. */
export class IposContextElement extends IposElement {
  @consume({ context: credentialsContext, subscribe: true })
  @state()
  protected override inherited?: CredentialsConfig;
}
