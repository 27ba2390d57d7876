import { isXmlChar } from './chars.js';

/**
 * Character data as an XML processor reports it: line ends normalised to `\n`
 * and references replaced. Only called on text already checked (accepted by
 * saxes, or by the fast scanner's `charDataOk`), so every '&' starts one of the
 * five predefined entities or a valid character reference. We decode text ourselves rather than install a text handler:
 * with one, saxes builds a string for every run whether we keep it or not.
 */
export function decodeCharData(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  // Most text in libvirt XML is indentation or a short value: nothing to decode.
  if (raw.indexOf('&') < 0 && raw.indexOf('\r') < 0) return raw;
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x0d) {
      out += raw.slice(from, i) + '\n';
      if (raw.charCodeAt(i + 1) === 0x0a) i++;
      from = i + 1;
    } else if (c === 0x26) {
      const semi = raw.indexOf(';', i + 1);
      if (semi < 0) break;
      const body = raw.slice(i + 1, semi);
      out += raw.slice(from, i) + (referenceValue(body) ?? `&${body};`);
      i = semi;
      from = semi + 1;
    }
  }
  return out + raw.slice(from);
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text a reference body stands for (`amp`, `#60`, `#x3C`): one of the five
 * predefined entities or a character reference to an XML character; undefined
 * for anything else (an undeclared entity, `#0`, a surrogate).
 */
export function referenceValue(body: string): string | undefined {
  if (Object.hasOwn(PREDEFINED, body)) return PREDEFINED[body];
  let code = Number.NaN;
  if (/^#x[0-9a-fA-F]+$/.test(body)) code = Number.parseInt(body.slice(2), 16);
  else if (/^#[0-9]+$/.test(body)) code = Number.parseInt(body.slice(1), 10);
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}
