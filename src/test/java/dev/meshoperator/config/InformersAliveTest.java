package dev.meshoperator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InformersAliveTest {

  private static InformerHealthIndicator informer(boolean running, boolean watching) {
    return new InformerHealthIndicator() {
      @Override
      public boolean hasSynced() {
        return true;
      }

      @Override
      public boolean isWatching() {
        return watching;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public String getTargetNamespace() {
        return null;
      }

      @Override
      public Status getStatus() {
        return running && watching ? Status.HEALTHY : Status.UNHEALTHY;
      }
    };
  }

  @Test
  void onlyStoppedInformersCountNotOnesThatAreReconnecting() {
    Map<String, InformerHealthIndicator> byNamespace = new LinkedHashMap<>();
    byNamespace.put("", informer(true, false)); // reconnecting: readiness' business
    byNamespace.put("istio-operator", informer(false, false));
    assertThat(InformersAlive.stoppedInformers("meshcontrolplane/webhook-secret", byNamespace))
        .containsExactly("meshcontrolplane/webhook-secret@istio-operator");
  }

  @Test
  void runningInformersAreAlive() {
    assertThat(InformersAlive.stoppedInformers("c/s", Map.of("", informer(true, true)))).isEmpty();
  }
}
