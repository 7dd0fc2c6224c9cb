// One place that decides how the tests reach WebKit: Debian's WebKitGTK WebDriver (webkit2gtk-driver), which
// starts its MiniBrowser on an X display of our own (Xvfb on a free display number, so runs in parallel never
// share a display, a window or a clipboard). WebDriver classic only: no BiDi, no console events.
// Order for the driver: WEBKIT_WEBDRIVER_PATH, then WebKitWebDriver on the PATH or in /usr/bin.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';

const HOST = '127.0.0.1';
/** How long a loaded machine may take to start Xvfb or the driver before we call it broken. */
const START_TIMEOUT_MS = 60_000;

/** @returns {string} absolute path of WebKitWebDriver */
export function webkitDriverPath() {
  const fromEnv = process.env.WEBKIT_WEBDRIVER_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`WEBKIT_WEBDRIVER_PATH is set to "${fromEnv}", but no file is there.`);
    return fromEnv;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin'];
  const found = dirs.map((dir) => dir && join(dir, 'WebKitWebDriver')).find((path) => path && existsSync(path));
  if (found) return found;
  throw new Error(
    "No WebKitWebDriver found for the tests. Install Debian's webkit2gtk-driver and xvfb " +
      '(`apt-get install webkit2gtk-driver xvfb`, as .ci/run does), set WEBKIT_WEBDRIVER_PATH, ' +
      'or leave WebKit out with TEST_ENGINES (see docs/contributing.md).',
  );
}

/** WebdriverIO capabilities for a MiniBrowser session: WebDriver classic (the driver speaks no BiDi). */
export const webkitCapabilities = {
  browserName: 'MiniBrowser',
  'wdio:enforceWebDriverClassic': true,
};

/**
 * Starts Xvfb and a WebKitWebDriver of our own; `stop()` ends both (and the MiniBrowser the driver started).
 * One driver serves one session at a time.
 * @returns {Promise<{ hostname: string, port: number, stop(): Promise<void> }>}
 */
export async function startWebKitDriver() {
  const driverPath = webkitDriverPath();
  const xvfb = await startXvfb();
  try {
    const port = await freePort();
    // Its own process group, so that stopping it also ends the browser processes it started.
    const driver = spawn(driverPath, [`--port=${port}`, `--host=${HOST}`], {
      env: { ...process.env, DISPLAY: `:${xvfb.display}` },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    const stopDriver = track(driver, { group: true });
    await untilReady(`http://${HOST}:${port}/status`, driver);
    return {
      hostname: HOST,
      port,
      async stop() {
        await stopDriver();
        await xvfb.stop();
      },
    };
  } catch (error) {
    await xvfb.stop();
    throw error;
  }
}

/** Xvfb on the first free display (`-displayfd` picks it and tells us which). */
async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const stop = track(xvfb);
  try {
    const display = await new Promise((resolve, reject) => {
      let told = '';
      xvfb.stdio[3].on('data', (chunk) => {
        told += chunk;
        if (told.includes('\n')) resolve(Number(told.trim()));
      });
      failOnExit(xvfb, 'Xvfb', reject);
      setTimeout(() => reject(new Error('Xvfb did not report a display')), START_TIMEOUT_MS).unref();
    });
    return { display, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the driver answers its status endpoint, or fails with what it printed. */
async function untilReady(statusUrl, driver) {
  let exited;
  failOnExit(driver, 'WebKitWebDriver', (error) => (exited = error));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw exited;
    try {
      const status = await globalThis.fetch(statusUrl);
      if (status.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  throw new Error(`WebKitWebDriver did not answer ${statusUrl} within ${START_TIMEOUT_MS / 1000} s`);
}

/** Rejects with the child's last words if it exits before it is stopped. */
function failOnExit(child, name, reject) {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  child.once('exit', (code, signal) =>
    reject(new Error(`${name} exited (${signal ?? code}) while starting: ${stderr}`)),
  );
}

/** Returns a stop function, and makes sure the child does not outlive this process. */
function track(child, { group = false } = {}) {
  const kill = (signal) => {
    try {
      if (group) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    kill('SIGTERM');
    await exited;
  };
}

/** A port nothing listens on right now (the driver cannot be asked to pick one itself). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
