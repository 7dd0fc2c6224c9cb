/**
 * A real nginx (Debian's package; `.ci/run` installs it) on loopback with a configuration of the test's own:
 * a temporary prefix folder holds the config, pid, logs and temp paths; stopped (SIGQUIT, then waited for) after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';

export interface Nginx {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The prefix folder: files the config serves may be put here. */
  folder: string;
  /** nginx's error log so far (for a failing test's message). */
  errors(): string;
  stop(): Promise<void>;
}

function nginxBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('nginx is not installed: apt-get install -y nginx (.ci/run does it in CI).');
  return found.split('\n')[0] as string;
}

/** Starts nginx with `http { … }` content made by `httpBlock(port, folder)`; resolves once it accepts connections. */
export async function startNginx(httpBlock: (port: number, folder: string) => string): Promise<Nginx> {
  const folder = mkdtempSync(join(tmpdir(), 'ipos-nginx-'));
  // Workers may run as another user (as root: nobody): they must read what the config serves.
  chmodSync(folder, 0o755);
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `${name}_temp_path ${join(folder, `${name}-temp`)};`)
    .join('\n  ');
  const config = `
worker_processes 1;
daemon off;
pid ${join(folder, 'nginx.pid')};
error_log ${join(folder, 'error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${temp}
  types { text/html html; text/javascript js mjs; application/json json; text/css css; }
  ${httpBlock(port, folder)}
}
`;
  const file = join(folder, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(nginxBinary(), ['-p', folder, '-c', file, '-e', join(folder, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const errors = () =>
    stderr + (existsSync(join(folder, 'error.log')) ? readFileSync(join(folder, 'error.log'), 'utf8') : '');
  await acceptsConnections(port, child, errors);
  return {
    url: `http://127.0.0.1:${port}`,
    folder,
    errors,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Waits until the port accepts a connection (nginx binds before it serves), or nginx exits. */
async function acceptsConnections(port: number, child: ChildProcess, errors: () => string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${errors()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (attempt > 400) throw new Error(`nginx did not listen on ${port}: ${errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The `location` lines that pass the contract to an upstream the way docs/service.md tells an operator to. */
export function proxyTo(upstream: string): string {
  return `
    proxy_pass http://${upstream};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-Id $request_id;`;
}
