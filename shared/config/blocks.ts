// Lexer: config text -> a tree of lines by indentation, as IOS prints its running config.
// A line's parent is the nearest earlier line with a smaller indent; column 0 is global mode.
// Comments (`!` lines, and a `!`-token to end of line), blank lines, `exit` and `end` are
// consumed here and never reach the command parsers.

import { ConfigError } from '../errors.ts';

export interface ConfigLine {
  no: number;                // 1-based line number in the file
  indent: number;
  tokens: string[];          // whitespace-split, comment removed, never empty
  children: ConfigLine[];
}

interface Open { node: ConfigLine; exitedAt?: number }

/** Drops a trailing comment: `!` starts one only at the start of a token, so `a!b` stays. */
function stripComment(s: string): string {
  const m = /(^|\s)!/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

function indentOf(file: string, no: number, raw: string): number {
  const lead = /^[ \t]*/.exec(raw)![0];
  if (lead.includes(' ') && lead.includes('\t')) {
    throw new ConfigError(file, no, 'indentation mixes tabs and spaces');
  }
  return lead.length;
}

/** Splits `text` into top-level lines, each with its indented sub-mode lines as children. */
export function buildBlocks(text: string, file: string): ConfigLine[] {
  const top: ConfigLine[] = [];
  const stack: Open[] = [];
  let endedAt: number | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const no = i + 1;
    const body = stripComment(lines[i]!).trimEnd();
    if (body.trim() === '') continue;
    if (endedAt !== undefined) throw new ConfigError(file, no, `configuration continues after 'end' at line ${endedAt}`);
    const indent = indentOf(file, no, body);
    const tokens = body.trim().split(/\s+/);
    while (stack.length > 0 && stack[stack.length - 1]!.node.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1];
    const word = tokens[0]!.toLowerCase();
    if (tokens.length === 1 && word === 'end') { endedAt = no; continue; }
    if (tokens.length === 1 && word === 'exit') {
      // `exit` leaves the sub-mode it is indented under; at column 0 it has nothing to leave.
      if (parent) parent.exitedAt ??= no;
      continue;
    }
    if (parent?.exitedAt !== undefined) {
      throw new ConfigError(file, no, `line is indented under line ${parent.node.no}, whose sub-mode was left by 'exit' at line ${parent.exitedAt}`);
    }
    const node: ConfigLine = { no, indent, tokens, children: [] };
    (parent ? parent.node.children : top).push(node);
    stack.push({ node });
  }
  return top;
}
