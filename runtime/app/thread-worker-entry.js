// Worker-thread entry: loads the TypeScript worker through tsx (workers do not
// inherit the loader the main thread registered).
import { register } from 'tsx/esm/api';

register();
await import('./thread-worker.ts');
