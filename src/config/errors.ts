import { UsageError } from '../model/errors.js';

/** A report never lists more than this: a file with 100 000 unknown keys must not take minutes to describe. */
export const MAX_PROBLEMS = 20;

export type ConfigErrorCode =
  'RP_ERR_CONFIG_INVALID' | 'RP_ERR_CONFIG_READ' | 'RP_ERR_CONFIG_YAML' | 'RP_ERR_CONFIG_NOT_FILE' | 'RP_ERR_CONFIG_TOO_LARGE';

/** Every problem in a config (callers list at most MAX_PROBLEMS, then a count), each a line `path: message (file:line)`. */
export class ConfigError extends UsageError {
  readonly problems: string[];
  constructor(problems: string[], code: ConfigErrorCode = 'RP_ERR_CONFIG_INVALID') {
    super(code, problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
