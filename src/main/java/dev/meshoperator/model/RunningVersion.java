package dev.meshoperator.model;

/**
 * The Istio version a control plane reports as running, and whether it is upgrading: the running
 * version moves to the wanted one only once istiod has rolled out the new image (at once when
 * istiod is not enabled, since nothing has to roll out). Pure.
 *
 * @param version the version to report; null while nothing has ever run
 * @param upgrading a version ran before, another is wanted, and istiod has not rolled it out yet
 */
public record RunningVersion(String version, boolean upgrading) {

  /**
   * @param previous the version the status reported so far (null before the first install)
   * @param wanted the spec's version
   */
  public static RunningVersion after(
      String previous, String wanted, boolean istiodEnabled, boolean istiodRolledOut) {
    String now = !istiodEnabled || istiodRolledOut ? wanted : previous;
    boolean upgrading = previous != null && !previous.equals(wanted) && !istiodRolledOut;
    return new RunningVersion(now, upgrading);
  }
}
