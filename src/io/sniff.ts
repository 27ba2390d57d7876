import { decode } from '../core/source.js';

/**
 * Decode the first bytes of a file, read to classify it. The cut may fall
 * inside a character (a UTF-8 sequence or a UTF-16 surrogate pair), so when a
 * cut prefix does not decode, up to three trailing bytes are dropped before
 * giving up. `whole` says the bytes are the whole file: then nothing is dropped.
 */
export function decodeHead(bytes: Uint8Array, whole: boolean): string | undefined {
  const maxDrop = whole ? 0 : Math.min(3, bytes.length);
  for (let drop = 0; drop <= maxDrop; drop++) {
    const decoded = decode(bytes.subarray(0, bytes.length - drop));
    if (decoded.ok) return decoded.text;
  }
  return undefined;
}
