// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
declare module 'eddy:plugin/session-store@0.3.0' {
  /**
   * One session of a key.
   */
  export interface SessionEntry {
    key: Uint8Array,
    start: bigint,
    end: bigint,
    value: Uint8Array,
  }
  
  export class Store {
    /**
     * This type does not have a public constructor.
     */
    private constructor();
    /**
    * Opens the session store `name`. Fails with a message if this node
    * may not use it or it is not a session store.
    */
    static open(name: string): Store;
    /**
    * Stores `value` for `key`'s session from `start` to `end`.
    */
    put(key: Uint8Array, start: bigint, end: bigint, value: Uint8Array): void;
    /**
    * Removes `key`'s session from `start` to `end`.
    */
    remove(key: Uint8Array, start: bigint, end: bigint): void;
    /**
    * The value of `key`'s session from `start` to `end`.
    */
    fetchSession(key: Uint8Array, start: bigint, end: bigint): Uint8Array | undefined;
    /**
    * `key`'s sessions that end at or after `earliest-session-end` and
    * start at or before `latest-session-start`, by end then start
    * (reversed when `backward`).
    */
    findSessions(key: Uint8Array, earliestSessionEnd: bigint, latestSessionStart: bigint, backward: boolean): Array<SessionEntry>;
  }
}
