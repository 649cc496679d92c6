/** `probe daemon`: load config, run the daemon until SIGTERM/SIGINT, reload on SIGHUP. Exit 0 on a clean stop. */
import { once } from 'node:events';
import type { Config } from '../config/schema.js';
import { Daemon } from '../daemon/daemon.js';
import { switchableRedactor } from '../daemon/generation.js';
import { daemonLogger } from '../daemon/logger.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';
import { loadSettings, loadSettingsForReload } from './settings.js';

export async function runDaemon(args: CliArgs, io: Io): Promise<number> {
  // start and reload take the path check-config takes, so a config it accepts starts and one it refuses never loads;
  // a reload of a large file takes it on a worker thread, so the probes keep their schedule while it is parsed
  const load = async (): Promise<Config> => (await loadSettingsForReload(args, io.env, io.signal)).config;
  const { config, source } = await loadSettings(args, io.env);
  const redact = switchableRedactor(config, io.env);
  const log = daemonLogger({ level: args.logLevel ?? 'info', redact, tty: Boolean(io.stdout.isTTY), color: !io.env['NO_COLOR'] });
  log.info({ config: source }, 'configuration loaded');
  if (io.signal.aborted) return 0;
  const daemon = await Daemon.start({ config, log, redact, env: io.env });
  const stopListening = io.onReload?.(() => {
    log.info({ config: source }, 'SIGHUP: reloading configuration');
    daemon
      .reload(load)
      .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err), code: 'RP_ERR_INTERNAL' }, 'reload failed'));
  });
  try {
    if (!io.signal.aborted) await once(io.signal, 'abort');
    log.info({ reason: String((io.signal.reason as Error | undefined)?.message ?? 'stop') }, 'stop requested');
  } finally {
    stopListening?.();
    await daemon.stop();
    log.flush();
  }
  return 0;
}
