package dev.meshoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.model.OperatorRbac;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.InstallMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundle as the build generates it (in memory, from the same inputs), compared with the
 * kustomize RBAC file the build wrote at process-classes: OLM and kustomize must grant the same.
 */
class BundleGeneratorTest {

  private static final String IMAGE = "quay.io/example/istio-operator:1.2.3";
  private static Map<String, String> files;
  private static ClusterServiceVersion csv;

  @BeforeAll
  static void generate() throws IOException {
    files = BundleGenerator.files(ProjectDir.get(), "0.1.0-SNAPSHOT", IMAGE, Optional.empty());
    csv =
        Serialization.unmarshal(
            files.get("manifests/" + BundleGenerator.CSV_FILE), ClusterServiceVersion.class);
  }

  /** The objects of a kustomize base file, as {@link KustomizeLayout} generates it. */
  private static List<HasMetadata> kustomizeBase(String file) throws IOException {
    String crd =
        Files.readString(
            ProjectDir.get().resolve("crds/meshcontrolplanes.meshoperator.dev-v1.yml"));
    String yaml = new KustomizeLayout(IMAGE, crd).files().get("base/" + file);
    assertThat(yaml).as("kustomize/base/" + file).isNotNull();
    Object parsed = Serialization.unmarshal(yaml);
    if (parsed instanceof KubernetesList l) {
      return l.getItems();
    }
    if (parsed instanceof List<?> l) {
      return l.stream().map(HasMetadata.class::cast).toList();
    }
    return List.of((HasMetadata) parsed);
  }

  private static List<HasMetadata> kustomizeRbac() throws IOException {
    return kustomizeBase("rbac.yaml");
  }

  @Test
  void csvPermissionsEqualTheKustomizeRbac() throws IOException {
    List<HasMetadata> rbac = kustomizeRbac();
    String sa = OperatorRbac.NAME;
    // Every role kustomize binds to the operator's ServiceAccount...
    List<String> clusterRolesBound =
        rbac.stream()
            .filter(ClusterRoleBinding.class::isInstance)
            .map(ClusterRoleBinding.class::cast)
            .filter(b -> b.getSubjects().stream().anyMatch(s -> sa.equals(s.getName())))
            .map(b -> b.getRoleRef().getName())
            .toList();
    List<RoleBinding> roleBindings =
        rbac.stream()
            .filter(RoleBinding.class::isInstance)
            .map(RoleBinding.class::cast)
            .filter(b -> b.getSubjects().stream().anyMatch(s -> sa.equals(s.getName())))
            .toList();
    assertThat(clusterRolesBound).containsExactly(OperatorRbac.NAME);
    assertThat(roleBindings)
        .singleElement()
        .satisfies(
            b ->
                assertThat(b.getMetadata().getNamespace())
                    .isEqualTo(OperatorRbac.DEFAULT_NAMESPACE));
    List<PolicyRule> clusterRules =
        rbac.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .filter(r -> r.getMetadata().getName().equals(OperatorRbac.NAME))
            .findFirst()
            .orElseThrow()
            .getRules();
    List<PolicyRule> roleRules =
        rbac.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .filter(
                r -> r.getMetadata().getName().equals(roleBindings.get(0).getRoleRef().getName()))
            .findFirst()
            .orElseThrow()
            .getRules();

    // ...is exactly one CSV permission set, for the Deployment's ServiceAccount, rule for rule.
    var install = csv.getSpec().getInstall().getSpec();
    assertThat(install.getClusterPermissions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getServiceAccountName()).isEqualTo(sa);
              assertThat(p.getRules()).isEqualTo(clusterRules);
            });
    assertThat(install.getPermissions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getServiceAccountName()).isEqualTo(sa);
              assertThat(p.getRules()).isEqualTo(roleRules);
            });
    assertThat(
            install
                .getDeployments()
                .get(0)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getServiceAccountName())
        .isEqualTo(sa);
  }

  @Test
  void extraObjectsAreTheKustomizeOnes() throws IOException {
    List<HasMetadata> base = kustomizeBase("operator.yaml");
    for (HasMetadata o : BundleGenerator.extraObjects()) {
      if (o instanceof ClusterRole) {
        continue; // below
      }
      String file = "manifests/" + BundleGenerator.manifestName(o);
      assertThat(files).containsKey(file);
      HasMetadata inBundle = Serialization.unmarshal(files.get(file), HasMetadata.class);
      assertThat(inBundle.getMetadata().getNamespace()).isNull();
      HasMetadata inKustomize =
          base.stream()
              .filter(
                  k ->
                      k.getKind().equals(o.getKind())
                          && k.getMetadata().getName().equals(o.getMetadata().getName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          o.getKind() + " " + o.getMetadata().getName() + " not in kustomize"));
      inKustomize.getMetadata().setNamespace(null);
      assertThat(Serialization.asJson(inBundle)).isEqualTo(Serialization.asJson(inKustomize));
    }
  }

  @Test
  void staticIstiodRolesAreTheKustomizeOnes() throws IOException {
    List<HasMetadata> rbac = kustomizeRbac();
    for (String name :
        List.of(OperatorRbac.ISTIOD_SECRETS_READER, OperatorRbac.ISTIOD_NAMESPACE_SECRETS)) {
      String file = "manifests/" + name + "_rbac.authorization.k8s.io_v1_clusterrole.yaml";
      assertThat(files).containsKey(file);
      ClusterRole inBundle = Serialization.unmarshal(files.get(file), ClusterRole.class);
      ClusterRole inKustomize =
          rbac.stream()
              .filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(name))
              .map(ClusterRole.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(inBundle.getRules()).isEqualTo(inKustomize.getRules());
    }
  }

  @Test
  void deploymentIsTheKustomizeOneAndImageIsTheOneSetting() throws IOException {
    var deployment = csv.getSpec().getInstall().getSpec().getDeployments().get(0);
    var expected =
        kustomizeBase("operator.yaml").stream()
            .filter(io.fabric8.kubernetes.api.model.apps.Deployment.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.apps.Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getName()).isEqualTo(expected.getMetadata().getName());
    assertThat(deployment.getSpec()).isEqualTo(expected.getSpec());
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(IMAGE);
    assertThat(csv.getMetadata().getAnnotations()).containsEntry("containerImage", IMAGE);
    assertThat(csv.getSpec().getRelatedImages()).anyMatch(i -> i.getImage().equals(IMAGE));
  }

  @Test
  void csvBasics() throws IOException {
    assertThat(csv.getMetadata().getName()).isEqualTo("istio-operator.v0.1.0-snapshot");
    assertThat(csv.getSpec().getVersion()).isEqualTo("0.1.0-snapshot");
    assertThat(csv.getSpec().getReplaces()).isNull();
    assertThat(csv.getSpec().getInstallModes())
        .filteredOn(InstallMode::getSupported)
        .extracting(InstallMode::getType)
        .containsExactly("AllNamespaces");
    assertThat(csv.getSpec().getWebhookdefinitions()).isNullOrEmpty();
    JsonNode examples =
        new ObjectMapper().readTree(csv.getMetadata().getAnnotations().get("alm-examples"));
    assertThat(examples.get(0).at("/kind").asText()).isEqualTo("MeshControlPlane");
    assertThat(examples.get(0).at("/spec/profile").asText()).isEqualTo("demo");
    assertThat(csv.getSpec().getCustomresourcedefinitions().getOwned())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getName()).isEqualTo("meshcontrolplanes.meshoperator.dev");
              assertThat(o.getVersion()).isEqualTo("v1alpha1");
              assertThat(o.getSpecDescriptors()).isNotEmpty();
              assertThat(o.getStatusDescriptors()).isNotEmpty();
            });
    var replacing =
        BundleGenerator.files(
            ProjectDir.get(), "0.2.0", IMAGE, Optional.of("istio-operator.v0.1.0"));
    assertThat(replacing.get("manifests/" + BundleGenerator.CSV_FILE))
        .contains("replaces: \"istio-operator.v0.1.0\"");
  }

  @Test
  void dockerfileLabelsMatchAnnotations() {
    Map<String, String> annotations = BundleGenerator.annotations();
    Matcher m =
        Pattern.compile("(?m)^LABEL (\\S+)=(\\S+)$").matcher(files.get("bundle.Dockerfile"));
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    assertThat(labels).isEqualTo(annotations);
    Map<?, ?> yaml =
        (Map<?, ?>)
            Serialization.unmarshal(files.get("metadata/annotations.yaml"), Map.class)
                .get("annotations");
    assertThat(yaml).isEqualTo(annotations);
    assertThat(annotations)
        .containsEntry("operators.operatorframework.io.bundle.package.v1", "istio-operator")
        .containsEntry("operators.operatorframework.io.bundle.channels.v1", "alpha")
        .containsEntry("operators.operatorframework.io.bundle.channel.default.v1", "alpha");
  }

  @Test
  void crdIsCopiedVerbatim() throws IOException {
    Path crd = ProjectDir.get().resolve("crds/meshcontrolplanes.meshoperator.dev-v1.yml");
    assertThat(files.get("manifests/meshcontrolplanes.meshoperator.dev.crd.yaml"))
        .isEqualTo(Files.readString(crd));
  }
}
