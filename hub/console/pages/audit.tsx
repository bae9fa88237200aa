/** The audit log: who changed what, when, before and after (secrets masked by the hub). */
import { query } from '../api.js';
import { Pager, When } from '../layout.js';
import type { AuditEntry } from '../types.js';
import { intParam, withParams, type PageContext } from './context.js';

export async function auditPage(ctx: PageContext) {
  const u = ctx.url;
  const actor = (u.searchParams.get('actor') ?? '').slice(0, 64);
  const action = (u.searchParams.get('action') ?? '').slice(0, 64);
  const target = (u.searchParams.get('target_id') ?? '').slice(0, 64);
  const page = intParam(u, 'page', 1);
  const perPage = 50;
  const log = await ctx.api.get<{ items: AuditEntry[]; total: number }>(
    `/audit${query({ actor, action, target_id: target, page, per_page: perPage })}`,
  );
  return (
    <div id="audit-page">
      <form class="search" method="get" action="/console/audit" role="search">
        <div class="field">
          <label for="audit-actor">Who</label>
          <input id="audit-actor" name="actor" value={actor} placeholder="username" />
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <input id="audit-action" name="action" value={action} placeholder="device.remove, or device. for all" aria-describedby="audit-action-hint" />
          <p class="vh" id="audit-action-hint">
            Ending in a dot matches every action of that kind.
          </p>
        </div>
        <div class="field">
          <label for="audit-target">Target</label>
          <input id="audit-target" name="target_id" value={target} placeholder="e.g. 001565aabbcc" />
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {log.items.length === 0 ? (
        <p class="empty">No entries.</p>
      ) : (
        <div class="table-wrap">
          <table class="responsive audit">
            <caption class="vh">Audit log, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((e) => (
                <tr>
                  <td data-label="When">
                    <When at={e.at} />
                  </td>
                  <td data-label="Who">
                    {e.actor} <span class="muted">({e.actor_role})</span>
                  </td>
                  <th scope="row" data-label="Action">
                    <code>{e.action}</code>
                  </th>
                  <td data-label="Target">
                    {e.target_type} <code>{e.target_id}</code>
                  </td>
                  <td data-label="Change">
                    {e.before === null && e.after === null ? (
                      <span class="muted">—</span>
                    ) : (
                      <details>
                        <summary>before / after</summary>
                        {e.before !== null ? (
                          <>
                            <h3 class="small">Before</h3>
                            <pre>{JSON.stringify(e.before, null, 2)}</pre>
                          </>
                        ) : null}
                        {e.after !== null ? (
                          <>
                            <h3 class="small">After</h3>
                            <pre>{JSON.stringify(e.after, null, 2)}</pre>
                          </>
                        ) : null}
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} perPage={perPage} total={log.total} href={(p) => withParams(u, { page: p === 1 ? undefined : p })} label="Audit log pages" />
    </div>
  );
}
