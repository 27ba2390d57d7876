import { accessSync, statSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { UnreadReason } from './types.js';

export type ToolResult = { ok: true; stdout: string } | { ok: false; reason: UnreadReason; detail: string };

/** Runs one tool (by name, looked up on PATH) with arguments; never throws. */
export type ToolRunner = (tool: string, args: readonly string[]) => ToolResult;

export interface SystemToolOptions {
  /** Per run; the child is killed (SIGKILL) after it. */
  timeoutMs?: number;
  /** Output over this is a failure (`too-large`), and the child is killed. */
  maxBytes?: number;
  /** Directories searched, in order; default PATH plus /usr/sbin and /sbin (where lsinitramfs lives, often off a user's PATH). */
  searchPath?: readonly string[];
}

/** Where `tool` is installed, or undefined. */
export function findTool(tool: string, searchPath: readonly string[]): string | undefined {
  for (const dir of searchPath) {
    if (dir === '') continue;
    const p = join(dir, tool);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export function defaultSearchPath(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  for (const extra of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  return dirs;
}

/**
 * Run tools on this host: no shell, standard input closed, the C locale (so
 * output is in the words we parse), a time limit and an output limit. On a
 * time-out the child is killed and its pipes closed, so the read goes on even
 * if a grandchild keeps them open.
 */
export function systemTools(opts: SystemToolOptions = {}): ToolRunner {
  const searchPath = opts.searchPath ?? defaultSearchPath();
  const timeout = opts.timeoutMs ?? 15_000;
  const maxBuffer = opts.maxBytes ?? 16 * 1024 * 1024;
  return (tool, args) => {
    const path = findTool(tool, searchPath);
    if (!path) return { ok: false, reason: 'tool-absent', detail: `${tool} is not installed (not found on PATH, /usr/sbin or /sbin)` };
    // Loaded here: child_process pulls in the stream and net modules, a cost every static run would pay at start-up.
    const { spawnSync } = process.getBuiltinModule('node:child_process');
    const r = spawnSync(path, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout,
      killSignal: 'SIGKILL',
      maxBuffer,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ETIMEDOUT') return { ok: false, reason: 'timeout', detail: `${tool} did not finish within ${timeout / 1000} s and was stopped` };
    if (code === 'ENOBUFS') return { ok: false, reason: 'too-large', detail: `${tool} wrote more than ${maxBuffer} bytes` };
    if (code === 'EACCES') return { ok: false, reason: 'permission', detail: `${tool}: permission denied` };
    if (r.error) return { ok: false, reason: 'failed', detail: `${tool}: ${r.error.message}` };
    if (r.status !== 0) {
      const said = firstLine(r.stderr) || firstLine(r.stdout) || (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`);
      const denied = /permission denied|not permitted|authentication|access denied|polkit/i.test(said);
      return { ok: false, reason: denied ? 'permission' : 'failed', detail: `${tool}: ${said}` };
    }
    return { ok: true, stdout: r.stdout };
  };
}

/** For a tree that is not this host: its tools would describe this host, not the tree, so none is run. */
export const noTools: ToolRunner = (tool) => ({ ok: false, reason: 'tool-absent', detail: `${tool} is not run when reading a tree other than /` });

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
