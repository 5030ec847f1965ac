// Host side of `wasi:filesystem/types` and `wasi:filesystem/preopens`.
//
// Owns: the file system a plugin sees: none. One directory is preopened, `/`,
// and every operation on it — open, stat, list, create, remove — reports
// `not-permitted` (it only says it is a directory): so a guest's libc sends
// every path to the host and the guest gets "Operation not permitted"
// (Python: PermissionError; Rust: PermissionDenied), not "No such file or
// directory", which a guest with no preopen at all answers itself without
// asking (wasi-libc resolves paths against its preopens).
// Must never: touch the host's file system. Granting a directory (connectors)
// is a capability of its own, with its own module, not a switch in this one.

import type * as Preopens from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-preopens';
import type * as Types from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
function denied(): never {
  throw { payload: 'not-permitted' satisfies Types.ErrorCode };
}

/** A descriptor on which every operation is refused (the preopened root's type aside). */
class Descriptor {
  readViaStream(): never { return denied(); }
  writeViaStream(): never { return denied(); }
  appendViaStream(): never { return denied(); }
  advise(): never { return denied(); }
  syncData(): never { return denied(); }
  getFlags(): never { return denied(); }
  getType(): Types.DescriptorType { return 'directory'; }
  setSize(): never { return denied(); }
  setTimes(): never { return denied(); }
  read(): never { return denied(); }
  write(): never { return denied(); }
  readDirectory(): never { return denied(); }
  sync(): never { return denied(); }
  createDirectoryAt(): never { return denied(); }
  stat(): never { return denied(); }
  statAt(): never { return denied(); }
  setTimesAt(): never { return denied(); }
  linkAt(): never { return denied(); }
  openAt(): never { return denied(); }
  readlinkAt(): never { return denied(); }
  removeDirectoryAt(): never { return denied(); }
  renameAt(): never { return denied(); }
  symlinkAt(): never { return denied(); }
  unlinkFileAt(): never { return denied(); }
  isSameObject(): boolean { return false; }
  metadataHash(): never { return denied(); }
  metadataHashAt(): never { return denied(); }
}

class DirectoryEntryStream {
  readDirectoryEntry(): never {
    return denied();
  }
}

export const filesystemTypesImports = {
  Descriptor,
  DirectoryEntryStream,
  // The host's stream errors are never file-system errors.
  filesystemErrorCode: () => undefined,
} as unknown as typeof Types;

/** The preopened root: a directory in which nothing may be done. */
const root = new Descriptor();

export const preopensImports: typeof Preopens = { getDirectories: () => [[root as unknown as Types.Descriptor, '/']] };
