package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a {@link MeshControlPlane}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MeshControlPlaneSpec {

  @JsonPropertyDescription(
      "Istio release to run, e.g. 1.30.3. The operator refuses versions it does not support "
          + "with a condition that lists the supported ones.")
  @Default(IstioVersions.DEFAULT)
  @Pattern("^[0-9]+\\.[0-9]+\\.[0-9]+$")
  private String version = IstioVersions.DEFAULT;

  @JsonPropertyDescription(
      "Installation profile: default (istiod + ingress gateway), demo (default + egress gateway, "
          + "access logs, full trace sampling, addons), minimal (istiod only), empty (nothing "
          + "unless enabled). Explicit fields override the profile's defaults.")
  @Default("default")
  private Profile profile = Profile.DEFAULT;

  @JsonPropertyDescription(
      "Revision name; empty for the default revision. Suffixes every revision-scoped resource "
          + "(istiod-<revision>) so control planes of different versions can run side by side. "
          + "Immutable: create a second MeshControlPlane for a canary instead.")
  @Pattern("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$")
  @ValidationRule(value = "self == oldSelf", message = "revision is immutable")
  private String revision;

  @JsonPropertyDescription("Registry of the Istio images. Default docker.io/istio.")
  @Default("docker.io/istio")
  private String hub = "docker.io/istio";

  @JsonPropertyDescription("Tag of the Istio images. Defaults to the version.")
  private String tag;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Profile getProfile() {
    return profile;
  }

  public void setProfile(Profile profile) {
    this.profile = profile;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getHub() {
    return hub;
  }

  public void setHub(String hub) {
    this.hub = hub;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }
}
