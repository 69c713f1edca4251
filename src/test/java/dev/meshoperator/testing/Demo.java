package dev.meshoperator.testing;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.testing.QuickStartCluster.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The README's demo, Istio's quick start the operator way on the local cluster ({@link
 * QuickStartCluster}: the cluster, the packaged operator and the real istiod in a network namespace
 * of their own): install, demo mesh, label, Bookinfo, its Gateway (validated by istiod) and a
 * broken VirtualService (refused by istiod), {@code istioctl analyze}, GATEWAY_URL and istiod's
 * view of the route, uninstall. Exits non-zero if a step fails or a process is left behind.
 */
public final class Demo {

  private static final String NS = QuickStartCluster.MESH_NS;
  private static final String LB_IP = "192.0.2.10";
  private static final String BROKEN_VS =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: broken
      spec:
        hosts: [productpage]
        http:
        - match:
          - uri: {regex: "(unclosed"}
          route:
          - destination: {host: productpage}
      """;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Instant t0 = Instant.now();
    Path project = ProjectDir.get();
    var why = QuickStartCluster.unavailable();
    if (why.isPresent()) {
      System.err.println("The demo needs a network namespace of its own: " + why.get());
      System.exit(2);
    }
    int exit = 0;
    step(
        "Starting the local cluster in its own network namespace, the operator as its ServiceAccount");
    QuickStartCluster qs = QuickStartCluster.start();
    Runtime.getRuntime().addShutdownHook(new Thread(qs::close));
    IstiodProcess istiod = null;
    try {
      step("kubectl apply -f samples/meshcontrolplane-demo.yaml");
      print(
          qs.kubectl(
              "apply", "-f", project.resolve("samples/meshcontrolplane-demo.yaml").toString()));
      istiod = qs.istiod("istiod");
      IstiodProcess i = istiod;
      LocalControlPlane.waitFor("the real istiod ready", Duration.ofMinutes(4), i::isReady);
      qs.awaitReady("default", Duration.ofMinutes(4));
      step(
          "The real istiod (pilot-discovery "
              + version()
              + ") is Ready: GET /ready -> "
              + istiod.get("/ready").statusCode()
              + "; log "
              + istiod.log());
      print(qs.kubectl("get", "meshcontrolplanes"));
      print(qs.kubectl("get", "deployments,services", "-n", NS));

      step("kubectl label namespace default istio-injection=enabled");
      print(qs.kubectl("label", "namespace", "default", "istio-injection=enabled", "--overwrite"));
      step("kubectl apply -f samples/bookinfo.yaml");
      print(qs.kubectl("apply", "-f", project.resolve("samples/bookinfo.yaml").toString()));
      LocalControlPlane.waitFor(
          "Bookinfo available",
          Duration.ofMinutes(3),
          () -> {
            var ds = qs.admin().apps().deployments().inNamespace("default").list().getItems();
            return ds.size() == 6
                && ds.stream()
                    .allMatch(
                        d ->
                            d.getStatus() != null
                                && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()));
          });
      step("The Bookinfo pods, each with its injected istio-proxy (native sidecar)");
      print(
          qs.kubectl(
              "get",
              "pods",
              "-o",
              "custom-columns=POD:.metadata.name,READY:.status.conditions[?(@.type=='Ready')].status,"
                  + "INIT+SIDECARS:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name"));

      step("kubectl apply -f samples/bookinfo-gateway.yaml (validated by istiod's webhook)");
      Result gw =
          qs.apply("default", Files.readString(project.resolve("samples/bookinfo-gateway.yaml")));
      print(gw);
      require(gw.exitCode() == 0, "the Bookinfo Gateway was refused");
      step("A broken VirtualService (uri regex \"(unclosed\"): istiod must refuse it");
      Result broken = qs.apply("default", BROKEN_VS);
      print(broken);
      require(
          broken.exitCode() != 0 && broken.output().contains("validation.istio.io"),
          "the broken VirtualService was not refused by istiod");

      step("istioctl analyze --all-namespaces (the real istioctl)");
      Result analyze = qs.istioctl("analyze", "--all-namespaces");
      print(analyze);
      require(analyze.exitCode() == 0, "istioctl analyze reported errors");

      step("Health report");
      // Computed by the operator every mesh-operator.health.interval (10 s) from its pod cache.
      LocalControlPlane.waitFor(
          "the health report in the MeshControlPlane status",
          Duration.ofMinutes(2),
          () -> {
            var cr = qs.admin().resources(MeshControlPlane.class).withName("default").get();
            return cr.getStatus() != null
                && cr.getStatus().getHealth() != null
                && cr.getStatus().getHealth().upToDate != null
                && cr.getStatus().getHealth().upToDate > 0;
          });
      print(
          qs.kubectl(
              "get",
              "meshcontrolplane",
              "default",
              "-o",
              "jsonpath={.status.conditions[?(@.type==\"SidecarsUpToDate\")].message}{\"\\n\"}"
                  + "{.status.health}{\"\\n\"}"));

      step("GATEWAY_URL, from the ingress gateway's status");
      qs.assignLoadBalancerAddress(NS, "istio-ingressgateway", LB_IP);
      LocalControlPlane.waitFor(
          "the gateway address in status",
          Duration.ofMinutes(2),
          () -> !ingressAddress(qs).isEmpty());
      String url = ingressAddress(qs) + ":80";
      System.out.println("export GATEWAY_URL=" + url);
      System.out.println(
          "Stated plainly: no container runtime runs here, so no Envoy serves "
              + "http://"
              + url
              + "/productpage. The harness played the load balancer (the address is on "
              + "the cluster's network namespace loopback); what istiod would push to that gateway is below.");
      step("istiod's view of the route (GET /debug/configz, Gateway and VirtualService kinds)");
      String configz = istiod.get("/debug/configz").body();
      configz
          .lines()
          .filter(
              l ->
                  l.contains("\"kind\"")
                      || l.contains("\"name\"")
                      || l.contains("\"uri\"")
                      || l.contains("\"host\"")
                      || l.contains("exact")
                      || l.contains("prefix"))
          .filter(l -> !l.contains("managedFields"))
          .limit(60)
          .forEach(System.out::println);
      step("istiod's registry (GET /debug/registryz): Bookinfo's services");
      istiod
          .get("/debug/registryz")
          .body()
          .lines()
          .filter(l -> l.contains("\"hostname\"") && l.contains(".default.svc"))
          .forEach(System.out::println);

      step("Uninstall: kubectl delete meshcontrolplane default (purgeIstioCrdsOnDelete: true)");
      print(
          qs.kubectl(
              "patch",
              "meshcontrolplane",
              "default",
              "--type=merge",
              "-p",
              "{\"spec\":{\"purgeIstioCrdsOnDelete\":true}}"));
      print(qs.kubectl("delete", "meshcontrolplane", "default", "--timeout=180s"));
      LocalControlPlane.waitFor(
          "the control plane gone",
          Duration.ofMinutes(3),
          () -> qs.admin().apps().deployments().inNamespace(NS).list().getItems().isEmpty());
      print(qs.kubectl("delete", "namespace", NS, "--timeout=120s"));
      step("Left behind (Istio's CRDs, webhooks, cluster roles): nothing");
      print(
          qs.kubectl(
              "get",
              "crd,clusterroles,clusterrolebindings,validatingwebhookconfigurations,"
                  + "mutatingwebhookconfigurations",
              "-l",
              "app.kubernetes.io/managed-by=istio-operator"));
      print(qs.kubectl("get", "crd", "-o", "name"));
    } catch (RuntimeException e) {
      System.err.println("Demo failed: " + e.getMessage());
      System.err.println(
          "Operator log ("
              + qs.operator().log()
              + "):\n"
              + LocalControlPlane.tail(qs.operator().log()));
      if (istiod != null) {
        System.err.println("istiod log (" + istiod.log() + "):\n" + istiod.logTail());
      }
      exit = 1;
    } finally {
      step("Stopping istiod, the operator, the control plane and the network namespace");
      qs.close();
    }
    long left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    System.out.println(
        left == 0
            ? "\nStopped cleanly: no processes left. Demo took "
                + Duration.between(t0, Instant.now()).toSeconds()
                + " s."
            : "\nWARNING: " + left + " processes left");
    System.exit(exit != 0 ? exit : (left == 0 ? 0 : 1));
  }

  private static String ingressAddress(QuickStartCluster qs) {
    var cr = qs.admin().resources(MeshControlPlane.class).withName("default").get();
    return cr.getStatus().getGateways().stream()
        .filter(
            g ->
                "istio-ingressgateway".equals(g.name)
                    && g.addresses != null
                    && !g.addresses.isEmpty())
        .map(g -> g.addresses.get(0))
        .findFirst()
        .orElse("");
  }

  private static String version() {
    try {
      Process p =
          new ProcessBuilder(
                  IstioBinaries.dir().resolve("pilot-discovery").toString(), "version", "--short")
              .redirectErrorStream(true)
              .start();
      return new String(p.getInputStream().readAllBytes()).strip();
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static void print(Result r) {
    System.out.print(r.output());
  }

  private static void step(String s) {
    System.out.println("\n==> " + s);
  }
}
