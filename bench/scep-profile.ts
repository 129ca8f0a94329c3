/**
 * Where the SCEP face's CPU goes: each PKIOperation phase timed with process.cpuUsage on pre-built
 * PKCSReq messages (AES-256, SHA-256, as the in-process benchmark sends), in-process on SQLite, no
 * HTTP; then whole PKIOperations including the core. For a profile of the server under load, run
 * `SCEP_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" bash bench/scep.sh`.
 *   npx tsx bench/scep-profile.ts [--n 300]
 */
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fromPem } from '../ca/pki/pem.js';
import { cipherByOid } from '../protocols/scep/crypto/algorithms.js';
import { ScepService } from '../protocols/scep/service.js';
import { certRep } from '../protocols/scep/wire/cert-rep.js';
import { openEnvelope, sealEnvelope } from '../protocols/scep/wire/envelope.js';
import { MessageType } from '../protocols/scep/wire/oids.js';
import { parsePkiMessage, verifyPkiMessage, type PkiMessage } from '../protocols/scep/wire/pki-message.js';
import { degenerate } from '../protocols/scep/wire/signed-data.js';
import { parseCsr } from '../src/core/csr/parse.js';
import { testCore } from '../test/helpers/core.js';
import { makeCsr } from '../test/helpers/pki.js';
import { must, pkiMessage, selfSignedSigner } from '../test/helpers/scep-client.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '300' } } });
const n = Math.min(Number(values.n), 2000);
const t = await testCore('sqlite');
const raKey = await t.ca.scepRa();
const service = new ScepService({
  core: t.core,
  ra: { certificatePem: raKey.certificatePem, privateKey: raKey.privateKey, chainPem: t.ca.caChain() },
});
const profile = await t.profile({}, 'bench');
await t.core.codes.create({
  profile,
  purpose: 'scep-challenge',
  secret: 'bench-secret',
  singleUse: false,
  actor: 'admin',
});

const keys = Array.from({ length: 8 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
const signers = keys.map((k) => selfSignedSigner(k));
const build = (i: number) =>
  pkiMessage({
    messageType: MessageType.PKCSReq,
    signer: must(signers[i % 8]),
    recipient: service.ra.certificate,
    content: makeCsr({ key: must(keys[i % 8]), subject: `CN=dev${i}`, challengePassword: 'bench-secret' })
      .der,
  }).der;
const messages = Array.from({ length: n }, (_, i) => build(i));
const parsed: PkiMessage[] = messages.map((m) => parsePkiMessage(m));
const opened = parsed.map((p) => openEnvelope(must(p.envelope), service.ra, () => true));
const aes = must(cipherByOid('2.16.840.1.101.3.4.1.42'));
const chainDer = t.ca.caChain().map((pem) => fromPem(pem, 'CERTIFICATE'));
const envelope = sealEnvelope(degenerate(chainDer), must(parsed[0]).signer, aes);

function report(label: string, cpu: NodeJS.CpuUsage, wallMs: number): void {
  const ms = (cpu.user + cpu.system) / 1000 / n;
  console.log(`${label.padEnd(30)} ${ms.toFixed(3)} ms CPU  ${(wallMs / n).toFixed(3)} ms wall`);
}

function time(label: string, fn: (i: number) => unknown): void {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  report(label, process.cpuUsage(cpu), performance.now() - start);
}

time('parsePkiMessage', (i) => parsePkiMessage(must(messages[i])));
time('verifyPkiMessage', (i) => verifyPkiMessage(must(parsed[i])));
time('openEnvelope', (i) => openEnvelope(must(must(parsed[i]).envelope), service.ra, () => true));
time('parseCsr', (i) => parseCsr(must(opened[i]).content));
time('sealEnvelope(degenerate)', (i) => sealEnvelope(degenerate(chainDer), must(parsed[i]).signer, aes));
time('certRep SUCCESS', (i) => {
  const m = must(parsed[i]);
  return certRep({
    signer: service.ra,
    digestOid: m.digestOid,
    transactionID: m.transactionID,
    recipientNonce: m.senderNonce,
    status: { pkiStatus: 'SUCCESS', envelope },
    now: new Date(),
  });
});

// Whole PKIOperations including the core (sequential, fresh transactionIDs).
const fresh = Array.from({ length: n }, (_, i) => build(i + n));
const cpu = process.cpuUsage();
const start = performance.now();
for (const m of fresh) await service.PKIOperation(profile, m);
report('PKIOperation (incl. core)', process.cpuUsage(cpu), performance.now() - start);
await t.cleanup();
