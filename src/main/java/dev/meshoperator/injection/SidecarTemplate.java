package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The default {@code sidecar} template: proxy plus traffic redirection for an application pod. */
final class SidecarTemplate implements InjectionTemplate {

  static final SidecarTemplate INSTANCE = new SidecarTemplate();

  @Override
  public ObjectNode render(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ObjectNode pod = Json.MAPPER.createObjectNode();
    ObjectNode metadata = pod.putObject("metadata");
    metadata.set("labels", labels(ctx, true));
    metadata.set("annotations", annotations(ctx));

    boolean nativeSidecar = ctx.nativeSidecar();
    boolean holdProxy =
        (ProxyConfigs.holdApplicationUntilProxyStarts(ctx.proxyConfig())
                || s.holdApplicationUntilProxyStarts())
            && !nativeSidecar;
    boolean noInit = ctx.interceptionMode().equals("NONE") && !nativeSidecar;

    ObjectNode spec = pod.putObject("spec");
    ObjectNode proxy = ProxyContainerBuilder.sidecar(ctx, holdProxy, nativeSidecar);
    if (!noInit) {
      ArrayNode init = spec.putArray("initContainers");
      ObjectNode initContainer = InitContainerBuilder.build(ctx);
      if (initContainer != null) {
        init.add(initContainer);
      }
      if (nativeSidecar) {
        init.add(proxy);
      }
    }
    if (!nativeSidecar) {
      spec.putArray("containers").add(proxy);
    }
    spec.set("volumes", SidecarVolumes.build(ctx, true, "istio-envoy", true));
    if (!s.imagePullSecrets().isEmpty()) {
      ArrayNode secrets = spec.putArray("imagePullSecrets");
      s.imagePullSecrets().forEach(name -> secrets.addObject().put("name", name));
    }
    return pod;
  }

  static ObjectNode labels(TemplateContext ctx, boolean sidecar) {
    ObjectNode labels = Json.MAPPER.createObjectNode();
    if (sidecar) {
      labels.put(
          IstioAnnotations.TLS_MODE_LABEL,
          ctx.labelOrDefault("istio", IstioAnnotations.TLS_MODE_LABEL));
      if ("true".equals(ctx.proxyMetadata().get("ISTIO_META_ENABLE_HBONE"))) {
        labels.put(
            IstioAnnotations.TUNNEL_LABEL,
            ctx.labelOrDefault("http", IstioAnnotations.TUNNEL_LABEL));
      }
    }
    String canonicalName =
        ctx.labelOrDefault(
            ctx.workload().name(),
            IstioAnnotations.CANONICAL_NAME_LABEL,
            "app.kubernetes.io/name",
            "app");
    if (sidecar) {
      // Label values are limited to 63 characters and must start and end alphanumeric.
      canonicalName = trimAll(truncate(canonicalName, 63), "-_.");
    }
    labels.put(IstioAnnotations.CANONICAL_NAME_LABEL, canonicalName);
    labels.put(
        IstioAnnotations.CANONICAL_REVISION_LABEL,
        ctx.labelOrDefault(
            "latest",
            IstioAnnotations.CANONICAL_REVISION_LABEL,
            "app.kubernetes.io/version",
            "version"));
    return labels;
  }

  /** istio.io/rev and the kubectl default-container annotations, common to all templates. */
  static ObjectNode commonAnnotations(TemplateContext ctx) {
    ObjectNode a = Json.MAPPER.createObjectNode();
    a.put(IstioAnnotations.REV, ctx.settings().revision());
    List<String> apps = ctx.appContainerNames();
    if (!apps.isEmpty()) {
      if (!ctx.hasAnnotation(IstioAnnotations.DEFAULT_LOGS_CONTAINER)) {
        a.put(IstioAnnotations.DEFAULT_LOGS_CONTAINER, apps.get(0));
      }
      if (!ctx.hasAnnotation(IstioAnnotations.DEFAULT_CONTAINER)) {
        a.put(IstioAnnotations.DEFAULT_CONTAINER, apps.get(0));
      }
    }
    return a;
  }

  private static ObjectNode annotations(TemplateContext ctx) {
    InjectionSettings s = ctx.settings();
    ObjectNode a = commonAnnotations(ctx);
    if (s.cniEnabled()) {
      // With CNI the plugin, not an init container, reads the redirection settings: from these
      // annotations.
      if (s.cniProvider().equals("multus")) {
        a.put(
            IstioAnnotations.MULTUS_NETWORKS,
            ProxyEnv.appendMultusNetwork(
                ctx.annotations().get(IstioAnnotations.MULTUS_NETWORKS), "default/istio-cni"));
      }
      a.put(IstioAnnotations.INTERCEPTION_MODE, ctx.interceptionMode());
      String include =
          ctx.annotation(IstioAnnotations.INCLUDE_OUTBOUND_IP_RANGES, s.includeIPRanges());
      if (!include.isEmpty()) {
        a.put(IstioAnnotations.INCLUDE_OUTBOUND_IP_RANGES, include);
      }
      String exclude =
          ctx.annotation(IstioAnnotations.EXCLUDE_OUTBOUND_IP_RANGES, s.excludeIPRanges());
      if (!exclude.isEmpty()) {
        a.put(IstioAnnotations.EXCLUDE_OUTBOUND_IP_RANGES, exclude);
      }
      a.put(
          IstioAnnotations.INCLUDE_INBOUND_PORTS,
          ctx.annotation(IstioAnnotations.INCLUDE_INBOUND_PORTS, s.includeInboundPorts()));
      a.put(
          IstioAnnotations.EXCLUDE_INBOUND_PORTS,
          ProxyEnv.excludeInboundPort(
              ctx.statusPort(),
              ctx.annotation(IstioAnnotations.EXCLUDE_INBOUND_PORTS, s.excludeInboundPorts())));
      if (ctx.hasAnnotation(IstioAnnotations.INCLUDE_OUTBOUND_PORTS)
          || !s.includeOutboundPorts().isEmpty()) {
        a.put(
            IstioAnnotations.INCLUDE_OUTBOUND_PORTS,
            ctx.annotation(IstioAnnotations.INCLUDE_OUTBOUND_PORTS, s.includeOutboundPorts()));
      }
      if (ctx.hasAnnotation(IstioAnnotations.EXCLUDE_OUTBOUND_PORTS)
          || !s.excludeOutboundPorts().isEmpty()) {
        a.put(
            IstioAnnotations.EXCLUDE_OUTBOUND_PORTS,
            ctx.annotation(IstioAnnotations.EXCLUDE_OUTBOUND_PORTS, s.excludeOutboundPorts()));
      }
      for (String name :
          List.of(
              IstioAnnotations.KUBEVIRT_INTERFACES,
              IstioAnnotations.REROUTE_VIRTUAL_INTERFACES,
              IstioAnnotations.EXCLUDE_INTERFACES)) {
        String v = ctx.annotations().get(name);
        if (v != null && !v.isEmpty()) {
          a.put(name, v);
        }
      }
    }
    return a;
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  static String trimAll(String s, String cutset) {
    int start = 0;
    int end = s.length();
    while (start < end && cutset.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && cutset.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }
}
