package dev.meshoperator.cli;

import io.quarkus.runtime.QuarkusApplication;
import java.util.Arrays;

/** Runs {@link KubeInjectCommand} inside a Quarkus started in {@link CliMode}. */
public class KubeInjectApplication implements QuarkusApplication {

  @Override
  public int run(String... args) {
    String[] rest =
        args.length > 0 && KubeInjectCommand.NAME.equals(args[0])
            ? Arrays.copyOfRange(args, 1, args.length)
            : args;
    return new KubeInjectCommand(System.in, System.out, System.err).run(rest);
  }
}
