/** The issued certificate's serial and its downloads in the four formats of the API. */
import { certificateUrl } from '../api/requests.js';
import type { RequestDetails } from '../api/types.js';

const formats = [
  ['pem', 'PEM'],
  ['der', 'DER'],
  ['p7b', 'PKCS#7 (with chain)'],
  ['chain', 'PEM chain'],
] as const;

export function CertificateSection({ request }: { request: RequestDetails }) {
  if (request.kind !== 'certificate') return null;
  return (
    <section aria-labelledby="certificate-title">
      <h2 id="certificate-title">Certificate</h2>
      {request.certificateSerial ? (
        <>
          <p>
            Serial number <code>{request.certificateSerial}</code>
          </p>
          <ul class="downloads">
            {formats.map(([format, label]) => (
              <li key={format}>
                <a href={certificateUrl(request.id, format)} download>
                  Download {label}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>No certificate: the request is {request.status}.</p>
      )}
    </section>
  );
}
