// Entry point of a stream thread running on a worker thread
// (num.stream.threads > 1): builds the StreamThread from the application file
// and answers the parent's start / stop / swap / status messages.
// Must never: share state with other threads except through Kafka and the
// state folder (each task's SQLite file belongs to one thread at a time).

import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../errors.ts';
import { loadAppConfig } from './app-config.ts';
import { StreamThread } from './stream-thread.ts';

const { configFile, index, processId } = workerData as { configFile: string; index: number; processId: string };
const config = loadAppConfig(configFile);
const port = parentPort!;
const thread = new StreamThread(
  config,
  config.topology,
  index,
  processId,
  (level, text) => port.postMessage({ type: 'log', level, text }),
  (entry) => port.postMessage({ type: 'plugin-log', entry }),
);

port.on('message', async (message: { type: string; id: number; args: { node?: string; plugin?: string; config?: Array<[string, string]> } }) => {
  try {
    let value: unknown;
    if (message.type === 'start') value = await thread.start();
    else if (message.type === 'stop') value = await thread.stop();
    else if (message.type === 'swap') value = await thread.swap(message.args.node!, message.args.plugin!, message.args.config);
    else if (message.type === 'status') value = thread.status();
    else throw new Error(`unknown message ${message.type}`);
    port.postMessage({ type: 'reply', id: message.id, value });
  } catch (error) {
    port.postMessage({ type: 'reply', id: message.id, error: messageOf(error) });
  }
});
