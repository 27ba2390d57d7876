/**
 * Text for the XML formats (checkstyle, junit). Characters XML 1.0 cannot hold at all (control
 * characters other than tab and line breaks, lone surrogates, U+FFFE and U+FFFF) become visible
 * `\xNN`/`\uNNNN` escapes, as on a terminal; the five markup characters become references. In an
 * attribute, tab and line breaks are references too, or a reader's normalisation would turn them
 * into spaces.
 */
export function xmlText(s: string): string {
  return visible(s).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function xmlAttr(s: string): string {
  return visible(s).replace(/[&<>"'\t\n\r]/g, (c) => REFS[c]!);
}

const REFS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `]]>` cannot appear inside CDATA: split it across two sections. */
export function cdata(s: string): string {
  return `<![CDATA[${visible(s).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
