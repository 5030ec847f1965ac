// Renaming a top-level export of a WebAssembly component binary.
//
// Owns: rewriting the name of one export in the outermost component's export
// sections (section id 11), re-encoding that section's size. Names inside the
// component (core module exports, nested components, custom sections) are
// untouched: only what the component calls the item to the outside changes.
// Must never: edit any other section, or succeed without renaming exactly one
// export.

import { EddyError } from '../errors.ts';
import { encodeUnsigned, readUnsigned } from '../plugin/leb128.ts';

export class ComponentRewriteError extends EddyError {}

const fail = (message: string) => new ComponentRewriteError(`malformed component: ${message}`);

const componentExportSectionId = 11;
const componentHeader = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** `component` with its top-level export `from` named `to` instead. */
export function renameComponentExport(component: Uint8Array, from: string, to: string): Uint8Array {
  if (component.length < 8 || componentHeader.some((byte, index) => component[index] !== byte)) {
    throw new ComponentRewriteError('not a WebAssembly component (version 0x0d, layer 1)');
  }
  // An export's name as the binary spells it: 0x00 (a plain export name), then the length-prefixed string.
  const fromBytes = Uint8Array.from([0x00, ...encodeUnsigned(utf8(from).length), ...utf8(from)]);
  const toBytes = Uint8Array.from([0x00, ...encodeUnsigned(utf8(to).length), ...utf8(to)]);
  const parts: Uint8Array[] = [component.subarray(0, 8)];
  let renamed = 0;
  let position = 8;
  while (position < component.length) {
    const id = component[position]!;
    const size = readUnsigned(component, position + 1, fail);
    const payloadEnd = size.next + size.value;
    if (payloadEnd > component.length) throw new ComponentRewriteError('truncated component section');
    let payload = component.subarray(size.next, payloadEnd);
    if (id === componentExportSectionId) {
      const at = indexOf(payload, fromBytes);
      if (at >= 0) {
        if (indexOf(payload.subarray(at + 1), fromBytes) >= 0) throw new ComponentRewriteError(`export '${from}' appears twice in one export section`);
        const rewritten = new Uint8Array(payload.length - fromBytes.length + toBytes.length);
        rewritten.set(payload.subarray(0, at), 0);
        rewritten.set(toBytes, at);
        rewritten.set(payload.subarray(at + fromBytes.length), at + toBytes.length);
        payload = rewritten;
        renamed++;
      }
    }
    parts.push(Uint8Array.from([id, ...encodeUnsigned(payload.length)]), payload);
    position = payloadEnd;
  }
  if (renamed !== 1) throw new ComponentRewriteError(`expected one top-level export named '${from}', found ${renamed}`);
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle));
}

