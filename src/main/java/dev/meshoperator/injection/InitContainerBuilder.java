package dev.meshoperator.injection;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code istio-init} container that sets up traffic redirection with istio-iptables, or with
 * the CNI plugin the {@code istio-validation} container that only checks the plugin's work.
 */
final class InitContainerBuilder {

  private InitContainerBuilder() {}

  /** The container, or {@code null} when interception is off ({@code NONE}). */
  static Container build(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    String mode = ctx.interceptionMode();
    if (mode.equals("NONE")) {
      return null;
    }
    boolean tproxy = mode.equals("TPROXY");
    boolean cni = s.cniEnabled();
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(cni ? Injector.VALIDATION_CONTAINER : Injector.INIT_CONTAINER)
            .withImage(image(ctx, s.proxyInitImageName(), ctx.proxyInitImage()))
            .withArgs(args(ctx, tproxy));
    if (s.imagePullPolicy() != null) {
      b.withImagePullPolicy(s.imagePullPolicy());
    }
    ctx.proxyMetadata().forEach((k, v) -> b.addNewEnv().withName(k).withValue(v).endEnv());
    b.withResources(ProxyEnv.resources(ctx));
    b.withSecurityContext(securityContext(ctx, tproxy));
    return b.build();
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

  private static SecurityContext securityContext(TemplateContext ctx, boolean tproxy) {
    InjectionSettings s = ctx.settings();
    boolean cni = s.cniEnabled();
    CapabilitiesBuilder caps = new CapabilitiesBuilder();
    if (!cni) {
      caps.addToAdd("NET_ADMIN", "NET_RAW");
    }
    caps.addToDrop("ALL");
    Capabilities capabilities = caps.build();
    SecurityContextBuilder b =
        new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(s.privileged())
            .withPrivileged(s.privileged())
            .withCapabilities(capabilities);
    if (!cni) {
      // iptables needs root; with CNI the rules are already in place and root is not needed.
      b.withReadOnlyRootFilesystem(false).withRunAsGroup(0L).withRunAsNonRoot(false);
      b.withRunAsUser(0L);
    } else {
      b.withReadOnlyRootFilesystem(true)
          .withRunAsGroup(tproxy ? 1337L : s.proxyGid())
          .withRunAsUser(tproxy ? 1337L : s.proxyUid())
          .withRunAsNonRoot(true);
    }
    if (s.seccompProfile() != null) {
      b.withSeccompProfile(s.seccompProfile());
    }
    return b.build();
  }
}
