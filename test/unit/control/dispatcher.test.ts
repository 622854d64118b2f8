import { describe, expect, it } from 'vitest';
import { CommandDispatcher, INCOMPLETE, INVALID_INPUT, type CommandContext } from '../../../shared/control/dispatcher.ts';
import { GdoiError } from '../../../shared/errors.ts';

/** A dispatcher whose handlers echo which command ran and with what. */
function make() {
  const d = new CommandDispatcher();
  const echo = (name: string) => (ctx: CommandContext) =>
    `${name} ${JSON.stringify(ctx.args)} ${ctx.words.join(' ')}${ctx.confirm ? ` confirm=${ctx.confirm}` : ''}`;
  d.register('show version', echo('version'), 'System hardware and software status');
  d.register('show clock', echo('clock'), 'Display the system clock');
  d.register('show crypto gdoi [group NAME]', echo('gdoi'), 'Show GDOI information');
  d.register('show crypto gdoi ks [detail|policy]', echo('ks'), 'Show KS information');
  d.register('show crypto gdoi ks members [IP]', echo('members'), 'Show group members');
  d.register('show crypto gdoi ks members summary', echo('summary'), 'Members summary');
  d.register('clear crypto gdoi [group NAME] ks members [now]', echo('clear'), 'Remove GMs');
  d.register('debug crypto gdoi gm rekey {all-levels|detail|error|event|packet|terse}', echo('debug'));
  d.register('show lines', () => ['alpha 1', 'beta 2', 'gamma 3', 'alpha 4'].join('\n'));
  return d;
}

const out = async (d: CommandDispatcher, line: string) => {
  const r = await d.run(line);
  expect(r.ok, `${line} -> ${r.output}`).toBe(true);
  return r.output;
};

describe('CommandDispatcher matching', () => {
  it('matches literal words, optional words and placeholders', async () => {
    const d = make();
    expect(await out(d, 'show version')).toBe('version {} show version');
    expect(await out(d, 'show crypto gdoi')).toBe('gdoi {} show crypto gdoi');
    expect(await out(d, 'show crypto gdoi group GET')).toBe('gdoi {"NAME":"GET"} show crypto gdoi group GET');
    expect(await out(d, 'show crypto gdoi ks policy')).toBe('ks {} show crypto gdoi ks policy');
    expect(await out(d, 'clear crypto gdoi group GET ks members now')).toBe('clear {"NAME":"GET"} clear crypto gdoi group GET ks members now');
    expect(await out(d, '  show   version  ')).toBe('version {} show version');
  });

  it('takes choices from {a|b}', async () => {
    const d = make();
    expect(await out(d, 'debug crypto gdoi gm rekey terse')).toMatch(/^debug .* rekey terse$/);
    expect((await d.run('debug crypto gdoi gm rekey verbose')).ok).toBe(false);
    expect(await d.run('debug crypto gdoi gm rekey')).toEqual({ ok: false, output: INCOMPLETE });
  });

  it('the most specific command wins: a keyword beats a placeholder', async () => {
    const d = make();
    expect(await out(d, 'show crypto gdoi ks members summary')).toBe('summary {} show crypto gdoi ks members summary');
    expect(await out(d, 'show crypto gdoi ks members 10.0.0.2')).toBe('members {"IP":"10.0.0.2"} show crypto gdoi ks members 10.0.0.2');
    expect(await out(d, 'show crypto gdoi ks members')).toBe('members {} show crypto gdoi ks members');
  });

  it('expands unique keyword abbreviations and is case-insensitive for keywords', async () => {
    const d = make();
    expect(await out(d, 'sh cry gd ks mem sum')).toBe('summary {} show crypto gdoi ks members summary');
    expect(await out(d, 'SHOW VER')).toBe('version {} show version');
    // A placeholder keeps the case it was typed in.
    expect(await out(d, 'sh cry gd gr MyGroup')).toBe('gdoi {"NAME":"MyGroup"} show crypto gdoi group MyGroup');
  });

  it('reports an ambiguous abbreviation like IOS', async () => {
    const d = make();
    expect(await d.run('sh c')).toEqual({ ok: false, output: '% Ambiguous command:  "sh c"' });
  });

  it('puts the caret under the word that failed', async () => {
    const d = make();
    expect(await d.run('show crypto gdoi ks memberz')).toEqual({
      ok: false, caret: 20, output: `${' '.repeat(20)}^\n${INVALID_INPUT}`,
    });
    expect((await d.run('  bogus')).caret).toBe(2);
    // A complete command followed by an extra word: the caret is under the extra word.
    expect((await d.run('show version extra')).caret).toBe(13);
    expect(await d.run('show crypto')).toEqual({ ok: false, output: INCOMPLETE });
  });

  it('an empty line is a no-op', async () => {
    expect(await make().run('   ')).toEqual({ ok: true, output: '' });
  });

  it('passes the confirmation pre-answer to handlers', async () => {
    expect(await out(make(), 'clear crypto gdoi ks members now')).not.toMatch(/confirm/);
    expect((await make().run('clear crypto gdoi ks members now', { confirm: 'yes' })).output).toMatch(/confirm=yes$/);
  });

  it('turns handler errors into ok:false without throwing', async () => {
    const d = new CommandDispatcher();
    d.register('clear crypto gdoi ks members', () => {
      throw new GdoiError('NOT_PRIMARY', 'ERROR for group GET: can only execute this command on Primary KS');
    });
    d.register('show boom', async () => {
      throw new TypeError('oops');
    });
    d.register('show refused', () => ({ ok: false, output: 'not now' }));
    expect(await d.run('clear crypto gdoi ks members')).toEqual({ ok: false, output: '% ERROR for group GET: can only execute this command on Primary KS' });
    expect(await d.run('show boom')).toEqual({ ok: false, output: '% Internal error: oops' });
    expect(await d.run('show refused')).toEqual({ ok: false, output: 'not now' });
  });

  it('refuses a malformed pattern at registration', () => {
    expect(() => new CommandDispatcher().register('show [x', () => '')).toThrow(SyntaxError);
  });
});

describe('CommandDispatcher help (?)', () => {
  it('lists continuations with help, keywords then placeholders then <cr>', async () => {
    const d = make();
    expect((await out(d, 'show ?')).split('\n')).toEqual([
      '  clock    Display the system clock',
      '  crypto',
      '  lines',
      '  version  System hardware and software status',
    ]);
    expect((await out(d, 'show crypto gdoi ks members ?')).split('\n')).toEqual([
      '  summary  Members summary',
      '  IP       Show group members',
      '  <cr>',
    ]);
    expect(await out(d, '?')).toBe('  clear\n  debug\n  show');
  });

  it('completes a partial word and works with abbreviations before it', async () => {
    const d = make();
    expect(await out(d, 'sh cr?')).toBe('  crypto');
    expect(await out(d, 'sh cry gdoi ks ?')).toBe('  detail   Show KS information\n  members  Show group members\n  policy   Show KS information\n  <cr>');
    expect(await d.run('show zz?')).toEqual({ ok: false, output: '% Unrecognized command' });
    expect((await d.run('show bogus ?')).caret).toBe(5);
  });

  it('lists the output modifiers after a pipe', async () => {
    const help = await out(make(), 'show version | ?');
    expect(help.split('\n').map((l) => l.trim().split(/\s+/)[0])).toEqual(['begin', 'count', 'exclude', 'include', 'section']);
  });
});

describe('CommandDispatcher output modifiers', () => {
  it('applies include/exclude/begin/count after the handler', async () => {
    const d = make();
    expect(await out(d, 'show lines | include alpha')).toBe('alpha 1\nalpha 4');
    expect(await out(d, 'show lines | exclude alpha')).toBe('beta 2\ngamma 3');
    expect(await out(d, 'show lines | begin gamma')).toBe('gamma 3\nalpha 4');
    expect(await out(d, 'show lines | count a [14]')).toBe('Number of lines which match regexp = 2');
    expect(await out(d, 'sh lin | i beta|gamma')).toBe('beta 2\ngamma 3');
    expect(await out(d, 'show lines|inc 2')).toBe('beta 2');
    // A regex ending in '?' is a regex, not a help request.
    expect(await out(d, 'show lines | include gammas?')).toBe('gamma 3');
    expect(await out(d, 'show lines | in?')).toBe('  include  Include lines that match');
  });

  it('never filters away an error', async () => {
    const d = make();
    d.register('show failing', () => ({ ok: false, output: '% ERROR for group GET' }));
    expect(await d.run('show failing | include nothing')).toEqual({ ok: false, output: '% ERROR for group GET' });
  });

  it('rejects bad modifiers with IOS errors', async () => {
    const d = make();
    const r = await d.run('show lines | grep x');
    expect(r.ok).toBe(false);
    expect(r.caret).toBe(13);
    expect(await d.run('show lines | include')).toEqual({ ok: false, output: INCOMPLETE });
    expect((await d.run('show lines | include (')).output).toMatch(/^% Invalid regular expression/);
    expect((await d.run('| include x')).caret).toBe(0);
    // The command is still checked first.
    expect((await d.run('show linez | include x')).caret).toBe(5);
    expect((await d.run('show linez | grep x')).caret).toBe(5);
  });
});
