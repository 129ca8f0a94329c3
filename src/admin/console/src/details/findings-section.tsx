/** What the profile's key and domain policy say about this request: which rule, which name. */
import type { RequestDetails } from '../api/types.js';

export function FindingsSection({ findings }: { findings: RequestDetails['findings'] }) {
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">Policy findings</h2>
      {findings.length === 0 ? (
        <p>None: the request meets the profile's key and domain policy.</p>
      ) : (
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Rule</th>
              <th scope="col">Name or key</th>
              <th scope="col">Finding</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f, i) => (
              <tr key={i}>
                <td>{f.policy}</td>
                <td>
                  <code>{f.rule}</code>
                </td>
                <td>{f.subject}</td>
                <td>{f.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
