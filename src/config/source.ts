/** Reading a config file: a regular file of bounded size, never blocking on a FIFO. */
import { FileInputError, readBoundedFile } from '../support/bounded-file.js';
import { ConfigError, type ConfigErrorCode } from './errors.js';

/** A real config is a few kilobytes; the bound keeps parsing (which cannot be interrupted, even by SIGTERM) under a second. */
export const MAX_CONFIG_BYTES = 128 * 1_024;

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
