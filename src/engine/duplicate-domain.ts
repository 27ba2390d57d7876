import type { Machine } from '../model/machine.js';
import type { SourceFile } from '../core/source.js';
import { createDiagnostic, type Diagnostic } from './diagnostic.js';
import { builtinDocsUrl, fillTemplate, type Severity } from './rule.js';
import { rule } from '../rules/duplicate-domain/index.js';
import { firstChild, textContent, type XmlElement } from '../parsers/xml/index.js';

interface Seen {
  path: string;
  name: string | undefined;
  nameEl: XmlElement | undefined;
  uuidEl: XmlElement | undefined;
}

/**
 * Domains of one machine that share a name or a UUID. libvirt keeps one
 * definition per name and per UUID (virDomainObjListAddLocked): defining the
 * second replaces the first (same name and UUID) or is refused. Each later
 * domain is reported at its `<name>` (or `<uuid>`), pointing at the first.
 */
export function duplicateDomainDiagnostics(machine: Machine, severity: Severity, lookup: (path: string) => SourceFile | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map<string, Seen>();
  const byUuid = new Map<string, Seen>();
  for (const d of machine.domains) {
    const ast = d.file.ast;
    if (ast.kind !== 'xml' || !ast.xml.root) continue;
    const nameEl = firstChild(ast.xml.root, 'name');
    const uuidEl = firstChild(ast.xml.root, 'uuid');
    const name = nameEl ? textContent(nameEl).trim() : undefined;
    // libvirt reads a UUID with or without dashes, in either case.
    const uuid = uuidEl ? textContent(uuidEl).trim().replaceAll('-', '').toLowerCase() : undefined;
    const here: Seen = { path: d.file.source.path, name, nameEl, uuidEl };
    const sameName = name ? byName.get(name) : undefined;
    const sameUuid = uuid ? byUuid.get(uuid) : undefined;
    const report = (messageId: 'sameName' | 'sameUuid' | 'sameBoth', el: XmlElement, other: Seen, otherEl: XmlElement | undefined) => {
      const data = { name: name ?? '', uuid: uuidEl ? textContent(uuidEl).trim() : '', other: other.path, otherName: other.name ?? '' };
      out.push(
        createDiagnostic(
          d.file.source,
          {
            message: fillTemplate(rule.meta.messages[messageId]!, data),
            ruleId: rule.meta.id,
            messageId,
            severity,
            range: contentRange(el),
            url: builtinDocsUrl(rule.meta.id),
            related: otherEl ? [{ path: other.path, ...contentRange(otherEl), message: 'the other definition' }] : undefined,
          },
          lookup,
        ),
      );
    };
    if (sameName && sameUuid === sameName) report('sameBoth', nameEl!, sameName, sameName.nameEl);
    else {
      if (sameName) report('sameName', nameEl!, sameName, sameName.nameEl);
      if (sameUuid) report('sameUuid', uuidEl!, sameUuid, sameUuid.uuidEl);
    }
    if (name && !byName.has(name)) byName.set(name, here);
    if (uuid && !byUuid.has(uuid)) byUuid.set(uuid, here);
  }
  return out;
}

/** The text inside an element (`win10` of `<name>win10</name>`), or the element when it is empty. */
function contentRange(el: XmlElement): { start: number; end: number } {
  return el.selfClosing || el.endTagStart === el.startTagEnd ? { start: el.start, end: el.end } : { start: el.startTagEnd, end: el.endTagStart };
}
