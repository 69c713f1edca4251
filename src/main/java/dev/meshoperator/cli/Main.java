package dev.meshoperator.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * The entry point of {@code quarkus-run.jar}. It looks at the arguments before Quarkus starts:
 *
 * <ul>
 *   <li>{@code kube-inject ...}: runs {@link KubeInjectCommand} as plain Java and exits with its
 *       status. Quarkus is never started: no CDI container, no Kubernetes client, no HTTP or
 *       management listener (two runs at once, or a run beside anything on port 9000, cannot
 *       collide), and none of the operator's start-up cost;
 *   <li>anything else (normally nothing): runs the operator exactly as Quarkus' generated main
 *       does, until it is stopped.
 * </ul>
 */
@QuarkusMain
public final class Main {

  private Main() {}

  public static void main(String... args) {
    if (args.length > 0 && KubeInjectCommand.NAME.equals(args[0])) {
      int status =
          new KubeInjectCommand(System.in, System.out, System.err)
              .run(Arrays.copyOfRange(args, 1, args.length));
      System.out.flush();
      System.exit(status);
    }
    Quarkus.run(args);
  }
}
