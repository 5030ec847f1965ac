// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/log@0.3.0 **/
/**
 * Writes one log line.
 */
export function log(level: Level, message: string): void;
/**
 * # Variants
 * 
 * ## `"trace"`
 * 
 * ## `"debug"`
 * 
 * ## `"info"`
 * 
 * ## `"warn"`
 * 
 * ## `"error"`
 */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
