// IOS-like command patterns, compiled to the flat token paths the dispatcher matches.
//
//   show crypto gdoi [group NAME] ks [detail|policy|members [summary|IP]]
//   clear crypto gdoi {ks|gm} members [now]
//
// Lower-case words are keywords (the user may abbreviate them); an UPPER-CASE word is a
// placeholder that captures one typed word into args[NAME]; `[...]` is optional, `{a|b}` a
// required choice, and `[a|b]` an optional choice. A pattern expands to every path it allows
// (optional x choice combinations), which keeps matching a simple left-to-right filter.

export type PatternToken =
  | { kind: 'keyword'; text: string }
  | { kind: 'param'; name: string };

const PARAM = /^[A-Z][A-Z0-9_.]*$/;
const KEYWORD = /^[a-z0-9][a-z0-9_.:/-]*$/;
/** Guards against a pattern whose optional/choice product explodes. */
const MAX_PATHS = 4096;

type Node = PatternToken | { kind: 'group'; optional: boolean; alts: Node[][] };

function lex(pattern: string): string[] {
  return pattern.replace(/([[\]{}|])/g, ' $1 ').trim().split(/\s+/).filter(Boolean);
}

function parseSeq(toks: string[], pos: { i: number }, pattern: string, close?: string): Node[][] {
  const alts: Node[][] = [[]];
  while (pos.i < toks.length) {
    const t = toks[pos.i++]!;
    if (t === close) return alts;
    if (t === '|') {
      if (!close) throw new SyntaxError(`pattern "${pattern}": '|' outside [] or {}`);
      alts.push([]);
    } else if (t === '[' || t === '{') {
      const inner = parseSeq(toks, pos, pattern, t === '[' ? ']' : '}');
      if (inner.some((a) => a.length === 0)) throw new SyntaxError(`pattern "${pattern}": empty alternative`);
      alts.at(-1)!.push({ kind: 'group', optional: t === '[', alts: inner });
    } else if (PARAM.test(t)) {
      alts.at(-1)!.push({ kind: 'param', name: t });
    } else if (KEYWORD.test(t)) {
      alts.at(-1)!.push({ kind: 'keyword', text: t });
    } else {
      throw new SyntaxError(`pattern "${pattern}": bad word "${t}"`);
    }
  }
  if (close) throw new SyntaxError(`pattern "${pattern}": missing '${close}'`);
  return alts;
}

function expand(seq: Node[], pattern: string): PatternToken[][] {
  let paths: PatternToken[][] = [[]];
  for (const node of seq) {
    let options: PatternToken[][];
    if (node.kind !== 'group') options = [[node]];
    else {
      options = node.alts.flatMap((alt) => expand(alt, pattern));
      if (node.optional) options = [[], ...options];
    }
    paths = paths.flatMap((p) => options.map((o) => [...p, ...o]));
    if (paths.length > MAX_PATHS) throw new SyntaxError(`pattern "${pattern}" expands to over ${MAX_PATHS} forms`);
  }
  return paths;
}

/** Every token path the pattern allows, shortest options first. Throws SyntaxError on a bad pattern. */
export function compilePattern(pattern: string): PatternToken[][] {
  const toks = lex(pattern);
  const alts = parseSeq(toks, { i: 0 }, pattern);
  if (alts.length !== 1 || alts[0]!.length === 0) throw new SyntaxError(`pattern "${pattern}" is empty`);
  const paths = expand(alts[0]!, pattern);
  if (paths.some((p) => p.length === 0)) throw new SyntaxError(`pattern "${pattern}" matches an empty line`);
  return paths;
}

/** A typed line split into words, each with its column (for the IOS caret). */
export interface Word {
  text: string;
  at: number;
}

export function splitWords(line: string, base = 0): Word[] {
  const words: Word[] = [];
  for (const m of line.matchAll(/\S+/g)) words.push({ text: m[0], at: base + m.index });
  return words;
}
