// Pipeline files: a topology written as YAML or JSON.
//
// Owns: reading a pipeline file, checking every field (errors name the field
// path and the file), resolving plugin paths relative to the file, and
// feeding the same TopologyBuilder the TypeScript API uses.
// Must never: build a topology any other way than through TopologyBuilder.

import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, EddyError, messageOf } from '../errors.ts';
import { timestampExtractorByName, timestampExtractorNames } from '../time/timestamp-extractor.ts';
import { isDslDocument, topologyFromDsl } from '../dsl/dsl-document.ts';
import { FieldReader, type ApplicationStreamsSettings, type DocumentOrigin } from './document-fields.ts';
import { resolvePlugin } from './plugin-reference.ts';
import { Topology, TopologyBuilder } from './topology.ts';

/** Extra config per processor name, applied over the file's (e.g. from --config node.key=value). */
export type ConfigOverrides = ReadonlyMap<string, Array<[string, string]>>;

/** Reads and validates a pipeline file into a Topology. */
export function loadPipelineFile(path: string, overrides: ConfigOverrides = new Map(), applicationId?: string, streams?: ApplicationStreamsSettings): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the pipeline file: ${messageOf(error)}`, { file: path });
  }
  let document: unknown;
  try {
    document = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`the pipeline file is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${messageOf(error)}`, { file: path });
  }
  return topologyFromDocument(document, { file: path, baseDirectory: dirname(resolve(path)), overrides, ...(applicationId ? { applicationId } : {}), ...(streams ? { streams } : {}) });
}

export type { DocumentOrigin } from './document-fields.ts';

/** Builds a topology from a parsed pipeline document (also used by app files). */
export function topologyFromDocument(document: unknown, origin: DocumentOrigin): Topology {
  const fields = new FieldReader(origin);
  const root = fields.object(document, '');
  if (isDslDocument(root)) {
    for (const key of Object.keys(root)) {
      if (key !== 'dsl') throw new ConfigError(`unknown field '${key}' beside dsl (a topology is written with the DSL or with sources/processors/sinks, not both)`, { file: origin.file, field: fields.path(key) });
    }
    return topologyFromDsl(root.dsl, origin);
  }
  const builder = new TopologyBuilder();
  const overrides = origin.overrides ?? new Map<string, Array<[string, string]>>();
  const processorNames = new Set<string>();
  try {
    // Declared stores first (window and session stores need their options);
    // a store a processor lists without a declaration is a key-value store.
    fields.list(root.stores, 'stores', false).forEach((item, index) => builder.addStateStore(fields.storeSpec(item, `stores[${index}]`)));
    fields.list(root.sources, 'sources', true).forEach((item, index) => {
      const at = `sources[${index}]`;
      const source = fields.object(item, at);
      for (const key of Object.keys(source)) {
        if (!['name', 'topics', 'timestamp.extractor'].includes(key)) throw new ConfigError(`unknown field '${key}' (expected name, topics, timestamp.extractor)`, { file: origin.file, field: fields.path(`${at}.${key}`) });
      }
      const extractor = source['timestamp.extractor'] === undefined ? undefined : fields.string(source['timestamp.extractor'], `${at}.timestamp.extractor`);
      const timestampExtractor = extractor === undefined ? undefined : timestampExtractorByName(extractor);
      if (extractor !== undefined && !timestampExtractor) {
        throw new ConfigError(`unknown timestamp extractor '${extractor}' (expected ${timestampExtractorNames.join(', ')})`, { file: origin.file, field: fields.path(`${at}.timestamp.extractor`) });
      }
      builder.addSourceWith(fields.string(source.name, `${at}.name`), timestampExtractor ? { timestampExtractor } : {}, ...fields.strings(source.topics, `${at}.topics`));
    });
    fields.list(root.processors, 'processors', false).forEach((item, index) => {
      const at = `processors[${index}]`;
      const processor = fields.object(item, at);
      const name = fields.string(processor.name, `${at}.name`);
      const plugin = resolvePlugin(fields.string(processor.plugin, `${at}.plugin`), origin, fields.path(`${at}.plugin`));
      const stores = processor.stores === '*' ? '*' : fields.strings(processor.stores ?? [], `${at}.stores`, true);
      const config = new Map(fields.config(processor.config, `${at}.config`));
      for (const [key, value] of overrides.get(name) ?? []) config.set(key, value);
      processorNames.add(name);
      builder.addProcessor(
        name,
        plugin,
        { config: [...config], stores, limits: fields.limits(processor.limits, `${at}.limits`) },
        ...fields.strings(processor.parents, `${at}.parents`),
      );
    });
    fields.list(root.sinks, 'sinks', false).forEach((item, index) => {
      const at = `sinks[${index}]`;
      const sink = fields.object(item, at);
      builder.addSink(fields.string(sink.name, `${at}.name`), fields.string(sink.topic, `${at}.topic`), ...fields.strings(sink.parents, `${at}.parents`));
    });
    for (const name of overrides.keys()) {
      if (!processorNames.has(name)) throw new ConfigError(`config override for '${name}': no processor of that name`, { field: '--config' });
    }
    for (const key of Object.keys(root)) {
      if (!['stores', 'sources', 'processors', 'sinks'].includes(key)) {
        throw new ConfigError(`unknown field '${key}' (expected stores, sources, processors, sinks)`, { file: origin.file, field: fields.path(key) });
      }
    }
    return builder.build();
  } catch (error) {
    if (error instanceof EddyError) throw error.withContext({ file: origin.file });
    throw error;
  }
}

export { builtComponentOf, resolvePlugin } from './plugin-reference.ts';
