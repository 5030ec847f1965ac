// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/file-access@0.3.0 **/
/**
 * Up to `max-bytes` bytes of the granted file from byte `position`;
 * an empty list at the end of the file.
 */
export function read(path: string, position: bigint, maxBytes: number): Uint8Array;
/**
 * Appends `data` to the granted file, creating it if missing.
 */
export function append(path: string, data: Uint8Array): void;
/**
 * Forces what was appended to the granted file to storage.
 */
export function sync(path: string): void;
/**
 * Why a file call failed.
 */
export type FileError = FileErrorNotGranted | FileErrorNotFound | FileErrorIo;
/**
 * The path is not the file this connector was granted (the message
 * names the capability and the granted file).
 */
export interface FileErrorNotGranted {
  tag: 'not-granted',
  val: string,
}
/**
 * The granted file does not exist (yet).
 */
export interface FileErrorNotFound {
  tag: 'not-found',
}
/**
 * Any other I/O failure.
 */
export interface FileErrorIo {
  tag: 'io',
  val: string,
}
