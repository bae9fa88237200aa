/** Domain types both roles share (DESIGN §3). JSON field names are snake_case on purpose: they are the API. */

export const MAX_USERS_PER_DEVICE = 6;
export const DEFAULT_PROVISION_LIMIT = 1;
export const DEFAULT_SESSION_WINDOW_S = 600;

export type Engine = 'default' | 'freemarker';
export const ENGINES: readonly Engine[] = ['default', 'freemarker'];

export type Transport = 'udp' | 'tcp' | 'tls';
export const TRANSPORTS: readonly Transport[] = ['udp', 'tcp', 'tls'];

export type ProvisionMode = 'fqdn' | 'public_ip';

export type DhcpMode = 'off' | 'full' | 'known-only';

export type Role = 'admin' | 'user';

/** A fixed address for one MAC (it may lie outside the dynamic pool, inside the pool's network). */
export interface DhcpReservation {
  mac: string;
  ip: string;
  /** Sent as option 12. */
  hostname?: string | null;
}

/** A further pool for phones behind a DHCP relay (chosen by the relay's giaddr). */
export interface DhcpRelayPool {
  pool_start: string;
  pool_end: string;
  subnet_mask?: string | null;
  router?: string | null;
}

/**
 * The edge DHCP server's settings. The fields after `lease_time_s` are optional so sites stored
 * before them stay valid; the edge applies their defaults (daemon/dhcp/config.ts).
 */
export interface DhcpSettings {
  mode: DhcpMode;
  pool_start: string | null;
  pool_end: string | null;
  router: string | null;
  dns: string[];
  lease_time_s: number;
  /** Default: the network holding the pool, the router and the edge, at most a /24. */
  subnet_mask?: string | null;
  /** Option 15. */
  domain_name?: string | null;
  reservations?: DhcpReservation[];
  relay_pools?: DhcpRelayPool[];
  /**
   * Option values for every client that asks (option 55) or whose vendor profile sends the code, by
   * code: addresses comma-separated for address options (3, 6, 42, 150…), a number for 2, text for
   * the rest, `hex:0a0b…` for raw bytes, `""` to send nothing.
   */
  options?: Record<string, string>;
  /** Per vendor profile id (`yealink`, `poly`…): option values by code, always sent to that vendor's phones. */
  vendor_options?: Record<string, Record<string, string>>;
}

export interface Site {
  id: number;
  name: string;
  timezone: string;
  ntp_server: string;
  provision_mode: ProvisionMode;
  fqdn: string | null;
  public_ip: string | null;
  edge_lan_ip: string | null;
  edge_http_port: number;
  edge_https_port: number | null;
  edge_tftp_port: number;
  sip_port: number;
  sip_transport: Transport;
  rtp_port_min: number;
  rtp_port_max: number;
  provision_limit: number;
  dhcp: DhcpSettings;
}

export interface SipAccount {
  id: number;
  user_id: number;
  username: string;
  auth_username: string;
  password: string;
  /** null: the site's SIP host for its provision mode. */
  server: string | null;
  /** null: the site's SIP port. */
  port: number | null;
  transport: Transport;
  outbound_proxy: string | null;
  label: string;
}

export interface User {
  id: number;
  extension: string;
  display_name: string;
  ip_phone_license: boolean;
  username: string | null;
}

/** One SIP line as a template sees it: an extension's SIP account resolved against the site. */
export interface Line {
  index: number;
  extension: string;
  display_name: string;
  label: string;
  username: string;
  auth_username: string;
  password: string;
  server: string;
  port: number;
  transport: Transport;
  outbound_proxy: string;
}
