// libvirt's x86 CPU map (/usr/share/libvirt/cpu_map): the feature names a domain's <cpu><feature name>
// may use, and the named CPU models with their vendor (or the model they are a version of). The models'
// feature lists are left out to keep the file small; every feature they name is checked to exist.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';

/** Elements of one small XML file, in document order, each with its attributes and parent's name. */
function elements(path) {
  const out = [];
  const stack = [];
  const parser = new SaxesParser();
  parser.on('error', (e) => {
    throw new Error(`${path}: ${e.message}`);
  });
  parser.on('opentag', (t) => {
    out.push({ name: t.name, attributes: t.attributes, parent: stack.at(-1) });
    stack.push(t.name);
  });
  parser.on('closetag', () => stack.pop());
  parser.write(readFileSync(path, 'utf8')).close();
  return out;
}

export function readCpuMap(dir) {
  const features = {};
  let current;
  for (const e of elements(join(dir, 'x86_features.xml'))) {
    if (e.name === 'feature' && e.parent === 'cpus') {
      current = { cpuid: false };
      features[e.attributes.name] = current;
      if (e.attributes.migratable === 'no') current.migratable = false;
    } else if (e.name === 'alias' && current) {
      (current.aliases ??= []).push(e.attributes.name);
    } else if ((e.name === 'cpuid' || e.name === 'msr') && current) {
      current.source = e.name === 'cpuid' ? `cpuid ${e.attributes.eax_in}${e.attributes.ecx_in ? `/${e.attributes.ecx_in}` : ''}` : `msr ${e.attributes.index}`;
    }
  }
  for (const f of Object.values(features)) delete f.cpuid;

  const models = {};
  const modelFiles = readdirSync(dir).filter((f) => f.startsWith('x86_') && f !== 'x86_features.xml' && f !== 'x86_vendors.xml').sort();
  for (const file of modelFiles) {
    let model;
    for (const e of elements(join(dir, file))) {
      if (e.name === 'model' && e.parent === 'cpus') {
        model = {};
        models[e.attributes.name] = model;
      } else if (model && e.name === 'model') model.base = e.attributes.name;
      else if (model && e.name === 'vendor') model.vendor = e.attributes.name;
      else if (model && e.name === 'feature' && !(e.attributes.name in features)) {
        throw new Error(`${file}: feature ${e.attributes.name} is not in x86_features.xml`);
      }
    }
  }
  const vendors = elements(join(dir, 'x86_vendors.xml')).filter((e) => e.name === 'vendor').map((e) => e.attributes.name);
  return { features: sortKeys(features), models: sortKeys(models), vendors };
}

const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
