/**
 * The cost of one console password hash (scrypt, src/core/console-users/password.ts) at several N,
 * to pick the parameters: the median and minimum of `--n` hashes each, one at a time.
 *   npx tsx bench/password-hash.ts [--n 7] [--ln 12,13,14,15]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { hashPassword } from '../src/core/console-users/password.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '7' }, ln: { type: 'string', default: '12,13,14,15' } },
});
const n = Number(values.n);
for (const ln of values.ln.split(',').map(Number)) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await hashPassword('correct horse battery staple', { ln, r: 8, p: 1 });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(n / 2)] ?? 0;
  console.log(
    `N=2^${ln} r=8 p=1 (${(128 * 2 ** ln * 8) / 2 ** 20} MiB): median ${median.toFixed(1)} ms, min ${(times[0] ?? 0).toFixed(1)} ms`,
  );
}
