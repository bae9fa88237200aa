// Warm Apache FreeMarker 2.3.31 rendering one template repeatedly in one JVM: the anchor for
// `npm run bench -- render`. Same settings as the differential corpus runner. Prints one JSON line.
import freemarker.template.*;
import java.io.*;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

public class FreemarkerBench {
  public static void main(String[] args) throws Exception {
    File template = new File(args[0]);
    String json = new String(Files.readAllBytes(Paths.get(args[1])), StandardCharsets.UTF_8);
    double seconds = Double.parseDouble(args[2]);
    int reps = Integer.parseInt(args[3]);
    Configuration cfg = new Configuration(Configuration.VERSION_2_3_31);
    cfg.setDirectoryForTemplateLoading(template.getParentFile());
    cfg.setDefaultEncoding("UTF-8");
    cfg.setOutputEncoding("UTF-8");
    cfg.setLocale(Locale.US);
    cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
    cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    cfg.setLogTemplateExceptions(false);
    cfg.setLocalizedLookup(false);
    Template t = cfg.getTemplate(template.getName());
    Object model = new Json(json).value();
    int outBytes = 0;
    // Warm-up: let the JIT compile the render path before measuring.
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      StringWriter w = new StringWriter();
      t.process(model, w);
      outBytes = w.getBuffer().length();
    }
    StringBuilder out = new StringBuilder("{\"engine\":\"freemarker-2.3.31\",\"bytes\":" + outBytes + ",\"rates\":[");
    for (int r = 0; r < reps; r++) {
      long n = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long now = start;
      while (now < end) {
        StringWriter w = new StringWriter();
        t.process(model, w);
        n++;
        now = System.nanoTime();
      }
      if (r > 0) out.append(',');
      out.append(String.format(Locale.ROOT, "%.1f", n / ((now - start) / 1e9)));
    }
    if (args.length > 4) {
      StringWriter w = new StringWriter();
      t.process(model, w);
      Files.write(Paths.get(args[4]), w.toString().getBytes(StandardCharsets.UTF_8));
    }
    System.out.println(out.append("]}"));
  }

  /** JSON → LinkedHashMap / ArrayList / BigDecimal / Boolean / String, as the corpus runner reads it. */
  static final class Json {
    private final String s;
    private int i;
    Json(String s) { this.s = s; }
    Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (s.charAt(i) == '}') { i++; return m; }
        while (true) {
          ws();
          String k = str();
          ws(); i++; // ':'
          Object v = value();
          if (v != null) m.put(k, v);
          ws();
          if (s.charAt(i++) == '}') return m;
        }
      }
      if (c == '[') {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (s.charAt(i) == ']') { i++; return l; }
        while (true) {
          l.add(value());
          ws();
          if (s.charAt(i++) == ']') return l;
        }
      }
      if (c == '"') return str();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      return new BigDecimal(s.substring(start, i));
    }
    private void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    private String str() {
      StringBuilder b = new StringBuilder();
      i++;
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(i++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
          default: b.append(e);
        }
      }
    }
  }
}
