/**
 * Byte sizes as libvirt and the kernel write them (catalog 2.12 and 3.5), and
 * a formatter for messages. Sizes are returned as a JS `number` of bytes:
 * every realistic size (up to 8 PiB) is exact, and a value that a double
 * cannot hold exactly is reported as an error rather than rounded.
 */

/** The units a caller can name as the default for a libvirt element. */
export type LibvirtUnit = 'B' | 'KiB' | 'MiB' | 'GiB' | 'TiB' | 'PiB' | 'EiB';

/** A failed size parse. `start`/`end` index the string named by `in`. */
export interface SizeError {
  ok: false;
  code: string;
  message: string;
  /** Which input the problem is in: the number or the unit attribute. */
  in: 'value' | 'unit';
  start: number;
  end: number;
}

export type LibvirtScaledResult = { ok: true; bytes: number; /** Bytes per unit of the value. */ scale: number } | SizeError;

const U64_MAX = (1n << 64n) - 1n;
const POWERS = 'kmgtpe';

/**
 * Bytes per unit for a libvirt unit string (`virScaleInteger`), or undefined
 * when libvirt does not know it. Case-insensitive: `b`, `byte`, `bytes` are 1;
 * `k`, `KiB` (any case) are 1024; `KB` is 1000; and so on up to `e`.
 */
export function libvirtUnitScale(unit: string): bigint | undefined {
  const u = unit.toLowerCase();
  if (u === '') return undefined;
  if (u === 'b' || u === 'byte' || u === 'bytes') return 1n;
  const power = POWERS.indexOf(u[0] ?? '') + 1;
  if (power === 0) return undefined;
  const rest = u.slice(1);
  const base = rest === '' || rest === 'ib' ? 1024n : rest === 'b' ? 1000n : undefined;
  return base === undefined ? undefined : base ** BigInt(power);
}

/**
 * A libvirt scaled integer (`virParseScaledValue`): `value` is the element
 * text or attribute, `unit` the `unit` attribute (missing or empty means
 * `defaultUnit`: KiB for `<memory>`, `<currentMemory>` and `<page size>`,
 * MiB for `<smm><tseg>`). As in libvirt, the value is an unsigned decimal with
 * optional leading whitespace and '+', and nothing after it.
 */
export function parseLibvirtScaled(value: string, unit: string | undefined, defaultUnit: LibvirtUnit): LibvirtScaledResult {
  const len = value.length;
  let i = 0;
  while (i < len && isCSpace(value.charCodeAt(i))) i++;
  if (i >= len) return sizeError('size-empty', 'empty size: expected a number', 'value', 0, len);
  if (value[i] === '-') return sizeError('size-negative', `size '${value}' is negative`, 'value', i, len);
  if (value[i] === '+') i++;
  const digits = i;
  while (i < len && isDigit(value.charCodeAt(i))) i++;
  if (i === digits) return sizeError('size-not-a-number', `'${value}' is not a number`, 'value', 0, len);
  if (i < len) {
    const hint = libvirtUnitScale(value.slice(i).trim()) !== undefined ? ': put the unit in the unit attribute' : '';
    return sizeError('size-trailing-text', `unexpected '${value.slice(i)}' after the number${hint}`, 'value', i, len);
  }
  // Leading zeros do not count; more than 20 digits cannot fit in 64 bits (and would make BigInt slow).
  const significant = value.slice(digits, i).replace(/^0+/, '');
  const n = significant.length > 20 ? U64_MAX + 1n : BigInt(significant || '0');
  if (n > U64_MAX) return sizeError('size-too-large', `size ${value.trim()} does not fit in 64 bits`, 'value', digits, i);

  const unitText = unit === undefined || unit === '' ? defaultUnit : unit;
  const scale = libvirtUnitScale(unitText);
  if (scale === undefined) {
    return unit === undefined || unit === ''
      ? sizeError('size-unknown-unit', `unknown default unit '${defaultUnit}'`, 'unit', 0, 0)
      : sizeError('size-unknown-unit', `unknown unit '${unit}': use b, KiB, MiB, GiB, TiB (binary) or KB, MB, GB (decimal)`, 'unit', 0, unit.length);
  }
  const bytes = n * scale;
  if (bytes > U64_MAX) return sizeError('size-too-large', `${value.trim()} ${unitText} does not fit in 64 bits`, 'value', digits, i);
  const exact = toExactNumber(bytes);
  if (exact === undefined) return sizeError('size-too-large', `${value.trim()} ${unitText} is too large to handle exactly`, 'value', digits, i);
  return { ok: true, bytes: exact, scale: Number(scale) };
}

export type KernelSizeResult =
  | {
      ok: true;
      bytes: number;
      /** How the number was read: like C's strtoull with base 0, a leading `0x` means hex and a leading `0` octal. */
      radix: 8 | 10 | 16;
      /** The suffix letter as written (K, M, G, T, P, E, either case), if any. */
      suffix: string | undefined;
      /** Index just past the number and suffix; memparse ignores anything after it (`1GB` reads as 1G). */
      end: number;
    }
  | SizeError;

/**
 * A kernel size such as `hugepagesz=1G`, read as `memparse` reads it: an
 * unsigned number (decimal, `0x` hex or `0` octal), then an optional binary
 * suffix K, M, G, T, P or E in either case. memparse stops there: callers
 * that care about trailing text check `end`.
 */
export function parseKernelSize(text: string): KernelSizeResult {
  const len = text.length;
  let i = 0;
  let radix: 8 | 10 | 16 = 10;
  if (text[0] === '0') {
    if ((text[1] === 'x' || text[1] === 'X') && i + 2 < len && hexValue(text.charCodeAt(2)) >= 0) {
      radix = 16;
      i = 2;
    } else {
      radix = 8;
    }
  }
  const digits = i;
  let n = 0n;
  const big = BigInt(radix);
  while (i < len) {
    const d = hexValue(text.charCodeAt(i));
    if (d < 0 || d >= radix) break;
    // Past 64 bits the value is wrong anyway; stop the bigint from growing with the input.
    if (n <= U64_MAX) n = n * big + BigInt(d);
    i++;
  }
  if (i === digits) {
    const what = len === 0 ? 'an empty size' : `'${text}'`;
    return sizeError('size-not-a-number', `${what} does not start with a number (the kernel reads it as 0)`, 'value', 0, len);
  }
  let suffix: string | undefined;
  const power = i < len ? POWERS.indexOf(text[i]!.toLowerCase()) + 1 : 0;
  if (power > 0) {
    suffix = text[i];
    i++;
    n <<= BigInt(10 * power);
  }
  if (n > U64_MAX) return sizeError('size-too-large', `size ${text.slice(0, i)} does not fit in 64 bits (the kernel would wrap it)`, 'value', 0, i);
  const exact = toExactNumber(n);
  if (exact === undefined) return sizeError('size-too-large', `size ${text.slice(0, i)} is too large to handle exactly`, 'value', 0, i);
  return { ok: true, bytes: exact, radix, suffix, end: i };
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/**
 * A byte count for messages: `16 GiB`, `2 MiB`, `1536 MiB`, `512 B`. The
 * largest binary unit that divides the count exactly is used (with at most
 * four digits before falling back to a bigger unit); a count that no unit
 * divides is shown to two decimals with a `~`, as in `~1.5 KiB`.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} B`;
  if (!Number.isInteger(n) || n < 0) return `${n} B`;
  let unit = 0;
  while (unit < BINARY_UNITS.length - 1 && n >= 1024 ** (unit + 1)) unit++;
  // Prefer an exact value: in the biggest unit, or a smaller one while it still has at most four digits.
  for (let u = unit; u >= 0; u--) {
    const scaled = n / 1024 ** u;
    if (Number.isInteger(scaled) && (u === unit || scaled < 10000)) return `${scaled} ${BINARY_UNITS[u]}`;
  }
  const approx = (n / 1024 ** unit).toFixed(2).replace(/\.?0+$/, '');
  return `~${approx} ${BINARY_UNITS[unit]}`;
}

function sizeError(code: string, message: string, where: 'value' | 'unit', start: number, end: number): SizeError {
  return { ok: false, code, message, in: where, start, end };
}

function toExactNumber(b: bigint): number | undefined {
  const n = Number(b);
  return BigInt(n) === b ? n : undefined;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** C `isspace`: space, \t, \n, \v, \f, \r. */
const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
