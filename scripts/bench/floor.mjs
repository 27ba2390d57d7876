// The floor for the whole corpus as one machine (issue 21): Node reading the same files and parsing
// each with our parseXml, nothing kept. Run as a whole process, like the CLI it is compared with.
//
//   node scripts/bench/floor.mjs PARSE_XML_BUNDLE LIST_FILE   (LIST_FILE: one path a line)
import { readFileSync } from 'node:fs';

const [bundle, list] = process.argv.slice(2);
const { parseXml } = await import(bundle);
let elements = 0;
for (const path of readFileSync(list, 'utf8').split('\n')) {
  if (path === '') continue;
  const doc = parseXml(readFileSync(path, 'utf8'));
  if (doc.root) elements++;
}
process.stdout.write(`${elements}\n`);
