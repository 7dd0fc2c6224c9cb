/** Credentials servers in processes of their own (`instance.mjs`), and what they print, for the tests that need a process boundary. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));
const children: ChildProcess[] = [];

export interface Instance {
  child: ChildProcess;
  /** Every line printed on stdout so far. */
  lines: string[];
  /** Everything printed on stderr so far. */
  stderr(): string;
  exited: Promise<void>;
  /** Resolves once `count` lines starting with `prefix` were printed; rejects if the process exits first. */
  until(prefix: string, count?: number): Promise<string[]>;
  /** The base URL of a `serve` instance, once it listens. */
  baseUrl(): Promise<string>;
  /** A `serve` instance's memory and store size, as its next `stats` line says. */
  stats(): Promise<InstanceStats>;
}

export interface InstanceStats {
  rss: number;
  heapUsed: number;
  /** The memory store's size; null for the SQL stores. */
  store: { accounts: number; replays: number; replayBytes: number; rateWindows: number; auditEvents: number } | null;
}

/** Starts `instance.mjs` with `args` (see `instance.ts`), and Node's own flags (`--expose-gc`) first. */
export function startInstance(args: string[], nodeFlags: string[] = []): Instance {
  const child = spawn(process.execPath, [...nodeFlags, INSTANCE, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let errors = '';
  const waiting: (() => void)[] = [];
  const wake = () => {
    for (const resume of waiting.splice(0)) resume();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
      wake();
    }),
  );
  async function until(prefix: string, count = 1): Promise<string[]> {
    for (;;) {
      const found = lines.filter((line) => line.startsWith(prefix));
      if (found.length >= count) return found;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`instance exited (${child.exitCode ?? child.signalCode}) before printing ${prefix}`);
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }
  return {
    child,
    lines,
    stderr: () => errors,
    exited,
    until,
    async baseUrl() {
      const [line] = await until('listening');
      return `http://127.0.0.1:${line!.split(' ')[1]}/api/ipos`;
    },
    async stats() {
      const before = lines.filter((line) => line.startsWith('stats ')).length;
      child.stdin!.write('stats\n');
      const all = await until('stats ', before + 1);
      return JSON.parse(all.at(-1)!.slice('stats '.length)) as InstanceStats;
    },
  };
}

/** Kills every instance still running (an `afterAll` of each file that starts some). */
export function killInstances(): void {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
