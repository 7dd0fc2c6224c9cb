// CPU time from Linux's /proc, for `npm run bench:server`: what a process (or a PostgreSQL server and its backends)
// spent, and how idle the machine was, over a measurement. A busy machine stretches the time a request takes, but
// not much the CPU it costs: these figures say where the cores went.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ms; 0 once it is gone. */
function processMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A Node process's CPU ms: its main thread (the event loop) and its other threads (libuv's pool, V8's). */
export function threadsMs(pid) {
  let others = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) if (Number(tid) !== pid) others += taskMs(pid, tid);
  } catch {
    return { main: 0, others: 0 };
  }
  return { main: taskMs(pid, pid), others };
}

function taskMs(pid, tid) {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The processes whose command line (`argv`) `matches` (e.g. a postmaster, by its port), with their children. */
export function processTree(matches) {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const roots = new Set(
    pids.filter((pid) => {
      try {
        return matches(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      } catch {
        return false;
      }
    }),
  );
  return [...roots, ...pids.filter((pid) => roots.has(parentOf(pid)))];
}

/** Each process's CPU ms now: the start of a `cpuMsSince`. */
export function cpuSnapshot(pids) {
  return new Map(pids().map((pid) => [pid, processMs(pid)]));
}

/**
 * The CPU ms the processes spent since `snapshot`, found anew (a pool opens and closes backends): a process born
 * since counts whole, one gone since counts nothing (its last moments are not known, nor its earlier time lost).
 */
export function cpuMsSince(snapshot, pids) {
  return pids().reduce((sum, pid) => {
    const now = processMs(pid);
    return now === 0 ? sum : sum + now - (snapshot.get(pid) ?? 0);
  }, 0);
}

/** The machine's CPU counters: idle (with iowait) and total jiffies. */
export function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const numbers = values.map(Number);
  return { idle: numbers[3] + numbers[4], total: numbers.slice(0, 8).reduce((sum, value) => sum + value, 0) };
}

/** The share of the machine's CPU time that was idle between two `machineTicks()`. */
export function idleShare(before, after) {
  const total = after.total - before.total;
  return total > 0 ? (after.idle - before.idle) / total : 0;
}
