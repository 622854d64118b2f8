// `npm start`: a live GET VPN lab on loopback. One gdoi-ks and three gdoi-gm processes,
// their syslog lines interleaved and prefixed by host name, until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { labGmConfig, labKsConfig } from './lab-config.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = resolve(process.env.GDOI_LAB_DIR ?? join(ROOT, '.lab'));
const gms = Number(process.env.GDOI_LAB_GMS ?? 3);
// Port 848 needs root (or CAP_NET_BIND_SERVICE); otherwise every daemon uses one high port.
const port = Number(process.env.GDOI_LAB_PORT ?? (process.getuid?.() === 0 ? 848 : 10848));
const ks = { name: 'ks1', address: '127.0.0.1' };
const members = Array.from({ length: gms }, (_, i) => ({ name: `gm${i + 1}`, address: `127.0.1.${i + 1}` }));

mkdirSync(dir, { recursive: true });
const children: ChildProcess[] = [];
const width = Math.max(...[ks, ...members].map((h) => h.name.length));

function run(kind: 'ks' | 'gm', name: string, config: string): void {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, config);
  const args = [join(ROOT, `bin/gdoi-${kind}.js`), '--config', conf, '--port', String(port), '--control', join(dir, `${name}.sock`)];
  if (kind === 'ks') args.push('--state-dir', join(dir, 'ks1-state'));
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${name.padEnd(width)} | `;
  let buf = '';
  const out = (chunk: Buffer) => {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { process.stdout.write(prefix + buf.slice(0, i) + '\n'); buf = buf.slice(i + 1); }
  };
  p.stdout!.on('data', out);
  p.stderr!.on('data', out);
  p.on('exit', (code, sig) => { if (!stopping) process.stdout.write(`${prefix}exited (${sig ?? code})\n`); });
  children.push(p);
}

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 1500).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const rel = relative(process.cwd(), dir) || '.';
console.log(`GET VPN lab: key server ${ks.address}, ${gms} group members ${members.map((m) => m.address).join(', ')}, UDP port ${port}`);
console.log(`Configurations and control sockets in ${rel}/. Talk to any device with the operator CLI, e.g.:`);
console.log(`  npx gdoi --control ${rel}/ks1.sock show crypto gdoi ks members`);
console.log(`  npx gdoi --control ${rel}/ks1.sock crypto gdoi ks rekey`);
for (const m of members) console.log(`  npx gdoi --control ${rel}/${m.name}.sock show crypto gdoi gm`);
console.log('Press Ctrl-C to stop.\n');

run('ks', ks.name, labKsConfig({ ksAddress: ks.address }));
// The key server generates its rekey key on first start; give it a moment before the members register.
setTimeout(() => {
  for (const m of members) run('gm', m.name, labGmConfig({ name: m.name, address: m.address, ksAddress: ks.address }));
}, 1500);
