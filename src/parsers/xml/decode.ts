/**
 * Character data as an XML processor reports it: line ends normalised to `\n`
 * and references replaced. Only called on text saxes has already accepted, so
 * every '&' starts one of the five predefined entities or a valid character
 * reference. We decode text ourselves rather than install a text handler:
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
      out += raw.slice(from, i) + resolveReference(raw.slice(i + 1, semi));
      i = semi;
      from = semi + 1;
    }
  }
  return out + raw.slice(from);
}

/** The text a reference body (`amp`, `#60`, `#x3C`) stands for; unknown names are kept as written. */
function resolveReference(body: string): string {
  switch (body) {
    case 'amp': return '&';
    case 'lt': return '<';
    case 'gt': return '>';
    case 'quot': return '"';
    case 'apos': return "'";
  }
  if (body.charCodeAt(0) === 0x23) {
    const hex = body.charCodeAt(1) === 0x78;
    const n = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    if (Number.isInteger(n) && n >= 0 && n <= 0x10ffff) return String.fromCodePoint(n);
  }
  return `&${body};`;
}
