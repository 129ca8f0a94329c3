/**
 * Several server processes on one machine (config `workers`). Node runs a process's JavaScript on
 * one core, so a second core serves requests only from a second process. The primary prepares the
 * shared state once (migrations, the CA, the SCEP RA, the default profile, the first admin token and console user),
 * then forks workers that share the listening sockets (node:cluster) and the database exactly as
 * separate instances would: nonces, approvals, codes and the audit chain are already safe across
 * instances. The primary replaces a worker that dies and stops them all on SIGTERM or SIGINT.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { publicUrls } from './config/load.js';
import type { Config } from './config/schema.js';
import { openGateway, type Gateway } from './main.js';

/** How many workers `workers` asks for: 0 means one per core. */
export function workerCount(config: Config): number {
  return config.workers === 0 ? availableParallelism() : config.workers;
}

/**
 * Runs the primary: prepares the shared state, forks the workers and keeps them running. `onReady`
 * runs (to print what the operator needs) once every worker has reported its listeners up.
 */
export async function runPrimary(
  config: Config,
  logger: Logger,
  onReady: (
    gateway: Pick<Gateway, 'bootstrapToken' | 'bootstrapConsolePassword' | 'rootCertificatePath'>,
  ) => void,
): Promise<void> {
  if (config['https.port'] === 0 || config['http.port'] === 0) {
    throw new Error('workers > 1 needs fixed ports: set https.port and http.port (not 0)');
  }
  const gateway = await openGateway(config, logger, publicUrls(config));
  try {
    // Made here once: workers starting together would otherwise race to create it.
    await gateway.ca.scepRa();
  } finally {
    await gateway.store.close();
  }
  const count = workerCount(config);
  /** Workers that have reported their listeners up; one that dies before that failed to start. */
  const listening = new Set<number>();
  let stopping = false;
  let announced = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if ((message as { type?: string }).type !== 'listening') return;
      listening.add(worker.id);
      if (!announced && listening.size >= count) {
        announced = true;
        onReady(gateway);
        logger.info({ workers: count }, 'gateway started');
      }
    });
    return worker;
  };

  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (workers.length === 0) process.exit(exitCode);
    let left = workers.length;
    for (const worker of workers) {
      worker.once('exit', () => {
        if (--left === 0) process.exit(exitCode);
      });
      // Each worker finishes its in-flight requests (shutdown.timeoutMs), as a single process does.
      worker.process.kill('SIGTERM');
    }
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // Restarting a worker that could not start (a port taken, the database unreachable) would loop.
    if (!listening.delete(worker.id)) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a worker failed while starting; stopping');
      stopAll(1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a worker died; starting a replacement');
    fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: stopping the workers');
      stopAll(0);
    });
  }
  for (let i = 0; i < count; i++) fork();
}

/** In a worker: tells the primary that this worker's listeners are up. */
export function reportListening(): void {
  if (cluster.isWorker) process.send?.({ type: 'listening' });
}
