// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
declare module 'eddy:plugin/window-store@0.3.0' {
  /**
   * One window of a key.
   */
  export interface WindowEntry {
    key: Uint8Array,
    /**
     * Window start in milliseconds.
     */
    start: bigint,
    value: Uint8Array,
  }
  
  export class Store {
    /**
     * This type does not have a public constructor.
     */
    private constructor();
    /**
    * Opens the window store `name`. Fails with a message if this node
    * may not use it or it is not a window store.
    */
    static open(name: string): Store;
    /**
    * Stores `value` for `key` in the window starting at `window-start`;
    * `none` deletes it. A store that keeps duplicates keeps every put
    * (and ignores `none`).
    */
    put(key: Uint8Array, value: Uint8Array | undefined, windowStart: bigint): void;
    /**
    * The value of `key` in the window starting at `window-start`.
    */
    fetch(key: Uint8Array, windowStart: bigint): Uint8Array | undefined;
    /**
    * `key`'s windows with `time-from <= start <= time-to`, earliest
    * first (latest first when `backward`).
    */
    fetchRange(key: Uint8Array, timeFrom: bigint, timeTo: bigint, backward: boolean): Array<WindowEntry>;
    /**
    * The windows of keys in `[key-from, key-to]` (`none` leaves that
    * end open) with `time-from <= start <= time-to`, in Kafka
    * Streams' order.
    */
    fetchKeyRange(keyFrom: Uint8Array | undefined, keyTo: Uint8Array | undefined, timeFrom: bigint, timeTo: bigint, backward: boolean): Array<WindowEntry>;
    /**
    * Every visible window.
    */
    all(backward: boolean): Array<WindowEntry>;
  }
}
