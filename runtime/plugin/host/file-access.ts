// Host side of `eddy:plugin/file-access`: the file capability of connectors.
//
// Owns: the one file a connector is granted (the path its `file` key names,
// resolved once), reading it from a byte position, appending to it, syncing
// it; every other path refused with an error naming the capability.
// Must never: touch a path other than the granted one, follow a path the
// guest builds (the guest's path is only compared with the grant), or throw
// anything but a `file-error` payload at the guest.

import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as FileAccess from './wit/interfaces/eddy-plugin-file-access.js';

/** What a connector may touch: one file, for reading or appending (or nothing). */
export interface FileGrant {
  /** The granted file, as the connector's configuration names it. */
  file: string;
  mode: 'read' | 'append';
}

/** The file capability of one plugin instance; `close()` releases the open descriptor. */
export interface FileAccessCapability {
  imports: typeof FileAccess;
  close(): void;
}

export const fileCapabilityName = 'file-access';

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
function fail(error: FileAccess.FileError): never {
  throw { payload: error };
}

export function fileAccessImports(grant: FileGrant | undefined): FileAccessCapability {
  const granted = grant ? resolve(grant.file) : undefined;
  let descriptor: number | undefined;

  const check = (path: string, mode: FileGrant['mode']): string => {
    if (!grant || !granted) {
      fail({ tag: 'not-granted', val: `capability '${fileCapabilityName}' was not granted to this connector (its configuration names no 'file'); refused: ${path}` });
    }
    if (resolve(path) !== granted) {
      fail({ tag: 'not-granted', val: `capability '${fileCapabilityName}' grants only '${grant.file}' (the connector's 'file' key); refused: ${path}` });
    }
    if (mode !== grant.mode) {
      fail({ tag: 'not-granted', val: `capability '${fileCapabilityName}' grants '${grant.file}' for ${grant.mode === 'read' ? 'reading' : 'appending'} only` });
    }
    return granted;
  };

  const open = (path: string, flags: 'r' | 'a'): number => {
    if (descriptor !== undefined) return descriptor;
    try {
      descriptor = openSync(path, flags);
      return descriptor;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') fail({ tag: 'not-found' });
      fail({ tag: 'io', val: `${code ?? ''} ${(error as Error).message}`.trim() });
    }
  };

  const io = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'payload' in error) throw error;
      fail({ tag: 'io', val: (error as Error).message });
    }
  };

  return {
    imports: {
      read(path, position, maxBytes) {
        const file = check(path, 'read');
        const fd = open(file, 'r');
        return io(() => {
          const buffer = Buffer.allocUnsafe(Math.min(maxBytes, 1 << 20));
          const count = readSync(fd, buffer, 0, buffer.length, Number(position));
          return buffer.subarray(0, count);
        });
      },
      append(path, data) {
        const file = check(path, 'append');
        const fd = open(file, 'a');
        io(() => {
          let written = 0;
          while (written < data.length) written += writeSync(fd, data, written, data.length - written);
        });
      },
      sync(path) {
        const file = check(path, 'append');
        const fd = open(file, 'a');
        io(() => fsyncSync(fd));
      },
    },
    close() {
      if (descriptor !== undefined) {
        closeSync(descriptor);
        descriptor = undefined;
      }
    },
  };
}
