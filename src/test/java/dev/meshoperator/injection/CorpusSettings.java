package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates the corpus' install overlays ({@code *.iop.yaml}, Istio install values) into {@link
 * InjectionSettings}. Only the values the corpus uses are understood; anything else fails loudly so
 * a new overlay is not silently ignored.
 */
final class CorpusSettings {

  private static final YAMLMapper YAML = new YAMLMapper();

  private CorpusSettings() {}

  static InjectionSettings.Builder applyOverlay(InjectionSettings.Builder b, Path iop)
      throws IOException {
    JsonNode values = YAML.readTree(Files.readString(iop)).path("spec").path("values");
    JsonNode global = values.path("global");
    List<String> understood = new ArrayList<>();
    if (global.has("imagePullSecrets")) {
      List<String> secrets = new ArrayList<>();
      global.get("imagePullSecrets").forEach(n -> secrets.add(n.asText()));
      b.imagePullSecrets(secrets);
      understood.add("global.imagePullSecrets");
    }
    if (global.has("podDNSSearchNamespaces")) {
      // Istio's current template no longer renders these; they have no effect on injection.
      understood.add("global.podDNSSearchNamespaces");
    }
    JsonNode resources = global.path("proxy").path("resources");
    if (!resources.isMissingNode()) {
      b.proxyResources(mergeResources(resources));
      understood.add("global.proxy.resources");
    }
    JsonNode templates = values.path("sidecarInjectorWebhook").path("templates");
    if (templates.isObject()) {
      templates
          .fields()
          .forEachRemaining(
              e -> b.template(e.getKey(), template(e.getKey(), e.getValue().asText())));
      understood.add("sidecarInjectorWebhook.templates");
    }
    if (understood.isEmpty()) {
      throw new IllegalStateException("no known setting in " + iop);
    }
    return b;
  }

  /** The proxy resources an overlay's {@code global.proxy.resources} give (Helm-merged). */
  static ResourceRequirements overlayResources(Path iop) {
    try {
      JsonNode values = YAML.readTree(Files.readString(iop)).path("spec").path("values");
      return mergeResources(values.path("global").path("proxy").path("resources"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Helm semantics: the overlay is merged onto the chart defaults, {@code null} deletes. */
  private static ResourceRequirements mergeResources(JsonNode overlay) {
    Map<String, Map<String, String>> merged = new LinkedHashMap<>();
    merged.put("requests", new LinkedHashMap<>(Map.of("cpu", "100m", "memory", "128Mi")));
    merged.put("limits", new LinkedHashMap<>(Map.of("cpu", "2000m", "memory", "1024Mi")));
    for (String kind : List.of("requests", "limits")) {
      JsonNode o = overlay.path(kind);
      o.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNull()) {
                  merged.get(kind).remove(e.getKey());
                } else {
                  merged.get(kind).put(e.getKey(), e.getValue().asText());
                }
              });
    }
    ResourceRequirements r = new ResourceRequirements();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    merged.get("requests").forEach((k, v) -> requests.put(k, new Quantity(v)));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    merged.get("limits").forEach((k, v) -> limits.put(k, new Quantity(v)));
    r.setRequests(requests);
    r.setLimits(limits);
    return r;
  }

  /**
   * A template from install values. Static YAML is used as is; templates with Go template
   * directives need a Java translation, which this test provides for the corpus' "custom" template.
   */
  private static InjectionTemplate template(String name, String text) {
    if (!text.contains("{{")) {
      return InjectionTemplate.ofStaticYaml(text);
    }
    if (name.equals("custom")) {
      return CorpusSettings::customTemplate;
    }
    throw new IllegalStateException("no Java translation of Go template " + name);
  }

  /** Java version of the "custom" template in custom-template.iop.yaml. */
  static ObjectNode customTemplate(TemplateContext ctx) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.putObject("metadata")
        .putObject("annotations")
        .put("prometheus.istio.io/merge-metrics", "false")
        .put("sidecar.istio.io/rewriteAppHTTPProbers", "false")
        .put("foo", "bar");
    ObjectNode spec = pod.putObject("spec");
    var containers = spec.putArray("containers");
    ctx.containers()
        .forEach(
            c -> {
              ObjectNode container = containers.addObject();
              container.put("name", c.getName());
              var env = container.putArray("env");
              env.addObject().put("name", "SOME_ENV").put("value", "true");
              env.addObject().put("name", "SOME_FILE").put("value", "/var/lib/data/foo.json");
              container
                  .putArray("volumeMounts")
                  .addObject()
                  .put("mountPath", "/var/lib/data/foo.json")
                  .put("subPath", "foo.json")
                  .put("name", "some-injected-file");
            });
    ObjectNode volume = spec.putArray("volumes").addObject();
    volume.put("name", "some-injected-file");
    volume
        .putObject("downwardAPI")
        .putArray("items")
        .addObject()
        .put("path", "foo.json")
        .putObject("fieldRef")
        .put("fieldPath", "metadata.annotations['foo']");
    return pod;
  }
}
