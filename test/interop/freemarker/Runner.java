// Reference runner for the FreeMarker differential corpus (edgeprov, test/interop/freemarker).
//
// Renders every <name>.ftl of a cases folder with real Apache FreeMarker 2.3.31 in one JVM and
// writes <outDir>/<name>.out (the exact output bytes, UTF-8) or <outDir>/<name>.err:
//   line 1: "parse" (freemarker.core.ParseException while loading the template) or "runtime"
//   line 2: the exception's class name
//   then:   the exception's message
//
// Usage: java -cp <classes>:/usr/share/java/freemarker.jar Runner <casesDir> <outDir>
// The data model of <name>.ftl is <name>.json (an object) if present, else an empty hash.
// Only freemarker.jar and the JDK are used; the JSON parser below is deliberately tiny.

import freemarker.cache.FileTemplateLoader;
import freemarker.core.ParseException;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateExceptionHandler;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

public final class Runner {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Runner <casesDir> <outDir>");
            System.exit(2);
        }
        File casesDir = new File(args[0]);
        File outDir = new File(args[1]);
        if (!casesDir.isDirectory()) {
            System.err.println("not a directory: " + casesDir);
            System.exit(2);
        }
        if (!outDir.isDirectory() && !outDir.mkdirs()) {
            System.err.println("cannot create " + outDir);
            System.exit(2);
        }

        // #attempt reports recovered errors through FreeMarker's logger; keep stderr quiet.
        // (Logging only: rendering and the Configuration's settings are unaffected.)
        if (System.getProperty("org.freemarker.loggerLibrary") == null) {
            System.setProperty("org.freemarker.loggerLibrary", "none");
        }

        casePaths.add(casesDir.getCanonicalPath());
        casePaths.add(casesDir.getAbsolutePath());
        casePaths.sort((a, b) -> b.length() - a.length());

        Configuration cfg = new Configuration(Configuration.VERSION_2_3_31);
        cfg.setLocale(Locale.US);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setLocalizedLookup(false);
        cfg.setTemplateLoader(new FileTemplateLoader(casesDir));

        String version = Configuration.getVersion().toString();
        if (!version.startsWith("2.3.31")) {
            System.err.println("WARNING: FreeMarker " + version + " on the class path; the corpus was made with 2.3.31");
        }

        String[] names = casesDir.list((dir, n) -> n.endsWith(".ftl") && new File(dir, n).isFile());
        if (names == null) names = new String[0];
        Arrays.sort(names);

        int rendered = 0;
        int failed = 0;
        for (String ftl : names) {
            String base = ftl.substring(0, ftl.length() - 4);
            Object model;
            File json = new File(casesDir, base + ".json");
            try {
                model = json.isFile()
                        ? new Json(new String(Files.readAllBytes(json.toPath()), StandardCharsets.UTF_8)).parseTop()
                        : new LinkedHashMap<String, Object>();
            } catch (RuntimeException e) {
                System.err.println("bad JSON in " + json + ": " + e.getMessage());
                System.exit(2);
                return;
            }

            Template template;
            try {
                template = cfg.getTemplate(ftl);
            } catch (ParseException e) {
                write(new File(outDir, base + ".err"), errText("parse", e));
                failed++;
                continue;
            } catch (Throwable e) {
                write(new File(outDir, base + ".err"), errText("runtime", e));
                failed++;
                continue;
            }
            StringWriter out = new StringWriter();
            try {
                template.process(model, out);
            } catch (Throwable e) {
                write(new File(outDir, base + ".err"), errText("runtime", e));
                failed++;
                continue;
            }
            write(new File(outDir, base + ".out"), out.toString());
            rendered++;
        }
        System.out.println(rendered + " rendered, " + failed + " failed (FreeMarker " + version + ")");
    }

    /** Absolute paths of the cases folder, replaced by "<cases>" in messages so outputs don't depend on the checkout. */
    private static final List<String> casePaths = new ArrayList<>();

    private static String errText(String kind, Throwable e) {
        String msg = e.getMessage();
        if (msg == null) msg = "";
        for (String p : casePaths) msg = msg.replace(p, "<cases>");
        return kind + "\n" + e.getClass().getName() + "\n" + msg;
    }

    private static void write(File f, String text) throws IOException {
        Files.write(f.toPath(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** Minimal JSON reader: objects → LinkedHashMap, arrays → ArrayList, numbers → BigDecimal. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parseTop() {
            ws();
            Object v = value();
            ws();
            if (i != s.length()) throw err("trailing characters");
            if (v == null) return new LinkedHashMap<String, Object>();
            if (!(v instanceof Map)) throw err("top level must be an object");
            return v;
        }

        private RuntimeException err(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }

        private void ws() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') i++;
                else break;
            }
        }

        private Object value() {
            if (i >= s.length()) throw err("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': word("true"); return Boolean.TRUE;
                case 'f': word("false"); return Boolean.FALSE;
                case 'n': word("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw err("unexpected '" + c + "'");
            }
        }

        private void word(String w) {
            if (!s.startsWith(w, i)) throw err("expected " + w);
            i += w.length();
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (peek() == '}') { i++; return m; }
            while (true) {
                ws();
                if (peek() != '"') throw err("expected a key");
                String k = string();
                ws();
                if (peek() != ':') throw err("expected ':'");
                i++;
                ws();
                Object v = value();
                if (v == null) m.remove(k); else m.put(k, v);
                ws();
                char c = peek();
                i++;
                if (c == '}') return m;
                if (c != ',') { i--; throw err("expected ',' or '}'"); }
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (peek() == ']') { i++; return a; }
            while (true) {
                ws();
                a.add(value());
                ws();
                char c = peek();
                i++;
                if (c == ']') return a;
                if (c != ',') { i--; throw err("expected ',' or ']'"); }
            }
        }

        private char peek() {
            if (i >= s.length()) throw err("unexpected end");
            return s.charAt(i);
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                char c = peek();
                i++;
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                char e = peek();
                i++;
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) throw err("bad \\u escape");
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: throw err("bad escape");
                }
            }
        }

        private BigDecimal number() {
            int start = i;
            if (peek() == '-') i++;
            while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) i++;
            try {
                return new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw err("bad number");
            }
        }
    }
}
