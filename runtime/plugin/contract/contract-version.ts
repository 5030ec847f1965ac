// What one version of the `eddy:plugin` contract is to the host.
//
// Owns: the shape every version module (v<version>.ts) exports.
// Must never: know any particular version.

/** Host imports of a world, keyed by unversioned interface name (`eddy:plugin/kv-store`), as jco's glue takes them. */
export type HostImports = Record<string, unknown>;

export interface ContractVersion {
  /** The package version, e.g. `0.1.0` in `eddy:plugin@0.1.0`. */
  readonly version: string;
  /** The WIT file that defines this version (the worlds are read from it at run time). */
  readonly witFile: string;
  /**
   * This version's host imports, from the imports the host modules in host/
   * make (0.1.0's). Adds, changes or leaves out what this version differs
   * in; returns the rest unchanged.
   */
  adaptImports(imports: HostImports): HostImports;
  /**
   * Whether a connector of this version exports `connector.config-def` (its
   * configuration definition, from 0.2.0); without it the host takes the
   * connector's own definition as empty.
   */
  readonly connectorConfigDef: boolean;
  /**
   * What a connector's records carry: `connect-value`, the small values of
   * 0.1.0 and 0.2.0 (primitives, anything structured as JSON text), or
   * `connect-record`, Connect's data model in full with headers (from 0.3.0).
   */
  readonly connectorRecords: 'connect-value' | 'connect-record';
  /**
   * Whether a transform plugin of this version exports
   * `transformation.config-def` (each class's keys, from 0.3.0); without it
   * the host takes a class's own keys as unknown.
   */
  readonly transformConfigDef: boolean;
}
