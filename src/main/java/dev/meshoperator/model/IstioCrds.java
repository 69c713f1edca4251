package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceStatus;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Istio's own CustomResourceDefinitions (networking, security, telemetry and extensions {@code
 * .istio.io}), generated from one table, {@link #table()}.
 *
 * <p>The table mirrors what Istio {@value #SOURCE_RELEASE} ships in {@code
 * manifests/charts/base/files/crd-all.gen.yaml}: group, kind, plural, singular, short names,
 * versions with their served/storage flags, printer columns, whether {@code spec} is required, and
 * the {@code spec} description. The chart file is identical in these respects from 1.30.0 to
 * 1.30.3. Istio derives the rest from the group and kind, and so does this class: every CRD is
 * {@code Namespaced}, its list kind is {@code <Kind>List}, its categories are {@code istio-io} and
 * the group with dots turned into dashes (e.g. {@code networking-istio-io}), every version has the
 * same printer columns and a {@code status} subresource.
 *
 * <p><b>Schemas are deliberately loose.</b> Istio publishes a full per-field OpenAPI schema (with
 * CEL rules) for every version; reproducing it is out of scope here. Each version gets a
 * <em>structural</em> schema instead: an object whose {@code spec} and {@code status} are objects
 * with {@code x-kubernetes-preserve-unknown-fields: true}. The API server therefore stores any spec
 * without pruning, and field validation is left to istiod's validating webhook, which checks every
 * Istio config object anyway. They are for clusters without Istio's CRDs: where Istio's own are
 * installed (Helm, istioctl), the operator leaves them as they are ({@link IstioCrdInventory}).
 *
 * <p>What the chart adds that is deliberately not reproduced: the static labels of the generated
 * file ({@code app: istio-pilot}, {@code istio: security}, ...), which the chart itself replaces
 * with its standard labels when templating, and the Helm-only annotation {@code
 * helm.sh/resource-policy: keep}. Callers pass the labels they want instead.
 *
 * <p>Pure: no client, no clock; equal inputs give equal outputs.
 */
public final class IstioCrds {

  /** The Istio release whose chart the table was checked against. */
  public static final String SOURCE_RELEASE = "1.30.3";

  /** Every Istio CRD is namespaced. */
  public static final String SCOPE = "Namespaced";

  /** Category shared by all Istio CRDs ({@code kubectl get istio-io}). */
  public static final String ISTIO_CATEGORY = "istio-io";

  public static final String NETWORKING = "networking.istio.io";
  public static final String SECURITY = "security.istio.io";
  public static final String TELEMETRY = "telemetry.istio.io";
  public static final String EXTENSIONS = "extensions.istio.io";

  /** One version of a CRD: its name and whether it is served and/or the storage version. */
  public record Version(String name, boolean served, boolean storage) {
    public Version {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A printer column ({@code kubectl get} output), identical for all versions of a CRD. */
  public record Column(String name, String type, String jsonPath, String description) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(jsonPath, "jsonPath");
    }
  }

  /**
   * One row of the table: everything that differs between Istio's CRDs.
   *
   * @param group API group, e.g. {@code networking.istio.io}
   * @param kind e.g. {@code VirtualService}
   * @param plural e.g. {@code virtualservices}
   * @param singular e.g. {@code virtualservice}
   * @param shortNames e.g. {@code [vs]}; empty if Istio defines none
   * @param versions in Istio's order; exactly one has {@code storage}
   * @param columns printer columns in Istio's order; empty if Istio defines none
   * @param specRequired whether Istio's schema lists {@code spec} as required
   * @param description Istio's description of {@code spec}
   */
  public record Entry(
      String group,
      String kind,
      String plural,
      String singular,
      List<String> shortNames,
      List<Version> versions,
      List<Column> columns,
      boolean specRequired,
      String description) {

    public Entry {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(plural, "plural");
      Objects.requireNonNull(singular, "singular");
      shortNames = List.copyOf(shortNames);
      versions = List.copyOf(versions);
      columns = List.copyOf(columns);
    }

    /** The CRD's name, {@code <plural>.<group>}. */
    public String name() {
      return plural + "." + group;
    }

    /** {@code <Kind>List}, as for every Istio CRD. */
    public String listKind() {
      return kind + "List";
    }

    /** {@code istio-io} plus the group's own category, e.g. {@code networking-istio-io}. */
    public List<String> categories() {
      return List.of(ISTIO_CATEGORY, group.replace('.', '-'));
    }

    /** The single version marked {@code storage}. */
    public String storageVersion() {
      return versions.stream()
          .filter(Version::storage)
          .map(Version::name)
          .reduce(
              (a, b) -> {
                throw new IllegalStateException(name() + " has several storage versions");
              })
          .orElseThrow(() -> new IllegalStateException(name() + " has no storage version"));
    }
  }

  private IstioCrds() {}

  // Printer columns that recur. Istio's DestinationRule words its Age description differently
  // from every other kind; both are kept verbatim so the table can be diffed against the chart.
  private static final String CREATION_TIMESTAMP =
      "CreationTimestamp is a timestamp representing the server time when this object was"
          + " created. It is not guaranteed to be set in happens-before order across separate"
          + " operations. Clients may not set this value. It is represented in RFC3339 form and is"
          + " in UTC. Populated by the system. Read-only. Null for lists.";
  private static final Column AGE =
      new Column(
          "Age",
          "date",
          ".metadata.creationTimestamp",
          CREATION_TIMESTAMP
              + " More info:"
              + " https://git.k8s.io/community/contributors/devel/api-conventions.md#metadata");
  private static final Column AGE_DESTINATION_RULE =
      new Column(
          "Age",
          "date",
          ".metadata.creationTimestamp",
          CREATION_TIMESTAMP
              + " For more information, see [Kubernetes API Conventions]"
              + "(https://github.com/kubernetes/community/blob/master/contributors/devel/"
              + "sig-architecture/api-conventions.md#metadata)");

  // networking.istio.io's long-lived kinds: served at v1, v1alpha3 and v1beta1, stored as v1.
  private static final List<Version> NETWORKING_V1 =
      List.of(
          new Version("v1", true, true),
          new Version("v1alpha3", true, false),
          new Version("v1beta1", true, false));

  // security.istio.io: v1 (storage) and v1beta1.
  private static final List<Version> SECURITY_V1 =
      List.of(new Version("v1", true, true), new Version("v1beta1", true, false));

  private static final String DOCS = "See more details at: https://istio.io/docs/reference/config/";

  // The table. Order is the chart's; all() sorts by name anyway.
  private static final List<Entry> TABLE =
      List.of(
          new Entry(
              EXTENSIONS,
              "TrafficExtension",
              "trafficextensions",
              "trafficextension",
              List.of(),
              List.of(new Version("v1alpha1", true, true)),
              List.of(AGE),
              true,
              "Extend the functionality provided by the Istio proxy through WebAssembly or Lua"
                  + " filters. "
                  + DOCS
                  + "proxy_extensions/traffic_extension.html"),
          new Entry(
              EXTENSIONS,
              "WasmPlugin",
              "wasmplugins",
              "wasmplugin",
              List.of(),
              List.of(new Version("v1alpha1", true, true)),
              List.of(AGE),
              true,
              "Extend the functionality provided by the Istio proxy through WebAssembly filters. "
                  + DOCS
                  + "proxy_extensions/wasm-plugin.html"),
          new Entry(
              NETWORKING,
              "DestinationRule",
              "destinationrules",
              "destinationrule",
              List.of("dr"),
              NETWORKING_V1,
              List.of(
                  new Column(
                      "Host",
                      "string",
                      ".spec.host",
                      "The name of a service from the service registry"),
                  AGE_DESTINATION_RULE),
              false,
              "Configuration affecting load balancing, outlier detection, etc. "
                  + DOCS
                  + "networking/destination-rule.html"),
          new Entry(
              NETWORKING,
              "EnvoyFilter",
              "envoyfilters",
              "envoyfilter",
              List.of(),
              List.of(new Version("v1alpha3", true, true)),
              List.of(),
              false,
              "Customizing Envoy configuration generated by Istio. "
                  + DOCS
                  + "networking/envoy-filter.html"),
          new Entry(
              NETWORKING,
              "Gateway",
              "gateways",
              "gateway",
              List.of("gw"),
              NETWORKING_V1,
              List.of(),
              false,
              "Configuration affecting edge load balancer. " + DOCS + "networking/gateway.html"),
          new Entry(
              NETWORKING,
              "ProxyConfig",
              "proxyconfigs",
              "proxyconfig",
              List.of(),
              List.of(new Version("v1beta1", true, true)),
              List.of(),
              false,
              "Provides configuration for individual workloads. "
                  + DOCS
                  + "networking/proxy-config.html"),
          new Entry(
              NETWORKING,
              "ServiceEntry",
              "serviceentries",
              "serviceentry",
              List.of("se"),
              NETWORKING_V1,
              List.of(
                  new Column(
                      "Hosts",
                      "string",
                      ".spec.hosts",
                      "The hosts associated with the ServiceEntry"),
                  new Column(
                      "Location",
                      "string",
                      ".spec.location",
                      "Whether the service is external to the mesh or part of the mesh"
                          + " (MESH_EXTERNAL or MESH_INTERNAL)"),
                  new Column(
                      "Resolution",
                      "string",
                      ".spec.resolution",
                      "Service resolution mode for the hosts (NONE, STATIC, or DNS)"),
                  AGE),
              true,
              "Configuration affecting service registry. "
                  + DOCS
                  + "networking/service-entry.html"),
          new Entry(
              NETWORKING,
              "Sidecar",
              "sidecars",
              "sidecar",
              List.of(),
              NETWORKING_V1,
              List.of(),
              false,
              "Configuration affecting network reachability of a sidecar. "
                  + DOCS
                  + "networking/sidecar.html"),
          new Entry(
              NETWORKING,
              "VirtualService",
              "virtualservices",
              "virtualservice",
              List.of("vs"),
              NETWORKING_V1,
              List.of(
                  new Column(
                      "Gateways",
                      "string",
                      ".spec.gateways",
                      "The names of gateways and sidecars that should apply these routes"),
                  new Column(
                      "Hosts",
                      "string",
                      ".spec.hosts",
                      "The destination hosts to which traffic is being sent"),
                  AGE),
              false,
              "Configuration affecting label/content routing, sni routing, etc. "
                  + DOCS
                  + "networking/virtual-service.html"),
          new Entry(
              NETWORKING,
              "WorkloadEntry",
              "workloadentries",
              "workloadentry",
              List.of("we"),
              NETWORKING_V1,
              // Istio lists Age before Address here, unlike its other kinds.
              List.of(
                  AGE,
                  new Column(
                      "Address",
                      "string",
                      ".spec.address",
                      "Address associated with the network endpoint.")),
              true,
              "Configuration affecting VMs onboarded into the mesh. "
                  + DOCS
                  + "networking/workload-entry.html"),
          new Entry(
              NETWORKING,
              "WorkloadGroup",
              "workloadgroups",
              "workloadgroup",
              List.of("wg"),
              NETWORKING_V1,
              List.of(AGE),
              true,
              "Describes a collection of workload instances. "
                  + DOCS
                  + "networking/workload-group.html"),
          new Entry(
              SECURITY,
              "AuthorizationPolicy",
              "authorizationpolicies",
              "authorizationpolicy",
              List.of("ap"),
              SECURITY_V1,
              List.of(
                  new Column("Action", "string", ".spec.action", "The operation to take."), AGE),
              false,
              "Configuration for access control on workloads. "
                  + DOCS
                  + "security/authorization-policy.html"),
          new Entry(
              SECURITY,
              "PeerAuthentication",
              "peerauthentications",
              "peerauthentication",
              List.of("pa"),
              SECURITY_V1,
              List.of(
                  new Column(
                      "Mode",
                      "string",
                      ".spec.mtls.mode",
                      "Defines the mTLS mode used for peer authentication."),
                  AGE),
              false,
              "Peer authentication configuration for workloads. "
                  + DOCS
                  + "security/peer_authentication.html"),
          new Entry(
              SECURITY,
              "RequestAuthentication",
              "requestauthentications",
              "requestauthentication",
              List.of("ra"),
              SECURITY_V1,
              List.of(),
              false,
              "Request authentication configuration for workloads. "
                  + DOCS
                  + "security/request_authentication.html"),
          new Entry(
              TELEMETRY,
              "Telemetry",
              "telemetries",
              "telemetry",
              List.of("telemetry"),
              // Unlike every other kind with a v1, Telemetry is still stored as v1alpha1 in 1.30.
              // Kept as the chart has it: storing v1 here would add it to status.storedVersions
              // ahead of Istio, and stored versions must be migrated before one can be dropped.
              List.of(new Version("v1", true, false), new Version("v1alpha1", true, true)),
              List.of(AGE),
              false,
              "Telemetry configuration for workloads. " + DOCS + "telemetry.html"));

  /** CRDs not in every supported release: the change of Istio's charts that added each. */
  private static final Map<String, IstioRelease.Change> ADDED =
      Map.of("trafficextensions.extensions.istio.io", IstioRelease.Change.TRAFFIC_EXTENSION_CRD);

  /** The table, in the chart's order: every supported release's CRDs. Immutable. */
  public static List<Entry> table() {
    return TABLE;
  }

  /**
   * The CRDs {@code release}'s base chart installs, in the chart's order. The operator installs
   * {@link #all} whatever the control planes' versions: CRDs are cluster-wide and shared by every
   * control plane, and an older istiod ignores a kind it does not know (it watches only the kinds
   * it has), while a newer one needs its own.
   */
  public static List<Entry> table(IstioRelease release) {
    return TABLE.stream()
        .filter(e -> !ADDED.containsKey(e.name()) || release.has(ADDED.get(e.name())))
        .toList();
  }

  /** Names ({@code <plural>.<group>}) of all CRDs in the table, sorted. Immutable. */
  public static Set<String> names() {
    Set<String> names = new TreeSet<>();
    TABLE.forEach(e -> names.add(e.name()));
    return Collections.unmodifiableSet(names);
  }

  /**
   * All of Istio's CRDs, sorted by name.
   *
   * @param labels put on every CRD (copied; the caller's map is not retained)
   */
  public static List<CustomResourceDefinition> all(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    List<CustomResourceDefinition> crds = new ArrayList<>();
    TABLE.stream().sorted(Comparator.comparing(Entry::name)).forEach(e -> crds.add(crd(e, labels)));
    return crds;
  }

  /** The CRD for one table entry, with {@code labels} on it. */
  public static CustomResourceDefinition crd(Entry entry, Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    // Always fresh objects: fabric8 models are mutable, so nothing is shared between calls.
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(entry.name())
        .withLabels(new LinkedHashMap<>(labels))
        .endMetadata()
        .withNewSpec()
        .withGroup(entry.group())
        .withScope(SCOPE)
        .withNewNames()
        .withKind(entry.kind())
        .withListKind(entry.listKind())
        .withPlural(entry.plural())
        .withSingular(entry.singular())
        .withShortNames(entry.shortNames())
        .withCategories(entry.categories())
        .endNames()
        .withVersions(entry.versions().stream().map(v -> version(entry, v)).toList())
        .endSpec()
        .build();
  }

  private static CustomResourceDefinitionVersion version(Entry entry, Version v) {
    return new CustomResourceDefinitionVersionBuilder()
        .withName(v.name())
        .withServed(v.served())
        .withStorage(v.storage())
        .withNewSubresources()
        .withStatus(new CustomResourceSubresourceStatus())
        .endSubresources()
        .withNewSchema()
        .withOpenAPIV3Schema(schema(entry))
        .endSchema()
        .withAdditionalPrinterColumns(entry.columns().stream().map(IstioCrds::column).toList())
        .build();
  }

  private static CustomResourceColumnDefinition column(Column c) {
    return new CustomResourceColumnDefinitionBuilder()
        .withName(c.name())
        .withType(c.type())
        .withJsonPath(c.jsonPath())
        .withDescription(c.description())
        .build();
  }

  // Structural: every node has a type; spec and status keep whatever fields they are given (see
  // the class comment for why no per-field schema).
  private static JSONSchemaProps schema(Entry entry) {
    JSONSchemaPropsBuilder root =
        new JSONSchemaPropsBuilder()
            .withType("object")
            .addToProperties(
                "spec",
                new JSONSchemaPropsBuilder()
                    .withType("object")
                    .withDescription(entry.description())
                    .withXKubernetesPreserveUnknownFields(true)
                    .build())
            .addToProperties(
                "status",
                new JSONSchemaPropsBuilder()
                    .withType("object")
                    .withXKubernetesPreserveUnknownFields(true)
                    .build());
    if (entry.specRequired()) {
      root.withRequired("spec");
    }
    return root.build();
  }
}
