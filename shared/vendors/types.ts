/**
 * The shape of a vendor profile. Profiles are data: what a family's phones ask for, how they
 * name themselves, what they read from DHCP and which sample template answers each file. The
 * functions in index.ts interpret them; nothing here does I/O.
 *
 * Every fact comes from ../shared/reference/phones.md. A field or key marked `unverified` is the
 * best-known value where the reference marks it (unverified) or has a gap; a packet capture must
 * confirm it before we rely on it.
 */

export type VendorId =
  | 'yealink' | 'poly' | 'grandstream' | 'cisco' | 'cisco-sep' | 'snom' | 'fanvil' | 'mitel' | 'htek' | 'gigaset';

/**
 * What a requested file is (DESIGN §5):
 * - `device`: the per-phone configuration (SIP accounts, secrets); served by the provision counter's rules.
 * - `common`: a file every phone of a model or site asks for, without secrets.
 * - `boot`: a file that only points the phone at further files (Yealink `.boot`, Poly master config,
 *   Cisco model file, Snom setting-file container).
 * - `firmware`: an image or firmware descriptor (never rendered from a template).
 * - `upload`: a file the phone writes (HTTP PUT / TFTP WRQ) — logs, local overrides. A GET for it is a
 *   normal 404.
 */
export type FileKind = 'device' | 'common' | 'boot' | 'firmware' | 'upload';
export const FILE_KINDS: readonly FileKind[] = ['device', 'common', 'boot', 'firmware', 'upload'];

/** The case a family writes MAC addresses in when it names files. */
export type MacCase = 'lower' | 'upper';

/** The file formats the checkers in ./formats understand. */
export type FormatId =
  | 'yealink-cfg' // key = value with the #!version:1.0.0.1 header
  | 'yealink-boot' // #!version header + include:config lines
  | 'poly-cfg' // XML, every setting an attribute
  | 'poly-master' // XML <APPLICATION CONFIG_FILES="…"/>
  | 'grandstream-xml' // <gs_provision><config><Pnnn>
  | 'cisco-flat' // <flat-profile><Param_N_>
  | 'cisco-sep-xml' // <device> (CUCM SEP<MAC>.cnf.xml)
  | 'snom-xml' // <settings><phone-settings>
  | 'snom-container' // <setting-files><file url="…"/>
  | 'fanvil-xml' // <sysConf> (new firmware)
  | 'mitel-cfg' // key: value
  | 'htek-xml' // <hl_provision><config><Pnnn para="…">
  | 'gigaset-xml'; // <provisioning><nvm><param name value/>

/** A file name a family requests, and how we answer it. */
export interface FilePattern {
  /** The name as the reference writes it, e.g. `<mac>.cfg`, `SEP<MAC>.cnf.xml`. */
  name: string;
  /**
   * The file name (optionally with the directories the phone itself adds, like Cisco's
   * `Cisco/CP-8851-3PCC/`) as a regular-expression source, without anchors. Named groups:
   * `mac` (12 hex digits), `model` (a model token), `hw` (Yealink hardware id). Any leading
   * directories (`Grandstream/`, `Aastra/`, `secure/`) are accepted in front of it.
   */
  pattern: string;
  /**
   * The model the name reveals, from its named groups; default: the `model` group as written.
   * The resolver then canonicalises it with matchModel.
   */
  model?: (groups: Readonly<Record<string, string | undefined>>) => string | undefined;
  /** Match letters case-insensitively (for names whose case varies, not for the MAC). */
  ignoreCase?: boolean;
  kind: FileKind;
  /**
   * The case the phone writes the MAC in. Both all-lower and all-upper are accepted
   * (reference: "Serve both cases"); mixed case is not a MAC a phone sends and is refused.
   */
  macCase?: MacCase;
  /**
   * The sample that renders the file: `templates/<vendor>/<template>.tpl|.ftl`. Absent: we have
   * nothing to serve (firmware, uploads, optional files) — the daemon answers 404.
   */
  template?: string;
  /** A 404 is normal for this file: the phone goes on without it. */
  optional?: boolean;
  /** The HTTP Content-Type when we serve it. */
  contentType: string;
  /** Why the pattern exists or what is uncertain about it. */
  note?: string;
  unverified?: boolean;
}

/** A sample template a profile ships (both engines: `<name>.tpl` and `<name>.ftl`). */
export interface SampleTemplate {
  /** File base name under templates/<vendor>/ (`device`, `common`, `boot`). */
  name: string;
  kind: FileKind;
  format: FormatId;
  /** Lines written out in the Default (`.tpl`) sample, which cannot loop. 0 for files without accounts. */
  defaultLines: number;
  /** The file names it answers, for people. */
  serves: string;
  /**
   * Account fields the Default (`.tpl`) sample leaves out although the format has them — the
   * Default engine cannot map a value to the vendor's code (transport udp/tcp/tls → 0/1/2).
   */
  defaultOmits?: readonly ('transport' | 'label')[];
}

/** One rule of the User-Agent parser. */
export interface UserAgentRule {
  /** Named groups: `model`, `fw`, `mac` (any notation), `rest` (searched for a MAC). */
  re: RegExp;
  /** Brand-less User-Agents are only believed when the MAC they carry has one of the vendor's OUIs. */
  requireOui?: boolean;
  /** Turns the raw model token into the name we store (`SIP-T46S` → `T46S`). */
  model?: (raw: string) => string;
  /** The real string this rule was written for (from the reference). */
  example: string;
}

/** A DHCP option 60 (vendor class identifier) rule. */
export interface VendorClassRule {
  re: RegExp;
  model?: (raw: string) => string;
  example: string;
  unverified?: boolean;
}

/**
 * One DHCP option the edge offers to the family. `url`: `http(s)://host[:port]/` plus `path`;
 * `host`: the bare host or IP (the phone then uses TFTP); `ip-list`: IPv4 addresses (option 150);
 * `ntp`: NTP server addresses (option 42); `time-offset`: seconds east of UTC (option 2);
 * `vendor-specific`: option 43 sub-options, described in `note`.
 */
export interface DhcpOffer {
  code: number;
  value: 'url' | 'host' | 'ip-list' | 'ntp' | 'time-offset' | 'vendor-specific';
  /** Appended to the URL's `/` for `url` values. */
  path?: string;
  note?: string;
  unverified?: boolean;
}

export interface DhcpProfile {
  /** Options the family is documented to read (besides the basics 1, 3, 6, 15, 51). */
  reads: readonly number[];
  /** What the edge's DHCP server should send, most preferred by the phone first. */
  offer: readonly DhcpOffer[];
  note?: string;
}

export interface ModelProfile {
  /** Canonical model name, as the vendor prints it (e.g. `T46S`, `VVX 411`). */
  name: string;
  /** SIP accounts (lines) the model can register. */
  lines: number;
}

export interface VendorProfile {
  id: VendorId;
  name: string;
  /** OUIs as 6 lower-case hex digits. Empty when the family shares its parent's (`ouiFamily`). */
  ouis: readonly string[];
  /** A family that uses another profile's OUIs (Cisco enterprise firmware runs on Cisco hardware). */
  ouiFamily?: VendorId;
  /** Words that may precede a model name in an import (`Yealink T46S`, `SIP-T46S`). */
  modelPrefixes: readonly string[];
  /** Words that may follow a model name (`CP-8851-3PCC`). */
  modelSuffixes?: readonly string[];
  /** Models whose SIP account count the reference gives. Others are kept as typed, with a warning. */
  models: readonly ModelProfile[];
  /** The case the family writes MACs in file names. */
  macCase: MacCase;
  files: readonly FilePattern[];
  templates: readonly SampleTemplate[];
  userAgents: readonly UserAgentRule[];
  vendorClass: readonly VendorClassRule[];
  dhcp: DhcpProfile;
  /** How the phone is told to re-provision (SIP NOTIFY event), for the hub's "resync" action. */
  resync: { event: string; body?: string; note?: string };
}

export const CONTENT_TYPE = {
  text: 'text/plain; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
  binary: 'application/octet-stream',
} as const;

/** A 12-hex-digit MAC in either case (the resolver then refuses mixed case). */
export const MAC = '(?<mac>[0-9A-Fa-f]{12})';
