// The generated dictionaries (docs/dictionaries.md): each is read from data/ on first use.
export { DictionaryError, loadedDictionaries, type DictionaryOrigin, type PackageOrigin } from './load.js';
export { editDistance, suggest, typoLimit, type SuggestOptions } from './suggest.js';
export * from './kernel-params.js';
export * from './kernel-modules.js';
export * from './libvirt-cpu.js';
export * from './libvirt-schema.js';
export * from './pci-drivers.js';
