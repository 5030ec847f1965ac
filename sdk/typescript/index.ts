// The TypeScript SDK for plugin authors and applications: build topologies,
// test them in-process with the TopologyTestDriver, load pipeline files.
// (Guest-side helpers for writing a plugin live in ./guest.ts, imported from
// plugins as '@eddy/sdk'; guest types of the WIT contract in ./wit/.)

export { TopologyBuilder, Topology, type ProcessorOptions, type PluginSource } from '../../runtime/topology/topology.ts';
export { loadPipelineFile, builtComponentOf } from '../../runtime/topology/pipeline-file.ts';
export {
  TopologyTestDriver,
  type TestDriverOptions,
  type TestInput,
  type TestOutput,
} from '../../runtime/testing/test-driver.ts';
export { buildPlugin } from '../../runtime/build/build-plugin.ts';
// Connector and transform plugins through the host's own loader, as a Connect worker runs them (for their tests).
export { ConnectorPlugin, type ConnectorHost } from '../../runtime/plugin/plugin-connector.ts';
export { TransformPlugin, type TransformRecord } from '../../runtime/plugin/plugin-transform.ts';
export * from '../../runtime/errors.ts';
