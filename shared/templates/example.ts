/** A complete data model for `edgeprov render` without --data, for docs, and for trying templates out. */
import type { DataModel } from './data-model.js';

export const EXAMPLE_MODEL: DataModel = {
  device: {
    mac: '001565aabbcc', mac_upper: '001565AABBCC', mac_colon: '00:15:65:aa:bb:cc', name: 'Reception',
    vendor: 'yealink', model: 'T46S', login_password: 'admin-pw-123',
  },
  site: { name: 'Demo Branch', timezone: 'Europe/Berlin', ntp_server: 'pool.ntp.org' },
  server: { host: 'pbx.example.com', sip_port: 5060, sip_transport: 'udp' },
  provisioning: { url: 'http://pbx.example.com/secure/', username: '001565aabbcc', password: 'prov-secret' },
  lines: [
    {
      index: 1, extension: '101', display_name: 'Alice Example', label: '101', username: '101', auth_username: '101',
      password: 'sip-secret-101', server: 'pbx.example.com', port: 5060, transport: 'udp', outbound_proxy: '',
    },
    {
      index: 2, extension: '102', display_name: 'Bob Example', label: 'Sales', username: '102', auth_username: 'auth102',
      password: 'sip-secret-102', server: 'pbx.example.com', port: 5060, transport: 'tcp', outbound_proxy: 'proxy.example.com',
    },
  ],
};
