package dev.meshoperator.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a command-line run changes, as configuration set before Quarkus starts: the operator is not
 * started, no HTTP listener is opened, and logs go to stderr (stdout carries the command's output).
 *
 * <p>{@code quarkus.operator-sdk.start-operator} cannot do the first: in quarkus-operator-sdk 7.7.3
 * it is fixed at build time (set at run time, Quarkus only warns that it differs from the built
 * value). {@link dev.meshoperator.config.OperatorLifecycle}, which starts the operator, reads
 * {@value #PROPERTY} instead.
 */
public final class CliMode {

  /** {@code true} for a command-line run; unset when running the operator. */
  public static final String PROPERTY = "meshoperator.cli";

  private CliMode() {}

  /** The system properties of a command-line run. */
  static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(PROPERTY, "true");
    // Runtime switch of quarkus-vertx-http: with no host and no domain socket the main HTTP
    // server is not started.
    p.put("quarkus.http.host-enabled", "false");
    // The management interface is enabled at build time and so still starts: keep it on
    // loopback and an ephemeral port, so a command never listens on the host's interfaces nor
    // fails because port 9000 is taken (two checkouts' tests running kube-inject at once).
    p.put("quarkus.management.host", "127.0.0.1");
    p.put("quarkus.management.port", "0");
    p.put("quarkus.banner.enabled", "false");
    p.put("quarkus.log.console.stderr", "true");
    p.put("quarkus.log.level", "WARN");
    return p;
  }

  /** Sets the properties of a command-line run that the user has not set (-D wins). */
  static void enter() {
    properties()
        .forEach(
            (k, v) -> {
              if (System.getProperty(k) == null) {
                System.setProperty(k, v);
              }
            });
  }
}
