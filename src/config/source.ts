/** Reading a config file: a regular file of bounded size, never blocking on a FIFO. */
import { FileInputError, readBoundedFile } from '../support/bounded-file.js';
import { ConfigError, type ConfigErrorCode } from './errors.js';

/**
 * A real config is a few kilobytes, one listing 20 000 endpoints about 1–3 MiB. YAML parsing cannot be interrupted
 * (not even by SIGTERM) and takes about 0.6 s per MiB on a busy 2-core machine: the bound keeps it to a few seconds.
 */
export const MAX_CONFIG_BYTES = 4 * 1_024 * 1_024;

const CODES: Record<FileInputError['refusal'], ConfigErrorCode> = {
  missing: 'RP_ERR_CONFIG_READ',
  unreadable: 'RP_ERR_CONFIG_READ',
  'not-regular': 'RP_ERR_CONFIG_NOT_FILE',
  'too-large': 'RP_ERR_CONFIG_TOO_LARGE',
};

/** The file's text; ConfigError (exit 2) for anything that is not a readable regular file of at most MAX_CONFIG_BYTES. */
export async function readConfigFile(file: string, shown: string): Promise<string> {
  try {
    return await readBoundedFile(file, MAX_CONFIG_BYTES);
  } catch (err) {
    if (!(err instanceof FileInputError)) throw err;
    throw new ConfigError([`${shown}: cannot read config file: ${err.reason}`], CODES[err.refusal]);
  }
}
