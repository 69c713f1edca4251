package dev.meshoperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the OLM registry+v1 bundle {@code olm-bundle/} (run by the build at {@code package}, after
 * the Quarkus build has regenerated {@code crds/}; committed; {@code hack/check-generated.sh} fails
 * when it is stale):
 *
 * <pre>
 * olm-bundle/
 *   bundle.Dockerfile                       labels = metadata/annotations.yaml
 *   metadata/annotations.yaml               package, channels, default channel
 *   manifests/istio-operator.clusterserviceversion.yaml
 *   manifests/meshcontrolplanes.meshoperator.dev.crd.yaml      (crds/, verbatim)
 *   manifests/*_v1_service.yaml, *_poddisruptionbudget.yaml    (OperatorInstall)
 *   manifests/*_clusterrole.yaml            the two static ClusterRoles istiod is bound to
 * </pre>
 *
 * The extra manifests are kinds OLM installs from a bundle (Service, PodDisruptionBudget,
 * NetworkPolicy, ClusterRole); namespaced ones carry no namespace: OLM puts them in the install
 * namespace.
 */
public final class BundleGenerator {

  public static final String BUNDLE_DIR = "olm-bundle";
  public static final String CSV_FILE = "istio-operator.clusterserviceversion.yaml";
  static final String SAMPLE = "samples/meshcontrolplane-demo.yaml";
  static final String ICON = "src/main/olm/icon.svg";
  static final String DESCRIPTION = "src/main/olm/description.md";

  private static final String MEDIA_TYPE = "registry+v1";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final YAMLMapper YAML = new YAMLMapper();

  private BundleGenerator() {}

  /** The bundle's files, path (relative to the bundle) to content, in a fixed order. */
  public static Map<String, String> files(
      Path project, String version, String image, Optional<String> replaces) throws IOException {
    Path crdFile = singleCrd(project.resolve("crds"));
    String crdYaml = Files.readString(crdFile, StandardCharsets.UTF_8);
    JsonNode crd = YAML.readTree(crdYaml);
    JsonNode servedVersion = crd.at("/spec/versions/0");
    var inputs =
        new ClusterServiceVersionModel.Inputs(
            version,
            image,
            replaces,
            crd.at("/metadata/name").asText(),
            servedVersion.at("/name").asText(),
            crd.at("/spec/names/kind").asText(),
            almExamples(Files.readString(project.resolve(SAMPLE), StandardCharsets.UTF_8)),
            Files.readString(project.resolve(DESCRIPTION), StandardCharsets.UTF_8),
            Base64.getEncoder().encodeToString(Files.readAllBytes(project.resolve(ICON))));

    Map<String, String> files = new LinkedHashMap<>();
    files.put("bundle.Dockerfile", dockerfile());
    files.put("metadata/annotations.yaml", annotationsYaml());
    files.put("manifests/" + CSV_FILE, header() + yaml(ClusterServiceVersionModel.csv(inputs)));
    files.put("manifests/" + crd.at("/metadata/name").asText() + ".crd.yaml", crdYaml);
    for (HasMetadata o : extraObjects()) {
      files.put("manifests/" + manifestName(o), header() + yaml(o));
    }
    return files;
  }

  /**
   * The objects besides the CSV and the CRD: the webhook and metrics Services, the
   * PodDisruptionBudget and the NetworkPolicy of the kustomize install (without namespace), and the
   * static ClusterRoles the operator binds for istiod and the gateways ({@link
   * OperatorRbac#staticClusterRoles()}).
   */
  public static List<HasMetadata> extraObjects() {
    List<HasMetadata> objects =
        new java.util.ArrayList<>(
            List.of(
                OperatorInstall.webhookService(OperatorRbac.DEFAULT_NAMESPACE),
                OperatorInstall.metricsService(OperatorRbac.DEFAULT_NAMESPACE),
                OperatorInstall.disruptionBudget(OperatorRbac.DEFAULT_NAMESPACE),
                OperatorInstall.networkPolicy(OperatorRbac.DEFAULT_NAMESPACE)));
    objects.addAll(OperatorRbac.staticClusterRoles());
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(null);
    }
    return objects;
  }

  /** The bundle annotations: {@code metadata/annotations.yaml} and the Dockerfile's labels. */
  public static Map<String, String> annotations() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("operators.operatorframework.io.bundle.mediatype.v1", MEDIA_TYPE);
    a.put("operators.operatorframework.io.bundle.manifests.v1", "manifests/");
    a.put("operators.operatorframework.io.bundle.metadata.v1", "metadata/");
    a.put("operators.operatorframework.io.bundle.package.v1", ClusterServiceVersionModel.PACKAGE);
    a.put("operators.operatorframework.io.bundle.channels.v1", ClusterServiceVersionModel.CHANNEL);
    a.put(
        "operators.operatorframework.io.bundle.channel.default.v1",
        ClusterServiceVersionModel.CHANNEL);
    return a;
  }

  static String annotationsYaml() {
    StringBuilder out = new StringBuilder(header()).append("annotations:\n");
    annotations().forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }

  /**
   * Build context: {@code olm-bundle/} ({@code docker build -f olm-bundle/bundle.Dockerfile
   * olm-bundle}).
   */
  static String dockerfile() {
    StringBuilder out =
        new StringBuilder(header())
            .append("# docker build -f olm-bundle/bundle.Dockerfile -t <bundle image> olm-bundle\n")
            .append("FROM scratch\n\n");
    annotations()
        .forEach((k, v) -> out.append("LABEL ").append(k).append('=').append(v).append('\n'));
    return out.append("\nCOPY manifests /manifests/\nCOPY metadata /metadata/\n").toString();
  }

  /** The samples' documents as the JSON array OLM's {@code alm-examples} annotation holds. */
  static String almExamples(String sampleYaml) throws IOException {
    var array = JSON.createArrayNode();
    try (var parser = YAML.getFactory().createParser(sampleYaml)) {
      for (var docs = YAML.readValues(parser, JsonNode.class); docs.hasNext(); ) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          array.add(doc);
        }
      }
    }
    if (array.isEmpty()) {
      throw new IllegalArgumentException("no example in " + SAMPLE);
    }
    return JSON.writeValueAsString(array);
  }

  /** operator-sdk's naming: {@code <name>_<group>_<version>_<kind>.yaml}, lower-case. */
  static String manifestName(HasMetadata o) {
    String apiVersion = o.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String v = apiVersion.substring(apiVersion.indexOf('/') + 1);
    return (o.getMetadata().getName()
                + "_"
                + (group.isEmpty() ? "" : group + "_")
                + v
                + "_"
                + o.getKind())
            .toLowerCase(java.util.Locale.ROOT)
        + ".yaml";
  }

  /**
   * One object per file, without fabric8's leading {@code ---}: OLM's loaders read the first YAML
   * document of a manifest only, and an empty one before it would hide the object.
   */
  static String yaml(Object o) {
    String doc = Serialization.asYaml(o);
    return doc.startsWith("---\n") ? doc.substring(4) : doc;
  }

  private static String header() {
    return "# Generated by dev.meshoperator.packaging.BundleGenerator (./mvnw package); do not edit.\n";
  }

  private static Path singleCrd(Path crds) throws IOException {
    try (Stream<Path> s = Files.list(crds)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      if (files.size() != 1) {
        throw new IllegalStateException("expected exactly one CRD in " + crds + ", found " + files);
      }
      return files.get(0);
    }
  }

  /**
   * {@code BundleGenerator <project dir> <version> <image> [<replaced CSV name>]}: rewrites {@code
   * olm-bundle/} (files that did not change are not touched; files no longer generated are
   * deleted).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3 || args.length > 4 || args[2].isBlank()) {
      throw new IllegalArgumentException(
          "usage: BundleGenerator <project dir> <version> <image> [<replaced CSV name>]");
    }
    Path project = Path.of(args[0]);
    Optional<String> replaces =
        args.length == 4 && args[3] != null && !args[3].isBlank()
            ? Optional.of(args[3])
            : Optional.empty();
    Map<String, String> files = files(project, args[1], args[2], replaces);
    Path bundle = project.resolve(BUNDLE_DIR);
    if (Files.isDirectory(bundle)) {
      try (Stream<Path> old = Files.walk(bundle)) {
        for (Path p : old.filter(Files::isRegularFile).toList()) {
          if (!files.containsKey(bundle.relativize(p).toString().replace('\\', '/'))) {
            Files.delete(p);
          }
        }
      }
    }
    files.forEach(
        (rel, content) -> {
          Path out = bundle.resolve(rel);
          try {
            if (Files.exists(out)
                && Files.readString(out, StandardCharsets.UTF_8).equals(content)) {
              return;
            }
            Files.createDirectories(out.getParent());
            Files.writeString(out, content, StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
