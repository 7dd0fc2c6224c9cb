/**
 * One process at a time on a PGlite folder: two would each keep their own copy of the database in memory and
 * write over each other's pages, losing acknowledged writes. A lock file beside the folder (`<folder>.lock`,
 * since PGlite wants the folder itself to hold only its own files) holds the owner's pid; a lock whose process
 * is gone is stale and taken over.
 */

/** A held lock: `release()` removes the file (once). */
export interface FolderLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock of `folder`, or throws naming the process that holds it. */
export async function lockFolder(folder: string): Promise<FolderLock> {
  const { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const path = `${resolve(folder)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      return {
        path,
        release() {
          if (!held) return;
          held = false;
          try {
            unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new Error(
        `pgliteStore: the folder ${folder} is open in another process (pid ${owner}${owner === process.pid ? ', this one' : ''}, lock file ${path}); PGlite serves one process at a time — close the other one, or use postgresStore() for several instances.`,
      );
    }
    // Stale: its process is gone (or the file is garbage). Take it over.
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first: try again
    }
  }
  throw new Error(`pgliteStore: could not take the lock file ${path}; remove it if no process has the folder open.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as { code?: string }).code === 'EPERM';
  }
}
