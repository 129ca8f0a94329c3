/**
 * P10: the operator brings a CSR (file or paste), the API's parsed view of it (a dry run: subject,
 * names, policy findings, what would happen), edits subject and DNS names, and submits.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { enrollP10, type EnrollmentResult, type P10Body } from '../api/enroll.js';
import { EnrollError } from './enroll-error.js';
import { IssuedCertificate, WaitingForApproval } from './enroll-outcome.js';
import { namesField } from './refusal.js';

export interface EnrollTarget {
  profile: string;
  assetId: string | null;
  /** The asset's names, prefilled into the DNS names field. */
  dnsNames: string[];
}

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

function ParsedView({ parsed }: { parsed: EnrollmentResult }) {
  const names = parsed.names;
  return (
    <section aria-labelledby="parsed-title" class="enroll-step">
      <h3 id="parsed-title">The CSR as the gateway reads it</h3>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>{names?.subject || '(empty)'}</dd>
        <dt>DNS names</dt>
        <dd>{names?.dnsNames.join(', ') || '(none)'}</dd>
        <dt>IP addresses</dt>
        <dd>{names?.ipAddresses.join(', ') || '(none)'}</dd>
        <dt>Would be</dt>
        <dd>{parsed.wouldBe ?? '—'}</dd>
      </dl>
      {parsed.findings && parsed.findings.length > 0 ? (
        <ul class="findings">
          {parsed.findings.map((f, i) => (
            <li key={i}>
              <code>{f.rule}</code> ({f.policy} policy) {f.subject}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function P10Branch({ target, onSubmitted }: { target: EnrollTarget; onSubmitted: () => void }) {
  const [csr, setCsr] = useState('');
  const [parsed, setParsed] = useState<EnrollmentResult | null>(null);
  const [subject, setSubject] = useState('');
  const [dnsNames, setDnsNames] = useState(target.dnsNames.join(', '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<EnrollmentResult | null>(null);

  const body = (dryRun: boolean): P10Body => {
    const names = namesField(dnsNames);
    return {
      profile: target.profile,
      assetId: target.assetId,
      csr,
      ...(subject.trim() ? { subject: subject.trim() } : {}),
      ...(names.length > 0 ? { dnsNames: names.join(', ') } : {}),
      ...(dryRun ? { dryRun } : {}),
    };
  };

  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      // The CSR alone, as it came: the edits start from what the gateway read in it.
      const view = await enrollP10({ profile: target.profile, assetId: target.assetId, csr, dryRun: true });
      setParsed(view);
      if (!subject && view.names) setSubject(view.names.subject);
      if (!dnsNames && view.names) setDnsNames(view.names.dnsNames.join(', '));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await enrollP10(body(false)));
      onSubmitted();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return result.outcome === 'pending' ? (
      <WaitingForApproval result={result} />
    ) : (
      <IssuedCertificate result={result} />
    );
  }

  return (
    <form
      class="enroll-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Certificate request (P10)</h2>
      <div class="field">
        <label for="csr-file">Upload a CSR file</label>
        <input
          id="csr-file"
          type="file"
          accept=".csr,.pem,.req,.p10,.txt"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void file.text().then(setCsr);
          }}
        />
      </div>
      <div class="field">
        <label for="csr-text">CSR (PEM, or DER in base64)</label>
        <textarea
          id="csr-text"
          rows={8}
          spellcheck={false}
          value={csr}
          onInput={(e) => setCsr(e.currentTarget.value)}
        />
      </div>
      <p>
        <button type="button" disabled={busy || csr.trim() === ''} onClick={() => void check()}>
          Read CSR
        </button>
      </p>
      {parsed ? <ParsedView parsed={parsed} /> : null}
      <div class="field">
        <label for="p10-subject">Subject (RFC 4514; empty keeps the CSR's)</label>
        <input
          id="p10-subject"
          type="text"
          value={subject}
          onInput={(e) => setSubject(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="p10-dns">DNS names (comma-separated; empty keeps the CSR's)</label>
        <input
          id="p10-dns"
          type="text"
          value={dnsNames}
          onInput={(e) => setDnsNames(e.currentTarget.value)}
        />
      </div>
      <div aria-live="assertive">{error ? <EnrollError error={error} /> : null}</div>
      <p>
        <button type="submit" class="primary" disabled={busy || csr.trim() === ''}>
          Submit request
        </button>
      </p>
    </form>
  );
}
