package dev.meshoperator.testing;

import dev.meshoperator.packaging.OperatorInstall;
import java.util.Arrays;
import java.util.List;

/**
 * The operator Deployment's JVM as the benchmarks start it outside a container: the Deployment's
 * own environment (JAVA_OPTS_APPEND, MALLOC_ARENA_MAX, from {@link OperatorInstall}, the source of
 * kustomize/ and the bundle) plus what its 512Mi memory limit tells the JVM there ({@code
 * -XX:MaxRAM=512m}). So a change to the shipped options is what the benchmarks measure.
 */
public final class DeploymentJvm {

  private DeploymentJvm() {}

  /** The value of the operator container's environment variable {@code name} ("" if unset). */
  public static String env(String name) {
    return OperatorInstall.deployment("istio-operator", "unused")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getValue())
        .findFirst()
        .orElse("");
  }

  /**
   * The JVM options: the memory limit and JAVA_OPTS_APPEND; with {@code oneCpu} also the
   * Deployment's CPU limit of one core ({@code -XX:ActiveProcessorCount=1}), else the machine's
   * cores.
   */
  public static String options(boolean oneCpu) {
    return "-XX:MaxRAM=512m "
        + (oneCpu ? "-XX:ActiveProcessorCount=1 " : "")
        + env("JAVA_OPTS_APPEND");
  }

  /** {@code options} split into arguments. */
  public static List<String> split(String options) {
    return Arrays.asList(options.trim().split("\\s+"));
  }
}
