// Resource records as plain data, shaped so dns-packet can encode them directly.

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

interface Base { name: string; ttl: number; class?: 'IN' }

export type RR =
  | (Base & { type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'NS'; data: string })
  | (Base & { type: 'SRV'; data: SrvData })
  | (Base & { type: 'TXT'; data: string[] })
  | (Base & { type: 'SOA'; data: SoaData });

/** Zone-file text, one record: `name. 5 IN A 10.96.0.1`. */
export function rrText(rr: RR): string {
  const d = rr.data;
  let text: string;
  switch (rr.type) {
    case 'SRV': { const s = rr.data; text = `${s.priority} ${s.weight} ${s.port} ${fq(s.target)}`; break; }
    case 'SOA': { const s = rr.data; text = `${fq(s.mname)} ${fq(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`; break; }
    case 'TXT': text = rr.data.map((t) => JSON.stringify(t)).join(' '); break;
    case 'A': case 'AAAA': text = String(d); break;
    default: text = fq(String(d));
  }
  return `${fq(rr.name)} ${rr.ttl} IN ${rr.type} ${text}`;
}

const fq = (n: string): string => (n.endsWith('.') ? n : `${n}.`);
