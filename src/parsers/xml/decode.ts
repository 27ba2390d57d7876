/**
 * Character data as an XML processor reports it: line ends normalised to `\n`
 * and references replaced. Only called on text saxes has already accepted, so
 * every '&' starts one of the five predefined entities or a valid character
 * reference. We decode text ourselves because asking saxes for it (a text
 * handler) makes it build a string for every run and costs ~30% of its speed.
 */
export function decodeCharData(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  // Most text in libvirt XML is indentation or a short value: nothing to do.
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

/**
 * An attribute value as XML normalises it (section 3.3.3): references
 * replaced, and each tab, LF, CR or CRLF pair that is written literally
 * becomes one space. Only called on values saxes has already accepted.
 */
export function decodeAttributeValue(text: string, start: number, end: number): string {
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x09 || c === 0x0a || c === 0x0d) break;
  }
  if (i === end) return text.slice(start, end);
  let out = '';
  let from = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += text.slice(from, i) + ' ';
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      from = i + 1;
    } else if (c === 0x26) {
      const semi = text.indexOf(';', i + 1);
      if (semi < 0 || semi >= end) break;
      out += text.slice(from, i) + resolveReference(text.slice(i + 1, semi));
      i = semi;
      from = semi + 1;
    }
  }
  return out + text.slice(from, end);
}

/** The text a reference body (`amp`, `#60`, `#x3C`) stands for; unknown names are kept as written. */
export function resolveReference(body: string): string {
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
