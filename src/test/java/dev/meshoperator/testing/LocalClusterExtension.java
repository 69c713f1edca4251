package dev.meshoperator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the local control plane once per test run (it is stopped when the JVM exits) and injects
 * {@link LocalCluster}, or the admin {@link KubernetesClient}, into test methods and constructors.
 */
public class LocalClusterExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalClusterExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).getOrComputeIfAbsent("cluster", k -> LocalCluster.get());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LocalCluster cluster = context.getStore(NS).remove("cluster", LocalCluster.class);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> type = p.getParameter().getType();
    return type == LocalCluster.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    LocalCluster cluster =
        e.getStore(NS).getOrComputeIfAbsent("cluster", k -> LocalCluster.get(), LocalCluster.class);
    return p.getParameter().getType() == LocalCluster.class ? cluster : cluster.admin();
  }
}
