package dev.meshoperator.bench;

import dev.meshoperator.testing.OperatorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The operator process's idle memory by kind, for {@link OperatorScaleBench}'s table. */
final class JvmMemory {

  private JvmMemory() {}

  private static final Pattern METASPACE =
      Pattern.compile("Metaspace\\s+used \\d+K, committed (\\d+)K");
  private static final Pattern CODE_USED =
      // Segmented (tiered) or one CodeCache (-XX:-TieredCompilation).
      Pattern.compile("(?:CodeHeap '[^']+'|CodeCache): size=\\d+Kb used=(\\d+)Kb");
  private static final Pattern NMT_CATEGORY =
      Pattern.compile("(?m)^-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

  /**
   * Where the RSS goes, from jcmd alone (no Native Memory Tracking, which costs memory itself):
   * heap committed, metaspace committed (with class space), code cache in use, threads, and the
   * rest (shared archive, the JVM's own code, malloc: symbols, compiler, GC structures, stacks).
   * With {@code -XX:NativeMemoryTracking=summary} among the JVM options, NMT's committed figure per
   * category as well.
   */
  static String breakdown(OperatorProcess op, long rss, String heapInfo, boolean nmtOn) {
    long heap = OperatorProcess.heapCommittedBytes(heapInfo);
    var meta = METASPACE.matcher(heapInfo);
    long metaspace = meta.find() ? Long.parseLong(meta.group(1)) * 1024 : -1;
    var code = CODE_USED.matcher(op.jcmd("Compiler.codecache"));
    long codeUsed = 0;
    while (code.find()) {
      codeUsed += Long.parseLong(code.group(1)) * 1024;
    }
    String threads = "?";
    try {
      threads =
          Files.readAllLines(Path.of("/proc", String.valueOf(op.pid()), "status")).stream()
              .filter(l -> l.startsWith("Threads:"))
              .map(l -> l.replaceAll("\\D", ""))
              .findFirst()
              .orElse("?");
    } catch (java.io.IOException e) {
      // gone: "?"
    }
    StringBuilder b =
        new StringBuilder()
            .append("heap ")
            .append(mib(heap))
            .append(", metaspace ")
            .append(mib(metaspace))
            .append(", code cache ")
            .append(mib(codeUsed))
            .append(", ")
            .append(threads)
            .append(" threads (")
            .append(threadGroups(op.pid()))
            .append("), the rest ")
            .append(mib(rss - Math.max(heap, 0) - Math.max(metaspace, 0) - codeUsed));
    if (nmtOn) {
      var nmt = NMT_CATEGORY.matcher(op.jcmd("VM.native_memory summary"));
      b.append("; NMT committed:");
      while (nmt.find()) {
        long kb = Long.parseLong(nmt.group(2));
        if (kb >= 1024) {
          b.append(' ').append(nmt.group(1)).append(' ').append(mib(kb * 1024)).append(',');
        }
      }
      b.setLength(b.length() - 1);
    }
    return b.toString();
  }

  /**
   * The process's threads by name with digits left out ("vert.x-eventloop-thread-#: 2"), largest
   * groups first: each thread costs its stack and its malloc arena share, so who starts them
   * matters. Names as the kernel has them (15 characters at most).
   */
  static String threadGroups(long pid) {
    java.util.Map<String, Integer> groups = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "#");
          groups.merge(name, 1, Integer::sum);
        } catch (java.io.IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return "?";
    }
    StringBuilder b = new StringBuilder();
    groups.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(
            e ->
                b.append(b.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue()));
    return b.toString();
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.0f MiB", bytes / 1048576.0);
  }
}
