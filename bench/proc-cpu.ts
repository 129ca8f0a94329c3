/**
 * CPU time of a server under test from /proc: the process and its children (the workers of a
 * `workers > 1` gateway), user + system, in ms. Linux counts in clock ticks of 10 ms (USER_HZ 100).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of one process, and its parent's pid; null when it has gone. */
function stat(pid: number): { ms: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 0, ppid 1, utime 11, stime 12.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ms: (Number(fields[11]) + Number(fields[12])) * 10, ppid: Number(fields[1]) };
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
