/** The audit trail of this request (and of its certificate), oldest first. */
import type { AuditEvent } from '../api/types.js';
import { Time } from '../components/time.js';

function dataText(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

export function AuditSection({ events }: { events: AuditEvent[] }) {
  return (
    <section aria-labelledby="audit-title" id="audit" tabIndex={-1}>
      <h2 id="audit-title">Audit trail</h2>
      {events.length === 0 ? (
        <p>No events.</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Audit trail">
          <table class="compact audit">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td class="audit-data">{dataText(e.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
