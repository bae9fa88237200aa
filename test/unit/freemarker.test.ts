/**
 * Focused tests of our FreeMarker engine (shared/templates/freemarker/). Expected values were
 * measured on Apache FreeMarker 2.3.31; the differential corpus (freemarker-corpus.test.ts) covers
 * the breadth, these pin the tricky corners and our own contract (errors, sandbox, limits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../shared/errors.js';
import { compileTemplate } from '../../shared/templates/index.js';
import { compileFreemarker, modelFromJson, type FreemarkerOptions } from '../../shared/templates/freemarker/index.js';

function render(src: string, model: unknown = {}, options: FreemarkerOptions = {}): string {
  return compileFreemarker(src, options).render(model);
}

function renderJson(src: string, json: string): string {
  return render(src, modelFromJson(json));
}

function fails(fn: () => unknown, code: 'TEMPLATE_INVALID' | 'TEMPLATE_RENDER_FAILED', pattern?: RegExp): TemplateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

// --- white-space stripping ---------------------------------------------------------------------

test('ws: lines holding only directives disappear, indentation of content stays', () => {
  const src = 'a\n<#list [1, 2] as i>\n  <#if i == 2>\n    two\n  </#if>\n  n${i}\n</#list>\nz\n';
  assert.equal(render(src), 'a\n  n1\n    two\n  n2\nz\n');
});

test('ws: the first top-level text block is never stripped', () => {
  assert.equal(render('  \n<#if true>x</#if>'), '  \nx');
  assert.equal(render('#!version:1.0.0.1\n  <#if true>\nx\n  </#if>\n'), '#!version:1.0.0.1\n  x\n');
});

test('ws: white-space between two non-outputting elements goes, even mid-line', () => {
  assert.equal(render('x<#assign a=1>   <#assign b=2>y'), 'xy');
  assert.equal(render('x<#if true>   </#if>y'), 'x   y');
  assert.equal(render('  <#assign a=1>\nx'), 'x');
});

test('ws: macro calls and #include do not heed white-space, interpolations do', () => {
  assert.equal(render('<#macro m>[m]</#macro>\nline1\n    <@m/>\nline2\n'), 'line1\n[m]line2\n');
  assert.equal(render('${1}  <#if true>\nx\n</#if>'), '1  \nx\n');
});

test('ws: #t, #lt, #rt, #nt', () => {
  assert.equal(render('  left trimmed   <#lt>\n  right trimmed   <#rt>\nboth  <#t>\nend\n'), 'left trimmed   \n  right trimmed   both  end\n');
  assert.equal(render('x\n  <#nt><#if true>\ny</#if>'), 'x\n  \ny');
});

test('ws: CRLF templates keep CRLF, \\r\\n counts as one line break', () => {
  assert.equal(render('a\r\n<#if true>\r\n  b\r\n</#if>\r\nc'), 'a\r\n  b\r\nc');
});

test('ws: #compress collapses runs and keeps the first line break of each', () => {
  assert.equal(render('<#compress>  a \r\n \n b\t c\n\n</#compress>'), 'a\r\nb c');
});

// --- numbers -----------------------------------------------------------------------------------

test('numbers print with grouping by default', () => {
  assert.equal(render('${5060} ${"port " + 5060} ${"${5060}"} ${5060?left_pad(7, "0")}'), '5,060 port 5,060 5,060 005,060');
  assert.equal(render('${port} ${port?c}', { port: 5060 }), '5,060 5060');
});

test('numbers: BigDecimal arithmetic and the default #,##0.### HALF_EVEN format', () => {
  assert.equal(render('${0.1 + 0.2} ${(1/3*3)?c} ${1.50?c} ${(1/8)?c} ${0.0025} ${0.0035} ${2/3} ${-0.0001}'),
    '0.3 0.999999999999 1.5 0.125 0.002 0.004 0.667 -0');
  assert.equal(render('${12345678901234567890?c} ${12345678901234567890}'), '12345678901234567890 12,345,678,901,234,567,890');
});

test('numbers: division scale is max(12, operand scales); products keep at most 12 decimals', () => {
  assert.equal(render('${(0.1000000000000000/3)?c} ${(1.0000000000000/3)?c}'), '0.0333333333333333 0.3333333333333');
  assert.equal(render('${(0.25 * 1.00000000000000 / 3)?c} ${(1/4*(1/4)/3)?c}'), '0.083333333333 0.020833333333');
  // The JSON reader keeps the scale of the text.
  assert.equal(renderJson('${(x / 3)?c}', '{"x": 1.00000000000000}'), '0.33333333333333');
  assert.equal(render('${5.5 % 2} ${-7 % 3} ${7.9 % 2.5}'), '1 -1 1');
});

test('numbers: ?round is half toward +infinity, ?string("0") is HALF_EVEN', () => {
  assert.equal(render('${2.5?round} ${(-1.5)?round} ${(-2.5)?round} ${2.5?string("0")} ${0.5?string("0")} ${1.5?string("0")}'), '3 -1 -2 2 0 2');
  assert.equal(render('${2.7?floor} ${(-2.7)?floor} ${2.1?ceiling} ${(-2.7)?int} ${3000000000?int}'), '2 -3 3 -2 -1,294,967,296');
});

test('numbers: ?string patterns, named formats and settings', () => {
  assert.equal(render('${1234567?string(",##0.00")} ${0.256?string("0%")} ${5?string("000")} ${(-1234.5)?string("#,##0.00;(#,##0.00)")}'),
    '1,234,567.00 26% 005 (1,234.50)');
  assert.equal(render('${1.5?string.currency} ${0.5?string.percent} ${1234.5?string.computer} ${12345?string("##0.##E0")}'), '$1.50 50% 1234.5 12.345E3');
  assert.equal(render('<#setting number_format="0.##">${1.555} ${1.565} <#setting number_format="computer">${1234.5}'), '1.56 1.56 1234.5');
  assert.equal(render('<#setting locale="de_DE">${1234567.891}'), '1.234.567,891');
  assert.equal(render('#{1234567} #{1.5; m2} #{1.23456; M2} #{2.5; M0}'), '1234567 1.50 1.23 2');
});

// --- booleans ----------------------------------------------------------------------------------

test('booleans: ${bool} fails with the default boolean_format; ?c, ?string and ?then work', () => {
  fails(() => render('${true}'), 'TEMPLATE_RENDER_FAILED', /boolean/);
  assert.equal(render('${true?c} ${true?string} ${false?string("y", "n")} ${true?then(1, x)}'), 'true true n 1');
  assert.equal(render('<#setting boolean_format="1,0">${true}${false} ${true?c}'), '10 true');
});

// --- precedence --------------------------------------------------------------------------------

test('precedence: unary minus binds more loosely than ?', () => {
  assert.equal(render('${-1.5?round}'), '-2');
  fails(() => render('${-x?c}', { x: 5 }), 'TEMPLATE_RENDER_FAILED', /x\?c/);
});

test('precedence: the right side of ! is a whole expression when one can be parsed', () => {
  assert.equal(render('${x!5 + 1}|${x!2 * 3}|${x! - 1}'), '6|6|-1');
  assert.equal(render('${x!5 + 1}|${x! - 1}', { x: 10 }), '10|10');
  assert.equal(render('[${x!}] ${(x!)?length}'), '[] 0');
});

test('precedence: a.b!"d" fails when a is missing; (a.b)!"d" does not', () => {
  fails(() => render('${a.b!"d"}'), 'TEMPLATE_RENDER_FAILED', /"a"/);
  assert.equal(render('${(a.b)!"d"} ${(a.b)???c} ${a.b!"e"}', { a: {} }), 'd false e');
});

test('ranges: 0..n-1 with n = 0 is descending; ..< and ..* ', () => {
  assert.equal(render('<#list 0..n-1 as i>${i} </#list>', { n: 0 }), '0 -1 ');
  assert.equal(render('<#list 1..<3 as i>${i}</#list>|<#list 1..*3 as i>${i}</#list>|<#list 3..1 as i>${i}</#list>'), '12|123|321');
  assert.equal(render('<#assign s = "abcdefgh">${s[2..4]} ${s[2..<4]} ${s[5..]} ${s[6..*10]}'), 'cde cd fgh gh');
});

test('literal operands of binary operators are checked at parse time, unary ones at render time', () => {
  fails(() => compileFreemarker('${"a" - 1}'), 'TEMPLATE_INVALID', /string literal/);
  fails(() => compileFreemarker('${(1 && true)?c}'), 'TEMPLATE_INVALID', /Expecting boolean/);
  fails(() => render('${(-false)?c}'), 'TEMPLATE_RENDER_FAILED');
});

// --- strings and sequences -----------------------------------------------------------------------

test('strings: escaping built-ins and the usual transforms', () => {
  assert.equal(render('${"<a href=\\"x\\">\'&"?html} ${"<\'>"?xml} ${"a b&c/é"?url} ${"a\\"b\'c"?js_string} ${"Reception desk"?truncate(10)}'),
    '&lt;a href=&quot;x&quot;&gt;&#39;&amp; &lt;&apos;&gt; a%20b%26c%2F%C3%A9 a\\"b\\\'c Recep[...]');
  assert.equal(render('${"a1b22"?replace("\\\\d+", "<$0>", "r")} ${""?split(",")?size} ${"x-12"?matches("x-(\\\\d+)")?groups[1]}'), 'a<1>b<22> 1 12');
});

test('sequences: ?sort uses the locale collation', () => {
  assert.equal(render('${["b", "C", "a", "B"]?sort?join(",")}'), 'a,b,B,C');
  assert.equal(render('${[1000, 2]?join(", ")} ${[1, 2, 3, 4, 5]?chunk(2)?map(c -> c?join("+"))?join(",")}'), '1,000, 2 1+2,3+4,5');
});

test('JSON model: key order kept, null members dropped, exact decimals', () => {
  assert.equal(renderJson('<#list m as k, v>${k}=${v};</#list> ${m?keys?join(",")}', '{"m":{"z":1,"10":2,"a":null,"2":3}}'), 'z=1;10=2;2=3; z,10,2');
  assert.equal(renderJson('${big?c} ${x?c} ${(x * 2)?c} ${xs[1]!"missing"}', '{"big":12345678901234567890,"x":1.50,"xs":[1,null]}'), '12345678901234567890 1.5 3 missing');
  assert.throws(() => modelFromJson('{\n  "a": tru}'), (e: unknown) => e instanceof Error && /2:8/.test(e.message));
});

// --- macros, functions, includes ---------------------------------------------------------------

test('macros: named, positional and default parameters, #nested with loop variables, #return', () => {
  assert.equal(render('<#macro m a b="B" rest...>${a}${b}<#list rest as k, v>${k}=${v}</#list></#macro><@m a="1" c="3"/>'), '1Bc=3');
  assert.equal(render('<#macro m><#nested 1, 2><#return>x</#macro><@m ; a, b>${a}${b}</@m>'), '12');
  assert.equal(render('<#function f n><#if n <= 1><#return 1></#if><#return n * f(n - 1)></#function>${f(20)?c}'), '2432902008176640000');
});

test('#include and #import go through resolveInclude only, relative to the including template', () => {
  const store: Record<string, string> = {
    'lib/util.ftl': '<#macro hi n>Hi ${n}</#macro><#assign v = 5>',
    'lib/part.ftl': '<#include "util.ftl"><@hi "part"/>',
  };
  const opts = { name: 'main.ftl', resolveInclude: (p: string) => store[p] };
  assert.equal(render('<#import "lib/util.ftl" as u><@u.hi "x"/> ${u.v}', {}, opts), 'Hi x 5');
  assert.equal(render('<#include "lib/part.ftl">', {}, opts), 'Hi part');
  fails(() => render('<#include "missing.ftl">', {}, opts), 'TEMPLATE_RENDER_FAILED', /not found/);
  fails(() => render('<#include "../../etc/hostname">', {}, opts), 'TEMPLATE_RENDER_FAILED', /leaves the template store/);
  fails(() => render('<#include "x.ftl">'), 'TEMPLATE_RENDER_FAILED', /no template store/);
});

// --- errors ------------------------------------------------------------------------------------

test('parse errors carry line:column and name the construct', () => {
  const src = 'line 1\n'.repeat(11) + '    <#visit node>\n';
  const e = fails(() => compileFreemarker(src), 'TEMPLATE_INVALID', /#visit.*not supported/);
  assert.equal(e.line, 12);
  assert.equal(e.column, 5);
  fails(() => compileFreemarker('<#escape x as x?html>${x}</#escape>'), 'TEMPLATE_INVALID', /#escape.*not supported/);
  fails(() => compileFreemarker('${x?date}'), 'TEMPLATE_INVALID', /\?date is not supported/);
  fails(() => compileFreemarker('${.now}'), 'TEMPLATE_INVALID', /\.now is not supported/);
  fails(() => compileFreemarker('<#if x>'), 'TEMPLATE_INVALID', /unclosed #if/);
  fails(() => compileFreemarker('<#on 1>'), 'TEMPLATE_INVALID', /#on/);
  fails(() => compileFreemarker('${"\\$"}'), 'TEMPLATE_INVALID');
  fails(() => compileFreemarker('x<#break>'), 'TEMPLATE_INVALID', /#break/);
});

test('runtime errors carry line:column and the expression, and never leave partial output', () => {
  const e = fails(() => render('ok\n  ${user.name}', { user: {} }), 'TEMPLATE_RENDER_FAILED', /user\.name/);
  assert.equal(e.line, 2);
  assert.equal(e.column, 5);
  fails(() => render('${xs}', { xs: [1] }), 'TEMPLATE_RENDER_FAILED', /sequence/);
  fails(() => render('${h}', { h: { a: 1 } }), 'TEMPLATE_RENDER_FAILED', /hash/);
  fails(() => render('a<#stop "why">b'), 'TEMPLATE_RENDER_FAILED', /why/);
  assert.equal(render('<#attempt>a${missing}b<#recover>R</#attempt>'), 'R');
});

test('sandbox: ?new, ?api, ?eval and ?interpret are refused at parse time', () => {
  for (const bi of ['new', 'api', 'eval', 'interpret']) {
    const e = fails(() => compileFreemarker(`\n  \${"x"?${bi}()}`), 'TEMPLATE_INVALID', new RegExp(`\\?${bi} is not supported`));
    assert.equal(e.line, 2);
  }
});

test('limits: loop iterations, output size and recursion are bounded', () => {
  fails(() => render('<#list 1..100 as i>${i}</#list>', {}, { maxLoopIterations: 50 }), 'TEMPLATE_RENDER_FAILED', /loop iterations/);
  fails(() => render('<#list 1..1000 as i>xxxxxxxxxx</#list>', {}, { maxOutputBytes: 5000 }), 'TEMPLATE_RENDER_FAILED', /output exceeds/);
  fails(() => render('<#macro r>x<@r/></#macro><@r/>'), 'TEMPLATE_RENDER_FAILED', /deeper/);
  fails(() => render('<#assign s = "xxxxxxxxxx"><#list 1..40 as i><#assign s = s + s></#list>', {}, { maxOutputBytes: 100000 }), 'TEMPLATE_RENDER_FAILED', /limit/);
  // The limit errors can't be swallowed by #attempt.
  fails(() => render('<#attempt><#list 1..100 as i>${i}</#list><#recover>r</#attempt>', {}, { maxLoopIterations: 50 }), 'TEMPLATE_RENDER_FAILED');
});

test('compileTemplate("freemarker") uses our engine with the DataModel', () => {
  const t = compileTemplate('freemarker', '<#list lines as l>${l.index}:${l.username}@${server.host}:${server.sip_port?c} </#list>');
  const out = t.render({
    device: { mac: '001565aabbcc', mac_upper: '001565AABBCC', mac_colon: '00:15:65:aa:bb:cc', name: 'n', vendor: 'yealink', model: 'T46S', login_password: 'p' },
    site: { name: 's', timezone: 'Europe/Berlin', ntp_server: 'ntp' },
    server: { host: 'pbx', sip_port: 5060, sip_transport: 'udp' },
    provisioning: { url: 'u', username: 'u', password: 'p' },
    lines: [{ index: 1, extension: '201', display_name: 'A', label: 'A', username: '201', auth_username: '201', password: 'x', server: 'pbx', port: 5060, transport: 'udp', outbound_proxy: '' }],
  });
  assert.equal(out, '1:201@pbx:5060 ');
});
