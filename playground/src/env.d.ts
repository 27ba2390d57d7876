// Made by playground/build.mjs: every data/*.json as text, by dictionary name.
declare module 'vfio-lint:dictionaries' {
  export const DICTIONARY_TEXTS: Record<string, string>;
}
// Made by playground/build.mjs: the shipped example (examples/desktop), path and text per file.
declare module 'vfio-lint:example' {
  export const EXAMPLE_FILES: Array<{ path: string; text: string }>;
}
// Set by playground/build.mjs.
declare const __VFIO_LINT_VERSION__: string;
declare const __VFIO_LINT_DOCS_BASE__: string;
