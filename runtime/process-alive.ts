// Whether a process id names a live process (for lock and pid files).
// Must never: signal the process (signal 0 only checks).

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
