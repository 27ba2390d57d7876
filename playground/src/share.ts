// A share link holds the files themselves, in the URL's fragment (the part after '#', which a browser
// never sends to a server): JSON, deflate-raw compressed (CompressionStream), base64url.

export interface SharedFile {
  path: string;
  text: string;
  /** The kind chosen by hand, when one was. */
  kind?: string;
}

const PREFIX = '#v1=';
/** A link is pasted by people; what it inflates to is bounded, so a crafted one cannot eat the tab's memory. */
const MAX_INFLATED = 16 * 1024 * 1024;

export async function encodeShare(files: readonly SharedFile[]): Promise<string> {
  const json = JSON.stringify({ files: files.map((f) => (f.kind ? { p: f.path, t: f.text, k: f.kind } : { p: f.path, t: f.text })) });
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return PREFIX + toBase64Url(bytes);
}

/** The files of a share fragment; undefined when the fragment is not one. Throws an Error saying what is wrong with a damaged one. */
export async function decodeShare(fragment: string): Promise<SharedFile[] | undefined> {
  if (!fragment.startsWith(PREFIX)) return undefined;
  const bytes = fromBase64Url(fragment.slice(PREFIX.length));
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_INFLATED) {
        await reader.cancel();
        throw new Error(`the link's files are larger than ${MAX_INFLATED / 1024 / 1024} MiB`);
      }
      chunks.push(value);
    }
  } catch (err) {
    throw new Error(`the link is damaged (${err instanceof Error ? err.message : String(err)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(concat(chunks, total)));
  } catch {
    throw new Error('the link is damaged (its content is not the files of a playground link)');
  }
  const files = (doc as { files?: unknown }).files;
  if (!Array.isArray(files) || !files.every((f) => typeof f?.p === 'string' && typeof f?.t === 'string' && (f.k === undefined || typeof f.k === 'string'))) {
    throw new Error('the link is damaged (its content is not the files of a playground link)');
  }
  return files.map((f: { p: string; t: string; k?: string }) => (f.k ? { path: f.p, text: f.t, kind: f.k } : { path: f.p, text: f.t }));
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) throw new Error('the link is damaged (it is not base64url)');
  const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
