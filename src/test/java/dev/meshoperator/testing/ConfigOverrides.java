package dev.meshoperator.testing;

import dev.meshoperator.config.OperatorConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;

/** An {@link OperatorConfig} with some leaf values replaced, e.g. to run a second "replica". */
public final class ConfigOverrides {

  private ConfigOverrides() {}

  /** Keys: "namespace", "webhook.tlsDirectory", "certificates.secretName", ... */
  public static OperatorConfig of(OperatorConfig base, Map<String, Object> overrides) {
    return proxy(OperatorConfig.class, base, "", overrides);
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(
      Class<T> type, Object target, String prefix, Map<String, Object> overrides) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              String key = prefix + method.getName();
              if (overrides.containsKey(key)) {
                return overrides.get(key);
              }
              try {
                Object value = method.invoke(target, args);
                if (method.getReturnType().isInterface()
                    && method
                        .getReturnType()
                        .getName()
                        .startsWith(OperatorConfig.class.getName())) {
                  return proxy(method.getReturnType(), value, key + ".", overrides);
                }
                return value;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
