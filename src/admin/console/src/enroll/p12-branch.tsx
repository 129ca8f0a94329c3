/**
 * P12: certificate data (subject, DNS names), the server makes the key and issues; then the password
 * step. The password lives only in this component's state: never in storage, gone once the operator
 * moves on (Next) or leaves the page, and the API hands the file and its password out only once.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import {
  confirmInstallation,
  downloadP12,
  enrollP12,
  type EnrollmentResult,
  type P12Body,
} from '../api/enroll.js';
import { useFocusOnMount } from '../hooks/use-focus-on-mount.js';
import { Link, requestPath } from '../router.js';
import { EnrollError } from './enroll-error.js';
import { WaitingForApproval } from './enroll-outcome.js';
import type { EnrollTarget } from './p10-branch.js';
import { namesField } from './refusal.js';

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/** Hands the base64 DER to the browser as a file download, without keeping it anywhere. */
function saveFile(base64: string, fileName: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/x-pkcs12' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function PasswordStep({ requestId, onNext }: { requestId: string; onNext: () => void }) {
  const [password, setPassword] = useState<string | null>(null);
  const [encryption, setEncryption] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();

  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const d = await downloadP12(requestId);
      saveFile(d.pkcs12, d.fileName);
      setPassword(d.password);
      setEncryption(d.encryption);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="enroll-step" aria-labelledby="password-title">
      <h2 id="password-title" tabIndex={-1} ref={heading}>
        Password step
      </h2>
      <p>
        The certificate is issued. Download the PKCS#12 file: its password is shown here once and cannot be
        shown again, and the file can be downloaded only once.
      </p>
      <p>
        <button
          type="button"
          class="primary"
          disabled={busy || password !== null}
          onClick={() => void download()}
        >
          Download PKCS#12
        </button>
      </p>
      {error ? <EnrollError error={error} /> : null}
      {password !== null ? (
        <div class="password-box">
          <p id="p12-password-label">PKCS#12 password (shown once):</p>
          <p>
            <code class="password" aria-labelledby="p12-password-label" data-testid="p12-password">
              {password}
            </code>
          </p>
          {encryption ? <p class="hint">Encryption: {encryption}</p> : null}
        </div>
      ) : null}
      <div class="field field-check">
        <input
          id="confirm-password"
          type="checkbox"
          checked={confirmed}
          disabled={password === null}
          onChange={(e) => setConfirmed(e.currentTarget.checked)}
        />
        <label for="confirm-password">Confirm displayed password</label>
      </div>
      <p>
        <button type="button" class="primary" disabled={!confirmed} onClick={onNext}>
          Next
        </button>
      </p>
    </section>
  );
}

function InstallStep({ requestId }: { requestId: string }) {
  const [installedAt, setInstalledAt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      setInstalledAt((await confirmInstallation(requestId)).installedAt);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="enroll-step" aria-labelledby="install-title">
      <h2 id="install-title" tabIndex={-1} ref={heading}>
        Confirm installation
      </h2>
      {installedAt ? (
        <p class="notice" role="status">
          Installation confirmed.
        </p>
      ) : (
        <>
          <p>Install the PKCS#12 file on the asset, then confirm it here.</p>
          <p>
            <button type="button" class="primary" disabled={busy} onClick={() => void confirm()}>
              Confirm installation
            </button>
          </p>
        </>
      )}
      {error ? <EnrollError error={error} /> : null}
      <p>
        <Link to={requestPath(requestId)}>Open the request</Link>
      </p>
    </section>
  );
}

export function P12Branch({ target, onSubmitted }: { target: EnrollTarget; onSubmitted: () => void }) {
  const [subject, setSubject] = useState('');
  const [dnsNames, setDnsNames] = useState(target.dnsNames.join(', '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<EnrollmentResult | null>(null);
  const [step, setStep] = useState<'password' | 'install'>('password');

  const submit = async () => {
    setBusy(true);
    setError(null);
    const names = namesField(dnsNames);
    const body: P12Body = {
      profile: target.profile,
      assetId: target.assetId,
      ...(subject.trim() ? { subject: subject.trim() } : {}),
      ...(names.length > 0 ? { dnsNames: names.join(', ') } : {}),
    };
    try {
      setResult(await enrollP12(body));
      onSubmitted();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const id = result?.request?.id;
  if (result && id) {
    if (result.outcome === 'pending') return <WaitingForApproval result={result} />;
    return step === 'password' ? (
      <PasswordStep requestId={id} onNext={() => setStep('install')} />
    ) : (
      <InstallStep requestId={id} />
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
      <h2>Certificate data (P12)</h2>
      <p class="hint">The gateway generates the key as the profile's key policy says.</p>
      <div class="field">
        <label for="p12-subject">Subject (RFC 4514, e.g. CN=web-01.example.com)</label>
        <input
          id="p12-subject"
          type="text"
          value={subject}
          onInput={(e) => setSubject(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="p12-dns">DNS names (comma-separated)</label>
        <input
          id="p12-dns"
          type="text"
          value={dnsNames}
          onInput={(e) => setDnsNames(e.currentTarget.value)}
        />
      </div>
      <div aria-live="assertive">{error ? <EnrollError error={error} /> : null}</div>
      <p>
        <button type="submit" class="primary" disabled={busy}>
          Create certificate
        </button>
      </p>
    </form>
  );
}
