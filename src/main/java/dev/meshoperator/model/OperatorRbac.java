package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The operator's own RBAC, as data: what it holds and nothing else. Pure functions returning fresh
 * fabric8 objects in a fixed order; {@code packaging.KustomizeLayout} writes them to {@code
 * kustomize/base/rbac.yaml} (run by the build, committed, checked for staleness by {@code
 * hack/check-generated.sh}), and the tests install exactly these objects.
 *
 * <p>Two principles:
 *
 * <ul>
 *   <li><b>No {@code escalate}.</b> The apiserver lets a user create or update a (Cluster)Role only
 *       if the user holds every permission in it, unless it has {@code escalate}. So the operator
 *       holds every non-Secret rule of the roles it creates for istiod ({@link IstiodRbac}), and
 *       nothing more powerful than those rules.
 *   <li><b>No cluster-wide Secret access.</b> istiod reads every Secret (Istio's design; see {@link
 *       IstiodRbac#secretsReadRules()}). Instead of holding that too, the operator ships two static
 *       ClusterRoles with istiod's Secret rules ({@value #ISTIOD_SECRETS_READER}, {@value
 *       #ISTIOD_NAMESPACE_SECRETS}) and may only <em>bind</em> those two ({@code bind} limited by
 *       {@code resourceNames}). Its own Secret access is its namespace (webhook TLS, mesh root CAs)
 *       and Secrets named {@value #CACERTS} (the plug-in CA it writes for istiod).
 * </ul>
 */
public final class OperatorRbac {

  /** The ServiceAccount, ClusterRole, Role and their bindings: {@value}. */
  public static final String NAME = "istio-operator";

  /** The namespace the operator runs in unless configured otherwise. */
  public static final String DEFAULT_NAMESPACE = "istio-operator";

  /**
   * Where the operator writes Events (see {@code EventRecorder}): those of a cluster-scoped object
   * live in {@code default}. The rule is in the ClusterRole, not a Role in {@code default}: an OLM
   * bundle can only express Roles in the operator's own namespace, and both install paths must
   * grant the same rules (see {@link #eventRules()}).
   */
  public static final String EVENTS_NAMESPACE = "default";

  /** The plug-in CA Secret the operator writes into a control plane's namespace. */
  public static final String CACERTS = "cacerts";

  /**
   * Static ClusterRole: read every Secret ({@link IstiodRbac#secretsReadRules()}), bound per
   * revision to istiod's and the reader's ServiceAccounts.
   */
  public static final String ISTIOD_SECRETS_READER = "istio-operator-istiod-secrets-reader";

  /**
   * Static ClusterRole: istiod's Secret access in its own namespace ({@link
   * IstiodRbac#namespaceSecretsRules()}), bound per revision with a RoleBinding there.
   */
  public static final String ISTIOD_NAMESPACE_SECRETS = "istio-operator-istiod-namespace-secrets";

  /**
   * Static ClusterRole: read Secrets (get, watch, list), the rule of Istio's gateway Role for SDS;
   * bound per gateway by a RoleBinding in the gateway's namespace, so it grants only there.
   */
  public static final String GATEWAY_SECRETS_READER = "istio-operator-gateway-secrets-reader";

  private static final String CORE = "";
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final String[] READ = {"get", "list", "watch"};

  /** What JOSDK's dependents do: informers, server-side apply, deletes when a component goes. */
  private static final String[] MANAGE = {
    "get", "list", "watch", "create", "patch", "update", "delete"
  };

  private OperatorRbac() {}

  /**
   * The rules the operator needs for its own work, each with its reason. {@link #clusterRules()}
   * adds what it grants istiod.
   */
  public static List<PolicyRule> ownClusterRules() {
    return List.of(
        // The primary resource: the reconciler's and the webhook's informers, the finalizer.
        rule(
            List.of("meshoperator.dev"),
            List.of("meshcontrolplanes"),
            "get",
            "list",
            "watch",
            "patch",
            "update"),
        rule(
            List.of("meshoperator.dev"),
            List.of("meshcontrolplanes/status"),
            "get",
            "patch",
            "update"),
        // Owner references with blockOwnerDeletion on the cluster-scoped CR.
        rule(List.of("meshoperator.dev"), List.of("meshcontrolplanes/finalizers"), "update"),
        // Every kind of object a control plane is made of (one JOSDK dependent each).
        rule(List.of(CORE), List.of("serviceaccounts", "configmaps", "services"), MANAGE),
        rule(List.of("apps"), List.of("deployments"), MANAGE),
        rule(List.of("autoscaling"), List.of("horizontalpodautoscalers"), MANAGE),
        rule(List.of("policy"), List.of("poddisruptionbudgets"), MANAGE),
        rule(
            List.of(RBAC_GROUP),
            List.of("roles", "rolebindings", "clusterroles", "clusterrolebindings"),
            MANAGE),
        rule(
            List.of("admissionregistration.k8s.io"),
            List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"),
            MANAGE),
        // Control-plane namespaces are created when missing; the webhook reads namespace labels.
        rule(List.of(CORE), List.of("namespaces"), "get", "list", "watch", "create"),
        // The webhook reads kubelet versions (native sidecars).
        rule(List.of(CORE), List.of("nodes"), READ),
        // The health report's pod informer (status.health): list and watch, no get, no writes.
        rule(List.of(CORE), List.of("pods"), "list", "watch"),
        // Istio's CRDs: the dependent's informer and JOSDK's check of its own CRD read them;
        // create cannot be limited by name; changes and purgeIstioCrdsOnDelete only on Istio's.
        rule(
            List.of("apiextensions.k8s.io"),
            List.of("customresourcedefinitions"),
            "get",
            "list",
            "watch",
            "create"),
        named(
            List.of("apiextensions.k8s.io"),
            List.of("customresourcedefinitions"),
            List.copyOf(IstioCrds.names()),
            "update",
            "delete"),
        // The plug-in CA (cacerts) in each control plane's namespace; create cannot be limited by
        // name, the rest is only on cacerts.
        rule(List.of(CORE), List.of("secrets"), "create"),
        named(
            List.of(CORE),
            List.of("secrets"),
            List.of(CACERTS),
            "get",
            "update",
            "patch",
            "delete"),
        // istiod's and the gateways' Secret access is granted by binding the static roles, never
        // held.
        named(
            List.of(RBAC_GROUP),
            List.of("clusterroles"),
            List.of(ISTIOD_SECRETS_READER, ISTIOD_NAMESPACE_SECRETS, GATEWAY_SECRETS_READER),
            "bind"));
  }

  /**
   * Every non-Secret rule of the roles the operator creates for istiod, in the chart's order,
   * without exact duplicates. Held cluster-wide (istiod's Role lives in whatever namespace a
   * control plane runs in), so creating those roles needs no {@code escalate}.
   */
  public static List<PolicyRule> grantedToIstiodRules() {
    LinkedHashSet<PolicyRule> rules = new LinkedHashSet<>();
    // Every supported release's: one operator serves control planes of several versions.
    for (IstioRelease release : IstioRelease.supported()) {
      rules.addAll(IstiodRbac.istiodClusterRules(release));
    }
    rules.addAll(IstiodRbac.gatewayControllerClusterRules());
    for (IstioRelease release : IstioRelease.supported()) {
      rules.addAll(IstiodRbac.readerClusterRules(release));
    }
    rules.addAll(IstiodRbac.istiodNamespaceRules());
    return List.copyOf(rules);
  }

  /**
   * Every rule of the addons' ClusterRoles (Prometheus, Kiali: reads only), held so that creating
   * those roles needs no {@code escalate} either; most are already among istiod's.
   */
  public static List<PolicyRule> grantedToAddonsRules() {
    return AddonRbac.all();
  }

  /**
   * The ClusterRole {@value #NAME}'s rules: its own, Events, then those it grants istiod and the
   * addons.
   */
  public static List<PolicyRule> clusterRules() {
    List<PolicyRule> rules = new ArrayList<>(ownClusterRules());
    rules.addAll(eventRules());
    rules.addAll(grantedToIstiodRules());
    rules.addAll(grantedToAddonsRules());
    return List.copyOf(rules);
  }

  /** The Role {@value #NAME} in the operator's namespace. */
  public static List<PolicyRule> namespaceRules() {
    return List.of(
        // The webhook TLS Secret and the mesh root CAs (mesh-root-ca-<ns>), and the informer on
        // the webhook Secret.
        rule(List.of(CORE), List.of("secrets"), MANAGE),
        // Leader election.
        rule(List.of("coordination.k8s.io"), List.of("leases"), MANAGE));
  }

  /**
   * Events: create and patch (a repeated Event is patched), no read. Held cluster-wide although the
   * operator writes only in {@value #EVENTS_NAMESPACE}: a CSV's {@code permissions} are Roles in
   * the operator's namespace only, so a Role in {@code default} could not ship in the OLM bundle,
   * and kustomize and OLM must grant the same. The extra power is writing Events in other
   * namespaces (misleading {@code kubectl describe} output there); reading them is not granted.
   */
  public static List<PolicyRule> eventRules() {
    return List.of(rule(List.of(CORE), List.of("events"), "create", "patch"));
  }

  public static ServiceAccount serviceAccount(String namespace) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .build();
  }

  public static ClusterRole clusterRole() {
    return clusterRole(NAME, clusterRules());
  }

  /** The static ClusterRole {@value #ISTIOD_SECRETS_READER}. */
  public static ClusterRole istiodSecretsReader() {
    return clusterRole(ISTIOD_SECRETS_READER, IstiodRbac.secretsReadRules());
  }

  /** The static ClusterRole {@value #ISTIOD_NAMESPACE_SECRETS}. */
  public static ClusterRole istiodNamespaceSecrets() {
    return clusterRole(ISTIOD_NAMESPACE_SECRETS, IstiodRbac.namespaceSecretsRules());
  }

  /** The static ClusterRole {@value #GATEWAY_SECRETS_READER}. */
  public static ClusterRole gatewaySecretsReader() {
    return clusterRole(
        GATEWAY_SECRETS_READER,
        List.of(rule(List.of(CORE), List.of("secrets"), "get", "watch", "list")));
  }

  public static ClusterRoleBinding clusterRoleBinding(String namespace) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withLabels(labels())
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup(RBAC_GROUP)
        .withKind("ClusterRole")
        .withName(NAME)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(NAME)
        .withNamespace(namespace)
        .endSubject()
        .build();
  }

  public static Role role(String namespace) {
    return role(NAME, namespace, namespaceRules());
  }

  public static RoleBinding roleBinding(String namespace) {
    return roleBinding(NAME, namespace, namespace);
  }

  /**
   * The static ClusterRoles the operator may only bind (istiod's and the gateways' Secret access):
   * shipped by both install paths, kustomize and the OLM bundle, from this one list.
   */
  public static List<ClusterRole> staticClusterRoles() {
    return List.of(istiodSecretsReader(), istiodNamespaceSecrets(), gatewaySecretsReader());
  }

  /** Everything to install before the operator runs (besides its namespace and the CRDs). */
  public static List<HasMetadata> objects(String namespace) {
    List<HasMetadata> objects =
        new ArrayList<>(
            List.of(
                serviceAccount(namespace),
                clusterRole(),
                clusterRoleBinding(namespace),
                role(namespace),
                roleBinding(namespace)));
    objects.addAll(staticClusterRoles());
    return List.copyOf(objects);
  }

  /** {@link #objects} as one multi-document YAML, with a header saying where it comes from. */
  public static String yaml(String namespace) {
    StringBuilder out =
        new StringBuilder()
            .append("# Generated from dev.meshoperator.model.OperatorRbac (./mvnw package);")
            .append(" do not edit.\n")
            .append(
                "# The operator's RBAC; README.md, \"Trust model and RBAC\", gives the reasons.\n");
    for (HasMetadata o : objects(namespace)) {
      String doc = Serialization.asYaml(o);
      out.append(doc.startsWith("---") ? doc : "---\n" + doc);
    }
    return out.toString();
  }

  private static Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    // Not managed-by=istio-operator: the operator's informers must not see its own RBAC.
    labels.put(MeshLabels.NAME, NAME);
    labels.put(MeshLabels.COMPONENT, "rbac");
    return labels;
  }

  private static ClusterRole clusterRole(String name, List<PolicyRule> rules) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels())
        .endMetadata()
        .withRules(rules)
        .build();
  }

  private static Role role(String name, String namespace, List<PolicyRule> rules) {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .withRules(rules)
        .build();
  }

  private static RoleBinding roleBinding(
      String name, String namespace, String serviceAccountNamespace) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup(RBAC_GROUP)
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(NAME)
        .withNamespace(serviceAccountNamespace)
        .endSubject()
        .build();
  }

  // A fresh rule each call: fabric8 models are mutable, so results must not share instances.
  private static PolicyRule rule(List<String> apiGroups, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroups)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }

  private static PolicyRule named(
      List<String> apiGroups, List<String> resources, List<String> names, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroups)
        .withResources(resources)
        .withResourceNames(names)
        .withVerbs(verbs)
        .build();
  }
}
