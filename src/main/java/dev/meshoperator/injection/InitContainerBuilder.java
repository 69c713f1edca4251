package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code istio-init} container that sets up traffic redirection with istio-iptables, or with
 * the CNI plugin the {@code istio-validation} container that only checks the plugin's work.
 */
final class InitContainerBuilder {

  private InitContainerBuilder() {}

  /** The container, or {@code null} when interception is off ({@code NONE}). */
  static ObjectNode build(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    String mode = ctx.interceptionMode();
    if (mode.equals("NONE")) {
      return null;
    }
    boolean tproxy = mode.equals("TPROXY");
    boolean cni = s.cniEnabled();
    // Container's fields in fabric8's (alphabetical) order; see ProxyEnv.
    ObjectNode c = Json.MAPPER.createObjectNode();
    ProxyContainerBuilder.strings(c.putArray("args"), args(ctx, tproxy));
    if (!ctx.proxyMetadata().isEmpty()) {
      ArrayNode env = c.putArray("env");
      // Values as they are (an empty one included), unlike the proxy's env.
      ctx.proxyMetadata()
          .forEach(
              (k, v) -> {
                ObjectNode e = env.addObject().put("name", k);
                if (v != null) {
                  e.put("value", v);
                }
              });
    }
    c.put("image", image(ctx, s.proxyInitImageName(), ctx.proxyInitImage()));
    if (s.imagePullPolicy() != null) {
      c.put("imagePullPolicy", s.imagePullPolicy());
    }
    c.put("name", cni ? Injector.VALIDATION_CONTAINER : Injector.INIT_CONTAINER);
    ObjectNode resources = ProxyEnv.resources(ctx);
    if (resources != null) {
      c.set("resources", resources);
    }
    c.set("securityContext", securityContext(ctx, tproxy));
    return c;
  }

  /** An image annotation or setting with a slash is a full reference; a bare name is not. */
  static String image(TemplateContext ctx, String configured, String resolved) {
    String candidate = ctx.annotation(IstioAnnotations.PROXY_IMAGE, configured);
    return candidate.contains("/") ? candidate : resolved;
  }

  private static List<String> args(TemplateContext ctx, boolean tproxy) {
    InjectionSettings s = ctx.settings();
    List<String> a = new ArrayList<>();
    a.add("istio-iptables");
    a.add("-p");
    a.add(String.valueOf(s.proxyListenPort() == 0 ? 15001 : s.proxyListenPort()));
    a.add("-z");
    a.add(String.valueOf(s.proxyInboundListenPort() == 0 ? 15006 : s.proxyInboundListenPort()));
    a.add("-u");
    a.add(tproxy ? "1337" : String.valueOf(s.proxyUid()));
    a.add("-m");
    a.add(ctx.interceptionMode());
    a.add("-i");
    a.add(ctx.annotation(IstioAnnotations.INCLUDE_OUTBOUND_IP_RANGES, s.includeIPRanges()));
    a.add("-x");
    a.add(ctx.annotation(IstioAnnotations.EXCLUDE_OUTBOUND_IP_RANGES, s.excludeIPRanges()));
    a.add("-b");
    a.add(ctx.annotation(IstioAnnotations.INCLUDE_INBOUND_PORTS, s.includeInboundPorts()));
    a.add("-d");
    String excluded =
        ProxyEnv.excludeInboundPort(
            ctx.statusPort(),
            ctx.annotation(IstioAnnotations.EXCLUDE_INBOUND_PORTS, s.excludeInboundPorts()));
    a.add(excluded.isEmpty() ? "15090,15021" : "15090,15021," + excluded);
    if (ctx.hasAnnotation(IstioAnnotations.INCLUDE_OUTBOUND_PORTS)
        || !s.includeOutboundPorts().isEmpty()) {
      a.add("-q");
      a.add(ctx.annotation(IstioAnnotations.INCLUDE_OUTBOUND_PORTS, s.includeOutboundPorts()));
    }
    if (ctx.hasAnnotation(IstioAnnotations.EXCLUDE_OUTBOUND_PORTS)
        || !s.excludeOutboundPorts().isEmpty()) {
      a.add("-o");
      a.add(ctx.annotation(IstioAnnotations.EXCLUDE_OUTBOUND_PORTS, s.excludeOutboundPorts()));
    }
    if (ctx.hasAnnotation(IstioAnnotations.REROUTE_VIRTUAL_INTERFACES)) {
      a.add("-k");
      a.add(ctx.annotations().get(IstioAnnotations.REROUTE_VIRTUAL_INTERFACES));
    } else if (ctx.hasAnnotation(IstioAnnotations.KUBEVIRT_INTERFACES)) {
      a.add("-k");
      a.add(ctx.annotations().get(IstioAnnotations.KUBEVIRT_INTERFACES));
    }
    if (ctx.hasAnnotation(IstioAnnotations.EXCLUDE_INTERFACES)) {
      a.add("-c");
      a.add(ctx.annotations().get(IstioAnnotations.EXCLUDE_INTERFACES));
    }
    a.add(
        "--log_output_level="
            + ctx.annotation(IstioAnnotations.AGENT_LOG_LEVEL, s.agentLogLevel()));
    if (s.logAsJson()) {
      a.add("--log_as_json");
    }
    if (s.cniEnabled()) {
      a.add("--run-validation");
      a.add("--skip-rule-apply");
    } else if (s.forceApplyIptables()) {
      a.add("--force-apply");
    }
    if (s.nativeNftables()) {
      a.add("--native-nftables");
    }
    return a;
  }

  /** SecurityContext's and Capabilities' fields in fabric8's order; the IDs are longs there. */
  private static ObjectNode securityContext(TemplateContext ctx, boolean tproxy) {
    InjectionSettings s = ctx.settings();
    boolean cni = s.cniEnabled();
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("allowPrivilegeEscalation", s.privileged());
    ObjectNode caps = b.putObject("capabilities");
    if (!cni) {
      caps.putArray("add").add("NET_ADMIN").add("NET_RAW");
    }
    caps.putArray("drop").add("ALL");
    b.put("privileged", s.privileged());
    if (!cni) {
      // iptables needs root; with CNI the rules are already in place and root is not needed.
      b.put("readOnlyRootFilesystem", false)
          .put("runAsGroup", 0L)
          .put("runAsNonRoot", false)
          .put("runAsUser", 0L);
    } else {
      b.put("readOnlyRootFilesystem", true)
          .put("runAsGroup", tproxy ? 1337L : s.proxyGid())
          .put("runAsNonRoot", true)
          .put("runAsUser", tproxy ? 1337L : s.proxyUid());
    }
    if (s.seccompProfile() != null) {
      b.set("seccompProfile", Json.toTree(s.seccompProfile()));
    }
    return b;
  }
}
