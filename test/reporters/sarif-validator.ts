import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../data/sarif/sarif-schema-2.1.0.json'), 'utf8'));

// ajv is CommonJS; its class is the module itself or its `default`, depending on the loader.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (opts: object) => {
  addFormat(name: string, test: (s: string) => boolean): void;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const ajv = new Ajv({ strict: false, allErrors: true });
// The schema's formats, checked for real (ajv-formats is not installed).
ajv.addFormat('uri', (s) => URL.canParse(s) && !/\s/.test(s));
ajv.addFormat('uri-reference', (s) => URL.canParse(s, 'file:///base/') && !/[\s%](?![0-9A-Fa-f]{2})/.test(s));
ajv.addFormat('date-time', (s) => !Number.isNaN(Date.parse(s)));

/** The official SARIF 2.1.0 schema (draft-07), compiled. `errors` is set after a failed call. */
export const validateSarif = ajv.compile(schema);
