import { readFileSync } from 'node:fs';
import { JwtService } from '@nestjs/jwt';
import { birthApplication } from '../apps/registry-api/src/test-support/birth-application';
import { birthsAcrossTheCountry } from './register-birth/births-across-the-country';
import { loadAtRate } from './shared/open-loop';
const [pid, rate, seconds] = process.argv.slice(2).map(Number);
const secret = process.env.REGISTRY_JWT_SECRET!;
const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({ sub: 'b', roles: ['officer'], office: '001' });
const ticks = (path: string) => { const f = readFileSync(path, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const cpu = () => ticks(`/proc/${pid}/stat`);
const mainCpu = () => ticks(`/proc/${pid}/task/${pid}/stat`);
(async () => {
  const before = cpu(); const mainBefore = mainCpu();
  const r = await loadAtRate('http://127.0.0.1:3999', () => '/v1/births', { rate, seconds, connections: 32, method: 'POST',
    body: JSON.stringify(birthApplication()), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, variant: birthsAcrossTheCountry(secret) });
  const used = cpu() - before; const mainUsed = mainCpu() - mainBefore;
  console.log(`rate ${rate}/s: ${r.requests} answers, errors ${r.errors}, p50 ${r.p50} p99 ${r.p99}; server CPU ${(used * 1e6 / r.requests).toFixed(0)} µs/birth, ${(used / seconds * 100).toFixed(0)}% of a core; main thread ${(mainUsed * 1e6 / r.requests).toFixed(0)} µs/birth`);
})();
