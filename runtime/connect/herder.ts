// The herder (Kafka Connect's Herder): what a Connect worker can be asked to
// do with its connectors — the operations behind every endpoint of Kafka
// Connect's REST API — and the answers, in the shapes Kafka Connect 4.4's
// REST entities have (ConnectorInfo, ConnectorStateInfo, TaskInfo,
// ConnectorOffsets, ActiveTopicsInfo).
//
// Owns: the interface a standalone or distributed herder implements, the
// entity types, and HerderError (an HTTP status and Kafka's message).
// Must never: know HTTP routing (rest-server.ts) or how connectors run
// (worker.ts).

import { EddyError, type ErrorContext } from '../errors.ts';
import type { ConfigInfos, ConfigKeyInfo } from './config-infos.ts';

export type ConnectorType = 'source' | 'sink' | 'unknown';
/** What a connector was asked to be (Kafka's TargetState). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
/** What a connector or task is (Kafka's AbstractStatus.State). */
export type ConnectState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export type ConfigMap = Record<string, string>;

export interface TaskId {
  connector: string;
  task: number;
}

export interface ConnectorInfo {
  name: string;
  config: ConfigMap;
  tasks: TaskId[];
  type: ConnectorType;
}

export interface StateEntry {
  state: ConnectState;
  worker_id: string;
  version?: string;
  trace?: string;
}

export interface TaskStateEntry extends StateEntry {
  id: number;
}

export interface ConnectorStateInfo {
  name: string;
  connector: StateEntry;
  tasks: TaskStateEntry[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: TaskId;
  config: ConfigMap;
}

export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface RestartRequest {
  connector: string;
  includeTasks: boolean;
  onlyFailed: boolean;
}

export interface PluginInfo {
  class: string;
  type: string;
  version: string;
}

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string;
}

export interface Herder {
  serverInfo(): Promise<ServerInfo>;
  connectors(): string[] | Promise<string[]>;
  connectorInfo(name: string): ConnectorInfo | Promise<ConnectorInfo>;
  connectorConfig(name: string): ConfigMap | Promise<ConfigMap>;
  /** Creates or replaces a connector; refuses an invalid configuration with every problem listed. */
  putConnectorConfig(name: string, config: ConfigMap, allowReplace: boolean, initialState?: TargetState): Promise<{ created: boolean; info: ConnectorInfo }>;
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  connectorStatus(name: string): ConnectorStateInfo | Promise<ConnectorStateInfo>;
  taskStatus(connector: string, task: number): TaskStateEntry | Promise<TaskStateEntry>;
  taskConfigs(name: string): TaskInfo[] | Promise<TaskInfo[]>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  /** Restarts the connector (and, as asked, its tasks); the states as the restart begins. */
  restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined>;
  restartTask(connector: string, task: number): Promise<void>;
  activeTopics(name: string): string[] | Promise<string[]>;
  resetActiveTopics(name: string): void | Promise<void>;
  connectorOffsets(name: string): Promise<ConnectorOffset[]>;
  /** Changes (or, with `undefined`, resets) a stopped connector's offsets; Kafka's success message. */
  alterConnectorOffsets(name: string, offsets: ConnectorOffset[] | undefined): Promise<string>;
  connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]>;
  /** A connector plugin's configuration definition: its own keys, then the framework's. */
  connectorPluginConfig(plugin: string): Promise<ConfigKeyInfo[]>;
  /** Validates a configuration against its connector's definitions (every key with its value and errors). */
  validateConnectorConfig(plugin: string, config: ConfigMap): Promise<ConfigInfos>;
}

/** A refusal of the herder: the HTTP status Kafka Connect answers with, and its message. */
export class HerderError extends EddyError {
  constructor(readonly status: number, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, context, options);
  }
}

export const notFound = (name: string): HerderError => new HerderError(404, `Connector ${name} not found`);
