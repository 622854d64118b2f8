// A KS and its GMs in one process on a MemoryNetwork, all on one ManualClock: the real
// KeyServer, KsRekeyer, GroupMember, Registration and RekeyReceiver, with every timer in their
// TimerWheels driven by advance() (a discrete-event loop: no sleeping, no native timers).
import { parseConfig } from '../../shared/config/index.ts';
import { ManualClock, seededRandom } from '../../shared/time/clock.ts';
import { Syslog } from '../../shared/log/syslog.ts';
import { OUR_VERSION } from '../../shared/policy/version.ts';
import { publicKeyDer } from '../../shared/crypto/rsa.ts';
import { KeyServer } from '../../ks/key-server.ts';
import { KsRekeyer } from '../../ks/rekey.ts';
import { MemoryStore, type KsStore } from '../../ks/store.ts';
import type { KsGroup, SigningKey } from '../../ks/ks-group.ts';
import { GroupMember } from '../../gm/group-member.ts';
import { RekeyReceiver } from '../../gm/rekey-receiver.ts';
import type { Registration } from '../../gm/registration.ts';
import type { TimerWheel } from '../../shared/time/timer-wheel.ts';
import { rekeyKey } from './policy-fixture.ts';
import { MemoryNetwork } from './memory-transport.ts';
import { gmConfig } from './rekey-configs.ts';

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
export const signingKey: SigningKey = { name: 'REKEYRSA', privateKey: rekeyKey.privateKey, publicKeyDer: publicKeyDer(rekeyKey.publicKey), bits: 2048 };

export interface RigKs { ks: KeyServer; rekeyer: KsRekeyer; lines: string[]; store: KsStore }
export interface RigGm { name: string; address: string; gm: GroupMember; reg: Registration; lines: string[] }

export class RekeyRig {
  readonly clock = new ManualClock(T0);
  readonly net = new MemoryNetwork();
  ks!: RigKs;
  readonly gms: RigGm[] = [];

  constructor(readonly port = 848) {}

  /** Starts a KS (restoring from `store` when given, as a restarted daemon does). */
  async startKs(address: string, configText: string, store: KsStore = new MemoryStore()): Promise<RigKs> {
    const lines: string[] = [];
    const { config } = parseConfig(configText, 'ks.conf');
    const ks = new KeyServer({
      config, localAddress: address, port: this.port, clock: this.clock, random: seededRandom(`ks:${this.clock.now()}`),
      log: new Syslog({ clock: this.clock, out: (l) => lines.push(l), utc: true }), version: OUR_VERSION,
      signingKeys: new Map([[signingKey.name, signingKey]]),
    });
    const rekeyer = new KsRekeyer(ks, store, { stateDir: '' });
    await rekeyer.restore();
    ks.attach(this.net.bind(address, this.port));
    rekeyer.start();
    this.ks = { ks, rekeyer, lines, store };
    return this.ks;
  }

  /** Stops the KS as a SIGKILL would: its endpoint goes, its timers never run again. */
  async killKs(): Promise<void> {
    await this.ks.ks.transport?.close();
    this.deadWheels.add(this.ks.ks.wheel);
  }
  private readonly deadWheels = new Set<TimerWheel>();

  /** Starts a GM (config from gmConfig unless given) and its registration. */
  addGm(name: string, address: string, servers: string[], configText?: string): RigGm {
    const lines: string[] = [];
    const { config } = parseConfig(configText ?? gmConfig({ name, address, servers }), `${name}.conf`);
    const gm = new GroupMember({
      config, localAddress: address, port: this.port, clock: this.clock, random: seededRandom(name),
      log: new Syslog({ clock: this.clock, out: (l) => lines.push(l), utc: true }), version: OUR_VERSION,
    });
    const receiver = new RekeyReceiver(gm);
    gm.opts.onPush = (d) => receiver.onPush(d);
    gm.opts.joinMulticast = (group, port) => { this.net.joinGroup(group, port, address).onMessage((d) => gm.receive(d)); };
    gm.attach(this.net.bind(address, this.port));
    gm.start();
    const g: RigGm = { name, address, gm, reg: gm.registrations[0]!, lines };
    this.gms.push(g);
    return g;
  }

  private wheels(): TimerWheel[] {
    return [this.ks?.ks.wheel, ...this.gms.map((g) => g.gm.wheel)].filter((w): w is TimerWheel => !!w && !this.deadWheels.has(w));
  }

  /** Moves the clock forward by ms, firing every timer at its own deadline, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (let i = 0; i < 100_000; i++) {
      await this.net.settle();
      const due = this.wheels().map((w) => w.nextDue()).filter((t): t is number => t !== undefined);
      const next = due.length ? Math.min(...due) : undefined;
      if (next === undefined || next > target) {
        this.clock.set(target);
        await this.net.settle();
        return;
      }
      if (next > this.clock.now()) this.clock.set(next);
      for (const w of this.wheels()) w.runDue();
    }
    throw new Error('advance: timers keep firing without time moving');
  }

  /** Moves the clock to an absolute time (ms epoch). */
  async advanceTo(at: number): Promise<void> {
    await this.advance(Math.max(0, at - this.clock.now()));
  }

  group(id = 7001): KsGroup { return this.ks.ks.groups.get(id)!; }
}

/** SEQ numbers a GM's log says it accepted, in order. */
export function acceptedSeqs(lines: string[]): number[] {
  return lines.filter((l) => l.includes('%GDOI-5-GM_RECV_REKEY')).map((l) => Number(/seq # (\d+)/.exec(l)![1]));
}

export function count(lines: string[], re: RegExp): number { return lines.filter((l) => re.test(l)).length; }
