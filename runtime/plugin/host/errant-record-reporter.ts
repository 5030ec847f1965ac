// Host side of `eddy:plugin/errant-record-reporter` (contract 0.2.0): a sink
// task's reports of records it cannot write (Kafka's ErrantRecordReporter,
// KIP-610).
//
// Owns: passing each report to the reporter the task's driver installs
// (which applies the connector's `errors.*` keys), and turning its refusal —
// or the absence of a reporter — into the guest's `err`.
// Must never: decide what a report does (that is the worker's error
// handling), or throw anything but a string payload at the guest.

import type * as ErrantRecordReporter from './wit/0.2.0/interfaces/eddy-plugin-errant-record-reporter.js';

/** Takes one report: undefined when taken, else why not. */
export type ErrantRecordSink = (topic: string, partition: number, offset: number, error: string) => string | undefined;

export interface ErrantRecordReporterCapability {
  imports: typeof ErrantRecordReporter;
  /** Where reports go from now on (undefined: nowhere, every report is refused). */
  reportTo(sink: ErrantRecordSink | undefined): void;
}

export function errantRecordReporterImports(): ErrantRecordReporterCapability {
  let sink: ErrantRecordSink | undefined;
  return {
    imports: {
      report(topic: string, partition: number, offset: bigint, error: string): void {
        const refusal = sink === undefined ? 'the connector has no errant record reporter (Kafka Connect gives one only with errors.deadletterqueue.topic.name or errors.log.enable)' : sink(topic, partition, Number(offset), error);
        if (refusal !== undefined) throw { payload: refusal };
      },
    },
    reportTo(next) {
      sink = next;
    },
  };
}
