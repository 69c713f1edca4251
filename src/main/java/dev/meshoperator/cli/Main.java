package dev.meshoperator.cli;

import dev.meshoperator.webhook.TlsFiles;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;

/**
 * The entry point of {@code quarkus-run.jar}. It looks at the arguments before Quarkus starts:
 *
 * <ul>
 *   <li>{@code kube-inject ...}: configures a command-line run ({@link CliMode}: no operator, no
 *       HTTP listener, logs on stderr) and runs {@link KubeInjectApplication}, exiting with its
 *       status;
 *   <li>anything else (normally nothing): runs the operator exactly as Quarkus' generated main
 *       does, until it is stopped.
 * </ul>
 */
@QuarkusMain
public final class Main {

  private Main() {}

  public static void main(String... args) {
    // The HTTPS server's TLS configuration is validated at start-up, before the operator can load
    // its Secret (and even when a command does not listen): make sure files exist (see TlsFiles).
    TlsFiles.ensurePlaceholder(Path.of(tlsDirectory()));
    if (args.length > 0 && KubeInjectCommand.NAME.equals(args[0])) {
      CliMode.enter();
      // The default exit handler calls System.exit with the application's status.
      Quarkus.run(KubeInjectApplication.class, args);
      return;
    }
    Quarkus.run(args);
  }

  /** mesh-operator.webhook.tls-directory as Quarkus will see it (system property, env, default). */
  static String tlsDirectory() {
    String value = System.getProperty("mesh-operator.webhook.tls-directory");
    if (value == null) {
      value = System.getenv("MESH_OPERATOR_WEBHOOK_TLS_DIRECTORY");
    }
    return value != null
        ? value
        : Path.of(System.getProperty("java.io.tmpdir"), "istio-operator", "tls").toString();
  }
}
