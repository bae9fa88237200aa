/** My phones: an end user's own phones only (GET /api/v1/me/devices): rename, set the login password, status. */
import { When, YesNo, macColon, modelName } from '../layout.js';
import type { MyDevice } from '../types.js';
import type { PageContext } from './context.js';

export async function myPage(ctx: PageContext) {
  const phones = (await ctx.api.get<{ items: MyDevice[] }>('/me/devices')).items;
  return (
    <div id="my-page">
      {phones.length === 0 ? (
        <p class="empty">No phone carries your extension yet. Ask your administrator to assign you one.</p>
      ) : (
        <div class="cards">
          {phones.map((p) => {
            const mac = macColon(p.mac);
            return (
              <section class="card phone" aria-labelledby={`phone-${p.mac}`} data-mac={p.mac}>
                <h2 id={`phone-${p.mac}`}>{p.name || mac}</h2>
                <dl class="facts">
                  <div>
                    <dt>MAC</dt>
                    <dd>
                      <code>{mac}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>Model</dt>
                    <dd>{modelName(p.vendor, p.model) || 'unknown'}</dd>
                  </div>
                  <div>
                    <dt>Extensions</dt>
                    <dd>{p.extensions.join(', ')}</dd>
                  </div>
                  <div>
                    <dt>Provisioned</dt>
                    <dd>
                      <YesNo value={p.provisioned} />
                    </dd>
                  </div>
                  <div>
                    <dt>Last provisioned</dt>
                    <dd>
                      <When at={p.last_provisioned_at} never="never" />
                    </dd>
                  </div>
                  <div>
                    <dt>Status</dt>
                    <dd>{p.pending ? 'Changes waiting for the phone to fetch its config' : 'Up to date'}</dd>
                  </div>
                </dl>
                <form data-api-form data-method="PATCH" data-action={`/api/v1/me/devices/${p.mac}`} data-flash="Phone renamed." class="inline-form">
                  <div class="field">
                    <label for={`name-${p.mac}`}>Name of this phone</label>
                    <input id={`name-${p.mac}`} name="name" value={p.name} maxlength={100} autocomplete="off" />
                  </div>
                  <p class="form-error" data-form-error role="alert"></p>
                  <button type="submit" class="primary">
                    Rename
                  </button>
                </form>
                <form data-api-form data-method="PATCH" data-action={`/api/v1/me/devices/${p.mac}`} data-flash="Login password set." class="inline-form">
                  <div class="field">
                    <label for={`pw-${p.mac}`}>Phone login password</label>
                    <p class="hint" id={`pw-${p.mac}-hint`}>
                      The password of the phone's own web interface. It reaches the phone the next time it fetches its config.
                    </p>
                    <input id={`pw-${p.mac}`} name="login_password" type="password" autocomplete="new-password" maxlength={64} aria-describedby={`pw-${p.mac}-hint`} required />
                  </div>
                  <p class="form-error" data-form-error role="alert"></p>
                  <button type="submit" class="secondary">
                    Set password
                  </button>
                </form>
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}
