/** The CSR as the approver must judge it: subject, names, key, signature, and the PEM itself. */
import type { RequestDetails } from '../api/types.js';

function keyText(key: Record<string, unknown>): string {
  const algorithm = String(key.algorithm ?? 'unknown');
  if (algorithm === 'rsa') return `RSA ${String(key.rsaBits ?? '?')} bits`;
  if (algorithm === 'ec') return `EC ${String(key.curve ?? '?')}`;
  if (algorithm === 'ed25519') return 'Ed25519';
  return algorithm;
}

export function CsrSection({ request }: { request: RequestDetails }) {
  const csr = request.csr;
  return (
    <section aria-labelledby="csr-title">
      <h2 id="csr-title">Certificate request</h2>
      {csr ? (
        <>
          <dl class="facts">
            <dt>Subject</dt>
            <dd>
              <code>{csr.subject || '(empty)'}</code>
            </dd>
            <dt>DNS names</dt>
            <dd>{request.dnsNames.length ? request.dnsNames.join(', ') : '—'}</dd>
            {request.ipAddresses.length ? (
              <>
                <dt>IP addresses</dt>
                <dd>{request.ipAddresses.join(', ')}</dd>
              </>
            ) : null}
            <dt>Key</dt>
            <dd>{keyText(csr.publicKey)}</dd>
            <dt>CSR signature</dt>
            <dd>{csr.signatureValid ? 'valid' : 'INVALID'}</dd>
          </dl>
          {request.subject !== csr.subject || request.dnsNames.join() !== csr.dnsNames.join() ? (
            <p class="hint">
              The request was edited: it asks for <code>{request.subject}</code> where the CSR said{' '}
              <code>{csr.subject || '(empty)'}</code>
              {csr.dnsNames.length ? ` with ${csr.dnsNames.join(', ')}` : ''}.
            </p>
          ) : null}
          <details>
            <summary>CSR (PEM)</summary>
            <pre class="pem">{csr.pem}</pre>
          </details>
        </>
      ) : (
        <p>An ACME account registration carries no CSR: approving it lets the account order certificates.</p>
      )}
    </section>
  );
}
