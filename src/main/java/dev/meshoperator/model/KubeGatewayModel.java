package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Deployment, Service and ServiceAccount of a Gateway API {@code Gateway} of class {@value
 * #CLASS}, as istiod's deployment controller would create them (names {@code <gateway>-istio},
 * selector {@code gateway.networking.k8s.io/gateway-name}, status-port 15021 and one Service port
 * per listener port), but with a pod that names the {@code gateway} injection template, so the
 * operator's webhook injects it as it injects the other gateways. istiod's deployment controller is
 * off ({@code PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER=false}); istiod's status controller
 * still finds the Service by that name and writes the Gateway's {@code Programmed} condition.
 */
public final class KubeGatewayModel {

  /** The GatewayClass istiod serves and this operator deploys for. */
  public static final String CLASS = "istio";

  /** {@code app.kubernetes.io/component} of these objects (informers select on it). */
  public static final String COMPONENT = "kube-gateway";

  public static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";
  public static final String GATEWAY_CLASS = "gateway.networking.k8s.io/gateway-class-name";

  /** istiod's annotation choosing the Service type of a Gateway (default LoadBalancer). */
  public static final String SERVICE_TYPE = "networking.istio.io/service-type";

  private KubeGatewayModel() {}

  /** Whether this operator deploys {@code gateway}. */
  public static boolean ours(Gateway gateway) {
    return gateway.getSpec() != null && CLASS.equals(gateway.getSpec().getGatewayClassName());
  }

  /** The revision a Gateway belongs to: its {@code istio.io/rev} label, else the default one. */
  public static String revision(Gateway gateway) {
    var labels = gateway.getMetadata().getLabels();
    String rev = labels == null ? null : labels.get(MeshLabels.ISTIO_REV);
    return rev == null || rev.isBlank() ? MeshNames.DEFAULT_REVISION : rev;
  }

  public static String name(Gateway gateway) {
    return MeshNames.kubeGateway(gateway.getMetadata().getName(), CLASS);
  }

  public static Map<String, String> labels(ControlPlane cp, Gateway gateway) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(GATEWAY_NAME, gateway.getMetadata().getName());
    extra.put(GATEWAY_CLASS, CLASS);
    extra.put(MeshLabels.NAME, name(gateway));
    return MeshLabels.of(cp, COMPONENT, extra);
  }

  public static ServiceAccount serviceAccount(ControlPlane cp, Gateway gateway) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(name(gateway))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(labels(cp, gateway))
        .endMetadata()
        .build();
  }

  public static Deployment deployment(ControlPlane cp, Gateway gateway) {
    Map<String, String> podLabels = new LinkedHashMap<>(GatewayModel.injectionLabels(cp));
    podLabels.put(GATEWAY_NAME, gateway.getMetadata().getName());
    podLabels.put(GATEWAY_CLASS, CLASS);
    podLabels.put(MeshLabels.NAME, name(gateway));
    podLabels.put(MeshLabels.COMPONENT, COMPONENT);
    podLabels.put(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE);
    podLabels.put("service.istio.io/canonical-name", name(gateway));
    podLabels.put("service.istio.io/canonical-revision", "latest");
    podLabels.put("istio.io/dataplane-mode", "none");
    var g = defaults(cp, gateway);
    var pod = GatewayModel.podTemplate(cp, g);
    pod.getMetadata().setLabels(podLabels);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name(gateway))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(labels(cp, gateway))
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(Map.of(GATEWAY_NAME, gateway.getMetadata().getName()))
        .endSelector()
        .withTemplate(pod)
        .endSpec()
        .build();
  }

  public static Service service(ControlPlane cp, Gateway gateway) {
    var annotations = gateway.getMetadata().getAnnotations();
    String type = annotations == null ? null : annotations.get(SERVICE_TYPE);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name(gateway))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(labels(cp, gateway))
        .endMetadata()
        .withNewSpec()
        .withType(
            type != null && List.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)
                ? type
                : "LoadBalancer")
        .withSelector(Map.of(GATEWAY_NAME, gateway.getMetadata().getName()))
        .withPorts(ports(gateway))
        .endSpec()
        .build();
  }

  /** status-port 15021, then one port per distinct listener port, named after its listener. */
  static List<ServicePort> ports(Gateway gateway) {
    List<ServicePort> ports = new ArrayList<>();
    ports.add(port("status-port", 15021, "tcp"));
    Set<Integer> seen = new LinkedHashSet<>(List.of(15021));
    Set<String> names = new LinkedHashSet<>(List.of("status-port"));
    List<Listener> listeners =
        gateway.getSpec().getListeners() == null ? List.of() : gateway.getSpec().getListeners();
    for (Listener l : listeners) {
      if (l.getPort() == null || !seen.add(l.getPort())) {
        continue;
      }
      String name = portName(l.getName(), l.getPort());
      if (!names.add(name)) {
        name = portName(null, l.getPort());
        names.add(name);
      }
      ports.add(port(name, l.getPort(), appProtocol(l.getProtocol())));
    }
    return ports;
  }

  /** A Service port name (DNS label) from a listener name, or {@code port-<n>}. */
  static String portName(String listener, int port) {
    String s =
        listener == null ? "" : listener.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    s = s.replaceAll("^-+|-+$", "");
    if (s.isEmpty()) {
      return "port-" + port;
    }
    return s.length() > 63 ? s.substring(0, 63).replaceAll("-+$", "") : s;
  }

  private static String appProtocol(String protocol) {
    if (protocol == null) {
      return "tcp";
    }
    return switch (protocol) {
      case "HTTP" -> "http";
      case "HTTPS" -> "https";
      case "TLS" -> "tls";
      case "UDP" -> "udp";
      default -> "tcp";
    };
  }

  private static ServicePort port(String name, int port, String appProtocol) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .withProtocol("UDP".equals(appProtocol.toUpperCase(Locale.ROOT)) ? "UDP" : "TCP")
        .withAppProtocol(appProtocol)
        .build();
  }

  /** The gateway settings behind the pod: one replica, chart resources, the SA of this Gateway. */
  private static Gateways.Gateway defaults(ControlPlane cp, Gateway gateway) {
    return new Gateways.Gateway(
        name(gateway),
        dev.meshoperator.api.v1alpha1.GatewaySpec.Type.INGRESS,
        gateway.getMetadata().getNamespace(),
        1,
        false,
        1,
        1,
        80,
        false,
        Gateways.resources(false),
        Map.of(),
        List.of(),
        null,
        Map.of(GATEWAY_NAME, gateway.getMetadata().getName()),
        dev.meshoperator.api.v1alpha1.GatewaySpec.ServiceType.LoadBalancer,
        List.of(),
        Map.of(),
        null);
  }
}
