package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Building blocks shared by the proxy containers of the built-in templates. */
final class ProxyEnv {

  private ProxyEnv() {}

  static EnvVar value(String name, String value) {
    // An empty value is no value: the API drops it, so producing it would only add noise.
    return new EnvVarBuilder()
        .withName(name)
        .withValue(value == null || value.isEmpty() ? null : value)
        .build();
  }

  /*
   * The templates build their containers as JSON trees, with the fields in the order (and the
   * omissions) of fabric8's serialization of the same objects: alphabetical, nulls and empty lists
   * left out. Building them directly spares a builder object graph and its bean serialization.
   */

  /** An env var with a value, as a tree; an empty value is left out, as {@link #value} does. */
  static ObjectNode var(String name, String value) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("name", name);
    if (value != null && !value.isEmpty()) {
      v.put("value", value);
    }
    return v;
  }

  static ObjectNode fieldRef(String name, String path) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("name", name);
    v.putObject("valueFrom").putObject("fieldRef").put("fieldPath", path);
    return v;
  }

  /** A resource env var, with the divisor the release writes (see InjectorRelease). */
  static ObjectNode resourceRef(InjectionSettings s, String name, String resource) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("name", name);
    v.putObject("valueFrom")
        .putObject("resourceFieldRef")
        .put("divisor", s.release().resourceFieldDivisor())
        .put("resource", resource);
    return v;
  }

  /** GOMEMLIMIT, and GOMAXPROCS in the releases that still set it (up to 1.30). */
  static void goLimits(InjectionSettings s, ArrayNode env) {
    env.add(resourceRef(s, "GOMEMLIMIT", "limits.memory"));
    if (s.release().gomaxprocsEnv()) {
      env.add(resourceRef(s, "GOMAXPROCS", "limits.cpu"));
    }
  }

  /** PILOT_CERT_PROVIDER ... HOST_IP: identical in every proxy template. */
  static void identity(InjectionSettings s, ArrayNode env) {
    env.add(var("PILOT_CERT_PROVIDER", s.pilotCertProvider()));
    env.add(var("CA_ADDR", s.caAddress()));
    env.add(fieldRef("POD_NAME", "metadata.name"));
    env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
    env.add(fieldRef("INSTANCE_IP", "status.podIP"));
    env.add(fieldRef("SERVICE_ACCOUNT", "spec.serviceAccountName"));
    env.add(fieldRef("HOST_IP", "status.hostIP"));
  }

  /** Env vars built as trees, in their fabric8 form, for the templates still using builders. */
  static List<EnvVar> envVars(ArrayNode env) {
    List<EnvVar> out = new ArrayList<>(env.size());
    for (JsonNode v : env) {
      out.add(Json.MAPPER.convertValue(v, EnvVar.class));
    }
    return out;
  }

  static ObjectNode proxyConfig(TemplateContext ctx) {
    return var("PROXY_CONFIG", ProxyConfigs.toJson(ctx.proxyConfig()) + "\n");
  }

  /**
   * ISTIO_META_POD_PORTS: the declared ports of all containers, one JSON object per line in the
   * field order of the Kubernetes API types (pilot-agent parses it, the layout is Istio's).
   */
  static ObjectNode podPorts(TemplateContext ctx) {
    return podPorts(ctx, false);
  }

  /**
   * ISTIO_META_POD_PORTS: the declared ports of the containers, one JSON object per line in the
   * field order of the Kubernetes API types (pilot-agent parses it, the layout is Istio's).
   *
   * <p>Ports of a user-supplied istio-proxy container come last, and are left out when {@code
   * skipProxy} (native sidecars). Istio lists them where the container happens to be; but injection
   * moves that container (to the front or back, or into the init containers), so the next injection
   * would list them elsewhere or not at all. This keeps injection idempotent and only differs from
   * Istio for pods that declare ports on their own istio-proxy container.
   */
  static ObjectNode podPorts(TemplateContext ctx, boolean skipProxy) {
    List<ContainerPort> ports = new ArrayList<>();
    List<ContainerPort> proxyPorts = new ArrayList<>();
    for (Container c : ctx.containers()) {
      if (c.getPorts() != null) {
        (Injector.PROXY_CONTAINER.equals(c.getName()) ? proxyPorts : ports).addAll(c.getPorts());
      }
    }
    if (!skipProxy) {
      ports.addAll(proxyPorts);
    }
    StringBuilder sb = new StringBuilder("[");
    boolean first = true;
    for (ContainerPort p : ports) {
      sb.append("\n    ");
      if (!first) {
        sb.append(',');
      }
      sb.append(portJson(p));
      first = false;
    }
    sb.append("\n]");
    return var("ISTIO_META_POD_PORTS", sb.toString());
  }

  private static String portJson(ContainerPort p) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (p.getName() != null && !p.getName().isEmpty()) {
      o.put("name", p.getName());
    }
    if (p.getHostPort() != null && p.getHostPort() != 0) {
      o.put("hostPort", p.getHostPort());
    }
    o.put("containerPort", p.getContainerPort() == null ? 0 : p.getContainerPort());
    if (p.getProtocol() != null && !p.getProtocol().isEmpty()) {
      o.put("protocol", p.getProtocol());
    }
    if (p.getHostIP() != null && !p.getHostIP().isEmpty()) {
      o.put("hostIP", p.getHostIP());
    }
    return Json.write(o);
  }

  static ObjectNode appContainers(TemplateContext ctx) {
    return var("ISTIO_META_APP_CONTAINERS", String.join(",", ctx.appContainerNames()));
  }

  static void compliance(InjectionSettings s, ArrayNode env) {
    if (!s.compliancePolicy().isEmpty()) {
      env.add(var("COMPLIANCE_POLICY", s.compliancePolicy()));
      if (s.compliancePolicy().equals("fips-140-3") && s.release().fipsGodebug()) {
        env.add(var("GODEBUG", "fips140=only"));
      }
    }
  }

  static String owner(WorkloadRef w) {
    String ns = w.namespace().isEmpty() ? "default" : w.namespace();
    return "kubernetes://apis/"
        + w.apiVersion()
        + "/namespaces/"
        + ns
        + "/"
        + w.kind().toLowerCase(Locale.ROOT)
        + "s/"
        + w.name();
  }

  /** ISTIO_META_MESH_ID and TRUST_DOMAIN. */
  static void meshIdentity(InjectionSettings s, ArrayNode env) {
    if (s.meshId() != null) {
      env.add(var("ISTIO_META_MESH_ID", s.meshId()));
    } else if (!s.trustDomain().isEmpty()) {
      env.add(var("ISTIO_META_MESH_ID", s.trustDomain()));
    }
    if (!s.trustDomain().isEmpty()) {
      env.add(var("TRUST_DOMAIN", s.trustDomain()));
    }
  }

  static void proxyMetadata(TemplateContext ctx, ArrayNode env) {
    ctx.proxyMetadata().forEach((k, v) -> env.add(var(k, v)));
  }

  /** Datadog APM environment copied from the pod annotation, when Datadog is the tracer. */
  static void datadog(TemplateContext ctx, ArrayNode env) {
    String raw = ctx.annotations().get("apm.datadoghq.com/env");
    if (!"datadog".equals(ctx.settings().tracer()) || raw == null) {
      return;
    }
    try {
      JsonNode node = Json.read(raw);
      if (node.isObject()) {
        Map<String, String> sorted = new TreeMap<>();
        node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        sorted.forEach((k, v) -> env.add(var(k, v)));
      }
    } catch (Exception e) {
      // Istio ignores an unparsable annotation here as well.
    }
  }

  /**
   * OTEL_RESOURCE_ATTRIBUTES with OpenTelemetry semantic-convention service attributes, when an
   * extension provider asks for them.
   */
  static void otel(TemplateContext ctx, ArrayNode env) {
    if (!ctx.settings().otelSemanticConventions()
        || !ctx.settings().release().otelResourceAttributes()) {
      return;
    }
    Map<String, String> ann = ctx.annotations();
    List<String> attrs = new ArrayList<>();
    String namespace = ctx.workload().namespace();
    String ns = ann.getOrDefault("resource.opentelemetry.io/service.namespace", "");
    if (!ns.isEmpty()) {
      attrs.add("service.namespace=" + ns);
    } else if (!namespace.isEmpty()) {
      attrs.add("service.namespace=" + namespace);
    }
    String version = ann.getOrDefault("resource.opentelemetry.io/service.version", "");
    String labelVersion = ctx.labels().getOrDefault("app.kubernetes.io/version", "");
    List<Container> containers = ctx.containers();
    if (!version.isEmpty()) {
      attrs.add("service.version=" + version);
    } else if (!labelVersion.isEmpty()) {
      attrs.add("service.version=" + labelVersion);
    } else if (containers.size() == 1) {
      String image = containers.get(0).getImage() == null ? "" : containers.get(0).getImage();
      String digest = "";
      int at = image.indexOf('@');
      if (at >= 0) {
        digest = image.substring(at + 1);
        image = image.substring(0, at);
      }
      String tag = "";
      if (image.lastIndexOf(':') > image.lastIndexOf('/')) {
        tag = image.substring(image.lastIndexOf(':') + 1);
      }
      if (!tag.isEmpty() && !digest.isEmpty()) {
        attrs.add("service.version=" + tag + "@" + digest);
      } else if (!digest.isEmpty()) {
        attrs.add("service.version=" + digest);
      } else if (!tag.isEmpty()) {
        attrs.add("service.version=" + tag);
      }
    }
    String instance = ann.getOrDefault("resource.opentelemetry.io/service.instance.id", "");
    if (!instance.isEmpty()) {
      attrs.add("service.instance.id=" + instance);
    } else if (!containers.isEmpty()) {
      attrs.add("service.instance.id=" + namespace + ".$(POD_NAME)." + containers.get(0).getName());
    }
    if (!attrs.isEmpty()) {
      env.add(var("OTEL_RESOURCE_ATTRIBUTES", String.join(",", attrs)));
    }
  }

  /**
   * Resources of the injected containers: the four proxy resource annotations when any is set,
   * otherwise the configured resources. Quantities are canonicalized.
   */
  static ObjectNode resources(TemplateContext ctx) {
    Map<String, String> ann = ctx.annotations();
    boolean cpu = ann.containsKey(IstioAnnotations.PROXY_CPU);
    boolean mem = ann.containsKey(IstioAnnotations.PROXY_MEMORY);
    boolean cpuLimit = ann.containsKey(IstioAnnotations.PROXY_CPU_LIMIT);
    boolean memLimit = ann.containsKey(IstioAnnotations.PROXY_MEMORY_LIMIT);
    ObjectNode limits = Json.MAPPER.createObjectNode();
    ObjectNode requests = Json.MAPPER.createObjectNode();
    if (cpu || mem || cpuLimit || memLimit) {
      // In this order, for the error naming the first invalid quantity.
      if (cpu) {
        requests.put("cpu", quantity(ann.get(IstioAnnotations.PROXY_CPU)));
      }
      if (mem) {
        requests.put("memory", quantity(ann.get(IstioAnnotations.PROXY_MEMORY)));
      }
      if (cpuLimit) {
        limits.put("cpu", quantity(ann.get(IstioAnnotations.PROXY_CPU_LIMIT)));
      }
      if (memLimit) {
        limits.put("memory", quantity(ann.get(IstioAnnotations.PROXY_MEMORY_LIMIT)));
      }
    } else {
      ResourceRequirements configured = ctx.settings().proxyResources();
      if (configured == null) {
        return null;
      }
      // In key order, as Go marshals maps: the configured maps' own order (a Map.of's changes
      // from one JVM to the next) must not reach kube-inject's output.
      if (configured.getRequests() != null) {
        new TreeMap<>(configured.getRequests())
            .forEach((k, v) -> requests.put(k, quantity(v == null ? null : v.toString())));
      }
      if (configured.getLimits() != null) {
        new TreeMap<>(configured.getLimits())
            .forEach((k, v) -> limits.put(k, quantity(v == null ? null : v.toString())));
      }
    }
    // ResourceRequirements' fields (claims, limits, requests); empty maps are left out.
    ObjectNode r = Json.MAPPER.createObjectNode();
    if (!limits.isEmpty()) {
      r.set("limits", limits);
    }
    if (!requests.isEmpty()) {
      r.set("requests", requests);
    }
    return r;
  }

  /** The resources as fabric8 sees them, for the templates still using builders. */
  static ResourceRequirements resourceRequirements(TemplateContext ctx) {
    ObjectNode r = resources(ctx);
    return r == null ? null : Json.MAPPER.convertValue(r, ResourceRequirements.class);
  }

  /**
   * Canonical forms already computed: the same few quantities (the configured resources) come with
   * every pod. Bounded, as annotations could bring any number of them.
   */
  private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();

  private static String quantity(String v) {
    String canonical = v == null ? null : CANONICAL.get(v);
    if (canonical != null) {
      return canonical;
    }
    if (v == null || !Quantities.isValid(v)) {
      throw new InjectionException("invalid resource quantity '" + v + "'");
    }
    canonical = Quantities.canonical(v);
    if (CANONICAL.size() < 256) {
      CANONICAL.put(v, canonical);
    }
    return canonical;
  }

  /** Appends Istio's CNI network to a Multus networks annotation (plain list or JSON). */
  static String appendMultusNetwork(String existing, String network) {
    if (existing == null || existing.isEmpty()) {
      return network;
    }
    int i = existing.lastIndexOf(']');
    int slash = network.indexOf('/');
    String netNs = slash < 0 ? "" : network.substring(0, slash);
    String netName = slash < 0 ? network : network.substring(slash + 1);
    if (i != -1) {
      try {
        JsonNode nets = Json.read(existing);
        if (!nets.isArray()) {
          return existing;
        }
        for (JsonNode net : nets) {
          if (netName.equals(net.path("name").asText(null))) {
            String ns = net.path("namespace").asText("");
            if (ns.equals(netNs)) {
              return existing;
            }
          }
        }
      } catch (Exception e) {
        return existing;
      }
      String entry =
          netNs.isEmpty()
              ? ", {\"name\": \"" + netName + "\"}"
              : ", {\"name\": \"" + netName + "\", \"namespace\": \"" + netNs + "\"}";
      return existing.substring(0, i) + entry + existing.substring(i);
    }
    for (String net : existing.split(",", -1)) {
      if (net.trim().equals(network)) {
        return existing;
      }
    }
    return existing + ", " + network;
  }

  /** Adds the status port to the excluded inbound ports unless it is 0 or already there. */
  static String excludeInboundPort(String port, String excluded) {
    String portStr = port.trim();
    if (portStr.isEmpty() || portStr.equals("0")) {
      return excluded;
    }
    List<String> out = new ArrayList<>();
    for (String p : excluded.split(",", -1)) {
      if (p.equals(portStr)) {
        return excluded;
      }
      p = p.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    out.add(portStr);
    return String.join(",", out);
  }
}
