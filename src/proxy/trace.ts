// A packet-flow tracer over FakeNft's state (as kube-proxy's nftables
// helpers_test.go): walks a packet through the base chains in hook and priority
// order, interpreting kubesvc's rule dialect, and explores every `numgen`
// branch (a `numgen … map` DNAT, a `numgen random mod K 0` rule). It answers: which endpoints can this packet reach, is it
// masqueraded, or is it dropped or rejected. Unknown syntax throws, so the
// tracer never silently agrees with rules it does not understand.
import type { FakeTable } from '../nft/fake.js';
import type { Hook } from '../nft/objects.js';
import { ipNum } from './convert.js';

export interface TracePacket {
  sourceIP: string;
  destIP: string;
  destPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface Branch { verdict: Verdict; endpoint?: string; masq: boolean; affinityUpdates: string[] }

export interface TraceResult {
  verdict: Verdict | 'MIXED';
  /** Sorted `ip:port` DNAT targets over all branches. */
  endpoints: string[];
  /** Whether any accepted branch is masqueraded. */
  masq: boolean;
  branches: Branch[];
}

interface Pkt { saddr: string; daddr: string; dport: number; proto: string; mark: number; dnat?: string; masq: boolean; updates: string[] }
interface Res { pkt: Pkt; verdict?: 'accept' | 'drop' | 'reject' }

function inCIDR(ip: string, cidr: string): boolean {
  const [net, bits = '32'] = cidr.split('/');
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return ((ipNum(ip) & mask) >>> 0) === ((ipNum(net) & mask) >>> 0);
}

const tokenize = (rule: string): string[] => rule.match(/\{[^}]*\}|"[^"]*"|\S+/g) ?? [];
const listOf = (tok: string): string[] => (tok.startsWith('{') ? tok.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean) : [tok]);

export class Tracer {
  constructor(private readonly t: FakeTable, private readonly nodeIPs: string[]) {}

  trace(p: TracePacket): TraceResult {
    const start: Pkt = { saddr: p.sourceIP, daddr: p.destIP, dport: p.destPort, proto: p.protocol, mark: 0, masq: false, updates: [] };
    const local = this.isLocal(p.sourceIP);
    let states: Res[] = [{ pkt: start }];
    const hooks: Hook[] = local ? ['output'] : ['prerouting'];
    for (const h of hooks) states = this.hook(h, states);
    // Routing: to this node → input; elsewhere → forward (then postrouting).
    const after: Res[] = [];
    for (const s of states) {
      if (s.verdict && s.verdict !== 'accept') { after.push(s); continue; }
      const toLocal = this.isLocal(s.pkt.daddr);
      let next: Res[] = [{ pkt: s.pkt }];
      if (!local) next = this.hook(toLocal ? 'input' : 'forward', next);
      if (!toLocal) next = this.hook('postrouting', next);
      after.push(...next);
    }
    const branches: Branch[] = after.map((s) => ({
      verdict: s.verdict === 'drop' ? 'DROP' : s.verdict === 'reject' ? 'REJECT' : 'ACCEPT',
      ...(s.pkt.dnat ? { endpoint: s.pkt.dnat } : {}),
      masq: s.pkt.masq,
      affinityUpdates: s.pkt.updates,
    }));
    const verdicts = new Set(branches.map((b) => b.verdict));
    return {
      verdict: verdicts.size === 1 ? [...verdicts][0] : 'MIXED',
      endpoints: [...new Set(branches.filter((b) => b.verdict === 'ACCEPT' && b.endpoint).map((b) => b.endpoint!))].sort(),
      masq: branches.some((b) => b.verdict === 'ACCEPT' && b.masq),
      branches,
    };
  }

  private isLocal(ip: string): boolean { return this.nodeIPs.includes(ip) || inCIDR(ip, '127.0.0.0/8'); }

  /** Runs every base chain on `hook` in priority order; a final verdict stops the walk. */
  private hook(hook: Hook, states: Res[]): Res[] {
    const chains = [...this.t.chains.values()].filter((c) => c.base?.hook === hook).sort((a, b) => a.base!.priority - b.base!.priority);
    for (const c of chains) {
      const next: Res[] = [];
      for (const s of states) {
        if (s.verdict && s.verdict !== 'accept') { next.push(s); continue; }
        if (s.verdict === 'accept' && c.base!.type === 'nat' && s.pkt.dnat && hook !== 'postrouting') { next.push(s); continue; }
        for (const r of this.chain(c.name, { ...s.pkt, updates: [...s.pkt.updates] }, 0)) next.push({ pkt: r.pkt, verdict: r.verdict === 'drop' || r.verdict === 'reject' ? r.verdict : undefined });
      }
      states = next;
    }
    return states;
  }

  private chain(name: string, pkt: Pkt, depth: number): Res[] {
    if (depth > 32) throw new Error(`trace: chain depth exceeded at ${name}`);
    const c = this.t.chains.get(name);
    if (!c) throw new Error(`trace: no chain ${name}`);
    return this.rules(c.rules.map((r) => r.rule), 0, pkt, depth);
  }

  /** Evaluates rules[i..] on pkt; a branch without a verdict fell off the chain's end (or returned). */
  private rules(rules: string[], i: number, pkt: Pkt, depth: number): Res[] {
    for (; i < rules.length; i++) {
      const out = this.rule(tokenize(rules[i]), pkt, depth);
      if (out === undefined) continue;
      const res: Res[] = [];
      for (const o of out) {
        if (o.kind === 'continue') res.push(...this.rules(rules, i + 1, o.pkt, depth));
        else if (o.kind === 'return') res.push({ pkt: o.pkt });
        else res.push({ pkt: o.pkt, verdict: o.kind });
      }
      return res;
    }
    return [{ pkt }];
  }

  /** undefined: no match. Otherwise how each resulting branch continues. */
  private rule(tok: string[], pkt0: Pkt, depth: number): { kind: 'continue' | 'return' | 'accept' | 'drop' | 'reject'; pkt: Pkt }[] | undefined {
    const pkt = { ...pkt0, updates: [...pkt0.updates] };
    const verdict = (v: string, target: string | undefined, p: Pkt): { kind: 'continue' | 'return' | 'accept' | 'drop' | 'reject'; pkt: Pkt }[] => {
      if (v === 'drop' || v === 'accept') return [{ kind: v, pkt: p }];
      if (v === 'return') return [{ kind: 'return', pkt: p }];
      if (v !== 'jump' && v !== 'goto') throw new Error(`trace: verdict ${v}`);
      const sub = this.chain(target!, { ...p, updates: [...p.updates] }, depth + 1);
      return sub.map((s) => (s.verdict ? { kind: s.verdict, pkt: s.pkt } : { kind: v === 'jump' ? 'continue' : 'return', pkt: s.pkt }));
    };
    let k = 0;
    const field = (f: string): string | number => {
      switch (f) {
        case 'ip saddr': return pkt.saddr;
        case 'ip daddr': return pkt.daddr;
        case 'th dport': return pkt.dport;
        case 'meta l4proto': return pkt.proto;
        case `${pkt.proto} dport`: return pkt.dport;
        default: throw new Error(`trace: field ${f}`);
      }
    };
    const setHas = (name: string, key: string): boolean => {
      const s = this.t.sets.get(name);
      if (!s) throw new Error(`trace: no set ${name}`);
      return [...s.elements.keys()].some((e) => (e.includes('/') ? inCIDR(key, e) : e === key));
    };
    while (k < tok.length) {
      const t = tok[k];
      // The traced packet is a connection's first.
      if (t === 'ct' && tok[k + 1] === 'state' && tok[k + 2] === 'new') { k += 3; continue; }
      if (t === 'ct' && tok.slice(k, k + 4).join(' ') === 'ct state != new') return undefined;
      if (t === 'ct' && tok[k + 1] === 'status' && tok[k + 2] === 'dnat') { if (!pkt.dnat) return undefined; k += 3; continue; }
      if (t === 'fib' && tok.slice(k, k + 4).join(' ') === 'fib saddr type local') {
        if (!this.isLocal(pkt.saddr)) return undefined;
        k += 4;
        continue;
      }
      if (t === 'mark') {
        const s = tok.slice(k, k + 5).join(' ');
        let m: RegExpMatchArray | null;
        if ((m = /^mark and (0x[0-9a-f]+) == 0$/.exec(s))) { if ((pkt.mark & Number(m[1])) !== 0) return undefined; k += 5; continue; }
        if ((m = /^mark set mark (or|xor) (0x[0-9a-f]+)$/.exec(s))) { pkt.mark = m[1] === 'or' ? pkt.mark | Number(m[2]) : pkt.mark ^ Number(m[2]); k += 5; continue; }
        throw new Error(`trace: ${s}`);
      }
      if (t === 'masquerade') { pkt.masq = true; return [{ kind: 'accept', pkt }]; }
      if (t === 'reject') return [{ kind: 'reject', pkt }];
      if (t === 'update') {
        pkt.updates.push(tok[k + 1].slice(1));
        k += 3;
        continue;
      }
      if (t === 'dnat' && tok[k + 1] === 'to') {
        const [ip, port] = tok[k + 2].split(':');
        pkt.daddr = ip;
        pkt.dport = Number(port);
        pkt.dnat = tok[k + 2];
        return [{ kind: 'accept', pkt }];
      }
      // `dnat ip to <fields> . numgen random mod N map @m`: one branch per index; a missing element breaks the rule.
      if (t === 'dnat' && tok[k + 1] === 'ip' && tok[k + 2] === 'to') {
        k += 3;
        const parts: string[] = [];
        while (tok[k] !== 'numgen') {
          const two = `${tok[k]} ${tok[k + 1]}`;
          parts.push(String(field(two)));
          k += 2;
          if (tok[k] !== '.') throw new Error(`trace: cannot read ${tok.slice(k).join(' ')}`);
          k++;
        }
        if (tok[k + 1] !== 'random' || tok[k + 2] !== 'mod' || tok[k + 4] !== 'map') throw new Error(`trace: cannot read ${tok.slice(k).join(' ')}`);
        const m = this.t.sets.get(tok[k + 5].slice(1));
        if (!m) throw new Error(`trace: no map ${tok[k + 5]}`);
        const out: { kind: 'continue' | 'accept'; pkt: Pkt }[] = [];
        for (let i = 0; i < Number(tok[k + 3]); i++) {
          const e = m.elements.get([...parts, i].join(' . '));
          if (!e) { out.push({ kind: 'continue', pkt: pkt0 }); continue; }
          const [ip, port] = e.value!.split(' . ');
          out.push({ kind: 'accept', pkt: { ...pkt, daddr: ip, dport: Number(port), dnat: `${ip}:${port}`, updates: [...pkt.updates] } });
        }
        return out;
      }
      if (t === 'numgen' && tok[k + 4] === 'vmap') {
        const entries = listOf(tok[k + 5]).map((e) => e.split(' : ')[1].split(' '));
        return entries.flatMap(([v, target]) => verdict(v, target, pkt));
      }
      // `numgen random mod K V rest…`: matches in one branch (the rest decides), misses in the other.
      if (t === 'numgen' && tok[k + 1] === 'random' && tok[k + 2] === 'mod' && /^\d+$/.test(tok[k + 4] ?? '')) {
        const rest = this.rule(tok.slice(k + 5), pkt, depth) ?? [{ kind: 'continue' as const, pkt }];
        return Number(tok[k + 3]) === 1 ? rest : [...rest, { kind: 'continue', pkt }];
      }
      if (t === 'numgen') throw new Error(`trace: ${tok.slice(k).join(' ')}`);
      if (['drop', 'accept', 'return', 'jump', 'goto'].includes(t)) return verdict(t, tok[k + 1], pkt);
      // Selectors: `a . b . c vmap @m`, `sel @set`, `sel [!=] value`.
      const fields: string[] = [];
      while (true) {
        const two = `${tok[k]} ${tok[k + 1]}`;
        if (!['ip saddr', 'ip daddr', 'th dport', 'meta l4proto'].includes(two)) throw new Error(`trace: cannot read ${tok.slice(k).join(' ')}`);
        fields.push(two);
        k += 2;
        if (tok[k] !== '.') break;
        k++;
      }
      const key = fields.map((f) => String(field(f))).join(' . ');
      if (tok[k] === 'vmap') {
        const m = this.t.sets.get(tok[k + 1].slice(1));
        if (!m) throw new Error(`trace: no map ${tok[k + 1]}`);
        const e = m.elements.get(key);
        if (!e) return undefined;
        const [v, target] = e.value!.split(' ');
        return verdict(v, target, pkt);
      }
      const neg = tok[k] === '!=';
      if (neg) k++;
      const val = tok[k++];
      let match: boolean;
      if (val.startsWith('@')) match = setHas(val.slice(1), key);
      else match = listOf(val).some((v) => (fields[0].startsWith('ip ') ? inCIDR(key, v) : v === key));
      if (match === neg) return undefined;
    }
    return [{ kind: 'continue', pkt }];
  }
}
