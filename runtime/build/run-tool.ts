// Running a build tool (cargo, componentize-py) as a child process.
//
// Owns: spawning it with the given folder and environment, collecting its
// output, and passing each stderr line to a progress callback as it comes.
// Must never: interpret the output (each build does) or use a shell.

import { spawn } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, onProgress?: (line: string) => void): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      if (onProgress) for (const line of text.split('\n')) if (line.trim()) onProgress(line);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}
