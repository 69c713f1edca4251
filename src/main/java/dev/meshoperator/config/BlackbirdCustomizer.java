package dev.meshoperator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The Kubernetes client's Jackson mapper reads and writes fabric8's model beans through Blackbird's
 * generated lambdas instead of core reflection. With reflection, the JDK generates a class in a
 * class loader of its own for every getter, setter and constructor called more than 15 times (over
 * a thousand after a demo reconcile at 10,000 pods: ~7 MiB of metaspace and heap); the Deployment
 * turns that off ({@code -Dsun.reflect.inflationThreshold}, see OperatorInstall), and Blackbird
 * keeps (de)serialization as fast as it was. The injection engine's mapper does the same
 * (dev.meshoperator.injection.Json).
 */
@Singleton
public class BlackbirdCustomizer implements KubernetesClientObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    // The engine's switch (-Ddev.meshoperator.json.no-lambdas=true) turns both mappers' lambdas
    // off.
    if (!Boolean.getBoolean("dev.meshoperator.json.no-lambdas")) {
      mapper.registerModule(new BlackbirdModule());
    }
  }
}
