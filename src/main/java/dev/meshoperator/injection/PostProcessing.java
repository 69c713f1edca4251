package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The steps Istio's injector takes after merging the templates: cluster and network environment,
 * Prometheus merge, probe rewriting, init container users, the status annotation and container
 * order.
 */
final class PostProcessing {

  private PostProcessing() {}

  static Map<String, String> labels(Pod pod) {
    if (pod.getMetadata().getLabels() == null) {
      pod.getMetadata().setLabels(new LinkedHashMap<>());
    }
    return pod.getMetadata().getLabels();
  }

  /**
   * Cluster and network environment that Istio sets after templating (a pod's network label wins
   * over the configured network). "Kubernetes" is Istio's own default cluster name and is rendered
   * by the template itself.
   */
  static Map<String, String> clusterEnv(Pod pod, InjectionSettings s) {
    Map<String, String> env = new TreeMap<>();
    if (!s.clusterId().isEmpty() && !s.clusterId().equals("Kubernetes")) {
      env.put("ISTIO_META_CLUSTER_ID", s.clusterId());
    }
    String network = s.network();
    Map<String, String> podLabels = pod.getMetadata().getLabels();
    if (podLabels != null && podLabels.containsKey(IstioAnnotations.NETWORK_LABEL)) {
      network = podLabels.get(IstioAnnotations.NETWORK_LABEL);
    }
    if (network != null && !network.isEmpty()) {
      env.put("ISTIO_META_NETWORK", network);
    }
    return env;
  }

  /**
   * A user's istio-proxy running as another user moves the redirection with it: istio-iptables must
   * exempt that UID, and with CNI the validation container must run as it.
   */
  static void adjustInitContainerUser(Pod pod, Pod original, ObjectNode proxyConfig) {
    // On re-injection the pod holds our output; the user's intent is in the saved overrides.
    Container user = ProxyOverrides.savedOverride(original, Injector.PROXY_CONTAINER);
    if (user == null) {
      Optional<InjectionStatus> status =
          InjectionStatus.parse(
              Injector.annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
      boolean ours =
          status.isPresent()
              && (InjectionStatus.orEmpty(status.get().containers())
                      .contains(Injector.PROXY_CONTAINER)
                  || InjectionStatus.orEmpty(status.get().initContainers())
                      .contains(Injector.PROXY_CONTAINER));
      // The pod's proxy is our own output then, not a user's customization.
      user = ours ? null : Injector.findContainer(original, Injector.PROXY_CONTAINER);
    }
    if (user == null
        || user.getSecurityContext() == null
        || (user.getSecurityContext().getRunAsUser() == null
            && user.getSecurityContext().getRunAsGroup() == null)) {
      return;
    }
    Container init = null;
    for (String name : List.of(Injector.INIT_CONTAINER, Injector.VALIDATION_CONTAINER)) {
      init = Injector.find(pod.getSpec().getInitContainers(), name);
      if (init != null) {
        break;
      }
    }
    if (init == null) {
      return;
    }
    boolean tproxy =
        ProxyConfigs.interceptionMode(proxyConfig).equals("TPROXY")
            || "TPROXY".equals(Injector.annotations(pod).get(IstioAnnotations.INTERCEPTION_MODE));
    SecurityContext userSc = user.getSecurityContext();
    if (tproxy && userSc.getRunAsUser() != null) {
      // TPROXY needs the proxy to run as root.
      Container sidecar = Injector.findContainer(pod, Injector.PROXY_CONTAINER);
      if (sidecar != null && sidecar.getSecurityContext() != null) {
        sidecar.getSecurityContext().setRunAsUser(0L);
      }
    }
    if (!tproxy && init.getName().equals(Injector.VALIDATION_CONTAINER)) {
      if (init.getSecurityContext() == null) {
        init.setSecurityContext(new SecurityContext());
      }
      if (userSc.getRunAsUser() != null) {
        init.getSecurityContext().setRunAsUser(userSc.getRunAsUser());
      }
      if (userSc.getRunAsGroup() != null) {
        init.getSecurityContext().setRunAsGroup(userSc.getRunAsGroup());
      }
    }
    if (userSc.getRunAsUser() == null || userSc.getRunAsUser() == 0) {
      return;
    }
    List<String> args = init.getArgs();
    if (args != null) {
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals("-u")) {
          List<String> updated = new ArrayList<>(args);
          updated.set(i + 1, String.valueOf(userSc.getRunAsUser()));
          init.setArgs(updated);
          return;
        }
      }
    }
  }

  /**
   * OpenShift gives every container of a pod the same user ID unless one is set. A user's
   * istio-proxy with the application's user would break traffic interception (the proxy's traffic
   * is recognized by its UID), so such a UID is dropped and the injected one used.
   */
  static void resetOpenShiftProxyUser(Pod pod) {
    Container sidecar = Injector.findContainer(pod, Injector.PROXY_CONTAINER);
    if (sidecar == null || sidecar.getSecurityContext() == null) {
      return;
    }
    long sidecarUser = 0;
    long appUser = 0;
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : all) {
      Long uid = c.getSecurityContext() == null ? null : c.getSecurityContext().getRunAsUser();
      if (Injector.PROXY_CONTAINER.equals(c.getName())) {
        if (uid != null) {
          sidecarUser = uid;
        }
      } else if (!Injector.VALIDATION_CONTAINER.equals(c.getName())
          && !Injector.INIT_CONTAINER.equals(c.getName())) {
        if (uid != null) {
          appUser = uid;
        }
      }
    }
    if (sidecarUser == appUser) {
      sidecar.getSecurityContext().setRunAsUser(null);
      sidecar.getSecurityContext().setRunAsGroup(null);
    }
  }

  static void postProcess(
      Pod pod,
      ObjectNode injected,
      Pod original,
      InjectionSettings s,
      Map<String, String> clusterEnv,
      ObjectNode proxyConfig,
      int meshStatusPort) {
    Injector.annotations(pod);
    labels(pod);
    Container sidecar = Injector.findContainer(pod, Injector.PROXY_CONTAINER);
    if (sidecar != null && !clusterEnv.isEmpty()) {
      List<EnvVar> env = new ArrayList<>();
      for (EnvVar e : sidecar.getEnv() == null ? List.<EnvVar>of() : sidecar.getEnv()) {
        if (!clusterEnv.containsKey(e.getName())) {
          env.add(e);
        }
      }
      clusterEnv.forEach((k, v) -> env.add(ProxyEnv.value(k, v)));
      sidecar.setEnv(env);
    }
    PrometheusMerge.apply(pod, sidecar, s, meshStatusPort);
    PrometheusMerge.applySecurePort(pod, sidecar);
    if (sidecar != null) {
      Boolean annotated =
          PrometheusMerge.parseBool(
              Injector.annotations(pod).get(IstioAnnotations.REWRITE_APP_HTTP_PROBERS));
      if (annotated != null ? annotated : s.rewriteAppHttpProbe()) {
        ProbeRewriter.apply(pod, sidecar, meshStatusPort);
      }
    }
    if (clusterEnv.containsKey("ISTIO_META_NETWORK")) {
      labels(pod).put(IstioAnnotations.NETWORK_LABEL, clusterEnv.get("ISTIO_META_NETWORK"));
    }
    keepEnvOrder(pod, original);
    Injector.annotations(pod)
        .put(
            IstioAnnotations.SIDECAR_STATUS,
            InjectionStatus.of(injected.path("spec"), s.revision()).toJson());
    Injector.annotations(pod).putAll(s.injectedAnnotations());
    ContainerOrder.apply(
        pod.getSpec(),
        ProxyConfigs.holdApplicationUntilProxyStarts(proxyConfig)
            || s.holdApplicationUntilProxyStarts());
  }

  /**
   * On re-injection of our own output, keeps the proxy's environment in its previous order. The
   * post-processing steps append variables (cluster, network, Prometheus, probes), so a second run
   * would otherwise shuffle them.
   */
  static void keepEnvOrder(Pod pod, Pod original) {
    Optional<InjectionStatus> status =
        InjectionStatus.parse(Injector.annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
    if (status.isEmpty()) {
      return;
    }
    boolean wasInit =
        InjectionStatus.orEmpty(status.get().initContainers()).contains(Injector.PROXY_CONTAINER);
    boolean wasContainer =
        InjectionStatus.orEmpty(status.get().containers()).contains(Injector.PROXY_CONTAINER);
    Container before =
        wasInit
            ? Injector.find(original.getSpec().getInitContainers(), Injector.PROXY_CONTAINER)
            : wasContainer
                ? Injector.find(original.getSpec().getContainers(), Injector.PROXY_CONTAINER)
                : null;
    Container now =
        wasInit
            ? Injector.find(pod.getSpec().getInitContainers(), Injector.PROXY_CONTAINER)
            : wasContainer
                ? Injector.find(pod.getSpec().getContainers(), Injector.PROXY_CONTAINER)
                : null;
    if (before == null || now == null || before.getEnv() == null || now.getEnv() == null) {
      return;
    }
    List<String> order = new ArrayList<>();
    before.getEnv().forEach(e -> order.add(e.getName()));
    List<EnvVar> env = new ArrayList<>(now.getEnv());
    env.sort(
        Comparator.comparingInt(
            e -> order.contains(e.getName()) ? order.indexOf(e.getName()) : Integer.MAX_VALUE));
    now.setEnv(env);
  }
}
