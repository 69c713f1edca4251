package dev.meshoperator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/** Puts injected containers where Istio puts them. */
final class ContainerOrder {

  private ContainerOrder() {}

  static void apply(PodSpec spec, boolean holdApplication) {
    // The proxy goes last so `kubectl exec` and friends default to the application, unless the
    // application must wait for it: containers start in order.
    spec.setContainers(move(spec.getContainers(), Injector.PROXY_CONTAINER, holdApplication));
    List<Container> init = spec.getInitContainers();
    if (Injector.find(init, Injector.PROXY_CONTAINER) != null) {
      // Native sidecar: redirection, then the proxy, then the user's init containers, so that
      // those already run inside the mesh.
      init = move(init, Injector.ENABLE_CORE_DUMP_CONTAINER, true);
      init = move(init, Injector.PROXY_CONTAINER, true);
      init = move(init, Injector.VALIDATION_CONTAINER, true);
      init = move(init, Injector.INIT_CONTAINER, true);
    } else {
      // Validation must block user containers; iptables goes last so user init containers
      // still have unredirected network access.
      init = move(init, Injector.VALIDATION_CONTAINER, true);
      init = move(init, Injector.INIT_CONTAINER, false);
      init = move(init, Injector.ENABLE_CORE_DUMP_CONTAINER, false);
    }
    spec.setInitContainers(init);
  }

  private static List<Container> move(List<Container> list, String name, boolean first) {
    if (list == null) {
      return null;
    }
    List<Container> rest = new ArrayList<>();
    Container match = null;
    for (Container c : list) {
      if (name.equals(c.getName())) {
        match = c;
      } else {
        rest.add(c);
      }
    }
    if (match == null) {
      return list;
    }
    if (first) {
      rest.add(0, match);
    } else {
      rest.add(match);
    }
    return rest;
  }
}
