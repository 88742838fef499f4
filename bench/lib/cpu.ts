/**
 * CPU time of a process and core pinning. On 2 shared cores, req/s moves with whatever else runs;
 * the CPU time a server spends per acknowledged event moves far less, so every throughput figure
 * carries it. Pinning puts the load generator (this process) and the server under test on
 * different cores, so they do not take turns on one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = readTicksPerSecond();

function readTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU time of a process (all its threads) in microseconds, or null off Linux. */
export function cpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU time spent between two readings, per unit of work (null when either reading failed). */
export function microsPer(before: number | null, after: number | null, units: number): number | null {
  if (before === null || after === null || units <= 0) return null;
  return (after - before) / units;
}

export interface Pinning {
  /** Core of the load generator (this process) and the sink; null when nothing is pinned. */
  readonly generator: number | null;
  /** Core of every server under test. */
  readonly server: number | null;
  /** Why nothing was pinned, or what was. */
  readonly note: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins this process (all its threads) to core 0 and answers which core the servers get (1), when
 * `taskset` exists and the machine has 2 cores or more; otherwise pins nothing and says why.
 */
export function pinGenerator(): Pinning {
  if (cpus().length < 2) return { generator: null, server: null, note: 'not pinned: fewer than 2 cores' };
  if (!hasTaskset()) return { generator: null, server: null, note: 'not pinned: taskset not found' };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch (err) {
    return { generator: null, server: null, note: `not pinned: taskset failed (${(err as Error).message})` };
  }
  return { generator: 0, server: 1, note: 'load generator and sink on core 0, each server under test on core 1' };
}

/** The command line that starts `argv` on `core` (taskset execs it: the pid stays the server's). */
export function onCore(core: number | null, command: string, args: readonly string[]): [string, string[]] {
  if (core === null) return [command, [...args]];
  return ['taskset', ['-c', String(core), command, ...args]];
}
