// Host side of `wasi:cli/terminal-input`, `terminal-output`,
// `terminal-stdin`, `terminal-stdout` and `terminal-stderr`.
//
// Owns: telling the guest that none of its standard streams is a terminal.
// Must never: hand out a terminal resource (the classes exist only because
// the interfaces declare them).

import type * as TerminalInputBindings from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-input';
import type * as TerminalOutputBindings from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-output';
import type * as TerminalStderr from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-stderr';
import type * as TerminalStdin from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-stdin';
import type * as TerminalStdout from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-stdout';

class TerminalInput {}
class TerminalOutput {}

export const terminalImports = {
  terminalInput: { TerminalInput } as unknown as typeof TerminalInputBindings,
  terminalOutput: { TerminalOutput } as unknown as typeof TerminalOutputBindings,
  terminalStdin: { getTerminalStdin: () => undefined } satisfies typeof TerminalStdin,
  terminalStdout: { getTerminalStdout: () => undefined } satisfies typeof TerminalStdout,
  terminalStderr: { getTerminalStderr: () => undefined } satisfies typeof TerminalStderr,
};
