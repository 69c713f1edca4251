package dev.meshoperator.testing;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: start the local control plane, run the packaged operator against it as its own
 * ServiceAccount, apply the sample MeshControlPlane, print what the operator created and the CR's
 * status, delete the CR, and stop everything.
 */
public final class Demo {

  private static final String SAMPLE = "samples/meshcontrolplane-demo.yaml";
  private static final String NS = "istio-system";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Path project = ProjectDir.get();
    Path jar = project.resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with ./mvnw package first");
    }
    int exit = 0;
    try (LocalControlPlane cp = LocalControlPlane.start();
        KubernetesClient admin = cp.adminClient()) {
      Runtime.getRuntime().addShutdownHook(new Thread(cp::close));
      step("Installing the CRDs and the operator's RBAC");
      ClusterSetup.installCrds(admin);
      ClusterSetup.installOperatorRbac(admin);
      Path operatorKubeconfig =
          cp.writeServiceAccountKubeconfig(
              ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);

      step("Starting the operator as ServiceAccount istio-operator/istio-operator");
      Path operatorLog = cp.workDir().resolve("operator.log");
      // The apiserver calls the webhook at a loopback URL (no kube-proxy here); the HTTPS
      // server starts with an in-memory placeholder that the operator replaces from its Secret.
      int webhookPort = LocalControlPlane.freePort();
      var pb =
          new ProcessBuilder(javaBinary(), "-jar", jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(operatorLog.toFile());
      pb.environment().put("KUBECONFIG", operatorKubeconfig.toString());
      pb.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
      pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(LocalControlPlane.freePort()));
      pb.environment().put("MESH_OPERATOR_NAMESPACE", ClusterSetup.OPERATOR_NAMESPACE);
      pb.environment()
          .put("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + webhookPort + "/inject");
      Process operator = pb.start();
      // Also when the demo itself is interrupted (Ctrl+C): no operator left running.
      Runtime.getRuntime().addShutdownHook(new Thread(operator::destroyForcibly));
      try {
        step("kubectl apply -f " + SAMPLE);
        // No namespace to create first: the operator creates spec.namespace (istio-system).
        kubectl(cp, "apply", "-f", project.resolve(SAMPLE).toString());

        step("Waiting for the operator to reconcile");
        LocalControlPlane.waitFor(
            "MeshControlPlane default to be reconciled",
            Duration.ofMinutes(3),
            () -> {
              if (!operator.isAlive()) {
                throw new IllegalStateException(
                    "operator exited:\n" + LocalControlPlane.tail(operatorLog));
              }
              var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
              return mcp != null
                  && mcp.getStatus() != null
                  && mcp.getStatus()
                      .condition(MeshControlPlaneStatus.READY)
                      .or(() -> mcp.getStatus().condition(MeshControlPlaneStatus.RECONCILED))
                      .map(c -> StatusCondition.TRUE.equals(c.getStatus()))
                      .orElse(false);
            });

        step("kubectl get meshcontrolplanes");
        kubectl(cp, "get", "meshcontrolplanes");
        step("kubectl get meshcontrolplane default -o yaml");
        kubectl(cp, "get", "meshcontrolplane", "default", "-o", "yaml");
        step(
            "kubectl label namespace bookinfo istio-injection=enabled; kubectl apply -f samples/bookinfo.yaml");
        admin
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("bookinfo")
                    .addToLabels("istio-injection", "enabled")
                    .endMetadata()
                    .build())
            .serverSideApply();
        LocalControlPlane.waitFor(
            "the default ServiceAccount in bookinfo",
            Duration.ofSeconds(60),
            () ->
                admin.serviceAccounts().inNamespace("bookinfo").withName("default").get() != null);
        kubectl(
            cp,
            "apply",
            "-n",
            "bookinfo",
            "-f",
            project.resolve("samples/bookinfo.yaml").toString());
        LocalControlPlane.waitFor(
            "Bookinfo to be available",
            Duration.ofMinutes(2),
            () ->
                admin.apps().deployments().inNamespace("bookinfo").list().getItems().stream()
                    .allMatch(
                        d ->
                            d.getStatus() != null
                                && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas())));
        step("The Bookinfo pods, with the injected istio-init and istio-proxy (native sidecar)");
        kubectl(
            cp,
            "get",
            "pods",
            "-n",
            "bookinfo",
            "-o",
            "custom-columns=POD:.metadata.name,READY:.status.conditions[?(@.type=='Ready')].status,"
                + "INIT+SIDECARS:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name,"
                + "PROXY:.spec.initContainers[?(@.name=='istio-proxy')].image");

        step("What the operator created");
        kubectl(
            cp,
            "get",
            "all,serviceaccounts,configmaps,roles,rolebindings",
            "-n",
            NS,
            "-l",
            "app.kubernetes.io/managed-by=istio-operator");
        kubectl(
            cp,
            "get",
            "clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations",
            "-l",
            "app.kubernetes.io/managed-by=istio-operator");

        step("kubectl delete meshcontrolplane default (uninstall)");
        kubectl(cp, "delete", "meshcontrolplane", "default", "--timeout=120s");
        // Namespaced objects go with the CR through owner references (garbage collector).
        LocalControlPlane.waitFor(
            "managed objects to be garbage-collected",
            Duration.ofSeconds(90),
            () ->
                admin
                    .serviceAccounts()
                    .inNamespace(NS)
                    .withLabel("app.kubernetes.io/managed-by", "istio-operator")
                    .list()
                    .getItems()
                    .isEmpty());
        step(
            "Left behind by the uninstall (Istio's CRDs stay on purpose: users' config lives in them)");
        kubectl(
            cp,
            "get",
            "all,serviceaccounts,configmaps,clusterroles,clusterrolebindings,"
                + "mutatingwebhookconfigurations,validatingwebhookconfigurations",
            "-A",
            "-l",
            "meshoperator.dev/control-plane-namespace=" + NS);
      } catch (RuntimeException e) {
        System.err.println("Demo failed: " + e.getMessage());
        System.err.println(
            "Operator log (" + operatorLog + "):\n" + LocalControlPlane.tail(operatorLog));
        exit = 1;
      } finally {
        step("Stopping the operator and the control plane");
        operator.destroy();
        if (!operator.waitFor(20, TimeUnit.SECONDS)) {
          operator.destroyForcibly().waitFor();
        }
      }
    }
    long left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    System.out.println(
        left == 0
            ? "\nStopped cleanly: no processes left."
            : "\nWARNING: " + left + " processes left");
    System.exit(exit != 0 ? exit : (left == 0 ? 0 : 1));
  }

  private static void kubectl(LocalControlPlane cp, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(cp.binDir().resolve("kubectl").toString());
    cmd.add("--kubeconfig=" + cp.adminKubeconfig());
    cmd.addAll(List.of(args));
    int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + rc);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void step(String s) {
    System.out.println("\n==> " + s);
  }
}
