package dev.meshoperator.config;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN once an informer of the operator has stopped for good. The SDK's readiness check
 * already turns DOWN while an informer is not watching (it may come back); a stopped informer never
 * does, and then no control plane would ever be reconciled again while the pod looked alive, so the
 * kubelet should restart it.
 */
@Liveness
@ApplicationScoped
public class InformersAlive implements HealthCheck {

  static final String NAME = "operator informers running";

  private final Operator operator;

  public InformersAlive(Operator operator) {
    this.operator = operator;
  }

  @Override
  public HealthCheckResponse call() {
    var info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      // Starting (or a command-line run): nothing has stopped.
      return HealthCheckResponse.named(NAME).up().withData("operator", "not started").build();
    }
    List<String> stopped = new ArrayList<>();
    for (var controller : info.getRegisteredControllers()) {
      controller
          .getControllerHealthInfo()
          .informerEventSourceHealthIndicators()
          .forEach(
              (source, health) ->
                  stopped.addAll(
                      stoppedInformers(
                          controller.getConfiguration().getName() + "/" + source,
                          health.informerHealthIndicators())));
    }
    return stopped.isEmpty()
        ? HealthCheckResponse.named(NAME).up().build()
        : HealthCheckResponse.named(NAME)
            .down()
            .withData("stopped", String.join(", ", stopped))
            .build();
  }

  /** The informers of one event source (one per watched namespace) that no longer run. */
  static List<String> stoppedInformers(
      String source, Map<String, InformerHealthIndicator> byNamespace) {
    List<String> stopped = new ArrayList<>();
    byNamespace.forEach(
        (namespace, h) -> {
          if (!h.isRunning()) {
            stopped.add(source + (namespace == null || namespace.isEmpty() ? "" : "@" + namespace));
          }
        });
    return stopped;
  }
}
