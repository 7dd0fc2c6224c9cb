/**
 * A throwaway nginx in front of the tests' servers and services: Debian's `nginx` package (`.ci/run` installs
 * it), a config of its own in a temporary folder (pid, logs and temp paths inside it), on 127.0.0.1 and a free
 * port, forwarding with the headers docs/service.md's nginx config sets; optionally serving a portal's files
 * beside. Stopped and deleted by `stop()`.
 *
 * @example
 * const proxy = await startNginx({ upstreams: ['127.0.0.1:8080'] });
 * await fetch(`${proxy.url}/api/ipos/credentials`); // X-Forwarded-For: <the client>, appended by nginx
 * await proxy.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface NginxOptions {
  /** Where nginx forwards: `host:port` of each instance (round robin). */
  upstreams: readonly string[];
  /** The path prefix nginx forwards (e.g. `/api/ipos/`); default `/`, every request. */
  proxyPath?: string;
  /** A folder nginx serves as files outside `proxyPath`: a portal's page and the scripts it loads. */
  site?: string;
  /**
   * More directives for the proxying location (e.g. `client_max_body_size 1m;`). By default nginx appends the
   * client to `X-Forwarded-For` (`$proxy_add_x_forwarded_for`), sets `X-Forwarded-Proto`, `Host` and
   * `X-Request-Id` (its `$request_id`), and keeps connections to the upstreams alive.
   */
  locationDirectives?: string;
}

export interface ThrowawayNginx {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** nginx's error log so far (to explain a failure). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** The nginx binary: Debian's, or the PATH's. */
export function nginxBinary(): string | null {
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

function configText(folder: string, port: number, options: NginxOptions): string {
  const asRoot = process.getuid?.() === 0;
  const temp = (name: string) => join(folder, 'temp', name);
  return `
${asRoot ? 'user root root;' : ''}
daemon off;
worker_processes 1;
pid ${join(folder, 'nginx.pid')};
error_log ${join(folder, 'error.log')} info;
events { worker_connections 512; }
http {
  access_log ${join(folder, 'access.log')};
  types { text/html html; text/javascript js mjs; application/json json; text/css css; }
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream instances {
${options.upstreams.map((address) => `    server ${address};`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    ${options.site === undefined ? '' : `root ${options.site};`}
    location ${options.proxyPath ?? '/'} {
      proxy_pass http://instances;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $request_id;
      ${options.locationDirectives ?? ''}
    }
  }
}
`;
}

/** Resolves once something accepts connections on the port; rejects if nginx exits first. */
async function listening(port: number, child: ChildProcess, errorLog: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${errorLog()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port}:\n${errorLog()}`);
}

export async function startNginx(options: NginxOptions): Promise<ThrowawayNginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed: apt-get install -y nginx (.ci/run does it in CI).');
  if (options.upstreams.length === 0) throw new Error('startNginx: give at least one upstream (host:port).');
  const folder = mkdtempSync(join(tmpdir(), 'ipos-nginx-'));
  mkdirSync(join(folder, 'temp'));
  chmodSync(folder, 0o755);
  const errorLog = () => (existsSync(join(folder, 'error.log')) ? readFileSync(join(folder, 'error.log'), 'utf8') : '');
  // A free port can be taken by another process before nginx binds it: try again with another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const conf = join(folder, 'nginx.conf');
    writeFileSync(conf, configText(folder, port, options));
    const child = spawn(binary, ['-p', folder, '-c', conf, '-e', join(folder, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await listening(port, child, errorLog);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      if (attempt < 3 && /Address already in use/.test(errorLog())) continue;
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      errorLog,
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
}
