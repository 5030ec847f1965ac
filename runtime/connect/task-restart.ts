// Automatic restarts of failed connector tasks, with backoff — what Kafka
// Connect leaves to an operator's REST call. Eddy's own connector keys:
//   task.restart.on.failure          none | kafka (default) | all
//   task.restart.backoff.initial.ms  first delay (default 1000)
//   task.restart.backoff.max.ms      longest delay (default 60000)
// `kafka` restarts a task that failed because Kafka could not be reached or
// moved something (a broker restarting, a coordinator or leader that moved,
// a timeout: what the Kafka port calls retriable) — Kafka Connect's clients
// ride through such outages by retrying inside the producer, and a restarted
// task resumes from its committed offsets, so the outcome is the same.
// `all` also restarts a task whose plugin trapped, broke its limits or
// refused a record; `none` is Kafka Connect's behaviour: FAILED until a
// REST restart. The delay doubles with each failure in a row and starts
// over once a task has run for the longest delay without failing.
//
// Owns: the keys' schema, and each failed task's schedule for a herder.
// Must never: restart a task itself (the herder's callback does, and only
// if the task is still its own and still failed), or restart a task whose
// failure the policy does not cover.

import { messageOf } from '../errors.ts';
import { atLeast, ConfigDefinition, key, oneOfIgnoringCase, type ConfigSource } from './config-definition.ts';
import type { WorkerLog } from './worker.ts';

export type RestartOnFailure = 'none' | 'kafka' | 'all';

export const taskRestartDefinition = new ConfigDefinition('connector', [
  key({ name: 'task.restart.on.failure', type: 'string', default: 'kafka',
    validate: oneOfIgnoringCase('none', 'kafka', 'all'),
    documentation: "which failed tasks restart by themselves, with backoff: 'kafka' — failures Kafka recovers from (a broker restarting, a coordinator that moved); 'all' — any failure; 'none' — none (Kafka Connect's behaviour)" }),
  key({ name: 'task.restart.backoff.initial.ms', type: 'long', default: 1000, validate: atLeast(0), documentation: 'the delay before the first automatic restart of a failed task' }),
  key({ name: 'task.restart.backoff.max.ms', type: 'long', default: 60_000, validate: atLeast(1), documentation: 'the longest delay between automatic restarts (the delay doubles with each failure in a row)' }),
] as const);

export interface TaskRestartSettings {
  onFailure: RestartOnFailure;
  initialMs: number;
  maxMs: number;
}

export function parseTaskRestart(source: ConfigSource): TaskRestartSettings {
  const values = taskRestartDefinition.parse(source);
  return {
    onFailure: values['task.restart.on.failure'].toLowerCase() as RestartOnFailure,
    initialMs: values['task.restart.backoff.initial.ms'],
    maxMs: Math.max(values['task.restart.backoff.max.ms'], values['task.restart.backoff.initial.ms']),
  };
}

interface Schedule {
  /** Failures in a row (reset once the task ran for the longest delay). */
  consecutive: number;
  /** When the task last (re)started. */
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** One herder's schedule of automatic task restarts, keyed by task (`<connector>-<task>`). */
export class TaskRestarts {
  private readonly schedules = new Map<string, Schedule>();
  private stopped = false;

  constructor(
    private readonly log: WorkerLog,
    /** Whether a failure is one Kafka recovers from (the Kafka port's classification). */
    private readonly retriable: (error: unknown) => boolean,
  ) {}

  /** A task (re)started: the clock for resetting its backoff starts. */
  started(task: string): void {
    const schedule = this.schedules.get(task);
    if (schedule) schedule.startedAt = Date.now();
  }

  /**
   * A task failed: when its connector's policy covers the failure, `restart`
   * runs after the backoff (it must check that the task is still this
   * herder's and still failed). Returns the delay, or undefined when the task
   * stays failed.
   */
  failed(task: string, settings: TaskRestartSettings, error: unknown, restart: () => Promise<void>): number | undefined {
    if (this.stopped) return undefined;
    const covered = settings.onFailure === 'all' || (settings.onFailure === 'kafka' && this.retriable(error));
    if (!covered) return undefined;
    const schedule = this.schedules.get(task) ?? { consecutive: 0, startedAt: Date.now(), timer: undefined };
    if (Date.now() - schedule.startedAt >= settings.maxMs) schedule.consecutive = 0;
    clearTimeout(schedule.timer);
    const delay = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(schedule.consecutive, 30));
    schedule.consecutive++;
    schedule.timer = setTimeout(() => {
      schedule.timer = undefined;
      if (this.stopped) return;
      // Also when the restart fails before the task starts (so the next failure counts as one in a row).
      schedule.startedAt = Date.now();
      restart().catch((restartError: unknown) => this.log('error', task, `automatic restart failed: ${messageOf(restartError)}`));
    }, delay);
    this.schedules.set(task, schedule);
    this.log('warn', task, `restarting in ${delay} ms (failure ${schedule.consecutive} in a row, task.restart.on.failure=${settings.onFailure}): ${messageOf(error)}`);
    return delay;
  }

  stop(): void {
    this.stopped = true;
    for (const schedule of this.schedules.values()) clearTimeout(schedule.timer);
    this.schedules.clear();
  }
}
