package dev.meshoperator.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

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
    // No TLS files are needed before start-up: the HTTPS server's key comes from memory
    // (webhook.ServingTls), so a kube-inject run writes no key anywhere.
    if (args.length > 0 && KubeInjectCommand.NAME.equals(args[0])) {
      CliMode.enter();
      // The default exit handler calls System.exit with the application's status.
      Quarkus.run(KubeInjectApplication.class, args);
      return;
    }
    Quarkus.run(args);
  }
}
