package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites application probes and lifecycle hooks to go through pilot-agent's status port. Kubelet
 * cannot reach the application through the proxy with mTLS on; pilot-agent can. The original probes
 * are handed to the agent in {@code ISTIO_KUBE_APP_PROBERS}.
 */
final class ProbeRewriter {

  static final String ENV = "ISTIO_KUBE_APP_PROBERS";

  private ProbeRewriter() {}

  /**
   * Rewrites the probes of {@code pod} in place and records the originals on the proxy.
   *
   * @param meshStatusPort the agent's status port from the mesh proxy config
   */
  static void apply(Pod pod, Container sidecar, int meshStatusPort) {
    String probers = dump(pod, meshStatusPort);
    if (probers != null) {
      boolean previouslyInjected =
          pod.getMetadata().getAnnotations() != null
              && pod.getMetadata().getAnnotations().containsKey(IstioAnnotations.SIDECAR_STATUS);
      sidecar.setEnv(mergeOrAppend(previouslyInjected, sidecar.getEnv(), probers));
    }
    int statusPort = meshStatusPort;
    String annotated =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(IstioAnnotations.STATUS_PORT);
    if (annotated != null) {
      try {
        statusPort = Integer.parseInt(annotated.trim());
      } catch (NumberFormatException e) {
        statusPort = 0;
      }
    }
    for (Container c : allContainers(pod)) {
      if (!Injector.PROXY_CONTAINER.equals(c.getName())) {
        convert(c, statusPort);
      }
    }
  }

  private static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    return all;
  }

  /** The ISTIO_KUBE_APP_PROBERS value for the pod, or null when there is nothing to probe. */
  static String dump(Pod pod, int meshStatusPort) {
    Map<String, ObjectNode> out = new TreeMap<>();
    for (Container c : allContainers(pod)) {
      if (Injector.PROXY_CONTAINER.equals(c.getName())) {
        continue;
      }
      Map<String, Integer> ports = new HashMap<>();
      if (c.getPorts() != null) {
        for (ContainerPort p : c.getPorts()) {
          if (p.getName() != null && !p.getName().isEmpty() && p.getContainerPort() != null) {
            ports.put(p.getName(), p.getContainerPort());
          }
        }
      }
      String base = "/app-health/" + c.getName();
      String lifecycle = "/app-lifecycle/" + c.getName();
      put(out, base + "/readyz", fromProbe(c.getReadinessProbe()), ports, meshStatusPort);
      put(out, base + "/livez", fromProbe(c.getLivenessProbe()), ports, meshStatusPort);
      put(out, base + "/startupz", fromProbe(c.getStartupProbe()), ports, meshStatusPort);
      if (c.getLifecycle() != null) {
        put(
            out,
            lifecycle + "/prestopz",
            fromHandler(c.getLifecycle().getPreStop()),
            ports,
            meshStatusPort);
        put(
            out,
            lifecycle + "/poststartz",
            fromHandler(c.getLifecycle().getPostStart()),
            ports,
            meshStatusPort);
      }
    }
    if (out.isEmpty()) {
      return null;
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    out.forEach(json::set);
    return Json.write(json);
  }

  private record Prober(
      HTTPGetAction httpGet, TCPSocketAction tcpSocket, GRPCAction grpc, Integer timeout) {}

  private static Prober fromProbe(Probe probe) {
    if (probe == null) {
      return null;
    }
    if (probe.getHttpGet() != null) {
      return new Prober(probe.getHttpGet(), null, null, probe.getTimeoutSeconds());
    }
    if (probe.getTcpSocket() != null) {
      return new Prober(null, probe.getTcpSocket(), null, probe.getTimeoutSeconds());
    }
    if (probe.getGrpc() != null) {
      return new Prober(null, null, probe.getGrpc(), probe.getTimeoutSeconds());
    }
    return null;
  }

  private static Prober fromHandler(LifecycleHandler handler) {
    if (handler == null) {
      return null;
    }
    if (handler.getHttpGet() != null) {
      return new Prober(handler.getHttpGet(), null, null, null);
    }
    if (handler.getTcpSocket() != null) {
      return new Prober(null, handler.getTcpSocket(), null, null);
    }
    return null;
  }

  private static void put(
      Map<String, ObjectNode> out,
      String path,
      Prober prober,
      Map<String, Integer> ports,
      int meshStatusPort) {
    if (prober == null) {
      return;
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    if (prober.grpc() != null) {
      // gRPC probes only take numeric ports, so there is nothing to resolve.
      ObjectNode grpc = json.putObject("grpc");
      grpc.put("port", prober.grpc().getPort() == null ? 0 : prober.grpc().getPort());
      if (prober.grpc().getService() == null) {
        grpc.putNull("service");
      } else {
        grpc.put("service", prober.grpc().getService());
      }
    } else {
      IntOrString port =
          prober.httpGet() != null ? prober.httpGet().getPort() : prober.tcpSocket().getPort();
      Integer resolved;
      if (port == null) {
        resolved = 0;
      } else if (port.getStrVal() != null) {
        resolved = ports.get(port.getStrVal());
        if (resolved == null) {
          return;
        }
      } else {
        resolved = port.getIntVal() == null ? 0 : port.getIntVal();
        if (resolved == meshStatusPort) {
          // Already pointing at the agent: rewritten by an earlier injection.
          return;
        }
        if (prober.httpGet() != null && path.equals(prober.httpGet().getPath())) {
          // Rewritten earlier to a status port set by annotation (Istio only recognizes the
          // mesh's port and would record the rewritten probe as an application probe).
          return;
        }
      }
      if (prober.httpGet() != null) {
        HTTPGetAction h = prober.httpGet();
        ObjectNode http = json.putObject("httpGet");
        if (h.getPath() != null && !h.getPath().isEmpty()) {
          http.put("path", h.getPath());
        }
        http.put("port", resolved);
        if (h.getHost() != null && !h.getHost().isEmpty()) {
          http.put("host", h.getHost());
        }
        if (h.getScheme() != null && !h.getScheme().isEmpty()) {
          http.put("scheme", h.getScheme());
        }
        if (h.getHttpHeaders() != null && !h.getHttpHeaders().isEmpty()) {
          var headers = http.putArray("httpHeaders");
          for (HTTPHeader header : h.getHttpHeaders()) {
            headers.addObject().put("name", header.getName()).put("value", header.getValue());
          }
        }
      } else {
        ObjectNode tcp = json.putObject("tcpSocket");
        tcp.put("port", resolved);
        if (prober.tcpSocket().getHost() != null && !prober.tcpSocket().getHost().isEmpty()) {
          tcp.put("host", prober.tcpSocket().getHost());
        }
      }
    }
    if (prober.timeout() != null && prober.timeout() != 0) {
      json.put("timeoutSeconds", prober.timeout());
    }
    out.put(path, json);
  }

  /** On re-injection probers recorded earlier are kept: their probes point at the agent now. */
  private static List<EnvVar> mergeOrAppend(
      boolean previouslyInjected, List<EnvVar> env, String probers) {
    List<EnvVar> out = new ArrayList<>(env == null ? List.of() : env);
    if (previouslyInjected) {
      for (int i = 0; i < out.size(); i++) {
        if (ENV.equals(out.get(i).getName())) {
          try {
            JsonNode existing = Json.read(out.get(i).getValue());
            JsonNode fresh = Json.read(probers);
            if (!(existing instanceof ObjectNode e) || !(fresh instanceof ObjectNode f)) {
              return out;
            }
            Map<String, JsonNode> merged = new TreeMap<>();
            f.fields().forEachRemaining(x -> merged.put(x.getKey(), x.getValue()));
            e.fields().forEachRemaining(x -> merged.put(x.getKey(), x.getValue()));
            ObjectNode json = Json.MAPPER.createObjectNode();
            merged.forEach(json::set);
            out.set(i, ProxyEnv.value(ENV, Json.write(json)));
          } catch (Exception ex) {
            // Keep what is there, like Istio does with an unreadable value.
          }
          return out;
        }
      }
    }
    out.add(ProxyEnv.value(ENV, probers));
    return out;
  }

  private static void convert(Container c, int statusPort) {
    String base = "/app-health/" + c.getName();
    String lifecycle = "/app-lifecycle/" + c.getName();
    c.setReadinessProbe(convertProbe(c.getReadinessProbe(), base + "/readyz", statusPort));
    c.setLivenessProbe(convertProbe(c.getLivenessProbe(), base + "/livez", statusPort));
    c.setStartupProbe(convertProbe(c.getStartupProbe(), base + "/startupz", statusPort));
    Lifecycle l = c.getLifecycle();
    if (l != null) {
      l.setPreStop(convertHandler(l.getPreStop(), lifecycle + "/prestopz", statusPort));
      l.setPostStart(convertHandler(l.getPostStart(), lifecycle + "/poststartz", statusPort));
    }
  }

  private static Probe convertProbe(Probe probe, String url, int statusPort) {
    if (probe == null) {
      return null;
    }
    if (probe.getHttpGet() != null) {
      rewrite(probe.getHttpGet(), url, statusPort);
      // A probe has one handler; a second one can only come from merging a customization.
      probe.setTcpSocket(null);
      probe.setGrpc(null);
    } else if (probe.getTcpSocket() != null) {
      probe.setHttpGet(rewrite(new HTTPGetAction(), url, statusPort));
      probe.setTcpSocket(null);
    } else if (probe.getGrpc() != null) {
      // Kubelet -> HTTP -> pilot-agent -> gRPC -> application.
      probe.setHttpGet(rewrite(new HTTPGetAction(), url, statusPort));
      probe.setGrpc(null);
    }
    return probe;
  }

  private static LifecycleHandler convertHandler(
      LifecycleHandler handler, String url, int statusPort) {
    if (handler == null) {
      return null;
    }
    if (handler.getHttpGet() != null) {
      rewrite(handler.getHttpGet(), url, statusPort);
      handler.setTcpSocket(null);
    } else if (handler.getTcpSocket() != null) {
      handler.setHttpGet(rewrite(new HTTPGetAction(), url, statusPort));
      handler.setTcpSocket(null);
    }
    return handler;
  }

  private static HTTPGetAction rewrite(HTTPGetAction action, String url, int port) {
    action.setPort(new IntOrString(port));
    action.setPath(url);
    // Kubelet -> HTTP -> pilot-agent -> HTTPS -> application.
    if ("HTTPS".equals(action.getScheme())) {
      action.setScheme("HTTP");
    }
    return action;
  }
}
