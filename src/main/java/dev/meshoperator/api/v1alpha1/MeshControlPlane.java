package dev.meshoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An Istio control plane: istiod, gateways and addons chosen by profile and version, installed into
 * {@code spec.namespace}, plus the settings the sidecar injector uses for this revision.
 *
 * <p>Cluster-scoped, as Sail's {@code Istio} is: a control plane grants istiod cluster-wide
 * permissions and chooses the sidecar image injected into every namespace of its revision, so
 * creating one is a cluster administrator's act, not a tenant's. The CR's name is the revision
 * ({@code default} is Istio's default revision, with unsuffixed names), so two control planes can
 * never claim one revision: the apiserver keeps names unique.
 */
@Group(MeshControlPlane.GROUP)
@Version(MeshControlPlane.VERSION)
@ShortNames("mcp")
// Every derived name must stay a DNS-1035 label: istiod-<revision> is a Service name (63).
@ValidationRule(
    value = "self.metadata.name.size() <= " + MeshControlPlane.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most "
            + MeshControlPlane.MAX_NAME_LENGTH
            + " characters: it is the revision, and istiod-<revision> must fit a 63-character"
            + " Service name")
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
    message =
        "metadata.name must be lower-case letters, digits and '-' (no dots), starting and ending"
            + " with a letter or digit: it is the revision (such as canary or 1-30-3), used in"
            + " object names and as the istio.io/rev label value")
@AdditionalPrinterColumn(
    name = "Namespace",
    jsonPath = ".spec.namespace",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Version",
    jsonPath = ".spec.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Profile",
    jsonPath = ".spec.profile",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Revision",
    jsonPath = ".status.revision",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MeshControlPlane extends CustomResource<MeshControlPlaneSpec, MeshControlPlaneStatus> {

  public static final String GROUP = "meshoperator.dev";
  public static final String VERSION = "v1alpha1";

  /** {@code istiod-} plus the revision is at most 63 characters. */
  public static final int MAX_NAME_LENGTH = 56;
}
