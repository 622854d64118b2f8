// Maps a typed command line to a registered handler, IOS style: keywords may be abbreviated to
// any unique prefix, a keyword beats a placeholder at the same position (so the most specific
// command wins), errors come back with IOS's texts and caret, `?` lists what may follow, and an
// output modifier (`| include REGEX`) filters what the handler printed.
import { GdoiError } from '../errors.ts';
import { applyModifier, MODIFIER_HELP, modifierCompletions, parseModifier, type Modifier } from './modifiers.ts';
import { compilePattern, splitWords, type PatternToken, type Word } from './pattern.ts';

export interface CommandContext {
  /** Placeholder values by name (`[group NAME]` typed `group GET` gives { NAME: 'GET' }). */
  args: Record<string, string>;
  /** The command's words with keywords expanded to full form (`sh cry` -> show, crypto). */
  words: string[];
  /** The command part of the line as typed (without the output modifier). */
  line: string;
  /**
   * A pre-answer to IOS confirmation prompts ("Are you sure you want to proceed? ? [yes/no]:"),
   * from the request's `confirm` field (`gdoi --yes`). Destructive handlers must act only on
   * 'yes'; with no answer they print the prompt text and do nothing.
   */
  confirm?: 'yes' | 'no';
}

export interface CommandResult {
  ok: boolean;
  output: string;
  /** Column of the IOS `^` marker in the line, when the line was rejected. */
  caret?: number;
}

export type CommandHandler = (ctx: CommandContext) => string | CommandResult | Promise<string | CommandResult>;

interface Path {
  tokens: PatternToken[];
  cmd: { handler: CommandHandler; help: string };
}

export const INVALID_INPUT = "% Invalid input detected at '^' marker.";
export const INCOMPLETE = '% Incomplete command.';

const invalidAt = (at: number): CommandResult =>
  ({ ok: false, output: `${' '.repeat(at)}^\n${INVALID_INPUT}`, caret: at });
const fail = (output: string): CommandResult => ({ ok: false, output });

type Walk = { alive: Path[] } | { error: CommandResult };

export class CommandDispatcher {
  private readonly paths: Path[] = [];

  /** Registers a command. Throws SyntaxError on a malformed pattern. */
  register(pattern: string, handler: CommandHandler, help = ''): void {
    const cmd = { handler, help };
    for (const tokens of compilePattern(pattern)) this.paths.push({ tokens, cmd });
  }

  /** Runs one line. Never throws: handler errors become ok:false with a `% ` message. */
  async run(line: string, opts: { confirm?: 'yes' | 'no' } = {}): Promise<CommandResult> {
    const pipe = line.indexOf('|');
    const cmdText = pipe < 0 ? line : line.slice(0, pipe);
    if (cmdText.trimEnd().endsWith('?')) return this.help(cmdText);
    const words = splitWords(cmdText);
    if (words.length === 0) return pipe < 0 ? { ok: true, output: '' } : invalidAt(pipe);

    const walked = this.walk(words, cmdText);
    if ('error' in walked) return walked.error;

    let modifier: Modifier | undefined;
    if (pipe >= 0) {
      const rest = line.slice(pipe + 1);
      if (/^\s*\S*\?\s*$/.test(rest)) return { ok: true, output: modifierHelp(rest.trim().slice(0, -1)) };
      const m = parseModifier(rest, pipe + 1);
      if ('kind' in m) return modifierError(m, line);
      modifier = m;
    }

    const done = walked.alive.find((p) => p.tokens.length === words.length);
    if (!done) return fail(INCOMPLETE);

    const result = await invoke(done, words, cmdText.trim(), opts.confirm);
    // Errors are never filtered away: a `% ...` message must reach the operator.
    return modifier && result.ok ? { ...result, output: applyModifier(result.output, modifier) } : result;
  }

  /**
   * Filters paths word by word: an exact keyword beats a unique keyword prefix, which beats a
   * placeholder. Two different keywords sharing the typed prefix is IOS's "Ambiguous command".
   */
  private walk(words: Word[], typed: string): Walk {
    let alive = this.paths;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!.text.toLowerCase();
      const here = alive.filter((p) => p.tokens.length > i);
      const kw = (p: Path) => p.tokens[i]!.kind === 'keyword' ? (p.tokens[i] as { text: string }).text : undefined;
      const exact = here.filter((p) => kw(p) === w);
      if (exact.length > 0) { alive = exact; continue; }
      const prefixed = here.filter((p) => kw(p)?.startsWith(w));
      const distinct = new Set(prefixed.map(kw));
      if (distinct.size > 1) return { error: fail(`% Ambiguous command:  "${typed.trim()}"`) };
      if (distinct.size === 1) { alive = prefixed; continue; }
      const params = here.filter((p) => p.tokens[i]!.kind === 'param');
      if (params.length === 0) return { error: invalidAt(words[i]!.at) };
      alive = params;
    }
    return { alive };
  }

  /** `show ?` lists what may follow; `show cr?` lists keywords starting `cr`. */
  private help(cmdText: string): CommandResult {
    const body = cmdText.trimEnd().slice(0, -1);
    const partial = /\S$/.test(body) ? body.slice(body.search(/\S+$/)) : '';
    const before = splitWords(partial ? body.slice(0, body.length - partial.length) : body);
    const walked = this.walk(before, body);
    if ('error' in walked) return walked.error;
    const i = before.length;
    const rows = new Map<string, string>();
    let cr = false;
    for (const p of walked.alive) {
      const t = p.tokens[i];
      if (!t) { cr = true; continue; }
      const label = t.kind === 'keyword' ? t.text : t.name;
      if (partial && (t.kind !== 'keyword' || !t.text.startsWith(partial.toLowerCase()))) continue;
      const help = p.tokens.length === i + 1 ? p.cmd.help : '';
      if (!rows.get(label)) rows.set(label, help);
    }
    if (cr && !partial) rows.set('<cr>', '');
    if (rows.size === 0) return fail('% Unrecognized command');
    return { ok: true, output: formatHelp(rows) };
  }
}

async function invoke(path: Path, words: Word[], line: string, confirm?: 'yes' | 'no'): Promise<CommandResult> {
  const args: Record<string, string> = {};
  const full = words.map((w, i) => {
    const t = path.tokens[i]!;
    if (t.kind === 'keyword') return t.text;
    args[t.name] = w.text;
    return w.text;
  });
  try {
    const out = await path.cmd.handler({ args, words: full, line, ...(confirm ? { confirm } : {}) });
    return typeof out === 'string' ? { ok: true, output: out } : out;
  } catch (e) {
    if (e instanceof GdoiError) return fail(`% ${e.message}`);
    return fail(`% Internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function formatHelp(rows: Map<string, string>): string {
  const labels = [...rows.keys()].filter((l) => l !== '<cr>').sort((a, b) => {
    const pa = /^[A-Z]/.test(a), pb = /^[A-Z]/.test(b); // keywords first, then placeholders
    return pa === pb ? a.localeCompare(b) : pa ? 1 : -1;
  });
  if (rows.has('<cr>')) labels.push('<cr>');
  const width = Math.max(...labels.map((l) => l.length));
  return labels.map((l) => `  ${rows.get(l) ? `${l.padEnd(width)}  ${rows.get(l)}` : l}`).join('\n');
}

function modifierHelp(prefix: string): string {
  const names = modifierCompletions(prefix.trim());
  const rows = new Map<string, string>(names.map((n) => [n, MODIFIER_HELP[n]]));
  return rows.size ? formatHelp(rows) : '% Unrecognized command';
}

function modifierError(m: Exclude<ReturnType<typeof parseModifier>, Modifier>, line: string): CommandResult {
  switch (m.kind) {
    case 'invalid': return invalidAt(m.at);
    case 'incomplete': return fail(INCOMPLETE);
    case 'ambiguous': return fail(`% Ambiguous command:  "${line.trim()}"`);
    case 'bad-regex': return fail(`% Invalid regular expression: ${m.message}`);
  }
}
