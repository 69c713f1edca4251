package dev.meshoperator.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real istiod ({@code pilot-discovery} from {@code hack/build-istio.sh}) run as a process for
 * the istiod Deployment the operator created, standing in for its pod, inside the local cluster's
 * network namespace:
 *
 * <ul>
 *   <li>the container's args and env (fieldRefs resolved as the kubelet does: POD_NAME is the name
 *       of a pod of the Deployment, kwok's);
 *   <li>every mounted Secret, ConfigMap, projected ServiceAccount token and emptyDir materialized
 *       as files under a root directory that is the process's working directory: istiod's own
 *       defaults are relative paths ({@code ./etc/cacerts}, {@code
 *       ./var/run/secrets/tokens/istio-token}), which resolve there as they resolve under {@code /}
 *       in the container, and env values naming a mount path are rewritten to it;
 *   <li>the API credentials a pod gets (its {@code kube-api-access} volume): a TokenRequest token
 *       of the Deployment's ServiceAccount, so istiod runs with exactly the RBAC the operator
 *       granted, in a kubeconfig passed as {@code KUBECONFIG};
 *   <li>its listeners on the namespace's 127.0.0.1 at the container ports, and the istiod Service's
 *       ClusterIP (put on the namespace's loopback) forwarded port by port to the target ports, as
 *       kube-proxy does: the apiserver's calls to the validating webhook ({@code service:}
 *       reference, ClusterIP:443) reach istiod's 15017.
 * </ul>
 *
 * When the operator rolls the Deployment (its pod template changes), the process is stopped and
 * started again from the new template, with the files materialized anew.
 */
public final class IstiodProcess implements AutoCloseable {

  private static final Map<String, String> LISTENER_FLAGS =
      Map.of(
          "http-debug", "--httpAddr",
          "grpc-xds", "--grpcAddr",
          "tls-xds", "--secureGRPCAddr",
          "https-webhooks", "--httpsAddr",
          "http-monitoring", "--monitoringAddr");

  private final LocalControlPlane cp;
  private final KubernetesClient admin;
  private final String namespace;
  private final String name;
  private final Path binary;
  private final Path home;
  private final int debugHostPort = LocalControlPlane.freePort();
  private final int webhookHostPort = LocalControlPlane.freePort();
  private volatile Process process;
  private volatile String template;
  private volatile int starts;
  private volatile boolean closed;
  private Thread watcher;

  private IstiodProcess(LocalControlPlane cp, KubernetesClient admin, String ns, String name) {
    this.cp = cp;
    this.admin = admin;
    this.namespace = ns;
    this.name = name;
    this.binary = IstioBinaries.dir().resolve("pilot-discovery");
    this.home = cp.workDir().resolve("istiod-" + ns + "-" + name);
  }

  /**
   * Waits for the Deployment {@code ns/name} and its Service, starts istiod for it and keeps it in
   * step with the Deployment's pod template.
   */
  public static IstiodProcess start(
      LocalControlPlane cp, KubernetesClient admin, String ns, String name) {
    if (cp.netns() == null) {
      throw new IllegalArgumentException("istiod runs only in the cluster's network namespace");
    }
    var istiod = new IstiodProcess(cp, admin, ns, name);
    LocalControlPlane.waitFor(
        "Deployment and Service " + ns + "/" + name,
        Duration.ofMinutes(3),
        () ->
            admin.apps().deployments().inNamespace(ns).withName(name).get() != null
                && admin.services().inNamespace(ns).withName(name).get() != null);
    istiod.routeService();
    istiod.restart();
    istiod.watcher = new Thread(istiod::follow, "istiod-follow-" + name);
    istiod.watcher.setDaemon(true);
    istiod.watcher.start();
    return istiod;
  }

  /** istiod's debug HTTP port (8080 in its pod), on this JVM's loopback. */
  public URI debugUri(String path) {
    return URI.create("http://127.0.0.1:" + debugHostPort + path);
  }

  /** istiod's webhook HTTPS port (15017 in its pod), on this JVM's loopback. */
  public int webhookHostPort() {
    return webhookHostPort;
  }

  /** How many times istiod was started (1 + the rolls followed). */
  public int starts() {
    return starts;
  }

  public boolean isReady() {
    return process != null && process.isAlive() && get("/ready").statusCode() == 200;
  }

  /** A GET of istiod's debug port ({@code /debug/registryz}, {@code /debug/configz}, ...). */
  public HttpResponse<String> get(String path) {
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              HttpRequest.newBuilder(debugUri(path)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path log() {
    return home.resolve("istiod.log");
  }

  public String logTail() {
    return LocalControlPlane.tail(log());
  }

  private Deployment deployment() {
    return admin.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The istiod Service's ClusterIP ports to istiod's ports, inside the namespace. */
  private void routeService() {
    Service svc = admin.services().inNamespace(namespace).withName(name).get();
    Container c = deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    String ip = svc.getSpec().getClusterIP();
    cp.netns().addAddress(ip);
    List<String> rules = new ArrayList<>();
    for (ServicePort sp : svc.getSpec().getPorts()) {
      int target =
          sp.getTargetPort() == null
              ? sp.getPort()
              : sp.getTargetPort().getIntVal() != null
                  ? sp.getTargetPort().getIntVal()
                  : portNamed(c, sp.getTargetPort().getStrVal()).getContainerPort();
      rules.add(ip + ":" + sp.getPort() + "->127.0.0.1:" + target);
    }
    cp.netns().forwardInside(rules);
    cp.netns().exposePort(debugHostPort, portNamed(c, "http-debug").getContainerPort(), home());
    cp.netns()
        .exposePort(webhookHostPort, portNamed(c, "https-webhooks").getContainerPort(), home());
    LocalControlPlane.log("istiod Service " + namespace + "/" + name + " routed: " + rules);
  }

  private Path home() {
    try {
      return Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ContainerPort portNamed(Container c, String portName) {
    return c.getPorts().stream()
        .filter(p -> portName.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no port " + portName + " on " + c));
  }

  /** Polls the pod template; a change is a roll: restart from the new one. */
  private void follow() {
    while (!closed) {
      try {
        Thread.sleep(1000);
        Deployment d = deployment();
        if ((d == null || d.getMetadata().getDeletionTimestamp() != null)
            && process != null
            && process.isAlive()) {
          // The Deployment is going (uninstall): its pods, this process, go with it.
          LocalControlPlane.log("istiod Deployment " + name + " deleted: stopping istiod");
          stopProcess();
          releaseDeployment();
          continue;
        }
        if (d != null
            && d.getMetadata().getDeletionTimestamp() == null
            && !closed
            && !Serialization.asJson(d.getSpec().getTemplate()).equals(template)) {
          LocalControlPlane.log("istiod Deployment " + name + " rolled: restarting istiod");
          restart();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LocalControlPlane.log("istiod follow: " + e.getMessage());
      }
    }
  }

  /**
   * kwok removes a deleted pod at once, while a kubelet removes it only after its containers have
   * stopped: so the Deployment (deleted foreground by the operator's cleanup, which then relies on
   * istiod being gone) would vanish while this process still ran and, say, recreated its
   * GatewayClasses. A finalizer of the harness keeps the Deployment until the process is stopped,
   * as a real cluster keeps a pod until its istiod exits.
   */
  private void holdDeployment() {
    editDeployment(
        d -> {
          if (!d.getMetadata().getFinalizers().contains(FINALIZER)) {
            d.getMetadata().getFinalizers().add(FINALIZER);
          }
          return d;
        });
  }

  /** Removes the harness' finalizer (the process is stopped); nothing if the Deployment is gone. */
  private void releaseDeployment() {
    try {
      if (deployment() != null) {
        editDeployment(
            d -> {
              d.getMetadata().getFinalizers().remove(FINALIZER);
              return d;
            });
      }
    } catch (RuntimeException e) {
      LocalControlPlane.log("istiod release: " + e.getMessage());
    }
  }

  private static final String FINALIZER = "testing.meshoperator.dev/istiod-process";

  /**
   * Edits the Deployment, again on a conflict: the edit's patch carries the resourceVersion it
   * read, and the controller-manager updates the Deployment's status meanwhile (while its pods go
   * away, many times a second). A release lost that way left the Deployment, and the namespace's
   * cleanup, waiting on the finalizer.
   */
  private void editDeployment(java.util.function.UnaryOperator<Deployment> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        admin.apps().deployments().inNamespace(namespace).withName(name).edit(change);
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private synchronized void restart() {
    stopProcess();
    holdDeployment();
    Deployment d = deployment();
    PodTemplateSpec t = d.getSpec().getTemplate();
    template = Serialization.asJson(t);
    Path root = home().resolve("root-" + (starts + 1));
    Container c = t.getSpec().getContainers().get(0);
    try {
      Files.createDirectories(root);
      Map<String, String> mounts = materialize(t, c, root);
      List<String> cmd = new ArrayList<>();
      cmd.add(binary.toString());
      cmd.addAll(c.getArgs());
      for (ContainerPort p : c.getPorts()) {
        String flag = LISTENER_FLAGS.get(p.getName());
        if (flag != null) {
          // Later flags win: these replace the Deployment's ":port" (every interface).
          cmd.add(flag + "=127.0.0.1:" + p.getContainerPort());
        }
      }
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      pb.environment().clear();
      pb.environment().put("PATH", System.getenv("PATH"));
      pb.environment().putAll(env(t, c, mounts));
      pb.environment()
          .put(
              "KUBECONFIG",
              cp.writeServiceAccountKubeconfig(namespace, t.getSpec().getServiceAccountName())
                  .toString());
      starts++;
      Files.writeString(
          log(),
          "=== start " + starts + ": " + String.join(" ", cmd) + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = cp.netns().start(pb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes every volume the container mounts under root; returns mount path to file path. */
  private Map<String, String> materialize(PodTemplateSpec t, Container c, Path root)
      throws IOException {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (VolumeMount m : c.getVolumeMounts()) {
      Volume v =
          t.getSpec().getVolumes().stream()
              .filter(x -> x.getName().equals(m.getName()))
              .findFirst()
              .orElseThrow();
      Path dir = root.resolve(m.getMountPath().replaceFirst("^/+", ""));
      Files.createDirectories(dir);
      mounts.put(m.getMountPath(), dir.toString());
      if (v.getSecret() != null) {
        Secret s =
            admin.secrets().inNamespace(namespace).withName(v.getSecret().getSecretName()).get();
        if (s != null && s.getData() != null) {
          Map<String, byte[]> data = new LinkedHashMap<>();
          s.getData().forEach((k, b64) -> data.put(k, Base64.getDecoder().decode(b64)));
          write(dir, data, v.getSecret().getItems());
        }
      } else if (v.getConfigMap() != null) {
        ConfigMap cm =
            admin.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
        if (cm != null && cm.getData() != null) {
          Map<String, byte[]> data = new LinkedHashMap<>();
          cm.getData().forEach((k, s) -> data.put(k, s.getBytes(StandardCharsets.UTF_8)));
          write(dir, data, v.getConfigMap().getItems());
        }
      } else if (v.getProjected() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if (p.getServiceAccountToken() != null) {
            var sat = p.getServiceAccountToken();
            String token =
                admin
                    .serviceAccounts()
                    .inNamespace(namespace)
                    .withName(t.getSpec().getServiceAccountName())
                    .tokenRequest(
                        new TokenRequestBuilder()
                            .withNewSpec()
                            .withAudiences(sat.getAudience())
                            .withExpirationSeconds(sat.getExpirationSeconds())
                            .endSpec()
                            .build())
                    .getStatus()
                    .getToken();
            Files.writeString(dir.resolve(sat.getPath()), token);
          }
        }
      }
      // emptyDir: the directory itself.
    }
    return mounts;
  }

  private static void write(Path dir, Map<String, byte[]> data, List<KeyToPath> items)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      if (data.containsKey(item.getKey())) {
        Files.write(dir.resolve(item.getPath()), data.get(item.getKey()));
      }
    }
  }

  /** The container's env, resolved as the kubelet would for one of the Deployment's pods. */
  private Map<String, String> env(PodTemplateSpec t, Container c, Map<String, String> mounts) {
    String podName =
        admin
            .pods()
            .inNamespace(namespace)
            .withLabels(t.getMetadata().getLabels())
            .list()
            .getItems()
            .stream()
            .map(p -> p.getMetadata().getName())
            .findFirst()
            .orElse(name + "-local");
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.getEnv()) {
      String value = e.getValue();
      if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
        value =
            switch (e.getValueFrom().getFieldRef().getFieldPath()) {
              case "metadata.name" -> podName;
              case "metadata.namespace" -> namespace;
              case "spec.serviceAccountName" -> t.getSpec().getServiceAccountName();
              default -> "127.0.0.1";
            };
      } else if (e.getValueFrom() != null && e.getValueFrom().getResourceFieldRef() != null) {
        String res = e.getValueFrom().getResourceFieldRef().getResource();
        Map<String, Quantity> limits =
            c.getResources() == null ? null : c.getResources().getLimits();
        Quantity q = limits == null ? null : limits.get(res.replaceFirst("^limits\\.", ""));
        // No limit: a pod would see the node's allocatable (kwok's, fictitious); leave it unset.
        value =
            q == null
                ? null
                : String.valueOf((long) Math.ceil(Quantity.getAmountInBytes(q).doubleValue()));
      }
      if (value == null) {
        continue;
      }
      for (var m : mounts.entrySet()) {
        if (value.startsWith(m.getKey() + "/") || value.equals(m.getKey())) {
          value = m.getValue() + value.substring(m.getKey().length());
        }
      }
      env.put(e.getName(), value);
    }
    return env;
  }

  private void stopProcess() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.interrupt();
    }
    stopProcess();
    releaseDeployment();
  }
}
