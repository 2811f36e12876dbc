/**
 * @fileoverview `glow-trade worker`: runs sweep jobs from a Redis queue (BullMQ) until SIGINT or
 * SIGTERM, on as many machines as you like; `glow-trade sweep --redis` enqueues them and collects
 * the results. The first signal stops taking jobs and lets the running ones finish; a second one
 * quits at once, and the abandoned jobs are retried by other workers once their locks expire.
 */
import { Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { decimal } from '../cli/flags.js';
import { DEFAULT_QUEUE, badQueueName, badRedisUrl, redactedUrl } from '../sweep/redis-connection.js';
import { startSweepWorker, WORKER_DEFAULTS } from '../sweep/redis-worker.js';

export default class Worker extends GlowCommand {
  static override summary = 'Run sweep jobs from a Redis queue (glow-trade sweep --redis) until stopped.';
  static override description =
    'Takes jobs from the BullMQ queue that "glow-trade sweep --redis URL" fills, runs each single-threaded ' +
    '(--concurrency at once, one per core is right for a dedicated machine), and stores its result for the ' +
    'coordinator. Candle data is fetched once per market from Redis (or read from the job\'s path on a shared ' +
    'file system) and kept in memory. A job whose worker dies is retried by another worker once its lock ' +
    'expires (--lock-duration) and a stalled-job check runs (--stalled-interval). Ctrl-C (SIGINT) or SIGTERM ' +
    'finishes the running jobs and exits; a second signal exits at once. See docs/cluster.md.';
  static override examples = [
    '<%= config.bin %> worker --redis redis://10.0.0.5:6379',
    '<%= config.bin %> worker --redis rediss://:secret@redis.example.com:6380 --concurrency 8 --queue nightly',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    redis: Flags.string({ summary: 'Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS.', required: true }),
    concurrency: Flags.integer({ char: 'c', summary: 'Jobs run at once, each on one thread.', default: WORKER_DEFAULTS.concurrency, min: 1, max: 256 }),
    queue: Flags.string({ summary: 'Queue name; the same as the sweep\'s --queue.', default: DEFAULT_QUEUE }),
    'lock-duration': Flags.string({
      summary: 'Seconds a job stays locked without renewal (renewed every half of it); a dead worker\'s job waits this long before it is retried.',
      default: String(WORKER_DEFAULTS.lockDurationMs / 1000),
    }),
    'stalled-interval': Flags.string({ summary: 'Seconds between this worker\'s checks for stalled jobs of dead workers.', default: String(WORKER_DEFAULTS.stalledIntervalMs / 1000) }),
    'max-stalled': Flags.integer({ summary: 'Times a job may stall (its worker died) before it is failed instead of retried.', default: WORKER_DEFAULTS.maxStalledCount, min: 0 }),
  };

  async run(): Promise<{ queue: string; redis: string; completed: number; failed: number }> {
    const { flags } = await this.parse(Worker);
    const problem = badRedisUrl(flags.redis) ?? badQueueName(flags.queue);
    if (problem) this.error(problem, { exit: 2 });
    const lock = decimal(this, 'lock-duration', flags['lock-duration'], (v) => v >= 0.5 && v <= 86_400, 'seconds from 0.5 to 86400');
    const stalled = decimal(this, 'stalled-interval', flags['stalled-interval'], (v) => v >= 0.2 && v <= 86_400, 'seconds from 0.2 to 86400');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const worker = await startSweepWorker({
      url: flags.redis, queue: flags.queue, concurrency: flags.concurrency,
      lockDurationMs: Math.round(lock * 1000), stalledIntervalMs: Math.round(stalled * 1000), maxStalledCount: flags['max-stalled'], log,
    });
    log(`worker ready: queue ${flags.queue} at ${redactedUrl(flags.redis)}, concurrency ${flags.concurrency} (pid ${process.pid})`);
    await new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          log(`${signal}: finishing the running jobs (send it again to quit now)`);
          worker.close().then(done, done);
        } else {
          // BullMQ's close cannot be hurried once a graceful one is under way: leave without it.
          log(`${signal}: quitting now; the running jobs will be retried elsewhere once their locks expire`);
          process.exit(130);
        }
      };
      const done = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    log(`worker stopped: ${worker.counts.completed} jobs completed, ${worker.counts.failed} failed`);
    return { queue: flags.queue, redis: redactedUrl(flags.redis), ...worker.counts };
  }
}
