// The interactive `gdoi` session: an IOS-like `HOSTNAME#` prompt over one control connection,
// with line history persisted across sessions.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ControlClient } from './client.ts';
import type { ControlResponse } from './protocol.ts';

export interface ReplOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** Where history persists (one line per command, oldest first); undefined: no history. */
  historyFile?: string;
  /** Pre-answer to confirmation prompts (`--yes`). */
  confirm?: 'yes' | 'no';
}

const HISTORY_SIZE = 500;
const LEAVE = new Set(['exit', 'quit', 'logout']);

function loadHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const kept = lines.slice(-HISTORY_SIZE);
    if (lines.length > 2 * HISTORY_SIZE) writeFileSync(file, `${kept.join('\n')}\n`, { mode: 0o600 });
    return kept.reverse(); // readline wants newest first
  } catch {
    return [];
  }
}

/** Prints a response; a rejected line's caret is shifted right past the prompt, as on IOS. */
export function renderResponse(res: ControlResponse, promptWidth: number): string {
  let out = res.output;
  if (res.caret !== undefined) out = ' '.repeat(promptWidth) + out;
  return out === '' || out.endsWith('\n') ? out : `${out}\n`;
}

/** Runs the prompt loop until exit/quit/EOF (0) or the daemon goes away (2). */
export async function runRepl(client: ControlClient, opts: ReplOptions): Promise<number> {
  const prompt = `${client.hello.hostname}#`;
  const rl = createInterface({
    input: opts.input,
    output: opts.output,
    prompt,
    terminal: Boolean(opts.input.isTTY),
    history: loadHistory(opts.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let lost = false;
  let left = false;
  client.onClose(() => {
    lost = true;
    rl.close();
  });
  rl.on('SIGINT', () => {
    // IOS ignores ^C at the exec prompt: drop the partial line; clearing it redraws the prompt.
    opts.output.write('^C\n');
    rl.write(null, { ctrl: true, name: 'u' });
  });

  rl.prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (LEAVE.has(line.toLowerCase())) {
        left = true;
        break;
      }
      if (line !== '') {
        remember(opts.historyFile, line);
        const res = await client.request(raw, opts.confirm ? { confirm: opts.confirm } : {});
        opts.output.write(renderResponse(res, prompt.length));
      }
      rl.prompt();
    }
  } catch (e) {
    lost = true;
    opts.output.write(`% ${(e as Error).message}\n`);
  } finally {
    rl.close();
  }
  if (lost) {
    opts.output.write('% Connection to the daemon was lost\n');
    return 2;
  }
  if (!left && opts.input.isTTY) opts.output.write('\n'); // Ctrl-D: end the prompt line
  return 0;
}

function remember(file: string | undefined, line: string): void {
  if (!file) return;
  try {
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; an unwritable home must not break the session.
  }
}
