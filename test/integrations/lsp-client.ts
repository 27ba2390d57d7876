import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

export const SERVER_BIN = join(ROOT, 'bin', 'vfio-lint-language-server');

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: Array<{ location: { uri: string; range: LspDiagnostic['range'] }; message: string }>;
  data?: unknown;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

/**
 * A minimal LSP client over the server's stdio, framed by hand (Content-Length
 * headers) so the test depends on nothing but the protocol: what any editor sends.
 */
export class LspClient {
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  readonly shown: string[] = [];
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters: Array<() => void> = [];
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  static start(args: readonly string[] = ['--stdio']): LspClient {
    if (!existsSync(join(ROOT, 'dist', 'language-server.cjs'))) throw new Error('dist/language-server.cjs is missing: run `node scripts/build.mjs` first');
    return new LspClient(spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async initialize(rootPath: string, initializationOptions: Record<string, unknown> = {}): Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string; version?: string } }> {
    const uri = `file://${rootPath}`;
    const result = (await this.request('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'test' }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } } },
      initializationOptions,
    })) as { capabilities: Record<string, unknown>; serverInfo?: { name: string; version?: string } };
    this.notify('initialized', {});
    return result;
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  open(uri: string, text: string, languageId = 'xml'): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Wait until a publication for `uri` satisfies `test` (looking at ones already received too). */
  async diagnostics(uri: string, test: (p: Published) => boolean = () => true, timeoutMs = 20_000): Promise<Published> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.published].reverse().find((p) => p.uri === uri);
      if (found && test(found)) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(found)}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.on('exit', (code) => resolve(code));
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private send(message: unknown): void {
    this.child.stdin.write(frame(message));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } });
    }
  }

  private dispatch(msg: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } }): void {
    if (msg.method === undefined && msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.method === 'textDocument/publishDiagnostics') this.published.push(msg.params as Published);
    else if (msg.method === 'window/logMessage') this.logs.push((msg.params as { message: string }).message);
    else if (msg.method === 'window/showMessage' || msg.method === 'window/showMessageRequest') this.shown.push((msg.params as { message: string }).message);
    // Requests from the server (registerCapability, showMessageRequest...) get an empty answer, as a plain client gives.
    if (msg.method !== undefined && msg.id !== undefined) this.send({ jsonrpc: '2.0', id: msg.id, result: null });
    for (const w of this.waiters.splice(0)) w();
  }
}

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Offsets to LSP positions, counted the way LSP counts them (UTF-16 units, lines split at \n, \r\n, \r). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Apply LSP text edits (non-overlapping) to a text, as an editor would. */
export function applyLspEdits(text: string, edits: ReadonlyArray<{ range: LspDiagnostic['range']; newText: string }>): string {
  const offsetOf = (p: { line: number; character: number }) => {
    let line = 0;
    let i = 0;
    while (line < p.line && i < text.length) {
      const c = text[i++];
      if (c === '\n' || (c === '\r' && text[i] !== '\n')) line++;
    }
    return i + p.character;
  };
  const sorted = edits.map((e) => ({ start: offsetOf(e.range.start), end: offsetOf(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
