// `gdoi`: talk to a running gdoi-ks or gdoi-gm over its control socket, like a router's exec
// prompt. One-shot when command words are given, interactive otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ControlClient, ControlUnreachable } from '../shared/control/client.ts';
import { renderResponse, runRepl } from '../shared/control/repl.ts';

/** Exit codes: the command's own verdict vs. not reaching the daemon at all. */
const EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_UNREACHABLE = 2;

const HELP_AFTER = `
Examples:
  gdoi --control /run/gdoi-ks.sock show crypto gdoi ks members
  gdoi -c /run/gdoi-ks.sock show crypto gdoi ks members '|' include 10.0
  gdoi -c /run/gdoi-ks.sock --yes clear crypto gdoi ks members now
  gdoi -c /run/gdoi-gm.sock              (interactive: HOSTNAME# prompt)

Command words are what you would type at the router prompt; keywords may be abbreviated
(sh cry gdoi). Quote the shell's special characters: '|' before an output modifier
(include, exclude, begin, section, count REGEX) and '?' for help ('show ?').

Interactive mode: the prompt shows the daemon's hostname; history is kept in
~/.gdoi_history; exit, quit or Ctrl-D leave.

--yes pre-answers IOS confirmation prompts ("Are you sure you want to proceed? [yes/no]")
so scripts can run destructive commands; without it such commands only print the prompt.

Exit status: 0 command succeeded, 1 the daemon rejected the command (invalid input,
error), 2 the control socket could not be reached (or bad usage).`;

interface Opts {
  control?: string;
  yes?: boolean;
  timeout: number;
}

function program(): Command {
  return new Command()
    .name('gdoi')
    .description('Control a running GDOI key server (gdoi-ks) or group member (gdoi-gm).')
    .addOption(new Option('-c, --control <path>', 'control socket of the daemon').env('GDOI_CONTROL'))
    .option('-y, --yes', 'answer yes to confirmation prompts')
    .option('--timeout <ms>', 'give up waiting for the daemon after this many ms', (v) => Number.parseInt(v, 10), 30_000)
    .argument('[command...]', 'command words, e.g. show crypto gdoi ks members')
    .passThroughOptions()
    .addHelpText('after', HELP_AFTER)
    .exitOverride();
}

async function oneShot(client: ControlClient, line: string, opts: Opts): Promise<number> {
  const res = await client.request(line, { timeoutMs: opts.timeout, ...(opts.yes ? { confirm: 'yes' as const } : {}) });
  if (res.ok) {
    process.stdout.write(renderResponse(res, 0));
    return EXIT_OK;
  }
  // Echo the line so the caret has something to point under.
  process.stderr.write(`${res.caret !== undefined ? `${line}\n` : ''}${renderResponse(res, 0)}`);
  return EXIT_REJECTED;
}

async function main(argv: string[]): Promise<number> {
  const cmd = program();
  try {
    cmd.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_UNREACHABLE;
    throw e;
  }
  const opts = cmd.opts<Opts>();
  if (!opts.control) {
    process.stderr.write('gdoi: no control socket: give --control PATH or set GDOI_CONTROL\n');
    return EXIT_UNREACHABLE;
  }
  let client: ControlClient;
  try {
    client = await ControlClient.connect(opts.control, { timeoutMs: Math.min(opts.timeout, 5_000) });
  } catch (e) {
    process.stderr.write(`gdoi: cannot reach the daemon: ${(e as Error).message}\n`);
    return EXIT_UNREACHABLE;
  }
  try {
    const words = cmd.args;
    if (words.length > 0) return await oneShot(client, words.join(' '), opts);
    return await runRepl(client, {
      input: process.stdin,
      output: process.stdout,
      historyFile: join(homedir(), '.gdoi_history'),
      ...(opts.yes ? { confirm: 'yes' as const } : {}),
    });
  } catch (e) {
    if (!(e instanceof ControlUnreachable)) throw e;
    process.stderr.write(`gdoi: ${e.message}\n`);
    return EXIT_UNREACHABLE;
  } finally {
    client.close();
  }
}

process.exitCode = await main(process.argv);
