/**
 * CPU time of a server under test from /proc: the process and its children (the workers of a
 * `workers > 1` gateway), user + system, in ms. Linux counts in clock ticks of 10 ms (USER_HZ 100).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A /proc stat line: the command name, the parent's pid, and utime + stime in ms. */
function parseStat(text: string): { name: string; ppid: number; ms: number } {
  // After "pid (comm) ": state is field 0, ppid 1, utime 11, stime 12.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    ppid: Number(fields[1]),
    ms: (Number(fields[11]) + Number(fields[12])) * 10,
  };
}

/** One process's stat; null when it has gone. */
function stat(pid: number): { ms: number; ppid: number } | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export function treeCpuMs(pid: number): number {
  let total = stat(pid)?.ms ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = stat(Number(entry));
    if (child?.ppid === pid) total += child.ms;
  }
  return total;
}

/** CPU ms per thread of one process, named `comm/tid` (`comm/main` for the main thread). */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const thread = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    out.set(`${thread.name}/${tid === String(pid) ? 'main' : tid}`, thread.ms);
  }
  return out;
}
