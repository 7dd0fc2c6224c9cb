import { consume } from '@lit/context';
import { state } from 'lit/decorators.js';
import { credentialsContext, type CredentialsConfig } from '../../context.js';
import { IposConfigurable } from './ipos-configurable.js';

/** Base of every element that reads the settings of an enclosing `<ipos-credentials>`. */
export class IposElement extends IposConfigurable {
  @consume({ context: credentialsContext, subscribe: true })
  @state()
  protected override inherited?: CredentialsConfig;
}
