// IOS output modifiers: `show ... | include REGEX` and friends. As on IOS there is one pipe per
// line, and everything after the modifier keyword is the regular expression (so it may itself
// contain `|`). Regexes are JavaScript's, case-sensitive; IOS's `_` delimiter class is not
// emulated (underscores are common in our ACL and group names).

export type ModifierName = 'begin' | 'count' | 'exclude' | 'include' | 'section';

export const MODIFIER_HELP: Record<ModifierName, string> = {
  begin: 'Begin with the line that matches',
  count: 'Count number of lines which match regular expression',
  exclude: 'Exclude lines that match',
  include: 'Include lines that match',
  section: 'Filter a section of output',
};

const NAMES = Object.keys(MODIFIER_HELP).sort() as ModifierName[];

export interface Modifier {
  name: ModifierName;
  regex: RegExp;
}

/** Why a modifier could not be parsed; `at` is the column for the caret. */
export type ModifierError =
  | { kind: 'invalid'; at: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous'; word: string }
  | { kind: 'bad-regex'; message: string };

/** Keywords a (possibly empty) prefix could complete to, for `| ?` help. */
export function modifierCompletions(prefix: string): ModifierName[] {
  return NAMES.filter((n) => n.startsWith(prefix.toLowerCase()));
}

/** Parses the text after the pipe; `base` is its column in the full line. */
export function parseModifier(text: string, base: number): Modifier | ModifierError {
  const m = /^(\s*)(\S*)(\s*)([\s\S]*)$/.exec(text)!;
  const [, lead, word, , rest] = m as unknown as [string, string, string, string, string];
  if (word === '') return { kind: 'incomplete' };
  const hits = modifierCompletions(word);
  if (hits.length > 1) return { kind: 'ambiguous', word };
  if (hits.length === 0) return { kind: 'invalid', at: base + lead.length };
  const source = rest.trimEnd();
  if (source === '') return { kind: 'incomplete' };
  try {
    return { name: hits[0]!, regex: new RegExp(source) };
  } catch (e) {
    return { kind: 'bad-regex', message: (e as Error).message };
  }
}

const indent = (l: string) => l.length - l.trimStart().length;

/** Applies a modifier to handler output (lines separated by \n). */
export function applyModifier(output: string, mod: Modifier): string {
  const lines = output.replace(/\n$/, '').split('\n');
  const { regex } = mod;
  switch (mod.name) {
    case 'include':
      return lines.filter((l) => regex.test(l)).join('\n');
    case 'exclude':
      return lines.filter((l) => !regex.test(l)).join('\n');
    case 'begin': {
      const i = lines.findIndex((l) => regex.test(l));
      return i < 0 ? '' : lines.slice(i).join('\n');
    }
    case 'count':
      return `Number of lines which match regexp = ${lines.filter((l) => regex.test(l)).length}`;
    case 'section':
      return section(lines, regex).join('\n');
  }
}

/** A matching line plus the more-indented lines under it (IOS `section`, for config-like output). */
function section(lines: string[], regex: RegExp): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!regex.test(lines[i]!)) continue;
    const depth = indent(lines[i]!);
    out.push(lines[i]!);
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && indent(lines[i + 1]!) > depth) out.push(lines[++i]!);
  }
  return out;
}
