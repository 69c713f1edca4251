package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

  static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /** A resource env var, with the divisor the release writes (see InjectorRelease). */
  static EnvVar resourceRef(InjectionSettings s, String name, String resource) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewResourceFieldRef()
        .withResource(resource)
        .withDivisor(new Quantity(s.release().resourceFieldDivisor()))
        .endResourceFieldRef()
        .endValueFrom()
        .build();
  }

  /** GOMEMLIMIT, and GOMAXPROCS in the releases that still set it (up to 1.30). */
  static List<EnvVar> goLimits(InjectionSettings s) {
    List<EnvVar> env = new ArrayList<>();
    env.add(resourceRef(s, "GOMEMLIMIT", "limits.memory"));
    if (s.release().gomaxprocsEnv()) {
      env.add(resourceRef(s, "GOMAXPROCS", "limits.cpu"));
    }
    return env;
  }

  /** PILOT_CERT_PROVIDER ... HOST_IP: identical in every proxy template. */
  static List<EnvVar> identity(InjectionSettings s) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value("PILOT_CERT_PROVIDER", s.pilotCertProvider()));
    env.add(value("CA_ADDR", s.caAddress()));
    env.add(fieldRef("POD_NAME", "metadata.name"));
    env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
    env.add(fieldRef("INSTANCE_IP", "status.podIP"));
    env.add(fieldRef("SERVICE_ACCOUNT", "spec.serviceAccountName"));
    env.add(fieldRef("HOST_IP", "status.hostIP"));
    return env;
  }

  static EnvVar proxyConfig(TemplateContext ctx) {
    return value("PROXY_CONFIG", ProxyConfigs.toJson(ctx.proxyConfig()) + "\n");
  }

  /**
   * ISTIO_META_POD_PORTS: the declared ports of all containers, one JSON object per line in the
   * field order of the Kubernetes API types (pilot-agent parses it, the layout is Istio's).
   */
  static EnvVar podPorts(TemplateContext ctx) {
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
  static EnvVar podPorts(TemplateContext ctx, boolean skipProxy) {
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
    return value("ISTIO_META_POD_PORTS", sb.toString());
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

  static EnvVar appContainers(TemplateContext ctx) {
    return value("ISTIO_META_APP_CONTAINERS", String.join(",", ctx.appContainerNames()));
  }

  static List<EnvVar> compliance(InjectionSettings s) {
    List<EnvVar> env = new ArrayList<>();
    if (!s.compliancePolicy().isEmpty()) {
      env.add(value("COMPLIANCE_POLICY", s.compliancePolicy()));
      if (s.compliancePolicy().equals("fips-140-3") && s.release().fipsGodebug()) {
        env.add(value("GODEBUG", "fips140=only"));
      }
    }
    return env;
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
  static List<EnvVar> meshIdentity(InjectionSettings s) {
    List<EnvVar> env = new ArrayList<>();
    if (s.meshId() != null) {
      env.add(value("ISTIO_META_MESH_ID", s.meshId()));
    } else if (!s.trustDomain().isEmpty()) {
      env.add(value("ISTIO_META_MESH_ID", s.trustDomain()));
    }
    if (!s.trustDomain().isEmpty()) {
      env.add(value("TRUST_DOMAIN", s.trustDomain()));
    }
    return env;
  }

  static List<EnvVar> proxyMetadata(TemplateContext ctx) {
    List<EnvVar> env = new ArrayList<>();
    ctx.proxyMetadata().forEach((k, v) -> env.add(value(k, v)));
    return env;
  }

  /** Datadog APM environment copied from the pod annotation, when Datadog is the tracer. */
  static List<EnvVar> datadog(TemplateContext ctx) {
    List<EnvVar> env = new ArrayList<>();
    String raw = ctx.annotations().get("apm.datadoghq.com/env");
    if (!"datadog".equals(ctx.settings().tracer()) || raw == null) {
      return env;
    }
    try {
      JsonNode node = Json.read(raw);
      if (node.isObject()) {
        Map<String, String> sorted = new TreeMap<>();
        node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        sorted.forEach((k, v) -> env.add(value(k, v)));
      }
    } catch (Exception e) {
      // Istio ignores an unparsable annotation here as well.
    }
    return env;
  }

  /**
   * OTEL_RESOURCE_ATTRIBUTES with OpenTelemetry semantic-convention service attributes, when an
   * extension provider asks for them.
   */
  static List<EnvVar> otel(TemplateContext ctx) {
    if (!ctx.settings().otelSemanticConventions()
        || !ctx.settings().release().otelResourceAttributes()) {
      return List.of();
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
    if (attrs.isEmpty()) {
      return List.of();
    }
    return List.of(value("OTEL_RESOURCE_ATTRIBUTES", String.join(",", attrs)));
  }

  /**
   * Resources of the injected containers: the four proxy resource annotations when any is set,
   * otherwise the configured resources. Quantities are canonicalized.
   */
  static ResourceRequirements resources(TemplateContext ctx) {
    Map<String, String> ann = ctx.annotations();
    boolean cpu = ann.containsKey(IstioAnnotations.PROXY_CPU);
    boolean mem = ann.containsKey(IstioAnnotations.PROXY_MEMORY);
    boolean cpuLimit = ann.containsKey(IstioAnnotations.PROXY_CPU_LIMIT);
    boolean memLimit = ann.containsKey(IstioAnnotations.PROXY_MEMORY_LIMIT);
    if (cpu || mem || cpuLimit || memLimit) {
      ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
      if (cpu) {
        b.addToRequests("cpu", quantity(ann.get(IstioAnnotations.PROXY_CPU)));
      }
      if (mem) {
        b.addToRequests("memory", quantity(ann.get(IstioAnnotations.PROXY_MEMORY)));
      }
      if (cpuLimit) {
        b.addToLimits("cpu", quantity(ann.get(IstioAnnotations.PROXY_CPU_LIMIT)));
      }
      if (memLimit) {
        b.addToLimits("memory", quantity(ann.get(IstioAnnotations.PROXY_MEMORY_LIMIT)));
      }
      return b.build();
    }
    ResourceRequirements configured = ctx.settings().proxyResources();
    if (configured == null) {
      return null;
    }
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    // In key order, as Go marshals maps: the configured maps' own order (a Map.of's changes from
    // one JVM to the next) must not reach kube-inject's output.
    if (configured.getRequests() != null) {
      new java.util.TreeMap<>(configured.getRequests())
          .forEach((k, v) -> b.addToRequests(k, quantity(v == null ? null : v.toString())));
    }
    if (configured.getLimits() != null) {
      new java.util.TreeMap<>(configured.getLimits())
          .forEach((k, v) -> b.addToLimits(k, quantity(v == null ? null : v.toString())));
    }
    return b.build();
  }

  private static Quantity quantity(String v) {
    if (v == null || !Quantities.isValid(v)) {
      throw new InjectionException("invalid resource quantity '" + v + "'");
    }
    return new Quantity(Quantities.canonical(v));
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
