import type { PropertyValues, ReactiveController } from 'lit';
import { IposElement } from '../elements/internal/ipos-element.js';

type Lifecycle = { addController(controller: ReactiveController): void; willUpdate(changed: PropertyValues): void };

const controllers = new WeakMap<object, ReactiveController[]>();
let installed = false;

/**
 * Lit SSR calls an element's `willUpdate` and `render` but skips its controllers' `hostUpdate`, where the ipos
 * elements take their catalogue and their preloaded data: on the server, `willUpdate` runs them. Installed by
 * the SSR entry only, so the browser's elements carry none of it.
 */
export function runControllersInWillUpdate(): void {
  if (installed) return;
  installed = true;
  const prototype = IposElement.prototype as unknown as Lifecycle;
  const { addController, willUpdate } = prototype;
  prototype.addController = function (this: object, controller) {
    addController.call(this, controller);
    controllers.set(this, [...(controllers.get(this) ?? []), controller]);
  };
  prototype.willUpdate = function (this: object, changed) {
    willUpdate.call(this, changed);
    for (const controller of controllers.get(this) ?? []) controller.hostUpdate?.();
  };
}
