// The configurations shipped for docker compose and the examples must load in our parser.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/index.ts';
import { ROOT } from '../../helpers/daemons.ts';

describe('shipped configurations', () => {
  for (const dir of ['compose/configs', 'examples']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.conf'))) {
      it(`${dir}/${f} parses`, () => {
        const { config } = parseConfig(readFileSync(join(ROOT, dir, f), 'utf8'), f);
        expect(config.ksGroups.length + config.gmGroups.length).toBeGreaterThan(0);
      });
    }
  }
  it('compose file names every config it mounts', () => {
    const yml = readFileSync(join(ROOT, 'compose/docker-compose.yml'), 'utf8');
    for (const m of yml.matchAll(/\.\/configs\/([\w.-]+)/g)) {
      expect(readdirSync(join(ROOT, 'compose/configs'))).toContain(m[1]);
    }
  });
});
