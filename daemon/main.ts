/**
 * The edge daemon (DHCP, TFTP, HTTP from a local SQLite cache) is built in issue [3/7].
 * Until then `edgeprov daemon` says so and exits; nothing pretends to serve phones.
 */
export const DAEMON_AVAILABLE = false;
