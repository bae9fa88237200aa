/** Phones the edges saw but the hub does not know, with the evidence, and one-click adopt. */
import { When, macColon } from '../layout.js';
import type { Discovered, Site } from '../types.js';
import type { PageContext } from './context.js';

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export async function discoveredPage(ctx: PageContext) {
  const [found, sites] = await Promise.all([ctx.api.get<{ items: Discovered[] }>('/discovered'), ctx.api.get<{ items: Site[] }>('/sites')]);
  const siteName = new Map(sites.items.map((s) => [s.id, s.name]));
  return (
    <div id="discovered-page">
      <p class="hint">
        Phones that asked an edge for a config the hub does not have (they got 404). Adopt one to add it to the site it was seen at; the edge serves it after the
        next sync.
      </p>
      {found.items.length === 0 ? (
        <p class="empty">No unknown phones have been seen.</p>
      ) : (
        <div class="table-wrap">
          <table class="responsive discovered">
            <caption class="vh">Discovered devices</caption>
            <thead>
              <tr>
                <th scope="col">MAC</th>
                <th scope="col">Site</th>
                <th scope="col">Last IP</th>
                <th scope="col">Evidence</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">
                  <span class="vh">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {found.items.map((d) => (
                <tr>
                  <th scope="row" data-label="MAC">
                    <code>{macColon(d.mac)}</code>
                  </th>
                  <td data-label="Site">{siteName.get(d.site_id) ?? d.site_id}</td>
                  <td data-label="Last IP">{d.ip ?? <span class="muted">—</span>}</td>
                  <td data-label="Evidence">
                    {Object.keys(d.evidence).length === 0 ? (
                      <span class="muted">none</span>
                    ) : (
                      <dl class="evidence">
                        {Object.entries(d.evidence).map(([k, v]) => (
                          <div>
                            <dt>{k.replace(/_/g, ' ')}</dt>
                            <dd>
                              <code>{show(v)}</code>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    )}
                  </td>
                  <td data-label="First seen">
                    <When at={d.first_seen} />
                  </td>
                  <td data-label="Last seen">
                    <When at={d.last_seen} />
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="primary"
                      data-api-post={`/api/v1/discovered/${d.mac}/adopt`}
                      data-flash={`Adopted ${macColon(d.mac)}; it is now in Device Management.`}
                      aria-label={`Adopt ${macColon(d.mac)}`}
                    >
                      Adopt
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
