package dev.meshoperator.testing;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the operator under {@code @QuarkusTest} at the local control plane, authenticated as its
 * own ServiceAccount with the generated RBAC, as it would run in a cluster.
 */
public class LocalKubeTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    LocalCluster.get();
    Config sa =
        LocalControlPlane.shared()
            .serviceAccountConfig(
                ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
    Map<String, String> config = new HashMap<>();
    config.put("mesh-operator.namespace", ClusterSetup.OPERATOR_NAMESPACE);
    config.put("quarkus.kubernetes-client.api-server-url", sa.getMasterUrl());
    config.put("quarkus.kubernetes-client.token", sa.getOauthToken());
    config.put("quarkus.kubernetes-client.namespace", ClusterSetup.OPERATOR_NAMESPACE);
    if (sa.getCaCertData() != null) {
      config.put("quarkus.kubernetes-client.ca-cert-data", sa.getCaCertData());
    } else {
      config.put("quarkus.kubernetes-client.ca-cert-file", sa.getCaCertFile());
    }
    return config;
  }

  @Override
  public void stop() {
    // The control plane is shared by every test of the run and stops with the JVM.
  }
}
