/**
 * Local CA issuance cost in-process: CSR → signed certificate, per CA key type. Bounded: N issuances
 * after a warm-up. Run with `npx tsx bench/ca-issuance.ts [N]`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LocalCa } from '../ca/local/local-ca.js';
import { MemoryCaStore } from '../test/helpers/pki.js';
import { buildCsr } from '../src/core/csr/build.js';
import { parseCsr } from '../src/core/csr/parse.js';

const n = Number(process.argv[2] ?? 2000);
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const csrDer = buildCsr({
  ...keys,
  subject: 'CN=bench.example',
  dnsNames: ['bench.example', 'www.bench.example'],
});

for (const keyAlgorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'] as const) {
  const ca = await LocalCa.open({
    store: new MemoryCaStore(),
    passphrase: 'bench',
    keyAlgorithm,
    rootValidityDays: 3650,
    issuingValidityDays: 1825,
    crlValidityHours: 24,
    crlUrl: 'http://localhost:8080/crl/issuing.crl',
    caIssuersUrl: 'http://localhost:8080/ca/issuing.crt',
  });
  const template = () => {
    const notBefore = new Date();
    return {
      dnsNames: ['bench.example', 'www.bench.example'],
      ipAddresses: [],
      notBefore,
      notAfter: new Date(notBefore.getTime() + 90 * 86_400_000),
      keyUsage: ['digitalSignature' as const],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    };
  };
  for (let i = 0; i < 200; i++) await ca.issue({ csrDer, template: template() });
  const start = performance.now();
  for (let i = 0; i < n; i++) await ca.issue({ csrDer, template: template() });
  const issueMs = (performance.now() - start) / n;
  const parseStart = performance.now();
  for (let i = 0; i < n; i++) parseCsr(csrDer);
  const parseMs = (performance.now() - parseStart) / n;
  console.log(
    `${keyAlgorithm} CA: ${issueMs.toFixed(3)} ms per issuance, CSR parse+verify ${parseMs.toFixed(3)} ms (n=${n})`,
  );
}
