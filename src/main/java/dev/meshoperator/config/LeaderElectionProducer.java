package dev.meshoperator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * JOSDK's leader election on a Lease in the operator's namespace, picked up by quarkus-operator-sdk
 * as the {@link LeaderElectionConfiguration} bean. Two replicas both serve the webhook; only the
 * lease holder runs the reconciler, so they never apply the same objects against each other.
 */
@Singleton
public class LeaderElectionProducer {

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    OperatorConfig.LeaderElection le = config.leaderElection();
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(le.leaseName())
        .withLeaseNamespace(config.namespace())
        .withLeaseDuration(le.leaseDuration())
        .withRenewDeadline(le.renewDeadline())
        .withRetryPeriod(le.retryPeriod())
        .withIdentity(le.identity().orElseGet(LeaderElectionProducer::defaultIdentity))
        .build();
  }

  /**
   * The pod name in a cluster; on a host (the local control plane, two processes side by side) the
   * host name alone would give two replicas one identity, and both would believe they lead.
   */
  static String defaultIdentity() {
    String pod = System.getenv("POD_NAME");
    String host = pod != null && !pod.isBlank() ? pod : hostName();
    return host + "_" + ProcessHandle.current().pid();
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "istio-operator";
    }
  }
}
