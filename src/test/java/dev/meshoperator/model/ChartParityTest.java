package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.testing.Helm;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chart parity, per supported release and per profile: every object the operator's models give for
 * a MeshControlPlane of that version and profile (in istio-system, default revision) is compared,
 * field by field, with what that release's own charts render for the profile ({@link
 * IstioChartRender}); objects are paired by kind and name. Every difference, and every object on
 * one side only, must be one of {@link ChartParityAllowList#ENTRIES}, each with its reason; the
 * list is printed, and an entry that no run needs any more fails the test (so it cannot go stale).
 *
 * <p>helm is the one {@code hack/build-helm.sh} builds from the Go module proxy ({@code
 * hack/test.sh} always builds it); the test is skipped, saying so, only when helm or {@code
 * ../shared} is missing.
 */
class ChartParityTest {

  /** Allow-list entries some run needed. */
  private static final Set<String> USED = ConcurrentHashMap.newKeySet();

  private static final Map<String, String> RESULTS = new TreeMap<>();
  private static boolean ran;

  static Stream<Arguments> releasesAndProfiles() {
    List<Arguments> out = new ArrayList<>();
    for (String v : IstioVersions.SUPPORTED) {
      for (Profile p : Profile.values()) {
        out.add(Arguments.of(v, p));
      }
    }
    return out.stream();
  }

  @BeforeAll
  static void printAllowList() {
    System.out.println("ChartParityTest: allowed differences from Istio's charts:");
    ChartParityAllowList.ENTRIES.forEach(e -> System.out.println("  - " + e));
  }

  @ParameterizedTest(name = "Istio {0}, profile {1}")
  @MethodSource("releasesAndProfiles")
  void theOperatorInstallsWhatTheReleasesChartsInstall(String version, Profile profile) {
    assumeTrue(IstioChartRender.available(version), "../shared/istio-releases/" + version);
    assumeTrue(
        Files.isExecutable(Helm.binary()),
        Helm.binary() + " is missing: run hack/build-helm.sh (hack/test.sh does)");
    ran = true;

    Map<String, JsonNode> chart = byId(IstioChartRender.render(version, profile), true);
    Map<String, JsonNode> ours =
        byId(
            OperatorObjects.of(
                TestResources.mcp(
                    IstioChartRender.NAMESPACE,
                    "default",
                    s -> {
                      s.version = version;
                      s.profile = profile;
                    })),
            false);

    // The release's own CRD set (the operator installs every supported release's: see below).
    assertThat(
            chart.keySet().stream()
                .filter(id -> id.startsWith("CustomResourceDefinition/"))
                .map(id -> id.substring(id.indexOf('/') + 1))
                .sorted()
                .toList())
        .as("Istio " + version + "'s CRDs")
        .isEqualTo(
            profile == Profile.EMPTY
                ? List.of()
                : IstioCrds.table(IstioRelease.of(version)).stream()
                    .map(IstioCrds.Entry::name)
                    .sorted()
                    .toList());
    separateSecretRules(chart);
    secretRulesOfTheStaticRoles(ours);

    List<String> unlisted = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(chart.keySet());
    ids.addAll(ours.keySet());
    int leaves = 0;
    int paired = 0;
    for (String id : ids) {
      JsonNode a = chart.get(id);
      JsonNode b = ours.get(id);
      if (a == null || b == null) {
        var side =
            a == null
                ? ChartParityAllowList.Side.OPERATOR_ONLY
                : ChartParityAllowList.Side.CHART_ONLY;
        allowed(id, side, null).ifPresentOrElse(USED::add, () -> unlisted.add(id + ": " + side));
        continue;
      }
      paired++;
      Map<String, String> x = ObjectLeaves.of(a);
      Map<String, String> y = ObjectLeaves.of(b);
      TreeSet<String> paths = new TreeSet<>(x.keySet());
      paths.addAll(y.keySet());
      leaves += paths.size();
      for (String path : paths) {
        String cv = x.get(path);
        String ov = y.get(path);
        if (cv != null && cv.equals(ov)) {
          continue;
        }
        allowed(id, ChartParityAllowList.Side.FIELD, path)
            .ifPresentOrElse(
                USED::add,
                () -> unlisted.add(id + " " + path + ": chart=" + cv + " operator=" + ov));
      }
    }
    String result =
        String.format(
            "%d chart objects, %d operator objects, %d paired, %d leaves compared, %d unlisted"
                + " differences",
            chart.size(), ours.size(), paired, leaves, unlisted.size());
    RESULTS.put(version + " " + profile.value(), result);
    System.out.printf(
        "ChartParityTest: Istio %s, profile %s: %s%n", version, profile.value(), result);
    unlisted.forEach(u -> System.out.println("  UNLISTED " + u));
    assertThat(unlisted)
        .as("differences from Istio " + version + "'s charts not allowed")
        .isEmpty();
  }

  @AfterAll
  static void everyEntryIsStillNeeded() {
    RESULTS.forEach((k, v) -> System.out.println("ChartParityTest: " + k + ": " + v));
    if (!ran || RESULTS.size() < IstioVersions.SUPPORTED.size() * Profile.values().length) {
      return; // a filtered or skipped run cannot tell which entries are stale
    }
    List<String> stale = new ArrayList<>();
    ChartParityAllowList.ENTRIES.forEach(
        e -> {
          if (!USED.contains(e.id())) {
            stale.add(e.toString());
          }
        });
    assertThat(stale).as("allow-list entries no release and profile needs").isEmpty();
  }

  /** The roles whose Secret rules the operator grants through its static ClusterRoles. */
  private static final Map<
          String, java.util.function.Supplier<io.fabric8.kubernetes.api.model.rbac.ClusterRole>>
      SECRET_HOLDERS =
          Map.of(
              "ClusterRole/istiod-clusterrole-istio-system", OperatorRbac::istiodSecretsReader,
              "ClusterRole/istio-reader-clusterrole-istio-system",
                  OperatorRbac::istiodSecretsReader,
              "Role/istiod", OperatorRbac::istiodNamespaceSecrets);

  /**
   * The chart's Secret rules of istiod's and the reader's roles, taken out into a {@code
   * SecretRules/<role>} object each: the operator grants exactly these through static ClusterRoles
   * its install ships (so it never holds Secret access itself; see {@link IstiodRbac}), and {@link
   * #secretRulesOfTheStaticRoles} puts those in the same place, so both are compared field by field
   * like any other object.
   */
  private static void separateSecretRules(Map<String, JsonNode> chart) {
    for (String id : SECRET_HOLDERS.keySet()) {
      JsonNode role = chart.get(id);
      if (role == null) {
        continue;
      }
      var secretRules = JSON.createArrayNode();
      var kept = JSON.createArrayNode();
      for (JsonNode rule : role.path("rules")) {
        var resources = (com.fasterxml.jackson.databind.node.ArrayNode) rule.path("resources");
        boolean secrets = false;
        var others = JSON.createArrayNode();
        for (JsonNode r : resources) {
          if (r.asText().equals("secrets")) {
            secrets = true;
          } else {
            others.add(r);
          }
        }
        if (secrets) {
          var sr = JSON.createObjectNode();
          sr.set("apiGroups", rule.path("apiGroups").deepCopy());
          sr.set("resources", JSON.createArrayNode().add("secrets"));
          sr.set("verbs", rule.path("verbs").deepCopy());
          secretRules.add(sr);
        }
        if (!others.isEmpty()) {
          var k = (com.fasterxml.jackson.databind.node.ObjectNode) rule.deepCopy();
          k.set("resources", others);
          kept.add(k);
        }
      }
      ((com.fasterxml.jackson.databind.node.ObjectNode) role).set("rules", kept);
      chart.put("SecretRules/" + id, secretRules(id, secretRules));
    }
  }

  private static void secretRulesOfTheStaticRoles(Map<String, JsonNode> ours) {
    SECRET_HOLDERS.forEach(
        (id, staticRole) -> {
          if (ours.containsKey(id)) {
            JsonNode rules = JSON.valueToTree(staticRole.get().getRules()).deepCopy();
            ours.put(
                "SecretRules/" + id,
                GatewayChartComparisonTest.withoutNulls(secretRules(id, rules)));
          }
        });
  }

  private static JsonNode secretRules(String id, JsonNode rules) {
    var o = JSON.createObjectNode();
    o.put("kind", "SecretRules");
    o.putObject("metadata").put("name", id);
    o.set("rules", rules);
    return o;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static java.util.Optional<String> allowed(
      String id, ChartParityAllowList.Side side, String path) {
    int slash = id.indexOf('/');
    String kind = id.substring(0, slash);
    String name = id.substring(slash + 1);
    return ChartParityAllowList.ENTRIES.stream()
        .filter(e -> e.matches(kind, name, side, path))
        .map(ChartParityAllowList.Entry::id)
        .findFirst();
  }

  /**
   * Objects by {@code Kind/name}, the chart's renamed to the operator's names where they differ.
   */
  private static Map<String, JsonNode> byId(List<JsonNode> objects, boolean chart) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode o : objects) {
      String kind = o.path("kind").asText();
      String name = o.path("metadata").path("name").asText();
      if (chart) {
        name = ChartParityAllowList.RENAMED.getOrDefault(kind + "/" + name, name);
      }
      String id = kind + "/" + name;
      assertThat(out.put(id, o)).as("two objects " + id).isNull();
    }
    return out;
  }
}
