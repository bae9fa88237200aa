// DHCP wire format without sockets: the decoder is strict about what changes a message's meaning
// and tolerant of what real clients send (pad bytes, no END, split options, overload), and it never
// throws — the `dhcp` package's D6 (pad mis-parsed, no cookie check, no overload) and D7 (a
// malformed datagram is an 'error' that kills the process) are pinned here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BOOTREPLY, BOOTREQUEST, DHCP_MESSAGE, MAGIC_COOKIE, OPT, decodePacket, encodePacket, maxMessageSize, optionIp, optionText, packetMac,
  ipToInt, parameterList, type DhcpMessage,
} from '../../daemon/dhcp/index.js';

const MAC = '001565a1b2c3';

/** A BOOTREQUEST header (236 bytes) + cookie, with `opts` as raw option bytes in the options area. */
function raw(opts: number[], edit?: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(240 + opts.length);
  b[0] = 1;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(0xdeadbeef, 4);
  Buffer.from(MAC, 'hex').copy(b, 28);
  b.writeUInt32BE(MAGIC_COOKIE, 236);
  Buffer.from(opts).copy(b, 240);
  edit?.(b);
  return b;
}

const discover = (extra: ReadonlyArray<readonly [number, Buffer]> = []): DhcpMessage => ({
  op: BOOTREQUEST, xid: 0x12345678, flags: 0x8000, chaddr: MAC,
  options: [[OPT.MESSAGE_TYPE, Buffer.from([DHCP_MESSAGE.DISCOVER])], ...extra],
});

describe('decodePacket: refused', () => {
  test('runts, a bad cookie and chaddr overflows are malformed, never thrown', () => {
    for (const len of [0, 1, 2, 100, 235, 236, 239]) assert.deepEqual(decodePacket(Buffer.alloc(len)), { ok: false, reason: 'TOO_SHORT' }, `length ${len}`);
    assert.deepEqual(decodePacket(raw([53, 1, 1, 255], (b) => b.writeUInt32BE(0x63825364, 236))), { ok: false, reason: 'BAD_COOKIE' });
    // Plain BOOTP (no cookie, zeros) is not served either.
    assert.deepEqual(decodePacket(raw([], (b) => b.writeUInt32BE(0, 236))), { ok: false, reason: 'BAD_COOKIE' });
    assert.deepEqual(decodePacket(raw([53, 1, 1, 255], (b) => (b[2] = 17))), { ok: false, reason: 'BAD_HLEN' });
  });

  test('an option running past the end, or a length byte missing, is an overrun', () => {
    assert.deepEqual(decodePacket(raw([53, 1, 1, 12, 10, 0x61, 0x62])), { ok: false, reason: 'OPTION_OVERRUN' });
    assert.deepEqual(decodePacket(raw([53, 1, 1, 12])), { ok: false, reason: 'OPTION_OVERRUN' });
    assert.deepEqual(decodePacket(raw([53, 1, 1, 60, 255])), { ok: false, reason: 'OPTION_OVERRUN' });
  });

  test('option 53 missing, unknown or of the wrong length; 50/54/52 of the wrong length', () => {
    assert.deepEqual(decodePacket(raw([12, 1, 0x61, 255])), { ok: false, reason: 'NO_MESSAGE_TYPE' });
    assert.deepEqual(decodePacket(raw([53, 1, 42, 255])), { ok: false, reason: 'BAD_MESSAGE_TYPE' });
    assert.deepEqual(decodePacket(raw([53, 1, 0, 255])), { ok: false, reason: 'BAD_MESSAGE_TYPE' });
    assert.deepEqual(decodePacket(raw([53, 2, 1, 1, 255])), { ok: false, reason: 'BAD_OPTION_LENGTH' });
    assert.deepEqual(decodePacket(raw([53, 1, 3, 50, 3, 10, 0, 0, 255])), { ok: false, reason: 'BAD_OPTION_LENGTH' });
    assert.deepEqual(decodePacket(raw([53, 1, 3, 54, 5, 10, 0, 0, 1, 1, 255])), { ok: false, reason: 'BAD_OPTION_LENGTH' });
    assert.deepEqual(decodePacket(raw([52, 2, 1, 1, 53, 1, 1, 255])), { ok: false, reason: 'BAD_OPTION_LENGTH' });
  });

  test('an overloaded file field whose option runs past it is an overrun', () => {
    const b = raw([52, 1, 1, 53, 1, 1, 255], (p) => {
      p[108 + 126] = 12;
      p[108 + 127] = 9;
    });
    assert.deepEqual(decodePacket(b), { ok: false, reason: 'OPTION_OVERRUN' });
  });
});

describe('decodePacket: tolerated', () => {
  test('pad bytes anywhere keep option 53 (D6: the package skipped 2 bytes per pad and lost it)', () => {
    const r = decodePacket(raw([0, 0, 53, 1, 1, 0, 0, 0, 12, 3, 0x61, 0x62, 0x63, 0, 255]));
    assert.ok(r.ok);
    assert.equal(r.packet.type, DHCP_MESSAGE.DISCOVER);
    assert.equal(optionText(r.packet, OPT.HOSTNAME), 'abc');
  });

  test('no END option, and garbage after END, are fine', () => {
    const noEnd = decodePacket(raw([53, 1, 3, 50, 4, 10, 0, 0, 7]));
    assert.ok(noEnd.ok);
    assert.equal(optionIp(noEnd.packet, OPT.REQUESTED_IP), '10.0.0.7');
    const trailing = decodePacket(raw([53, 1, 1, 255, 12, 200, 1, 2, 3]));
    assert.ok(trailing.ok);
    assert.equal(trailing.packet.options.has(OPT.HOSTNAME), false);
  });

  test('split options are concatenated in order (RFC 3396)', () => {
    const r = decodePacket(raw([53, 1, 1, 43, 2, 1, 2, 12, 1, 0x78, 43, 3, 3, 4, 5, 255]));
    assert.ok(r.ok);
    assert.deepEqual([...r.packet.options.get(OPT.VENDOR_SPECIFIC)!], [1, 2, 3, 4, 5]);
  });

  test('overload 1, 2 and 3: file then sname are read after the options field (RFC 2131 §4.1)', () => {
    for (const overload of [1, 2, 3]) {
      const b = raw([53, 1, 1, 52, 1, overload, 255], (p) => {
        if (overload & 1) Buffer.from([12, 2, 0x68, 0x6f, 0, 255]).copy(p, 108);
        if (overload & 2) Buffer.from([60, 3, 0x61, 0x62, 0x63, 255]).copy(p, 44);
      });
      const r = decodePacket(b);
      assert.ok(r.ok, `overload ${overload}`);
      assert.equal(r.packet.overload, overload);
      assert.equal(optionText(r.packet, OPT.HOSTNAME), overload & 1 ? 'ho' : undefined);
      assert.equal(optionText(r.packet, OPT.VENDOR_CLASS), overload & 2 ? 'abc' : undefined);
      assert.equal(r.packet.options.has(OPT.OVERLOAD), false);
    }
  });

  test('an overload value other than 1..3 leaves file and sname alone', () => {
    const r = decodePacket(raw([53, 1, 1, 52, 1, 9, 255], (p) => p.fill(0xff, 44, 236)));
    assert.ok(r.ok);
    assert.equal(r.packet.overload, 0);
  });

  test('header fields, helpers', () => {
    const r = decodePacket(
      raw([53, 1, 3, 55, 6, 1, 3, 66, 0, 150, 66, 57, 2, 0x05, 0xdc, 61, 7, 1, 0, 0x15, 0x65, 0xa1, 0xb2, 0xc3, 255], (b) => {
        b.writeUInt16BE(0x8000, 10);
        b.writeUInt32BE(0x0a000005, 12);
        b.writeUInt32BE(0x0a630001, 24);
        b[3] = 1;
      }),
    );
    assert.ok(r.ok);
    const p = r.packet;
    assert.deepEqual([p.op, p.htype, p.hlen, p.hops, p.xid, p.flags, p.ciaddr, p.giaddr, p.yiaddr], [1, 1, 6, 1, 0xdeadbeef, 0x8000, '10.0.0.5', '10.99.0.1', '0.0.0.0']);
    assert.equal(packetMac(p), MAC);
    assert.deepEqual(parameterList(p), [1, 3, 66, 150]);
    assert.equal(maxMessageSize(p), 1500 - 28);
    assert.equal(p.options.get(OPT.CLIENT_ID)!.length, 7);
  });

  test('packetMac is only for Ethernet; option 57 below 576 is raised to it', () => {
    const r = decodePacket(raw([53, 1, 1, 57, 2, 0, 100, 255], (b) => (b[1] = 6)));
    assert.ok(r.ok);
    assert.equal(packetMac(r.packet), undefined);
    assert.equal(maxMessageSize(r.packet), 548);
  });
});

describe('encodePacket', () => {
  test('round trip; padded to 300 octets (RFC 1542); END written', () => {
    const bytes = encodePacket({
      ...discover([[OPT.HOSTNAME, Buffer.from('phone')]]),
      op: BOOTREPLY, ciaddr: '10.0.0.9', yiaddr: '10.0.0.10', siaddr: '10.0.0.2', giaddr: '10.99.0.1', hops: 2, secs: 7,
    })!;
    assert.equal(bytes.length, 300);
    const r = decodePacket(bytes);
    assert.ok(r.ok);
    const p = r.packet;
    assert.deepEqual([p.op, p.xid, p.flags, p.ciaddr, p.yiaddr, p.siaddr, p.giaddr, p.hops, p.secs], [2, 0x12345678, 0x8000, '10.0.0.9', '10.0.0.10', '10.0.0.2', '10.99.0.1', 2, 7]);
    assert.equal(packetMac(p), MAC);
    assert.equal(optionText(p, OPT.HOSTNAME), 'phone');
    assert.equal(bytes[240 + 3 + 7], 255);
  });

  test('a value over 255 bytes is split and rejoined (RFC 3396)', () => {
    const big = Buffer.alloc(600, 7);
    big[599] = 9;
    const bytes = encodePacket(discover([[OPT.VENDOR_SPECIFIC, big]]), { maxLength: 1472 })!;
    const r = decodePacket(bytes);
    assert.ok(r.ok);
    assert.deepEqual(r.packet.options.get(OPT.VENDOR_SPECIFIC), big);
  });

  test('options that do not fit spill into file and sname (overload), in order; too much is undefined', () => {
    const opts: Array<[number, Buffer]> = [];
    for (let code = 200; code < 212; code++) opts.push([code, Buffer.alloc(30, code)]);
    const msg = discover(opts);
    const bytes = encodePacket(msg)!;
    assert.ok(bytes.length <= 548);
    const r = decodePacket(bytes);
    assert.ok(r.ok);
    assert.ok(r.packet.overload > 0);
    for (const [code, value] of opts) assert.deepEqual(r.packet.options.get(code), value, `option ${code}`);
    assert.equal(encodePacket(msg, { overload: 'never' }), undefined);
    const tooMuch = discover(Array.from({ length: 20 }, (_, i) => [220 + i, Buffer.alloc(40)] as const));
    assert.equal(encodePacket(tooMuch), undefined);
  });

  test('overload "always" puts everything after the first option in file/sname, and decoding restores it', () => {
    const bytes = encodePacket(discover([[OPT.HOSTNAME, Buffer.from('x')], [OPT.VENDOR_CLASS, Buffer.from('yealink')]]), { overload: 'always' })!;
    assert.equal(bytes[240], OPT.OVERLOAD);
    const r = decodePacket(bytes);
    assert.ok(r.ok);
    assert.equal(r.packet.overload, 1);
    assert.equal(optionText(r.packet, OPT.VENDOR_CLASS), 'yealink');
  });
});

describe('decodePacket under fuzz (fixed seed)', () => {
  test('random, truncated, mutated and hostile datagrams never throw', () => {
    let seed = 0x2131;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const base = encodePacket(discover([[OPT.PARAMETER_LIST, Buffer.from([1, 3, 6, 66, 150])], [OPT.VENDOR_CLASS, Buffer.from('yealink')]]))!;
    let ok = 0;
    for (let i = 0; i < 20_000; i++) {
      let b: Buffer;
      const kind = i % 4;
      if (kind === 0) b = Buffer.from(Array.from({ length: Math.floor(rnd() * 600) }, () => Math.floor(rnd() * 256)));
      else if (kind === 1) b = base.subarray(0, Math.floor(rnd() * base.length));
      else {
        b = Buffer.from(base);
        const n = 1 + Math.floor(rnd() * 8);
        for (let j = 0; j < n; j++) b[kind === 2 ? 236 + Math.floor(rnd() * (b.length - 236)) : Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      }
      const r = decodePacket(b);
      if (r.ok) ok++;
    }
    // Some mutations stay valid; what matters is that none threw.
    assert.ok(ok > 0);
  });
});

describe('ipToInt', () => {
  test('exactly the dotted quads (no leading zeros, signs, spaces or extra parts) become integers', () => {
    assert.equal(ipToInt('10.0.0.1'), 167772161);
    assert.equal(ipToInt('0.0.0.0'), 0);
    assert.equal(ipToInt('255.255.255.255'), 0xffffffff);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '1..2.3', '256.1.1.1', '01.2.3.4', '1.2.3.04', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.-4', '+1.2.3.4', '1e1.2.3.4', '1.2.3.4a', '1000.2.3.4']) {
      assert.equal(ipToInt(bad), undefined, JSON.stringify(bad));
    }
  });
});
