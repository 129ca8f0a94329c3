/**
 * Enroll profile (the Smart ID page): start from an active profile, or from an asset whose DNS names
 * are prefilled, pick P10 (the operator's CSR) or P12 (a key made by the gateway), and follow the branch.
 */
import { useState } from 'preact/hooks';
import { listActiveAssets, listActiveProfiles } from '../api/enroll.js';
import { ErrorMessage, Loading } from '../components/error-message.js';
import { P10Branch } from '../enroll/p10-branch.js';
import { P12Branch } from '../enroll/p12-branch.js';
import { canEnroll } from '../enroll/can-enroll.js';
import type { Viewer } from '../enrollments/available-actions.js';
import { useResource } from '../hooks/use-resource.js';

type Method = 'p10' | 'p12';

export function EnrollPage({ viewer }: { viewer: Viewer }) {
  if (!canEnroll(viewer.role)) {
    return (
      <>
        <h1 tabIndex={-1}>Enroll profile</h1>
        <p class="notice">
          Your role ({viewer.role}) does not enrol certificates: an admin or an operator does.
        </p>
      </>
    );
  }
  return <EnrollForm />;
}

function EnrollForm() {
  const profiles = useResource(listActiveProfiles, []);
  const assets = useResource(listActiveAssets, []);
  const [profileId, setProfileId] = useState('');
  const [assetId, setAssetId] = useState('');
  const [method, setMethod] = useState<Method>('p10');
  // Once a request is made the start choices are locked: changing them would drop the step under way
  // (and with it a P12 password that cannot be shown again). "Start another enrollment" begins afresh.
  const [submitted, setSubmitted] = useState(false);
  const [round, setRound] = useState(0);
  const onSubmitted = () => setSubmitted(true);

  const profile = profiles.data?.find((p) => p.id === profileId);
  const asset = assets.data?.find((a) => a.id === assetId);
  const methods = (['p10', 'p12'] as const).filter((m) => !profile || profile.protocols.includes(m));
  const chosen = methods.includes(method) ? method : methods[0];

  const error = profiles.error ?? assets.error;
  return (
    <>
      <h1 tabIndex={-1}>Enroll profile</h1>
      {error ? (
        <ErrorMessage error={error}>
          <button
            type="button"
            onClick={() => {
              void profiles.reload();
              void assets.reload();
            }}
          >
            Retry
          </button>
        </ErrorMessage>
      ) : null}
      {profiles.loading || assets.loading ? <Loading what="profiles and assets" /> : null}
      <div class="filters enroll-start">
        <div class="field">
          <label for="enroll-asset">Asset (optional: its DNS names are prefilled)</label>
          <select
            id="enroll-asset"
            value={assetId}
            disabled={submitted}
            onChange={(e) => setAssetId(e.currentTarget.value)}
          >
            <option value="">No asset</option>
            {(assets.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.dnsNames.length > 0 ? ` (${a.dnsNames.join(', ')})` : ''}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="enroll-profile">Profile</label>
          <select
            id="enroll-profile"
            value={profileId}
            disabled={submitted}
            onChange={(e) => setProfileId(e.currentTarget.value)}
          >
            <option value="">Choose an active profile</option>
            {(profiles.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {profile ? (
          <fieldset class="field methods">
            <legend>Enrollment method</legend>
            {methods.map((m) => (
              <label key={m}>
                <input
                  type="radio"
                  name="enroll-method"
                  value={m}
                  checked={chosen === m}
                  disabled={submitted}
                  onChange={() => setMethod(m)}
                />{' '}
                {m === 'p10' ? 'P10: upload a CSR' : 'P12: the gateway makes the key'}
              </label>
            ))}
          </fieldset>
        ) : null}
        {submitted ? (
          <button
            type="button"
            onClick={() => {
              setSubmitted(false);
              setRound((r) => r + 1);
            }}
          >
            Start another enrollment
          </button>
        ) : null}
      </div>
      {profile && chosen ? (
        profile.approval.required ? (
          <p class="hint">This profile requires approval before the certificate is issued.</p>
        ) : null
      ) : null}
      {profile && chosen === 'p10' ? (
        <P10Branch
          key={`p10:${profile.id}:${assetId}:${round}`}
          onSubmitted={onSubmitted}
          target={{ profile: profile.id, assetId: asset?.id ?? null, dnsNames: asset?.dnsNames ?? [] }}
        />
      ) : null}
      {profile && chosen === 'p12' ? (
        <P12Branch
          key={`p12:${profile.id}:${assetId}:${round}`}
          onSubmitted={onSubmitted}
          target={{ profile: profile.id, assetId: asset?.id ?? null, dnsNames: asset?.dnsNames ?? [] }}
        />
      ) : null}
      {profiles.data && profiles.data.length === 0 ? (
        <p class="empty">No active profile: an admin activates one first.</p>
      ) : null}
    </>
  );
}
