package dev.meshoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An Istio control plane installed into the CR's namespace: istiod, gateways and addons chosen by
 * profile and version, plus the settings the sidecar injector uses for this revision.
 */
@Group(MeshControlPlane.GROUP)
@Version(MeshControlPlane.VERSION)
@ShortNames("mcp")
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
public class MeshControlPlane extends CustomResource<MeshControlPlaneSpec, MeshControlPlaneStatus>
    implements Namespaced {

  public static final String GROUP = "meshoperator.dev";
  public static final String VERSION = "v1alpha1";
}
