/** The API's JSON as the console reads it: inferred from the API's own schemas where they are exported. */
import type { z } from '@hono/zod-openapi';
import type { Device as DeviceSchema, Site as SiteSchema, User as UserSchema, Template as TemplateSchema, FirewallRule as FirewallSchema } from '../api/schemas.js';
import type { Authenticated } from '../domain/auth.js';

export type Device = z.infer<typeof DeviceSchema>;
export type Site = z.infer<typeof SiteSchema>;
export type User = z.infer<typeof UserSchema>;
export type Template = z.infer<typeof TemplateSchema>;
export type FirewallRule = z.infer<typeof FirewallSchema>;

export interface DevicePage {
  items: Device[];
  total: number;
  page: number;
  per_page: number;
}

export interface MyDevice {
  mac: string;
  name: string;
  vendor: string | null;
  model: string | null;
  login_password: string;
  extensions: string[];
  provisioned: boolean;
  last_provisioned_at: string | null;
  pending: boolean;
}

export interface Discovered {
  site_id: number;
  mac: string;
  ip: string | null;
  evidence: Record<string, unknown>;
  first_seen: string;
  last_seen: string;
}

export type { AuditEntry } from '../domain/audit.js';

/** The signed-in caller of a console page. */
export interface ConsoleSession {
  /** The session cookie's value (the in-process API calls carry it). */
  token: string;
  auth: Authenticated;
}
