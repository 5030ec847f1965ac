// The engine's ProcessorContext: what one node's processor sees of its task.
//
// Owns: routing a node's forwards to its children (all, or one by name),
// checking store access against the node's connected stores, validating
// punctuation schedules, and naming the node in every error and log line.
// Must never: let a processor reach a store, a child or a punctuator of
// another node.

import { HostCallError, messageOf, type ErrorContext } from '../errors.ts';
import type { CacheBudget, LogLevel, ProcessorContext, PunctuationType } from '../processor/processor.ts';
import type { RecordMetadata, StreamRecord } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { SessionStore, WindowStore } from '../state/window-store.ts';
import type { ProcessorNode } from '../topology/topology.ts';

export type Route = (record: StreamRecord) => void;

/** What the task lends every node's context. */
export interface NodeContextTask {
  readonly applicationId: string;
  readonly taskId: string;
  /** The route into node `name` (a processor or a sink). */
  routeTo(name: string): Route;
  metadata(): RecordMetadata | undefined;
  schedule(node: string, intervalMs: number, kind: PunctuationType): number;
  cancel(node: string, id: number): void;
  streamTime(): number;
  wallClockTime(): number;
  requestCommit(): void;
  keyValueStore(name: string): KeyValueStore;
  windowStore(name: string): WindowStore;
  sessionStore(name: string): SessionStore;
  log(level: LogLevel, node: string, message: string): void;
  recordDropped(node: string, reason: string): void;
  readonly cache: CacheBudget;
  errorContext(more: ErrorContext): ErrorContext;
}

export class NodeContext implements ProcessorContext {
  readonly applicationId: string;
  readonly taskId: string;
  readonly nodeName: string;
  private routes: Route[] | undefined;
  private readonly childRoutes = new Map<string, Route>();

  constructor(
    private readonly node: ProcessorNode,
    private readonly task: NodeContextTask,
  ) {
    this.applicationId = task.applicationId;
    this.taskId = task.taskId;
    this.nodeName = node.name;
  }

  forward(record: StreamRecord): void {
    this.routes ??= this.node.children.map((child) => this.task.routeTo(child));
    for (const route of this.routes) route(record);
  }

  forwardTo(child: string, record: StreamRecord): void {
    let route = this.childRoutes.get(child);
    if (!route) {
      if (!this.node.children.includes(child)) {
        throw new HostCallError(
          `forward-to '${child}': not a child of node '${this.node.name}' (children: ${this.node.children.join(', ') || 'none'})`,
          this.task.errorContext({ node: this.node.name }),
        );
      }
      route = this.task.routeTo(child);
      this.childRoutes.set(child, route);
    }
    route(record);
  }

  metadata(): RecordMetadata | undefined {
    return this.task.metadata();
  }

  schedule(intervalMs: number, kind: PunctuationType): number {
    if (!(intervalMs >= 1)) throw new HostCallError(`schedule: interval must be at least 1 ms, got ${intervalMs}`, this.task.errorContext({ node: this.node.name }));
    return this.task.schedule(this.node.name, intervalMs, kind);
  }

  cancel(id: number): void {
    this.task.cancel(this.node.name, id);
  }

  streamTime(): number {
    return this.task.streamTime();
  }

  wallClockTime(): number {
    return this.task.wallClockTime();
  }

  requestCommit(): void {
    this.task.requestCommit();
  }

  openStore(name: string): KeyValueStore | string {
    return this.open(name, () => this.task.keyValueStore(name));
  }

  openWindowStore(name: string): WindowStore | string {
    return this.open(name, () => this.task.windowStore(name));
  }

  openSessionStore(name: string): SessionStore | string {
    return this.open(name, () => this.task.sessionStore(name));
  }

  private open<T>(name: string, open: () => T): T | string {
    const stores = this.node.stores;
    if (stores !== '*' && !stores.includes(name)) {
      const connected = stores.length > 0 ? stores.join(', ') : 'none';
      return `node '${this.node.name}' has no access to store '${name}' (connected stores: ${connected})`;
    }
    try {
      return open();
    } catch (error) {
      return messageOf(error);
    }
  }

  get cache(): CacheBudget {
    return this.task.cache;
  }

  recordDropped(reason: string): void {
    this.task.recordDropped(this.node.name, reason);
  }

  log(level: LogLevel, message: string): void {
    this.task.log(level, this.node.name, message);
  }
}
