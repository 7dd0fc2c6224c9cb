/**
 * The custom-elements manifest as designers read it in Storybook: public API only (no private, protected or
 * static members), and the provider lists the events of the elements it renders (they bubble through it).
 */

interface Entry {
  name: string;
  description?: string;
  privacy?: string;
  static?: boolean;
}
interface Declaration {
  tagName?: string;
  customElement?: boolean;
  members?: Entry[];
  events?: Entry[];
}
interface Manifest {
  modules: { declarations?: Declaration[] }[];
}

export function designerManifest(source: Manifest): Manifest {
  const manifest = structuredClone(source);
  const elements = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .filter((declaration) => declaration.customElement && declaration.tagName);
  const bubbling = new Map(elements.flatMap((element) => element.events ?? []).map((event) => [event.name, event]));
  for (const element of elements) {
    element.members = (element.members ?? []).filter((member) => !member.privacy && !member.static);
    if (element.tagName === 'ipos-credentials') element.events = [...bubbling.values()];
  }
  return manifest;
}
