package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Offline injection of Kubernetes manifests ({@code istioctl kube-inject}): every pod template of
 * every document is injected, everything else passes through unchanged.
 *
 * <p>Handles Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
 * CronJob, DeploymentConfig and List. Pods with host networking, in system namespaces or opting out
 * are left alone with a warning.
 */
public final class KubeInject {

  /**
   * In a holder, so that {@link #prepareInBackground} does not make it on the caller's thread: the
   * first Jackson mapper of a process pays for initialising Jackson.
   */
  private static final class Yaml {
    static final YAMLMapper MAPPER =
        new YAMLMapper(
            YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .build());
  }

  private static final Set<String> TEMPLATED =
      Set.of(
          "Deployment",
          "StatefulSet",
          "DaemonSet",
          "ReplicaSet",
          "ReplicationController",
          "Job",
          "DeploymentConfig");

  private KubeInject() {}

  /** Output of {@link #inject}: the manifests and the warnings about skipped workloads. */
  public record Result(String yaml, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Starts building, on a daemon thread, what the first injection of a process needs whatever it
   * injects: the engine's Jackson deserializer of a fabric8 {@code Pod}, which Jackson builds for
   * the whole Pod type graph on first use (about half of a short {@code kube-inject} run), and the
   * serializers of a pod's common parts. A command calls this before it reads its settings and
   * manifests, so that work and this overlap on a second core. The mapper is thread-safe and caches
   * what it built, whichever thread asks first (the other one waits for it), so nothing the
   * injection produces changes. A failure here is left to the injection, which builds the same
   * deserializer again and reports it.
   */
  public static void prepareInBackground() {
    Thread t = new Thread(KubeInject::prepare, "kube-inject-prepare");
    t.setDaemon(true);
    t.start();
  }

  private static void prepare() {
    try {
      ObjectNode pod = Json.MAPPER.createObjectNode();
      pod.putObject("metadata").put("name", "p").putObject("labels").put("app", "p");
      ObjectNode container =
          pod.putObject("spec")
              .putArray("containers")
              .addObject()
              .put("name", "c")
              .put("image", "i");
      container.putArray("ports").addObject().put("containerPort", 8080);
      container.putArray("env").addObject().put("name", "E").put("value", "v");
      Json.toTree(Json.toPod(pod));
    } catch (RuntimeException e) {
      // Built (and reported) again by the injection itself.
    }
  }

  /** Injects the manifests in {@code yaml}; warnings are dropped. */
  public static String injectYaml(String yaml, InjectionSettings settings) {
    return inject(yaml, settings).yaml();
  }

  /**
   * Injects the manifests read from {@code in}.
   *
   * @throws InjectionException when a document cannot be parsed or a pod cannot be injected
   */
  public static Result inject(Reader in, InjectionSettings settings) {
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        sb.append(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return inject(sb.toString(), settings);
  }

  /**
   * Injects the manifests in {@code yaml} (one or more documents).
   *
   * @throws InjectionException when a document cannot be parsed or a pod cannot be injected
   */
  public static Result inject(String yaml, InjectionSettings settings) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(settings, "settings");
    List<String> warnings = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    int index = 0;
    for (String raw : splitDocuments(yaml)) {
      index++;
      JsonNode doc;
      try {
        doc = Yaml.MAPPER.readTree(raw);
      } catch (IOException e) {
        throw new InjectionException(
            "document "
                + index
                + ": invalid YAML: "
                + e.getMessage().lines().findFirst().orElse(""),
            e);
      }
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      if (!(doc instanceof ObjectNode object) || !isInjectable(object)) {
        out.append(raw.endsWith("\n") ? raw : raw + "\n");
      } else {
        String where = "document " + index;
        ObjectNode injected = injectObject(object, settings, warnings::add, where);
        out.append(write(injected));
      }
      out.append("---\n");
    }
    return new Result(out.toString(), warnings);
  }

  private static String write(JsonNode node) {
    try {
      StringWriter w = new StringWriter();
      Yaml.MAPPER.writeValue(w, node);
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a YAML stream on {@code ---} separator lines, keeping each document's text. */
  static List<String> splitDocuments(String yaml) {
    List<String> docs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : yaml.split("\n", -1)) {
      if (line.equals("---") || line.startsWith("--- ") || line.equals("---\r")) {
        docs.add(current.toString());
        current = new StringBuilder();
      } else {
        current.append(line).append('\n');
      }
    }
    docs.add(current.toString());
    List<String> out = new ArrayList<>();
    for (String d : docs) {
      if (!d.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        out.add(d);
      }
    }
    return out;
  }

  private static String kind(JsonNode doc) {
    return doc.path("kind").asText("");
  }

  private static boolean isInjectable(ObjectNode doc) {
    String kind = kind(doc);
    return kind.equals("List")
        || kind.equals("Pod")
        || kind.equals("CronJob")
        || TEMPLATED.contains(kind);
  }

  private static ObjectNode injectObject(
      ObjectNode doc, InjectionSettings settings, Consumer<String> warn, String where) {
    ObjectNode out = doc.deepCopy();
    String kind = kind(doc);
    if (kind.equals("List")) {
      JsonNode items = out.get("items");
      if (items instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          if (array.get(i) instanceof ObjectNode item && isInjectable(item)) {
            array.set(i, injectObject(item, settings, warn, where + ", item " + (i + 1)));
          }
        }
      }
      return out;
    }
    String name = out.path("metadata").path("name").asText("");
    String namespace = out.path("metadata").path("namespace").asText("");
    ObjectNode template;
    WorkloadRef workload;
    if (kind.equals("Pod")) {
      template = out;
      Pod asPod = Json.toPod(out);
      workload = WorkloadRef.fromPod(asPod);
    } else {
      JsonNode t =
          kind.equals("CronJob")
              ? out.path("spec").path("jobTemplate").path("spec").path("template")
              : out.path("spec").path("template");
      if (!(t instanceof ObjectNode tpl)) {
        throw new InjectionException(
            where + " (" + kind + " " + name + "): spec.template is required");
      }
      template = tpl;
      workload = new WorkloadRef(name, namespace, kind, out.path("apiVersion").asText(""));
    }
    // Istio takes the metadata of a CronJob's job template (not of its pod template).
    ObjectNode metaHolder =
        kind.equals("CronJob") ? (ObjectNode) out.path("spec").path("jobTemplate") : template;

    ObjectNode podTree = Json.MAPPER.createObjectNode();
    podTree.set(
        "metadata",
        metaHolder.has("metadata") ? metaHolder.get("metadata") : Json.MAPPER.createObjectNode());
    podTree.set(
        "spec", template.has("spec") ? template.get("spec") : Json.MAPPER.createObjectNode());
    Pod pod = Json.toPod(podTree);

    String podName = pod.getMetadata().getName() == null ? "" : pod.getMetadata().getName();
    if (podName.isEmpty()) {
      podName = workload.name();
    }
    String fullName =
        workload.namespace().isEmpty() ? podName : workload.namespace() + "/" + podName;
    String described = kind.isEmpty() ? "\"" + fullName + "\"" : kind + " \"" + fullName + "\"";
    if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      warn.accept("===> Skipping injection because " + described + " has host networking enabled");
      return out;
    }
    if (!InjectionPolicy.defaults().podPolicy(pod).inject()) {
      warn.accept(
          "===> Skipping injection because " + described + " has sidecar injection disabled");
      return out;
    }
    InjectionResult result = Injector.inject(pod, workload, settings);
    if (result instanceof InjectionResult.Denied denied) {
      throw new InjectionException(where + " (" + described + "): " + denied.message());
    }
    ObjectNode injected = Json.toTree(result.pod());
    // istioctl prints the injected object from Go types: zero values with omitempty are gone.
    GoOmitEmpty.podSpec(injected.get("spec"));
    if (kind.equals("Pod")) {
      out.set("metadata", injected.get("metadata"));
      out.set("spec", injected.get("spec"));
    } else {
      metaHolder.set("metadata", injected.get("metadata"));
      template.set("spec", injected.get("spec"));
    }
    return out;
  }

  /** The documents of {@code yaml} as trees (for callers comparing manifests). */
  public static List<JsonNode> parseDocuments(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    for (String raw : splitDocuments(yaml)) {
      try {
        JsonNode doc = Yaml.MAPPER.readTree(raw);
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          out.add(doc);
        }
      } catch (IOException e) {
        throw new InjectionException("invalid YAML: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
