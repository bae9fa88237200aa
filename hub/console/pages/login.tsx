/** The sign-in page (a plain form: it works without JavaScript). */
export function LoginForm(props: { csrf: string; next: string; username?: string; error?: string }) {
  return (
    <form method="post" action="/console/login" class="card login" id="login-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="next" value={props.next} />
      {props.error ? (
        <p class="form-error" id="login-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="field">
        <label for="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autocomplete="username"
          value={props.username ?? ''}
          required
          autofocus
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'login-error' : undefined}
        />
      </div>
      <div class="field">
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'login-error' : undefined} />
      </div>
      <button type="submit" class="primary">
        Sign in
      </button>
    </form>
  );
}
