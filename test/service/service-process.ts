/**
 * The service as its own process, started the way an operator starts it (`ipos-credential-elements serve`,
 * configured by environment variables) from the package built by `service.global.ts`. Every line it writes
 * is kept, for assertions on its logs and the leak scan at the end of each file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { inject } from 'vitest';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ServiceProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  child: ChildProcess;
  /** Its JSON log lines so far. */
  logs(): LogLine[];
  /** The first log line that matches, once written (a request's line follows its answer). */
  logLine(matches: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Everything any service process of this test file wrote, stdout and stderr: what the leak scan reads. */
export const serviceOutput: string[] = [];
const running = new Set<ChildProcess>();

/**
 * `node <bin> <args>` with only the given environment (plus PATH): no IPOS_* setting leaks in from the runner.
 * `scanned`: its output joins `serviceOutput` (the service's logs; not `keys`, whose output is the keys).
 */
export function runBin(args: string[], env: Record<string, string> = {}, scanned = false) {
  const child = spawn(process.execPath, [inject('serviceBin'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    if (scanned) serviceOutput.push(String(chunk));
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    if (scanned) serviceOutput.push(String(chunk));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const run = runBin(['serve'], { IPOS_HOST: '127.0.0.1', IPOS_PORT: '0', ...env }, true);
  const lines: LogLine[] = [];
  const waiting = new Set<() => void>();
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: run.child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      lines.push(line);
      for (const wake of waiting) wake();
      if (line.msg === 'listening') resolve(line['url'] as string);
    });
    void run.exited.then((code) =>
      reject(new Error(`the service exited (${code}) before listening:\n${run.stderr()}${run.stdout()}`)),
    );
  });
  void run.exited.then(() => {
    for (const wake of waiting) wake();
  });
  const url = await listening;
  return {
    url,
    port: Number(new URL(url).port),
    child: run.child,
    logs: () => lines,
    async logLine(matches) {
      for (;;) {
        const found = lines.find(matches);
        if (found) return found;
        if (run.child.exitCode !== null) throw new Error('the service exited before writing the line');
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
        });
      }
    },
    exited: run.exited,
    async stop(signal = 'SIGTERM') {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
      return run.exited;
    },
  };
}

/** Kills whatever a failed test left running (afterAll of each file). */
export async function killServices(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      return closed;
    }),
  );
}

let databases = 0;

/** A new empty database on the throwaway PostgreSQL, and its URL. */
export async function freshDatabase(base = inject('servicePostgresUrl')): Promise<string> {
  const name = `ipos_service_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return base.replace(/\/postgres$/, `/${name}`);
}

/** Runs one query on a database (to look at what the service stored). */
export async function query<Row>(url: string, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
