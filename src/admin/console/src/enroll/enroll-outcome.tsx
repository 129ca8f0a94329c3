/** Where a submitted enrolment ended: waiting for approval (with its request page) or issued. */
import type { EnrollmentResult } from '../api/enroll.js';
import { certificateUrl } from '../api/requests.js';
import { useFocusOnMount } from '../hooks/use-focus-on-mount.js';
import { Link, requestPath } from '../router.js';

const formats = [
  ['pem', 'PEM'],
  ['der', 'DER'],
  ['p7b', 'PKCS#7 (with chain)'],
  ['chain', 'PEM chain'],
] as const;

export function WaitingForApproval({ result }: { result: EnrollmentResult }) {
  const id = result.request?.id;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section class="notice" aria-labelledby="waiting-title">
      <h2 id="waiting-title" tabIndex={-1} ref={heading}>
        Waiting for approval
      </h2>
      <p>
        The profile requires approval
        {result.approvalsNeeded ? ` (${result.approvalsNeeded} needed)` : ''}: the certificate is issued once
        the request is approved.
      </p>
      {id ? (
        <p>
          <Link to={requestPath(id)}>Open the request</Link>
        </p>
      ) : null}
    </section>
  );
}

export function IssuedCertificate({ result }: { result: EnrollmentResult }) {
  const id = result.request?.id;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  if (!id) return null;
  return (
    <section class="notice" aria-labelledby="issued-title">
      <h2 id="issued-title" tabIndex={-1} ref={heading}>
        Certificate issued
      </h2>
      {result.certificate ? (
        <p>
          Serial number <code>{result.certificate.serialNumber}</code>
        </p>
      ) : null}
      <ul class="downloads">
        {formats.map(([format, label]) => (
          <li key={format}>
            <a href={certificateUrl(id, format)} download>
              Download {label}
            </a>
          </li>
        ))}
      </ul>
      <p>
        <Link to={requestPath(id)}>Open the request</Link>
      </p>
    </section>
  );
}
