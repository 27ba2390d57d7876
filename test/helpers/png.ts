import { inflateSync } from 'node:zlib';

/** A decoded PNG: 8-bit samples, `channels` per pixel, rows top to bottom. */
export interface Png {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decode a non-interlaced 8-bit greyscale, RGB or RGBA PNG (what Chromium's screenshots are) with
 * node:zlib alone: IHDR, the IDAT stream inflated, each scanline's filter undone (PNG spec 9.2).
 */
export function decodePng(buf: Buffer): Png {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8]!;
      const colour = data[9]!;
      const interlace = data[12]!;
      if (depth !== 8 || CHANNELS[colour] === undefined || interlace !== 0) throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = CHANNELS[colour]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  if (channels === 0) throw new Error('PNG without IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[row + i - channels]! : 0;
      const b = y > 0 ? pixels[row - stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[row - stride + i - channels]! : 0;
      let v: number;
      switch (filter) {
        case 0: v = src[i]!; break;
        case 1: v = src[i]! + a; break;
        case 2: v = src[i]! + b; break;
        case 3: v = src[i]! + ((a + b) >> 1); break;
        case 4: v = src[i]! + paeth(a, b, c); break;
        default: throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      pixels[row + i] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The pixel at (x, y) as [r, g, b] (grey repeated). */
export function rgbAt(png: Png, x: number, y: number): [number, number, number] {
  const i = (y * png.width + x) * png.channels;
  const p = png.pixels;
  return png.channels >= 3 ? [p[i]!, p[i + 1]!, p[i + 2]!] : [p[i]!, p[i]!, p[i]!];
}
