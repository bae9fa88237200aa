/** Paths pino redacts in every log line: passwords, tokens and SIP credentials never reach journald. */
export const REDACT_PATHS = [
  'password', '*.password', '*.*.password', 'login_password', '*.login_password', 'prov_password', '*.prov_password',
  'token', '*.token', 'csrf_token', '*.csrf_token', 'authorization', '*.authorization', '*.headers.authorization',
  '*.headers.cookie', 'cookie', '*.cookie',
];
