/**
 * The `serve` and `keys` commands of `npx ipos-credential-elements` (bin/ipos-credential-elements.mjs loads
 * this module). Each returns the process's exit code; `serve` resolves only once the service has stopped.
 */

/** What `serve` needs besides this package; `pg` or `@electric-sql/pglite` is asked for by the database setting. */
const SERVICE_PACKAGES = ['zod', 'jose', 'pino', 'prom-client'];

export async function keys(argv: readonly string[]): Promise<number> {
  const { makeKeys, keysAsEnvironment } = await importNeeding(() => import('./keys.js'), 'keys');
  const unknown = argv.filter((argument) => argument !== '--json');
  if (unknown.length) {
    console.error(`usage: ipos-credential-elements keys [--json]   (unknown: ${unknown.join(' ')})`);
    return 2;
  }
  const made = await makeKeys();
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify(made, null, 2)}\n` : keysAsEnvironment(made));
  return 0;
}

export async function serve(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { readSettings, serverOptionError, settingsHelp, ServiceConfigError, UsageError } =
    await import('./settings.js');
  if (argv.includes('--help')) {
    process.stdout.write(`${settingsHelp()}\n`);
    return 0;
  }
  const [{ serviceConfig }, { serviceLogger }, { startService }] = await importNeeding(
    () => Promise.all([import('./config.js'), import('./logger.js'), import('./service.js')]),
    'serve',
  );
  const refuse = (error: Error) => {
    console.error(`ipos-credential-elements serve: ${error.message}`);
    return 2;
  };
  let values;
  let config;
  try {
    values = readSettings(argv, env);
    config = await serviceConfig(values);
  } catch (error) {
    if (!(error instanceof ServiceConfigError || error instanceof UsageError)) throw error;
    return refuse(error);
  }
  const logger = serviceLogger(config.logLevel);
  let service;
  try {
    service = await startService(config, logger);
  } catch (error) {
    // The server kit checks its options too: what it refuses is the setting's mistake, told the same way.
    const refused = serverOptionError(error, values);
    if (refused) return refuse(refused);
    logger.fatal({ reason: (error as Error).message }, 'could not start');
    return 1;
  }
  const running = service;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      void running.stop().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

async function importNeeding<T>(load: () => Promise<T>, command: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message)?.[1];
    if (!missing || !SERVICE_PACKAGES.some((name) => missing === name || missing.startsWith(`${name}/`))) throw error;
    console.error(
      `ipos-credential-elements ${command} needs the package ${missing}: npm install ${SERVICE_PACKAGES.join(' ')}`,
    );
    process.exit(2);
  }
}
