package dev.meshoperator.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's root directory, found from the working directory upwards. */
public final class ProjectDir {

  private ProjectDir() {}

  public static Path get() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("hack"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "project directory not found above " + Path.of("").toAbsolutePath());
  }
}
