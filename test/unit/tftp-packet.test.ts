// TFTP wire format, option negotiation, netascii and request-path normalisation, without sockets.
// The normalisation table is the contract the HTTP server reuses: anything here marked refused must
// never reach a provider, whichever encoding the client chose.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OPCODE,
  decodePacket,
  encodeAck,
  encodeData,
  encodeError,
  encodeOack,
  encodeRequest,
  negotiateOptions,
  normaliseRequestPath,
  toNetascii,
  type NegotiationLimits,
} from '../../daemon/tftp/index.js';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const s = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('decodePacket', () => {
  test('runts and bad opcodes are malformed, never thrown', () => {
    assert.deepEqual(decodePacket(b()), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0)), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0, 4)), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0, 4, 0)), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0, 3, 1)), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0, 5, 0)), { ok: false, reason: 'RUNT' });
    assert.deepEqual(decodePacket(b(0, 0, 0, 1)), { ok: false, reason: 'BAD_OPCODE' });
    assert.deepEqual(decodePacket(b(0, 7, 0, 1)), { ok: false, reason: 'BAD_OPCODE' });
    assert.deepEqual(decodePacket(b(0xff, 0xff, 0, 1)), { ok: false, reason: 'BAD_OPCODE' });
    assert.deepEqual(decodePacket(b(0, 4, 0, 1, 0)), { ok: false, reason: 'BAD_LENGTH' });
  });

  test('RRQ with options: names lower-cased, order kept, first duplicate wins', () => {
    const r = decodePacket(Buffer.concat([b(0, 1), s('SEP001122334455.cnf.xml\0OcTeT\0BLKSIZE\x001428\0tsize\x000\0blksize\x00512\0')]));
    assert.ok(r.ok);
    assert.equal(r.packet.opcode, OPCODE.RRQ);
    if (r.packet.opcode !== OPCODE.RRQ) return;
    assert.equal(r.packet.filename, 'SEP001122334455.cnf.xml');
    assert.equal(r.packet.mode, 'octet');
    assert.deepEqual([...r.packet.options], [['blksize', '1428'], ['tsize', '0']]);
  });

  test('WRQ decodes as a write request', () => {
    const r = decodePacket(Buffer.concat([b(0, 2), s('x.log\0octet\0')]));
    assert.ok(r.ok && r.packet.opcode === OPCODE.WRQ);
  });

  test('truncated requests are malformed', () => {
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file')])), { ok: false, reason: 'MISSING_NUL' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0')])), { ok: false, reason: 'MISSING_NUL' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0octet')])), { ok: false, reason: 'MISSING_NUL' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0octet\0blksize\x001428')])), { ok: false, reason: 'MISSING_NUL' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0octet\0blksize\0')])), { ok: false, reason: 'BAD_OPTION' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('\0octet\0')])), { ok: false, reason: 'EMPTY_FILENAME' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0\0')])), { ok: false, reason: 'EMPTY_MODE' });
    assert.deepEqual(decodePacket(b(0, 1)), { ok: false, reason: 'MISSING_NUL' });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 1), s('file\0octet\0\x001\0')])), { ok: false, reason: 'BAD_OPTION' });
  });

  test('NUL padding after a request is tolerated', () => {
    const r = decodePacket(Buffer.concat([b(0, 1), s('file\0octet\0\0\0\0')]));
    assert.ok(r.ok && r.packet.opcode === OPCODE.RRQ && r.packet.options.size === 0);
  });

  test('ACK, DATA, ERROR (with and without NUL) and OACK', () => {
    assert.deepEqual(decodePacket(b(0, 4, 0xff, 0xfe)), { ok: true, packet: { opcode: OPCODE.ACK, block: 65534 } });
    const d = decodePacket(b(0, 3, 0, 7, 1, 2, 3));
    assert.ok(d.ok && d.packet.opcode === OPCODE.DATA);
    if (d.packet.opcode === OPCODE.DATA) {
      assert.equal(d.packet.block, 7);
      assert.deepEqual([...d.packet.data], [1, 2, 3]);
    }
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 5, 0, 1), s('nope\0')])), { ok: true, packet: { opcode: OPCODE.ERROR, code: 1, message: 'nope' } });
    assert.deepEqual(decodePacket(Buffer.concat([b(0, 5, 0, 8), s('no nul')])), { ok: true, packet: { opcode: OPCODE.ERROR, code: 8, message: 'no nul' } });
    const o = decodePacket(Buffer.concat([b(0, 6), s('blksize\x001428\0')]));
    assert.ok(o.ok && o.packet.opcode === OPCODE.OACK && o.packet.options.get('blksize') === '1428');
  });

  test('encoders produce the RFC layouts and round-trip', () => {
    assert.deepEqual(encodeAck(65536 + 3), b(0, 4, 0, 3));
    assert.deepEqual(encodeData(65536, s('ab')), b(0, 3, 0, 0, 0x61, 0x62));
    assert.deepEqual(encodeError(1, 'File not found'), Buffer.concat([b(0, 5, 0, 1), s('File not found\0')]));
    assert.deepEqual(encodeOack(new Map([['blksize', '1428'], ['tsize', '4096']])), Buffer.concat([b(0, 6), s('blksize\x001428\0tsize\x004096\0')]));
    const req = encodeRequest(OPCODE.RRQ, 'a.cfg', 'netascii', [['windowsize', '4']]);
    assert.deepEqual(req, Buffer.concat([b(0, 1), s('a.cfg\0netascii\0windowsize\x004\0')]));
    const back = decodePacket(req);
    assert.ok(back.ok && back.packet.opcode === OPCODE.RRQ && back.packet.options.get('windowsize') === '4');
  });

  test('ERROR messages are made printable and bounded so a packet always fits 512 bytes', () => {
    const e = encodeError(0, `bad\nname\0${'x'.repeat(1000)}`);
    assert.ok(e.length <= 4 + 200 + 1);
    assert.equal(e[e.length - 1], 0);
    assert.equal(e.indexOf(0, 4), e.length - 1);
    assert.ok(e.toString('latin1', 4, 13) === 'bad?name?');
  });
});

describe('negotiateOptions', () => {
  const limits: NegotiationLimits = { maxBlksize: 1428, maxWindowsize: 8, maxClientTimeoutS: 5 };
  const nego = (opts: Record<string, string>, size = 4096) => negotiateOptions(new Map(Object.entries(opts)), size, limits);

  test('no options: no OACK, RFC 1350 defaults', () => {
    const n = nego({});
    assert.equal(n.oack.size, 0);
    assert.equal(n.blksize, 512);
    assert.equal(n.windowsize, 1);
    assert.equal(n.timeoutMs, undefined);
  });

  test('blksize is 1428 whenever the client offers 1428 or more, and the offer below it', () => {
    for (const offer of ['1428', '1468', '8192', '65464', '70000']) assert.equal(nego({ blksize: offer }).oack.get('blksize'), '1428', offer);
    for (const offer of ['8', '512', '1024', '1427']) assert.equal(nego({ blksize: offer }).blksize, Number(offer), offer);
    assert.equal(negotiateOptions(new Map([['blksize', '65464']]), 1, { ...limits, maxBlksize: 65464 }).blksize, 65464);
    assert.equal(negotiateOptions(new Map([['blksize', '99999']]), 1, { ...limits, maxBlksize: 65464 }).blksize, 65464);
  });

  test('unusable values are ignored, not refused', () => {
    for (const bad of ['0', '7', '-1', '+512', ' 512', '512 ', '1e3', '0x10', '', 'abc', '12345678901']) {
      const n = nego({ blksize: bad });
      assert.equal(n.oack.has('blksize'), false, JSON.stringify(bad));
      assert.equal(n.blksize, 512);
    }
  });

  test('tsize 0 answers the real size; garbage tsize is ignored', () => {
    assert.equal(nego({ tsize: '0' }, 5000).oack.get('tsize'), '5000');
    assert.equal(nego({ tsize: '0' }, 0).oack.get('tsize'), '0');
    assert.equal(nego({ tsize: 'x' }).oack.has('tsize'), false);
  });

  test('timeout 1..maxClientTimeoutS is acknowledged as sent; others are left out', () => {
    assert.equal(nego({ timeout: '2' }).timeoutMs, 2000);
    assert.equal(nego({ timeout: '2' }).oack.get('timeout'), '2');
    for (const bad of ['0', '6', '255', '256', '3000']) assert.equal(nego({ timeout: bad }).oack.has('timeout'), false, bad);
  });

  test('windowsize is clamped to the limit; 0 and > 65535 are ignored', () => {
    assert.equal(nego({ windowsize: '4' }).oack.get('windowsize'), '4');
    assert.equal(nego({ windowsize: '64' }).windowsize, 8);
    assert.equal(nego({ windowsize: '0' }).oack.has('windowsize'), false);
    assert.equal(nego({ windowsize: '65536' }).oack.has('windowsize'), false);
  });

  test('unknown options are ignored; only unknown options means no OACK', () => {
    const n = nego({ rollover: '0', multicast: '', blksize: '1428' });
    assert.deepEqual([...n.oack.keys()], ['blksize']);
    assert.equal(nego({ rollover: '0' }).oack.size, 0);
  });
});

describe('toNetascii', () => {
  test('LF becomes CR LF, bare CR becomes CR NUL, everything else is untouched', () => {
    assert.deepEqual(toNetascii(s('a\nb')), s('a\r\nb'));
    assert.deepEqual(toNetascii(s('a\rb')), s('a\r\0b'));
    assert.deepEqual(toNetascii(s('a\r\nb')), s('a\r\0\r\nb'));
    assert.deepEqual(toNetascii(s('\n\n')), s('\r\n\r\n'));
    const plain = s('no line ends');
    assert.equal(toNetascii(plain), plain);
    assert.equal(toNetascii(Buffer.alloc(0)).length, 0);
  });
});

describe('normaliseRequestPath', () => {
  const refused: [string, string][] = [
    ['../', 'PATH_TRAVERSAL'],
    ['../../etc/passwd', 'PATH_TRAVERSAL'],
    ['/etc/passwd', 'PATH_SYSTEM'],
    ['//etc/shadow', 'PATH_SYSTEM'],
    ['/proc/self/environ', 'PATH_SYSTEM'],
    ['\\..\\', 'PATH_TRAVERSAL'],
    ['\\..\\..\\windows\\win.ini', 'PATH_TRAVERSAL'],
    ['%2e%2e/', 'PATH_TRAVERSAL'],
    ['%2E%2E%2Fetc%2Fpasswd', 'PATH_TRAVERSAL'],
    ['..%5c..%5cboot.ini', 'PATH_TRAVERSAL'],
    ['a/../../b', 'PATH_TRAVERSAL'],
    ['a/..', 'PATH_TRAVERSAL'],
    ['a\0b.cfg', 'PATH_NUL'],
    ['a%00.cfg', 'PATH_NUL'],
    ['x'.repeat(300), 'PATH_TOO_LONG'],
    ['x'.repeat(256), 'PATH_TOO_LONG'],
    ['C:\\x', 'PATH_DRIVE'],
    ['c:/boot.ini', 'PATH_DRIVE'],
    ['/D:/x', 'PATH_DRIVE'],
    ['a\x01b', 'PATH_CONTROL_CHAR'],
    ['a\tb', 'PATH_CONTROL_CHAR'],
    ['a\nb', 'PATH_CONTROL_CHAR'],
    ['a%0ab', 'PATH_CONTROL_CHAR'],
    ['a\x7fb', 'PATH_CONTROL_CHAR'],
    ['caf\xe9.cfg', 'PATH_NON_ASCII'],
    ['a%zz', 'PATH_BAD_ESCAPE'],
    ['a%2', 'PATH_BAD_ESCAPE'],
    ['', 'PATH_EMPTY'],
    ['/', 'PATH_EMPTY'],
    ['./', 'PATH_EMPTY'],
  ];
  for (const [raw, code] of refused) {
    test(`refuses ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 20)}…(${raw.length})` : raw)} with ${code}`, () => {
      const r = normaliseRequestPath(raw);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.code, code);
    });
  }

  const accepted: [string, string][] = [
    ['y000000000028.cfg', 'y000000000028.cfg'],
    ['/001565aabbcc.cfg', '001565aabbcc.cfg'],
    ['SEP001122334455.cnf.xml', 'SEP001122334455.cnf.xml'],
    ['/spa508G.cfg', 'spa508G.cfg'],
    ['/Cisco/CP-8851-3PCC/001234ab45de.cfg', 'Cisco/CP-8851-3PCC/001234ab45de.cfg'],
    ['firmware\\sip.ld', 'firmware/sip.ld'],
    ['a//b/./c.cfg', 'a/b/c.cfg'],
    ['%30%30%31.cfg', '001.cfg'],
    // Decoded once only: the result names a file called "%2e%2e", not "..".
    ['%252e%252e/x', '%2e%2e/x'],
    ['...cfg', '...cfg'],
    // Relative names stay inside the served tree whatever they spell; the provider decides.
    ['etc/passwd', 'etc/passwd'],
    ['x'.repeat(255), 'x'.repeat(255)],
  ];
  for (const [raw, path] of accepted) {
    test(`accepts ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 20)}…(${raw.length})` : raw)}`, () => {
      assert.deepEqual(normaliseRequestPath(raw), { ok: true, path });
    });
  }
});
