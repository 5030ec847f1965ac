// Calling a host import the way a guest's glue does: an `err` result is a
// thrown `{ payload }`, which the tests of capabilities read back.
// No node:test here: helpers only.

import assert from 'node:assert/strict';

/** The `err` payload a host import threw; fails the test when the call was not refused. */
export function refusal<Payload = { tag: string; val?: string }>(call: () => unknown): Payload {
  try {
    call();
  } catch (thrown) {
    assert.ok(typeof thrown === 'object' && thrown !== null && 'payload' in thrown, `the call threw something other than an err payload: ${String(thrown)}`);
    return thrown.payload as Payload;
  }
  assert.fail('the call was not refused');
}
