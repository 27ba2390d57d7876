import { nameError } from '../core/errors.js';

/** A configuration mistake: printed as one line naming the file, exit 2. */
export class ConfigError extends Error {}
nameError(ConfigError, 'ConfigError');
