package dev.meshoperator.testing;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Istio's quick start on the local cluster, shared by QuickStartIT and the demo: the whole cluster
 * (etcd, kube-apiserver, controllers, kwok), the packaged operator and the real istiod run inside a
 * network namespace of their own ({@code iop-qs-<pid>}).
 *
 * <p>Why there: the apiserver calls istiod's validating webhook through its Service ({@code
 * service:} reference, so at the ClusterIP's port 443), and a ClusterIP must not be dialled on this
 * machine. In the namespace the ClusterIP is an address on its loopback, forwarded to istiod's
 * 15017; every other 10.x address has no route there. The test JVM stays outside (Maven resolved
 * its dependencies as usual) and reaches the apiserver, the operator's management port and istiod's
 * debug port through Unix-socket relays, at the same 127.0.0.1 ports.
 */
public final class QuickStartCluster implements AutoCloseable {

  public static final String PREFIX = "iop-qs-";
  public static final String MESH_NS = "istio-system";

  private final NetworkNamespace netns;
  private final LocalControlPlane cp;
  private final KubernetesClient admin;
  private OperatorProcess operator;
  private IstiodProcess istiod;

  private QuickStartCluster(NetworkNamespace netns, LocalControlPlane cp) {
    this.netns = netns;
    this.cp = cp;
    this.admin = cp.adminClient();
  }

  /** Why the quick start cannot run here, if it cannot. */
  public static Optional<String> unavailable() {
    return NetworkNamespace.unavailable(PREFIX);
  }

  /**
   * Starts the cluster in its namespace, installs the CRDs and the operator's RBAC from the
   * kustomize base, and starts the packaged operator as its ServiceAccount.
   */
  public static QuickStartCluster start() {
    IstioBinaries.dir();
    NetworkNamespace netns = NetworkNamespace.create(PREFIX);
    LocalControlPlane cp;
    try {
      cp = LocalControlPlane.start(netns);
    } catch (RuntimeException e) {
      netns.close();
      throw e;
    }
    var qs = new QuickStartCluster(netns, cp);
    try {
      ClusterSetup.installCrds(qs.admin);
      ClusterSetup.installOperatorRbac(qs.admin);
      Path kubeconfig =
          cp.writeServiceAccountKubeconfig(
              ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
      int webhookPort = LocalControlPlane.freePort();
      qs.operator =
          OperatorProcess.start(
              "operator",
              kubeconfig,
              cp.workDir(),
              webhookPort,
              Map.of("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + webhookPort + "/inject"),
              netns);
      qs.operator.awaitReady(Duration.ofMinutes(2));
      return qs;
    } catch (RuntimeException e) {
      qs.close();
      throw e;
    }
  }

  public LocalControlPlane controlPlane() {
    return cp;
  }

  public KubernetesClient admin() {
    return admin;
  }

  public OperatorProcess operator() {
    return operator;
  }

  public NetworkNamespace netns() {
    return netns;
  }

  /** The real istiod for the MeshControlPlane's Deployment {@code istiod[-rev]}, started once. */
  public synchronized IstiodProcess istiod(String deployment) {
    if (istiod == null) {
      istiod = IstiodProcess.start(cp, admin, MESH_NS, deployment);
    }
    return istiod;
  }

  /**
   * Waits for a condition of the MeshControlPlane to be True, failing early if the operator died.
   */
  public MeshControlPlane awaitCondition(String mcp, String type, Duration timeout) {
    LocalControlPlane.waitFor(
        "MeshControlPlane " + mcp + " " + type,
        timeout,
        () -> {
          if (!operator.isAlive()) {
            throw new IllegalStateException(
                "operator exited:\n" + LocalControlPlane.tail(operator.log()));
          }
          var cr = admin.resources(MeshControlPlane.class).withName(mcp).get();
          return cr != null
              && cr.getStatus() != null
              && cr.getStatus()
                  .condition(type)
                  .map(c -> StatusCondition.TRUE.equals(c.getStatus()))
                  .orElse(false);
        });
    return admin.resources(MeshControlPlane.class).withName(mcp).get();
  }

  public MeshControlPlane awaitReady(String mcp, Duration timeout) {
    return awaitCondition(mcp, MeshControlPlaneStatus.READY, timeout);
  }

  /**
   * What a cloud's load-balancer controller (or MetalLB on kind) does for a LoadBalancer Service:
   * gives it an address, here one on the namespace's loopback. Nothing listens behind it: no
   * container runtime runs Envoy here.
   */
  public String assignLoadBalancerAddress(String ns, String service, String ip) {
    netns.addAddress(ip);
    Service s = admin.services().inNamespace(ns).withName(service).get();
    s.getStatus()
        .getLoadBalancer()
        .setIngress(List.of(new LoadBalancerIngressBuilder().withIp(ip).build()));
    admin.resource(s).updateStatus();
    return ip;
  }

  /** {@code kubectl <args>} as cluster admin; output and exit code. */
  public Result kubectl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(cp.binDir().resolve("kubectl").toString());
    cmd.add("--kubeconfig=" + cp.adminKubeconfig());
    cmd.addAll(List.of(args));
    return run(cmd, null);
  }

  /** {@code kubectl apply -n <ns> -f -} of {@code yaml}. */
  public Result apply(String ns, String yaml) {
    List<String> cmd = new ArrayList<>();
    cmd.add(cp.binDir().resolve("kubectl").toString());
    cmd.add("--kubeconfig=" + cp.adminKubeconfig());
    cmd.addAll(List.of("apply", "-n", ns, "-f", "-"));
    return run(cmd, yaml);
  }

  /** The real {@code istioctl <args>} against the cluster. */
  public Result istioctl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(IstioBinaries.istioctl().toString());
    cmd.add("--kubeconfig=" + cp.adminKubeconfig());
    cmd.addAll(List.of(args));
    return run(cmd, null);
  }

  /** Output (stdout and stderr together) and exit code of a command. */
  public record Result(int exitCode, String output) {}

  private static Result run(List<String> cmd, String stdin) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      var out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (istiod != null) {
      istiod.close();
    }
    if (operator != null) {
      operator.close();
    }
    admin.close();
    cp.close();
    netns.close();
  }
}
