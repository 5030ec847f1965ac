// Single Message Transforms and predicates in TypeScript/JavaScript (import
// from '@eddy/sdk/transform'): the guest side of the `transform` world,
// bundled into the plugin by `eddy build`.
//
// Owns: turning a map of class names to factories — each takes the alias's
// configuration and returns the function applied to every record — into the
// world's `transformation` export (`classes()`, and the `transform` and
// `predicate` resources), refusing an unknown class or a refused
// configuration as `config-issue`s, and a thrown Error in `apply` / `test`
// as the call's `err`. Types are those generated from wit/
// (sdk/typescript/wit/0.2.0/).
// Must never: import anything but the WIT interfaces' types and the export
// guard — it ends up inside every transform plugin.

import type { Config } from 'eddy:plugin/types@0.2.0';
import type { ConfigIssue } from 'eddy:plugin/connect-types@0.2.0';
import type { ConnectRecord } from 'eddy:plugin/connect-data@0.2.0';
import type { ClassInfo, ClassKind } from 'eddy:plugin/transformation@0.2.0';
import { guardFunction } from './exports.ts';

export type { Config, ConfigIssue, ConnectRecord, ClassInfo, ClassKind };
export type { ConnectHeader, FieldSchema, Schema, SchemaAndValue, SchemaType, Value } from 'eddy:plugin/connect-data@0.2.0';

/** A configured transformation: the new record, or `undefined` to drop it. */
export type ApplyFunction = (record: ConnectRecord) => ConnectRecord | undefined;
/** A configured predicate. */
export type TestFunction = (record: ConnectRecord) => boolean;

/** One class: its kind and how to configure it (`config` holds the keys under `transforms.<alias>.`, prefix removed). */
export type TransformClass =
  | { kind: 'transformation'; create: (config: Config) => ApplyFunction }
  | { kind: 'predicate'; create: (config: Config) => TestFunction };

/** A transformation class (Kafka's `Transformation<R>`): `create` configures it, the function it returns runs per record. */
export const transformClass = (create: (config: Config) => ApplyFunction): TransformClass => ({ kind: 'transformation', create });
/** A predicate class (Kafka's `Predicate<R>`). */
export const predicateClass = (create: (config: Config) => TestFunction): TransformClass => ({ kind: 'predicate', create });

/** Thrown from a class's `create`: the configuration is refused, one issue per key (key `""` when no one key is at fault). */
export class ConfigRefused extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((issue) => `${issue.key}: ${issue.message}`).join('; '));
  }
}

/** Refuses `key` of the configuration (throw it from a class's `create`). */
export function refuse(key: string, message: string): ConfigRefused {
  return new ConfigRefused([{ key, message }]);
}

/** The class of `kind` named `className`, or a refusal naming `type` (as Kafka refuses an unknown `transforms.<alias>.type`). */
function classOf<K extends ClassKind>(classes: Record<string, TransformClass>, className: string, kind: K): Extract<TransformClass, { kind: K }> {
  const found = Object.prototype.hasOwnProperty.call(classes, className) ? classes[className] : undefined;
  if (!found) throw [{ key: 'type', message: `Class ${className} could not be found` }];
  if (found.kind !== kind) throw [{ key: 'type', message: `Class ${className} is a ${found.kind}, not a ${kind}` }];
  return found as Extract<TransformClass, { kind: K }>;
}

/** Runs a class's `create`: its refusal (or any error) as the create's list of issues. */
function configure<T>(create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (Array.isArray(error)) throw error;
    if (error instanceof ConfigRefused) throw error.issues;
    throw [{ key: '', message: error instanceof Error ? error.message : String(error) }];
  }
}

/**
 * The `transformation` export of a plugin of the `transform` world:
 *
 *   export const transformation = defineTransforms({
 *     'example.Uppercase': transformClass((config) => (record) => record),
 *     'example.ValueIsString': predicateClass((config) => (record) => true),
 *   });
 */
export function defineTransforms(classes: Record<string, TransformClass>) {
  // The world's resources: componentize-js hands the host an instance of these classes.
  class Transform {
    private constructor(private readonly run: ApplyFunction) {}

    static create(className: string, config: Config): Transform {
      const { create } = classOf(classes, className, 'transformation');
      return new Transform(guardFunction(configure(() => create(config))));
    }

    apply(record: ConnectRecord): ConnectRecord | undefined {
      return this.run(record);
    }
  }

  class Predicate {
    private constructor(private readonly run: TestFunction) {}

    static create(className: string, config: Config): Predicate {
      const { create } = classOf(classes, className, 'predicate');
      return new Predicate(guardFunction(configure(() => create(config))));
    }

    test(record: ConnectRecord): boolean {
      return this.run(record);
    }
  }

  return {
    classes: (): ClassInfo[] => Object.entries(classes).map(([name, { kind }]) => ({ name, kind })),
    Transform,
    Predicate,
  };
}
